package dev.softmax.internal;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;

/**
 * A validated backward (or forward-mode JVP) call: from a forward output and an upstream gradient (or tangent),
 * the gradient with respect to the forward input.
 *
 * @param operation  {@link Operation#SOFTMAX}: {@code dx = y (dy - <y, dy>)}; {@link Operation#LOG_SOFTMAX}:
 *                   {@code dx = dy - exp(y) sum(dy)}
 * @param output     the forward output y (probabilities, or log-probabilities)
 * @param gradient   the upstream gradient dy (or the tangent v of a JVP)
 * @param result     dx; may be the same view as {@code output} or {@code gradient}
 * @param outputRows rows of y, with dx's offsets as the destination
 * @param gradientRows rows of y, with dy's offsets as the destination (same row numbering)
 */
public record BackwardCall(Operation operation, TensorView output, TensorView gradient, TensorView result,
        int axis, EdgePolicy policy, RowLayout outputRows, RowLayout gradientRows) {

    public boolean isEmpty() {
        return outputRows.rowCount() == 0 || outputRows.rowLength() == 0;
    }
}
