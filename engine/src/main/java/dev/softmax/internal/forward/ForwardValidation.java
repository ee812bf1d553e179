package dev.softmax.internal.forward;

import static dev.softmax.internal.call.OperandChecks.*;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.call.Operation;
import dev.softmax.internal.rows.RowLayout;

/** Validation of a forward softmax or log-softmax call. */
public final class ForwardValidation {

    private ForwardValidation() {}

    /**
     * Validates a forward call.
     *
     * @param axis        ONNX-style axis: {@code -rank .. rank-1}, negative counting from the end
     * @param temperature divisor of the logits; must be finite and positive
     */
    public static SoftmaxCall validate(
            Operation operation, TensorView src, TensorView dst, int axis, float temperature, EdgePolicy policy) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireFloatingPoint(src, "src");
        requireFloatingPoint(dst, "dst");
        requireSameShape(src, "src", dst, "dst");
        int normalisedAxis = TensorView.normaliseAxis(axis, src.rank());
        if (!Float.isFinite(temperature) || temperature <= 0f) {
            throw new IllegalArgumentException(
                    "temperature: " + temperature + " is not allowed; expected a finite value > 0");
        }
        requireUsable(src, "src");
        requireUsable(dst, "dst");
        requireWritable(dst, "dst");
        checkAliasing(src, "src", dst, "dst");
        requireDistinctElements(dst, "dst");
        RowLayout rows = RowLayout.of(normalisedAxis, src, dst);
        requireWorkableRowLength(dst, rows, SoftmaxCall.DST);
        return new SoftmaxCall(operation, src, dst, normalisedAxis, temperature, policy, rows);
    }

    /**
     * Returns {@code last} when this call repeats it (same view objects, operation, axis, temperature
     * and policy), else validates it anew: views are immutable, so for a repeat only what can change between calls is
     * checked again (the segments are alive and this thread may touch them). This keeps repeated calls in a loop
     * free of allocation.
     */
    public static SoftmaxCall reuseOrValidate(
            SoftmaxCall last,
            Operation operation,
            TensorView src,
            TensorView dst,
            int axis,
            float temperature,
            EdgePolicy policy) {
        if (last != null
                && last.src() == src
                && last.dst() == dst
                && last.operation() == operation
                && last.temperature() == temperature
                && last.policy() == policy
                && (last.axis() == axis || last.axis() == axis + src.rank())) {
            requireUsable(src, "src");
            requireUsable(dst, "dst");
            return last;
        }
        return validate(operation, src, dst, axis, temperature, policy);
    }
}
