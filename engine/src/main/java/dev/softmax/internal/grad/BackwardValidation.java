package dev.softmax.internal.grad;

import static dev.softmax.internal.call.OperandChecks.*;

import dev.softmax.EdgePolicy;
import dev.softmax.NonFiniteInputException;
import dev.softmax.TensorView;
import dev.softmax.internal.call.Operation;
import dev.softmax.internal.rows.RowLayout;
import java.util.Arrays;

/** Validation of a backward (or JVP) call. */
public final class BackwardValidation {

    private BackwardValidation() {}

    /**
     * Validates a backward call. {@code result} may be the very view {@code output} or {@code gradient} (each
     * element is read before it is overwritten); any other overlap with them is rejected. The names are the
     * public method's argument names ("y", "dy", "dx"; or "s", "v", "out" for a JVP), used in every message.
     */
    public static BackwardCall validate(
            Operation operation,
            TensorView output,
            String outputName,
            TensorView gradient,
            String gradientName,
            TensorView result,
            String resultName,
            int axis,
            EdgePolicy policy) {
        requireNonNull(output, outputName);
        requireNonNull(gradient, gradientName);
        requireNonNull(result, resultName);
        requireFloatingPoint(output, outputName);
        requireFloatingPoint(gradient, gradientName);
        requireFloatingPoint(result, resultName);
        requireSameShape(output, outputName, gradient, gradientName);
        requireSameShape(output, outputName, result, resultName);
        int normalisedAxis = TensorView.normaliseAxis(axis, output.rank());
        requireUsable(output, outputName);
        requireUsable(gradient, gradientName);
        requireUsable(result, resultName);
        requireWritable(result, resultName);
        checkAliasing(output, outputName, result, resultName);
        checkAliasing(gradient, gradientName, result, resultName);
        requireDistinctElements(result, resultName);
        RowLayout rows = RowLayout.of(normalisedAxis, output, gradient, result);
        requireWorkableRowLength(result, rows, BackwardCall.DX);
        return new BackwardCall(
                operation, output, outputName, gradient, gradientName, result, normalisedAxis, policy, rows);
    }

    /**
     * Returns {@code last} when this call repeats it (same view objects and names, operation, axis and policy),
     * checking only what can change between calls (liveness and thread access), else validates it anew; see
     * {@link dev.softmax.internal.forward.ForwardValidation#reuseOrValidate}.
     */
    public static BackwardCall reuseOrValidate(
            BackwardCall last,
            Operation operation,
            TensorView output,
            String outputName,
            TensorView gradient,
            String gradientName,
            TensorView result,
            String resultName,
            int axis,
            EdgePolicy policy) {
        if (last != null
                && last.output() == output
                && last.gradient() == gradient
                && last.result() == result
                && last.outputName() == outputName
                && last.gradientName() == gradientName
                && last.operation() == operation
                && last.policy() == policy
                && (last.axis() == axis || last.axis() == axis + output.rank())) {
            requireUsable(output, outputName);
            requireUsable(gradient, gradientName);
            requireUsable(result, resultName);
            return last;
        }
        return validate(operation, output, outputName, gradient, gradientName, result, resultName, axis, policy);
    }

    /**
     * Under {@link EdgePolicy#REJECT}: throws for the first NaN or infinity in the forward output (a -inf
     * log-probability is allowed) or in the upstream gradient, before anything is written.
     */
    public static void rejectNonFinite(BackwardCall call) {
        RowLayout rows = call.rows();
        TensorView y = call.output();
        TensorView g = call.gradient();
        boolean log = call.operation().isLog();
        long yStride = rows.axisStride(BackwardCall.Y);
        long gStride = rows.axisStride(BackwardCall.DY);
        RowLayout.Cursor cursor = rows.cursor(0);
        for (long r = 0; r < rows.rowCount(); r++, cursor.advance()) {
            for (long i = 0; i < rows.rowLength(); i++) {
                float value = y.dtype().getFloat(y.segment(), cursor.offset(BackwardCall.Y) + i * yStride);
                boolean allowed = Float.isFinite(value) || (log && value == Float.NEGATIVE_INFINITY);
                if (!allowed) {
                    throw nonFinite(call.outputName(), y, call.axis(), r, i, value);
                }
                float gradient = g.dtype().getFloat(g.segment(), cursor.offset(BackwardCall.DY) + i * gStride);
                if (!Float.isFinite(gradient)) {
                    throw nonFinite(call.gradientName(), y, call.axis(), r, i, gradient);
                }
            }
        }
    }

    private static NonFiniteInputException nonFinite(
            String name, TensorView shapeOf, int axis, long row, long column, float value) {
        long[] index = RowLayout.rowIndex(shapeOf, axis, row);
        index[axis] = column;
        return new NonFiniteInputException(
                name + ": element " + Arrays.toString(index) + " (row " + row + ", column " + column + ") is " + value
                        + "; policy REJECT accepts only finite values here",
                row,
                column);
    }
}
