package dev.softmax.internal.reduce;

import static dev.softmax.internal.call.OperandChecks.*;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.rows.RowLayout;
import java.util.Arrays;

/** Validation of a per-row reduction (log-sum-exp, entropy). */
public final class ReductionValidation {

    private ReductionValidation() {}

    /**
     * Validates a per-row reduction: {@code dst} has the shape of {@code src} without {@code axis} (shape
     * {@code [1]} when src has one dimension) and shares no memory with src.
     */
    public static ReductionCall validate(
            RowReductions.Kind kind, TensorView src, TensorView dst, int axis, EdgePolicy policy) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireFloatingPoint(src, "src");
        requireFloatingPoint(dst, "dst");
        int normalisedAxis = TensorView.normaliseAxis(axis, src.rank());
        long[] expected = reducedShape(src, normalisedAxis);
        if (!Arrays.equals(dst.shape(), expected)) {
            throw new IllegalArgumentException("dst: shape " + Arrays.toString(dst.shape()) + " does not match; "
                    + "expected " + Arrays.toString(expected) + " (src " + Arrays.toString(src.shape())
                    + " without axis " + normalisedAxis + ")");
        }
        requireUsable(src, "src");
        requireUsable(dst, "dst");
        requireWritable(dst, "dst");
        requireDistinctElements(dst, "dst");
        requireDisjoint(src, "src", dst, "dst");
        return new ReductionCall(kind, src, dst, normalisedAxis, policy, RowLayout.of(normalisedAxis, src));
    }

    private static long[] reducedShape(TensorView src, int axis) {
        if (src.rank() == 1) {
            return new long[] {1};
        }
        long[] shape = new long[src.rank() - 1];
        for (int d = 0, at = 0; d < src.rank(); d++) {
            if (d != axis) {
                shape[at++] = src.dim(d);
            }
        }
        return shape;
    }
}
