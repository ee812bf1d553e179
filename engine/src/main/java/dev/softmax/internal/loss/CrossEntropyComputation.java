package dev.softmax.internal.loss;

import dev.softmax.CrossEntropyLoss;
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
import java.lang.foreign.ValueLayout;

/**
 * Softmax cross-entropy, its log-probabilities and its gradient, one target row at a time along the class axis.
 * Each row of scores is read twice (maximum, then the sum of exponentials), plus once per requested output;
 * the loss itself needs only the label's score. Rows that are not contiguous f32 are gathered into a working
 * row first, so the vector kernels serve every layout.
 *
 * <p>Edge values follow the forward contract: a fully masked row has log-probabilities -inf (NaN under policy
 * NAN), so a target in it has loss +inf and, under ZERO, a zero gradient row; a row with a NaN or +inf is NaN
 * throughout. Ignored targets have loss 0 and a zero gradient row.
 */
public final class CrossEntropyComputation {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final RowMath math;
    private final Bf16Codec codec;

    public CrossEntropyComputation(KernelProvider kernels) {
        this.math = kernels.math();
        this.codec = kernels.codec();
    }

    /** Computes the call; returns the reduced loss (for NONE, the sum of the per-target losses). */
    public double compute(CrossEntropyCall call) {
        RowLayout rows = call.rows();
        TensorView scores = call.scores();
        long n = rows.rowLength();
        double meanDivisor = call.loss().reduction() == CrossEntropyLoss.Reduction.MEAN ? call.weightTotal() : 1.0;
        boolean direct = scores.dtype() == DType.F32 && (rows.axisStride(CrossEntropyCall.SCORES) == 1 || n == 1);
        double total = 0;
        RowLayout.Cursor cursor = rows.cursor(0);
        for (long r = 0; r < rows.rowCount(); r++, cursor.advance()) {
            MemorySegment row;
            long rowOffset;
            if (direct) {
                row = scores.segment();
                rowOffset = 4 * cursor.offset(CrossEntropyCall.SCORES);
            } else {
                row = WorkingRow.get(n);
                rowOffset = 0;
                RowCopy.gather(
                        codec,
                        scores,
                        cursor.offset(CrossEntropyCall.SCORES),
                        rows.axisStride(CrossEntropyCall.SCORES),
                        n,
                        row,
                        0);
            }
            long label = call.label(r);
            boolean ignored = call.ignored(label);
            double weight = ignored ? 0.0 : call.weight(label);
            float max = math.max(row, rowOffset, n);
            double logSumExp;
            RowState state;
            if (max == Float.NEGATIVE_INFINITY) {
                state = call.policy() == EdgePolicy.NAN ? RowState.NON_FINITE : RowState.MASKED;
                logSumExp = Double.NEGATIVE_INFINITY;
            } else if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
                state = RowState.NON_FINITE;
                logSumExp = Double.NaN;
            } else {
                state = RowState.FINITE;
                logSumExp = max + Math.log(math.sumExp(row, rowOffset, n, max));
            }
            double loss;
            if (ignored) {
                loss = 0;
            } else {
                loss = switch (state) {
                    case FINITE -> -weight * (row.get(F32, rowOffset + 4 * label) - logSumExp);
                    case MASKED -> weight == 0 ? 0 : Double.POSITIVE_INFINITY;
                    case NON_FINITE -> Double.NaN;
                };
            }
            total += loss;
            if (call.lossOut() != null) {
                TensorView out = call.lossOut();
                out.dtype().setFloat(out.segment(), RowLayout.rowMajorOffset(out, r), (float) loss);
            }
            if (call.logProbOut() != null) {
                writeLogProbabilities(call.logProbOut(), r, row, rowOffset, n, state, (float) logSumExp);
            }
            if (call.gradientOut() != null) {
                double factor = ignored ? 0 : weight / meanDivisor;
                writeGradient(
                        call.gradientOut(), r, row, rowOffset, n, state, (float) logSumExp, label, factor, ignored);
            }
        }
        return call.loss().reduction() == CrossEntropyLoss.Reduction.MEAN ? total / call.weightTotal() : total;
    }

    private enum RowState {
        FINITE,
        MASKED,
        NON_FINITE
    }

    private void writeLogProbabilities(
            TensorView out, long r, MemorySegment row, long rowOffset, long n, RowState state, float logSumExp) {
        float fill = switch (state) {
            case FINITE -> 0f;
            case MASKED -> Float.NEGATIVE_INFINITY;
            case NON_FINITE -> Float.NaN;
        };
        Target target = target(out, r, n);
        if (state == RowState.FINITE) {
            math.subtract(row, rowOffset, target.segment, target.offset, n, logSumExp);
        } else {
            fillRow(target.segment, target.offset, n, fill);
        }
        target.flush(codec, out, r);
    }

    private void writeGradient(
            TensorView out,
            long r,
            MemorySegment row,
            long rowOffset,
            long n,
            RowState state,
            float logSumExp,
            long label,
            double factor,
            boolean ignored) {
        Target target = target(out, r, n);
        if (ignored || state == RowState.MASKED) {
            fillRow(target.segment, target.offset, n, 0f);
        } else if (state == RowState.NON_FINITE) {
            fillRow(target.segment, target.offset, n, Float.NaN);
        } else {
            // softmax * factor, then the one-hot term at the label
            math.expShiftScale(row, rowOffset, target.segment, target.offset, n, logSumExp, (float) factor);
            long at = target.offset + 4 * label;
            float value = target.segment.get(F32, at);
            target.segment.set(F32, at, (float) (value - factor));
        }
        target.flush(codec, out, r);
    }

    /** Where an output row is computed: in place in an f32 contiguous output, else in a working row. */
    private record Target(MemorySegment segment, long offset, boolean scatter) {
        /** Copies a working row into the output (with rounding to its type); nothing for in-place targets. */
        void flush(Bf16Codec codec, TensorView out, long r) {
            if (scatter) {
                RowCopy.scatter(codec, segment, 0, out.dim(1), out, rowStart(out, r), out.stride(1));
            }
        }
    }

    private static Target target(TensorView out, long r, long n) {
        if (out.dtype() == DType.F32 && (out.stride(1) == 1 || n == 1)) {
            return new Target(out.segment(), 4 * rowStart(out, r), false);
        }
        return new Target(WorkingRow.second(n), 0, true);
    }

    /** Element offset of row {@code r}'s first element (class 0) in a view shaped like the scores. */
    private static long rowStart(TensorView view, long r) {
        long rest = r;
        long offset = 0;
        for (int d = view.rank() - 1; d >= 0; d--) {
            if (d == 1) {
                continue;
            }
            long size = view.dim(d);
            offset += (rest % size) * view.stride(d);
            rest /= size;
        }
        return offset;
    }

    private static void fillRow(MemorySegment segment, long offset, long n, float value) {
        for (long i = 0; i < n; i++) {
            segment.set(F32, offset + 4 * i, value);
        }
    }
}
