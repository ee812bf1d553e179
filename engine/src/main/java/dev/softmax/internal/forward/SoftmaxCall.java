package dev.softmax.internal.forward;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.call.Operation;
import dev.softmax.internal.rows.RowLayout;

/**
 * A forward call that passed validation: every backend receives only these.
 *
 * @param operation   softmax or log-softmax
 * @param src         input logits
 * @param dst         output; may be the same elements as {@code src} (in place)
 * @param axis        the softmax axis, normalised to {@code 0..rank-1}
 * @param temperature the divisor T of the logits ({@link #NO_TEMPERATURE} when none was given)
 * @param policy      edge-value policy of the engine
 * @param rows        the rows of src ({@link #SRC}) and dst ({@link #DST}) along {@code axis}
 */
public record SoftmaxCall(
        Operation operation,
        TensorView src,
        TensorView dst,
        int axis,
        float temperature,
        EdgePolicy policy,
        RowLayout rows) {

    /** Operand numbers in {@link #rows()}. */
    public static final int SRC = 0;

    public static final int DST = 1;

    /** The temperature of a call that gave none: dividing by 1 changes nothing, so no code path needs a flag. */
    public static final float NO_TEMPERATURE = 1f;

    public boolean hasTemperature() {
        return temperature != NO_TEMPERATURE;
    }

    public boolean isEmpty() {
        return rows.rowCount() == 0 || rows.rowLength() == 0;
    }
}
