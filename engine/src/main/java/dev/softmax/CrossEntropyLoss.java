package dev.softmax;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The options of a softmax cross-entropy, with exactly ONNX's {@code SoftmaxCrossEntropyLoss} (opset 13)
 * semantics: scores {@code [N, C]} or {@code [N, C, d1, ..., dk]} with the class axis 1, integer labels
 * {@code [N, d1, ..., dk]}, optional per-class weights {@code [C]}, an optional {@code ignore_index}, and a
 * reduction. Immutable.
 *
 * <p>Per target {@code t = (n, d...)} with label {@code y}: {@code loss_t = -w[y] * log_softmax(scores)[n, y, d...]},
 * where {@code w[y] = 1} without weights; a target whose label equals the ignore index has loss 0 and weight 0.
 * {@link Reduction#SUM} adds the losses; {@link Reduction#MEAN} divides that sum by the sum of the weights of
 * the targets that are not ignored (the number of such targets without weights): if every target is ignored
 * this is 0/0, NaN, as in ONNX's reference.
 */
public final class CrossEntropyLoss {

    /** How per-target losses are combined. */
    public enum Reduction {
        /** One loss per target, written to an output of shape {@code [N, d1, ..., dk]}. */
        NONE,
        /** The sum of the per-target losses. */
        SUM,
        /** The weighted mean (ONNX's default). */
        MEAN
    }

    private final Reduction reduction;
    private final Long ignoreIndex;
    private final TensorView weights;

    private CrossEntropyLoss(Reduction reduction, Long ignoreIndex, TensorView weights) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
        this.ignoreIndex = ignoreIndex;
        this.weights = weights;
    }

    /** A loss with the given reduction, no weights and no ignore index. */
    public static CrossEntropyLoss of(Reduction reduction) {
        return new CrossEntropyLoss(reduction, null, null);
    }

    /** ONNX's default: {@link Reduction#MEAN}. */
    public static CrossEntropyLoss mean() {
        return of(Reduction.MEAN);
    }

    /** The same loss, ignoring targets whose label is {@code index} (any value, also negative or >= C). */
    public CrossEntropyLoss withIgnoreIndex(long index) {
        return new CrossEntropyLoss(reduction, index, weights);
    }

    /** The same loss with per-class weights, a floating-point view of shape {@code [C]}. */
    public CrossEntropyLoss withWeights(TensorView classWeights) {
        return new CrossEntropyLoss(reduction, ignoreIndex, Objects.requireNonNull(classWeights, "weights"));
    }

    public Reduction reduction() {
        return reduction;
    }

    public OptionalLong ignoreIndex() {
        return ignoreIndex == null ? OptionalLong.empty() : OptionalLong.of(ignoreIndex);
    }

    /** The class weights, or {@code null}. */
    public TensorView weights() {
        return weights;
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss[" + reduction + (ignoreIndex == null ? "" : ", ignore_index=" + ignoreIndex)
                + (weights == null ? "" : ", weights=" + weights) + "]";
    }
}
