package dev.softmax.internal.loss;

import static dev.softmax.internal.call.OperandChecks.*;

import dev.softmax.CrossEntropyLoss;
import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.rows.RowLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Validation of a softmax cross-entropy call, labels included. */
public final class CrossEntropyValidation {

    private CrossEntropyValidation() {}

    /**
     * Validates a softmax cross-entropy: shapes of scores, labels, weights and outputs; types; aliasing; and
     * every label, which must be in {@code [0, C)} or equal the ignore index. Returns the call with the MEAN
     * divisor already summed, so nothing needs a second look at the labels.
     */
    public static CrossEntropyCall validate(
            TensorView scores,
            TensorView labels,
            CrossEntropyLoss loss,
            TensorView lossOut,
            TensorView logProbOut,
            TensorView gradientOut,
            EdgePolicy policy) {
        requireNonNull(scores, "scores");
        requireNonNull(labels, "labels");
        requireNonNull(loss, "loss");
        requireFloatingPoint(scores, "scores");
        if (scores.rank() < 2) {
            throw new IllegalArgumentException("scores: shape " + Arrays.toString(scores.shape()) + " has rank "
                    + scores.rank() + "; expected [N, C] or [N, C, d1, ..., dk]");
        }
        if (labels.dtype() != DType.I32 && labels.dtype() != DType.I64) {
            throw new IllegalArgumentException(
                    "labels: element type " + labels.dtype().label() + " is not supported; expected i32 or i64");
        }
        long[] targetShape = targetShape(scores);
        if (!Arrays.equals(labels.shape(), targetShape)) {
            throw new IllegalArgumentException("labels: shape " + Arrays.toString(labels.shape())
                    + " does not match scores " + Arrays.toString(scores.shape()) + "; expected "
                    + Arrays.toString(targetShape) + " (scores without the class axis 1)");
        }
        long classes = scores.dim(1);
        TensorView weights = loss.weights();
        if (weights != null) {
            requireFloatingPoint(weights, "weights");
            if (weights.rank() != 1 || weights.dim(0) != classes) {
                throw new IllegalArgumentException("weights: shape " + Arrays.toString(weights.shape())
                        + " does not match the " + classes + " classes of scores; expected [" + classes + "]");
            }
            requireUsable(weights, "weights");
        }
        boolean none = loss.reduction() == CrossEntropyLoss.Reduction.NONE;
        if (none && lossOut == null) {
            throw new NullPointerException("lossOut: must not be null for reduction NONE; expected a view of shape "
                    + Arrays.toString(targetShape));
        }
        if (!none && lossOut != null) {
            throw new IllegalArgumentException(
                    "lossOut: must be null for reduction " + loss.reduction() + " (the reduced loss is returned)");
        }
        requireUsable(scores, "scores");
        requireUsable(labels, "labels");
        List<TensorView> outputs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (lossOut != null) {
            requireFloatingPoint(lossOut, "lossOut");
            if (!Arrays.equals(lossOut.shape(), targetShape)) {
                throw new IllegalArgumentException("lossOut: shape " + Arrays.toString(lossOut.shape())
                        + " does not match; expected " + Arrays.toString(targetShape));
            }
            outputs.add(lossOut);
            names.add("lossOut");
        }
        for (Object[] named : new Object[][] {{logProbOut, "logProbOut"}, {gradientOut, "gradientOut"}}) {
            TensorView out = (TensorView) named[0];
            if (out == null) {
                continue;
            }
            String name = (String) named[1];
            requireFloatingPoint(out, name);
            requireSameShape(scores, "scores", out, name);
            outputs.add(out);
            names.add(name);
        }
        for (int i = 0; i < outputs.size(); i++) {
            TensorView out = outputs.get(i);
            String name = names.get(i);
            requireUsable(out, name);
            requireWritable(out, name);
            requireDistinctElements(out, name);
            requireDisjoint(labels, "labels", out, name);
            if (weights != null) {
                requireDisjoint(weights, "weights", out, name);
            }
            requireDisjoint(scores, "scores", out, name);
            for (int j = 0; j < i; j++) {
                requireDisjoint(outputs.get(j), names.get(j), out, name);
            }
        }
        RowLayout rows = RowLayout.of(1, scores);
        double weightTotal = checkLabels(scores, labels, loss, rows.rowCount());
        return new CrossEntropyCall(scores, labels, loss, lossOut, logProbOut, gradientOut, policy, rows, weightTotal);
    }

    /** {@code [N, d1, ..., dk]}: the scores' shape without the class axis. */
    private static long[] targetShape(TensorView scores) {
        long[] shape = new long[scores.rank() - 1];
        shape[0] = scores.dim(0);
        for (int d = 2; d < scores.rank(); d++) {
            shape[d - 1] = scores.dim(d);
        }
        return shape;
    }

    private static double checkLabels(TensorView scores, TensorView labels, CrossEntropyLoss loss, long targets) {
        long classes = scores.dim(1);
        double total = 0;
        for (long t = 0; t < targets; t++) {
            long label = labels.dtype().getLong(labels.segment(), RowLayout.rowMajorOffset(labels, t));
            if (loss.ignoreIndex().isPresent() && loss.ignoreIndex().getAsLong() == label) {
                continue;
            }
            if (label < 0 || label >= classes) {
                long[] index = new long[labels.rank()];
                long rest = t;
                for (int d = labels.rank() - 1; d >= 0; d--) {
                    index[d] = rest % labels.dim(d);
                    rest /= labels.dim(d);
                }
                throw new IllegalArgumentException("labels: element " + Arrays.toString(index) + " is " + label
                        + "; expected a class in 0.." + (classes - 1)
                        + (loss.ignoreIndex().isPresent()
                                ? " or the ignore index " + loss.ignoreIndex().getAsLong()
                                : ""));
            }
            TensorView weights = loss.weights();
            total += weights == null ? 1.0 : weights.dtype().getFloat(weights.segment(), label * weights.stride(0));
        }
        return total;
    }
}
