package dev.softmax.internal.loss;

import dev.softmax.CrossEntropyLoss;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.call.JavaOnlyCall;
import dev.softmax.internal.rows.RowLayout;

/**
 * A validated softmax cross-entropy call. Rows run along the class axis 1 of {@code scores}; row {@code r}
 * is target {@code r} in row-major order of {@code [N, d1, ..., dk]}, which is also the order of the labels.
 *
 * @param lossOut      per-target losses for {@link CrossEntropyLoss.Reduction#NONE}, else {@code null}
 * @param logProbOut   optional log-probabilities, shape of scores, or {@code null}
 * @param gradientOut  optional gradient of the (reduced) loss with respect to the scores, or {@code null}
 * @param weightTotal  the sum of the weights of the targets that are not ignored (the MEAN divisor)
 */
public record CrossEntropyCall(
        TensorView scores,
        TensorView labels,
        CrossEntropyLoss loss,
        TensorView lossOut,
        TensorView logProbOut,
        TensorView gradientOut,
        EdgePolicy policy,
        RowLayout rows,
        double weightTotal)
        implements JavaOnlyCall {

    /** The one operand of {@link #rows()}: scores along the class axis. */
    public static final int SCORES = 0;

    @Override
    public TensorView input() {
        return scores;
    }

    @Override
    public String inputName() {
        return "scores";
    }

    @Override
    public int inputOperand() {
        return SCORES;
    }

    /** Rows run along the class axis 1. */
    @Override
    public int axis() {
        return 1;
    }

    public long classes() {
        return scores.dim(1);
    }

    /** The label of target {@code row}. */
    public long label(long row) {
        return labels.dtype().getLong(labels.segment(), RowLayout.rowMajorOffset(labels, row));
    }

    /** Whether target {@code row} is ignored. */
    public boolean ignored(long label) {
        return loss.ignoreIndex().isPresent() && loss.ignoreIndex().getAsLong() == label;
    }

    /** The class weight of {@code label} (1 without weights). */
    public double weight(long label) {
        TensorView weights = loss.weights();
        return weights == null ? 1.0 : weights.dtype().getFloat(weights.segment(), label * weights.stride(0));
    }
}
