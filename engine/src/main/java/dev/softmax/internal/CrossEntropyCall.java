package dev.softmax.internal;

import dev.softmax.CrossEntropyLoss;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;

/**
 * A validated softmax cross-entropy call. Rows run along the class axis 1 of {@code scores}; row {@code r}
 * is target {@code r} in row-major order of {@code [N, d1, ..., dk]}, which is also the order of the labels.
 *
 * @param lossOut      per-target losses for {@link CrossEntropyLoss.Reduction#NONE}, else {@code null}
 * @param logProbOut   optional log-probabilities, shape of scores, or {@code null}
 * @param gradientOut  optional gradient of the (reduced) loss with respect to the scores, or {@code null}
 * @param weightTotal  the sum of the weights of the targets that are not ignored (the MEAN divisor)
 */
public record CrossEntropyCall(TensorView scores, TensorView labels, CrossEntropyLoss loss, TensorView lossOut,
        TensorView logProbOut, TensorView gradientOut, EdgePolicy policy, RowLayout rows, double weightTotal) {

    public long classes() {
        return scores.dim(1);
    }

    /** The label of target {@code row}. */
    public long label(long row) {
        return ElementAccess.getLong(labels.segment(), labels.dtype(), targetOffset(labels, row));
    }

    /** Whether target {@code row} is ignored. */
    public boolean ignored(long label) {
        return loss.ignoreIndex().isPresent() && loss.ignoreIndex().getAsLong() == label;
    }

    /** The class weight of {@code label} (1 without weights). */
    public double weight(long label) {
        TensorView weights = loss.weights();
        return weights == null ? 1.0
                : ElementAccess.get(weights.segment(), weights.dtype(), label * weights.stride(0));
    }

    /** Element offset of target {@code row} in a view of shape {@code [N, d1, ..., dk]}. */
    static long targetOffset(TensorView targets, long row) {
        long rest = row;
        long offset = 0;
        for (int d = targets.rank() - 1; d >= 0; d--) {
            long size = targets.dim(d);
            offset += (rest % size) * targets.stride(d);
            rest /= size;
        }
        return offset;
    }
}
