package dev.softmax.internal.grad;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.call.Operation;
import dev.softmax.internal.rows.RowLayout;

/**
 * A validated backward (or forward-mode JVP) call: from a forward output and an upstream gradient (or tangent),
 * the gradient with respect to the forward input.
 *
 * @param operation    {@link Operation#SOFTMAX}: {@code dx = y (dy - <y, dy>)}; {@link Operation#LOG_SOFTMAX}:
 *                     {@code dx = dy - exp(y) sum(dy)}
 * @param output       the forward output y (probabilities, or log-probabilities)
 * @param outputName   y's argument name in messages ("y", or "s" for a JVP)
 * @param gradient     the upstream gradient dy (or the tangent v of a JVP)
 * @param gradientName dy's argument name in messages
 * @param result       dx; may be the same view as {@code output} or {@code gradient}
 * @param rows         rows of y ({@link #Y}), dy ({@link #DY}) and dx ({@link #DX})
 */
public record BackwardCall(
        Operation operation,
        TensorView output,
        String outputName,
        TensorView gradient,
        String gradientName,
        TensorView result,
        int axis,
        EdgePolicy policy,
        RowLayout rows) {

    /** Operand numbers in {@link #rows()}. */
    public static final int Y = 0;

    public static final int DY = 1;
    public static final int DX = 2;

    public boolean isEmpty() {
        return rows.rowCount() == 0 || rows.rowLength() == 0;
    }
}
