package dev.softmax.internal.attention;

import dev.softmax.AttentionOptions;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.rows.RowLayout;

/**
 * An attention-softmax call that passed validation. Every operand is seen through a view of x's shape (the
 * packed mask: of x's shape with its last dimension in bytes), broadcast dimensions at stride 0, so that one
 * {@link RowLayout} walks them all: the key lengths are a view with stride 0 everywhere but axis 0, the sinks
 * everywhere but axis 1, the log-sum-exp output everywhere along the last axis. An absent operand is stood in
 * for by x (never read).
 *
 * @param x        the logits (scores)
 * @param dst      the output; may be the same elements as x (in place)
 * @param options  the options as the caller gave them (the identity a repeated call is recognised by)
 * @param queries  the size of axis -2 (1 for rank 1): the causal mask's query index of row r is {@code r % queries}
 * @param rows     the rows of every operand along the last axis, numbered as {@link #X} ... {@link #SINKS}
 */
public record AttentionCall(
        TensorView x,
        TensorView dst,
        AttentionOptions options,
        boolean log,
        float scale,
        float softcap,
        TensorView bias,
        TensorView mask,
        boolean maskPacked,
        boolean causal,
        long causalOffset,
        TensorView keyLengths,
        TensorView sinks,
        TensorView logSumExp,
        long queries,
        EdgePolicy policy,
        RowLayout rows) {

    /** Operand numbers in {@link #rows()}. */
    public static final int X = 0;

    public static final int DST = 1;
    public static final int BIAS = 2;
    public static final int MASK = 3;
    public static final int LSE = 4;
    public static final int KEY_LENGTHS = 5;
    public static final int SINKS = 6;

    public boolean hasBias() {
        return bias != null;
    }

    public boolean hasMask() {
        return mask != null;
    }

    public boolean hasKeyLengths() {
        return keyLengths != null;
    }

    public boolean hasSinks() {
        return sinks != null;
    }

    public boolean hasLogSumExp() {
        return logSumExp != null;
    }

    /** Nothing but a scale: the row is the plain (log-)softmax of {@code scale * x} over its valid prefix. */
    public boolean isPlain() {
        return bias == null && mask == null && softcap == 0f && sinks == null && logSumExp == null;
    }

    /** The last axis, along which the rows run. */
    public int axis() {
        return x.rank() - 1;
    }
}
