package dev.softmax.internal;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;

/**
 * A forward call that passed validation: every backend receives only these.
 *
 * @param operation   softmax or log-softmax
 * @param src         input logits
 * @param dst         output; may be the same elements as {@code src} (in place)
 * @param axis        the softmax axis, normalised to {@code 0..rank-1}
 * @param temperature the divisor T of the logits (1 when none was given)
 * @param policy      edge-value policy of the engine
 * @param rows        the row structure along {@code axis}
 */
public record SoftmaxCall(Operation operation, TensorView src, TensorView dst, int axis, float temperature,
        EdgePolicy policy, RowLayout rows) {

    public boolean hasTemperature() {
        return temperature != 1.0f;
    }

    public boolean isEmpty() {
        return rows.rowCount() == 0 || rows.rowLength() == 0;
    }
}
