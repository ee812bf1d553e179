package dev.softmax.internal.grad;

import static dev.softmax.internal.call.OperandChecks.*;

import dev.softmax.TensorView;
import java.util.Arrays;

/** Validation of an explicit Jacobian. */
public final class JacobianValidation {

    private JacobianValidation() {}

    /** The largest n for which {@code jacobian} writes an n x n matrix (4096^2 f32 = 64 MiB). */
    public static final long MAX_JACOBIAN_SIZE = 4096;

    /** Validates an explicit Jacobian: probabilities {@code [n]}, out {@code [n, n]}, n at most 4096. */
    public static void validate(TensorView probabilities, TensorView out) {
        requireNonNull(probabilities, "probabilities");
        requireNonNull(out, "out");
        requireFloatingPoint(probabilities, "probabilities");
        requireFloatingPoint(out, "out");
        if (probabilities.rank() != 1) {
            throw new IllegalArgumentException(
                    "probabilities: shape " + Arrays.toString(probabilities.shape()) + " is not one row; expected [n]");
        }
        long n = probabilities.dim(0);
        if (n > MAX_JACOBIAN_SIZE) {
            throw new IllegalArgumentException("probabilities: a Jacobian of " + n + " x " + n + " would hold "
                    + n * n + " elements; expected n <= " + MAX_JACOBIAN_SIZE + " (use softmaxBackward or softmaxJvp,"
                    + " which apply it without forming the matrix)");
        }
        if (out.rank() != 2 || out.dim(0) != n || out.dim(1) != n) {
            throw new IllegalArgumentException("out: shape " + Arrays.toString(out.shape()) + " does not match; "
                    + "expected [" + n + ", " + n + "]");
        }
        requireUsable(probabilities, "probabilities");
        requireUsable(out, "out");
        requireWritable(out, "out");
        requireDistinctElements(out, "out");
        requireDisjoint(probabilities, "probabilities", out, "out");
    }
}
