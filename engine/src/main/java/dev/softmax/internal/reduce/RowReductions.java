package dev.softmax.internal.reduce;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.RowMath;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;

/**
 * Per-row log-sum-exp (the log partition function) and softmax entropy, computed stably from the logits
 * without materialising the probabilities: with {@code t = x - max}, {@code S = sum e^t},
 * {@code logsumexp = max + log S} and {@code H = -sum s log s = log S - (sum e^t t) / S}, where
 * {@code 0 log 0 = 0} (a -inf logit contributes nothing).
 *
 * <p>Edge values: log-sum-exp of an all -inf row is -inf, of a row with +inf (and no NaN) +inf, with a NaN NaN.
 * Entropy of a fully masked row is 0 under ZERO and REJECT (its softmax is all 0) and NaN under NAN; a row with
 * a NaN or +inf has NaN entropy.
 */
public final class RowReductions {

    /** Which reduction. */
    public enum Kind {
        LOG_SUM_EXP,
        ENTROPY
    }

    private final RowMath math;
    private final Bf16Codec codec;

    public RowReductions(KernelProvider kernels) {
        this.math = kernels.math();
        this.codec = kernels.codec();
    }

    /** Writes every row's value into dst; returns the number of rows (the results are in dst). */
    public double compute(ReductionCall call) {
        Kind kind = call.kind();
        TensorView src = call.src();
        TensorView dst = call.dst();
        EdgePolicy policy = call.policy();
        RowLayout rows = call.rows();
        long n = rows.rowLength();
        boolean direct = src.dtype() == DType.F32 && (rows.axisStride(0) == 1 || n == 1);
        RowLayout.Cursor cursor = rows.cursor(0);
        for (long r = 0; r < rows.rowCount(); r++, cursor.advance()) {
            MemorySegment row = src.segment();
            long offset = 4 * cursor.offset(0);
            if (!direct) {
                row = WorkingRow.get(n);
                offset = 0;
                RowCopy.gather(codec, src, cursor.offset(0), rows.axisStride(0), n, row, 0);
            }
            float value = n == 0 ? emptyRow(kind) : reduce(kind, row, offset, n, policy);
            dst.dtype().setFloat(dst.segment(), RowLayout.rowMajorOffset(dst, r), value);
        }
        return rows.rowCount();
    }

    private static float emptyRow(Kind kind) {
        return kind == Kind.LOG_SUM_EXP ? Float.NEGATIVE_INFINITY : 0f;
    }

    private float reduce(Kind kind, MemorySegment row, long offset, long n, EdgePolicy policy) {
        float max = math.max(row, offset, n);
        if (Float.isNaN(max)) {
            return Float.NaN;
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return kind == Kind.LOG_SUM_EXP ? Float.NEGATIVE_INFINITY : policy == EdgePolicy.NAN ? Float.NaN : 0f;
        }
        if (max == Float.POSITIVE_INFINITY) {
            return kind == Kind.LOG_SUM_EXP ? Float.POSITIVE_INFINITY : Float.NaN;
        }
        double sum = math.sumExp(row, offset, n, max);
        if (kind == Kind.LOG_SUM_EXP) {
            return (float) (max + Math.log(sum));
        }
        double cross = math.expWeightedShift(row, offset, n, max);
        return (float) (Math.log(sum) - cross / sum);
    }
}
