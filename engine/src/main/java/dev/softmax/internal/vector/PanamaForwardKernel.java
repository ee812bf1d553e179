package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;
import static dev.softmax.internal.vector.PanamaVectorConstants.SUM_BLOCK;
import static dev.softmax.internal.vector.PanamaVectorConstants.SWAP_1;
import static dev.softmax.internal.vector.PanamaVectorConstants.SWAP_16;
import static dev.softmax.internal.vector.PanamaVectorConstants.SWAP_2;
import static dev.softmax.internal.vector.PanamaVectorConstants.SWAP_32;
import static dev.softmax.internal.vector.PanamaVectorConstants.SWAP_4;
import static dev.softmax.internal.vector.PanamaVectorConstants.SWAP_8;
import static dev.softmax.internal.vector.PanamaVectorConstants.WIDE;
import static dev.softmax.internal.vector.PanamaVectorConstants.WIDE_LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.floatPair;
import static dev.softmax.internal.vector.PanamaVectorConstants.high;
import static dev.softmax.internal.vector.PanamaVectorConstants.low;
import static dev.softmax.internal.vector.PanamaVectorConstants.maxOfLanes;

import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.FloatConversions;
import dev.softmax.internal.kernel.ForwardKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Softmax and log-softmax on the Vector API: maximum, exponentials and their sum, then normalisation, with
 * full-width vectors and a scalar tail. {@link PanamaVectorConstants} describes the shape of the code (one pass
 * per method, scalar signatures, one exponential per row in each) and the blocked sums. The passes this kernel
 * shares with the row math (scaling, the sum of exponentials, the shifted store) are {@link PanamaRowMath}'s.
 *
 * <p>Why long rows stay three-pass (max, exponentials and sum, scale) rather than taking the online normaliser
 * (Milakov and Gimelshein, 2018): a blocked form of it was built and measured (per-1024-block maximum and sum,
 * running sum rescaled by one scalar exp per block, then one output pass {@code exp(x - lse)}), and it saves a
 * memory pass but computes every exponential twice. JMH on this 2-core AVX-512 machine (2 MiB L2 per core), JAVA
 * backend, one thread, µs, three-pass vs online: softmax 1x300000 189 vs 217, 1x1000000 753 vs 800, 1x4000000
 * 3311 vs 3124 (within its ± 135), 16x300000 3469 vs 4624; log-softmax 164 vs 186, 715 vs 750, 2931 vs 3084,
 * 3878 vs 3970. It never won beyond noise, even with rows eight times the L2, so it was not kept.
 */
final class PanamaForwardKernel implements ForwardKernel {

    /**
     * Rows up to this long take the one-method short path (f32 sums; see {@link #shortSoftmax}); longer ones the
     * pipelined path. Why 1024: JAVA f32, JMH, 1 and 2 threads, this host, 2026-12-06, two runs each alternating
     * (with {@link #PAIRED_ROW} the same): 1024x1024 342-358 us (1 thread) and 184-188 us (2) on the pipelined path,
     * 325-335 and 165-169 us as pairs; 1024x768 263-291 and 135-143 us against 230-246 and 118-121 us. Before the
     * pairs had two maximum accumulators, 512 was better (1024x1024 one row at a time: 521-531 us, pipelined 470-508
     * us). A lane sums at most {@value #SHORT_ROW} / lanes exponentials, each at most 1, so the f32 sum stays within
     * the README's accuracy bounds (the accuracy tests run at 128, 256 and 512 bits). Attention rows of 513-1024 keys
     * move from the unfused long path to the fused short one with it (probe, 1 thread, one JVM each, this host,
     * 2026-12-06): causal {@code [1, 8, 1024, 1024]} f32 3.24-3.41 to 2.43-2.70 ms; a bias shared by the heads,
     * {@code [1, 8, 256, 1024]}, f32 1.15-1.16 to 0.86-0.93 ms and bf16 2.09 to 0.85 ms.
     */
    static final long SHORT_ROW = 1024;
    /**
     * Rows up to this long are computed two at a time (see {@link #shortSoftmaxPair}): every short row, with the
     * one-row path's arithmetic. Why 1024: with the pair's two maximum accumulators, pairing up to 512 rather than
     * 256 took JAVA f32 1024x512 from 0.388-0.397 to 0.323-0.338 ns an element (one JVM each, twice, this host,
     * 2026-12-06; 4096x128 unchanged), and up to 1024 rather than 512 gave the figures above. Pairs of longer rows
     * would need the long rows' double sums to keep their bits.
     */
    static final long PAIRED_ROW = SHORT_ROW;

    @Override
    public void softmax(
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float temperature,
            boolean zeroMaskedRows) {
        if (n <= SHORT_ROW && temperature == 1f) {
            shortSoftmax(src, srcOffset, dst, dstOffset, n, zeroMaskedRows);
            return;
        }
        float max = maxIgnoringNaN(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fillMaskedOrNaN(src, srcOffset, dst, dstOffset, n, zeroMaskedRows ? 0f : Float.NaN);
            return;
        }
        double sum = temperature == 1f
                ? expStoreSum(src, srcOffset, dst, dstOffset, n, max)
                : expStoreSumScaled(src, srcOffset, dst, dstOffset, n, max, temperature);
        PanamaRowMath.scaleRow(dst, dstOffset, n, (float) (1.0 / sum));
    }

    @Override
    public void logSoftmax(
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float temperature,
            boolean zeroMaskedRows) {
        if (n <= SHORT_ROW && temperature == 1f) {
            shortLogSoftmax(src, srcOffset, dst, dstOffset, n, zeroMaskedRows);
            return;
        }
        float max = maxIgnoringNaN(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fillMaskedOrNaN(src, srcOffset, dst, dstOffset, n, zeroMaskedRows ? Float.NEGATIVE_INFINITY : Float.NaN);
            return;
        }
        if (temperature == 1f) {
            float logSum = (float) Math.log(PanamaRowMath.expSum(src, srcOffset, n, max));
            PanamaRowMath.shiftStore(src, srcOffset, dst, dstOffset, n, max, logSum);
        } else {
            float logSum = (float) Math.log(expSumScaled(src, srcOffset, n, max, temperature));
            shiftStoreScaled(src, srcOffset, dst, dstOffset, n, max, temperature, logSum);
        }
    }

    /**
     * Softmax of a short row (attention rows, small vocabularies): the row is in L1, so the cost is
     * in per-row overheads, not memory. The sum stays in f32 lanes (at most {@value #SHORT_ROW} / lanes additions
     * each) and is folded by a fixed shuffle tree, without the double
     * widening of long rows.
     */
    private static void shortSoftmax(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, boolean zeroMaskedRows) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER);
            maxes = maxes.blend(v, v.compare(VectorOperators.GT, maxes));
        }
        float max = maxOfLanes(maxes);
        for (; i < n; i++) {
            float value = src.get(F32, srcOffset + 4 * i);
            if (value > max) {
                max = value;
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            fillMaskedOrNaN(src, srcOffset, dst, dstOffset, n, zeroMaskedRows ? 0f : Float.NaN);
            return;
        }
        float sum = shortExpStoreSum(src, srcOffset, dst, dstOffset, n, max);
        float scale = 1f / sum;
        FloatVector scaleVector = FloatVector.broadcast(SPECIES, scale);
        for (i = 0; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, dstExact, dstOffset + 4 * i, ORDER)
                    .mul(scaleVector)
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, dst.get(F32, dstOffset + 4 * i) * scale);
        }
    }

    @Override
    public void softmaxRows(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            boolean zeroMaskedRows) {
        long r = 0;
        if (n <= PAIRED_ROW) {
            for (; r + 1 < rows; r += 2) {
                shortSoftmaxPair(
                        src,
                        srcOffset + r * srcStride,
                        srcOffset + (r + 1) * srcStride,
                        dst,
                        dstOffset + r * dstStride,
                        dstOffset + (r + 1) * dstStride,
                        n,
                        zeroMaskedRows);
            }
        }
        if (n > SHORT_ROW && r < rows) {
            pipelinedSoftmax(
                    src,
                    srcOffset + r * srcStride,
                    srcStride,
                    dst,
                    dstOffset + r * dstStride,
                    dstStride,
                    n,
                    rows - r,
                    zeroMaskedRows);
            return;
        }
        for (; r < rows; r++) {
            softmax(src, srcOffset + r * srcStride, dst, dstOffset + r * dstStride, n, 1f, zeroMaskedRows);
        }
    }

    @Override
    public boolean widensBf16InPasses() {
        return true;
    }

    @Override
    public long bf16WorkFloats(long n) {
        return n <= PAIRED_ROW ? 2 * n : n;
    }

    /**
     * bf16 rows with the widening folded into the maximum pass and the rounding into the scaling pass, between
     * them the f32 passes of {@link #softmax} on the widened rows in {@code work} (short rows two at a time, as
     * {@link #softmaxRows} pairs them): the same arithmetic as the default's widen, {@link #softmax} and round, so
     * the same bits, in three passes instead of five.
     */
    @Override
    public void softmaxRowsBf16(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            boolean zeroMaskedRows,
            Bf16Codec codec,
            MemorySegment work) {
        long r = 0;
        if (n <= PAIRED_ROW) {
            long workB = 4 * n;
            for (; r + 1 < rows; r += 2) {
                long srcA = srcOffset + r * srcStride;
                long dstA = dstOffset + r * dstStride;
                long maxes = PanamaBf16Codec.widenMaxPair(src, srcA, srcA + srcStride, work, 0, workB, n);
                float maxA = high(maxes);
                float maxB = low(maxes);
                if (maxA == Float.NEGATIVE_INFINITY || maxB == Float.NEGATIVE_INFINITY) {
                    shortSoftmax(work, 0, work, 0, n, zeroMaskedRows);
                    shortSoftmax(work, workB, work, workB, n, zeroMaskedRows);
                    codec.narrowBf16(work, 0, dst, dstA, n);
                    codec.narrowBf16(work, workB, dst, dstA + dstStride, n);
                    continue;
                }
                long sums = expStoreSumPair(work, 0, workB, work, 0, workB, n, maxA, maxB);
                PanamaBf16Codec.scaleNarrowProbabilities(work, 0, dst, dstA, n, 1f / high(sums));
                PanamaBf16Codec.scaleNarrowProbabilities(work, workB, dst, dstA + dstStride, n, 1f / low(sums));
            }
        }
        for (; r < rows; r++) {
            long srcAt = srcOffset + r * srcStride;
            long dstAt = dstOffset + r * dstStride;
            if (n <= SHORT_ROW) {
                codec.widenBf16(src, srcAt, work, 0, n);
                shortSoftmax(work, 0, work, 0, n, zeroMaskedRows);
                codec.narrowBf16(work, 0, dst, dstAt, n);
                continue;
            }
            float max = PanamaBf16Codec.widenMax(src, srcAt, work, 0, n);
            if (max == Float.NEGATIVE_INFINITY) {
                fillMaskedOrNaN(work, 0, work, 0, n, zeroMaskedRows ? 0f : Float.NaN);
                codec.narrowBf16(work, 0, dst, dstAt, n);
                continue;
            }
            double sum = expStoreSum(work, 0, work, 0, n, max);
            PanamaBf16Codec.scaleNarrowProbabilities(work, 0, dst, dstAt, n, (float) (1.0 / sum));
        }
    }

    /**
     * The attention rows' softmax with the logits computed on the way ({@code z = scale * x + bias}): per row, one
     * pass writes the logits into the destination and takes their maximum, then the exponentials and their sum are
     * computed in place and the row is scaled, each row with exactly {@link #shortSoftmax}'s arithmetic (the same
     * maximum, exponentials, lane sums, fold and factor), so the bits are those of the unfused path. For a bf16
     * destination the row is computed in the working row and the scaling pass rounds into the destination. Long rows
     * take the unfused path.
     *
     * <p>Why fused: unfused, {@code [4, 16, 512, 512]} with a broadcast bias spent 45% of its time in the logits
     * pass and 27% in the softmax, one after the other: 1.4x the plain softmax (JFR, this host, 2026-12-05). Why one
     * row at a time: the first fused kernel overlapped row r's scaling with row r+1's logits pass, as
     * {@link #pipelinedSoftmax} does for long rows; one row at a time was faster (attention / plain in one warmed-up
     * JVM, this host, 2026-12-05: f32 14.0-14.5 ms against 15.9-16.4, beside a plain softmax of 12.5-13.6; bf16
     * 16.7 against 18.2 with 1 thread, 9.1 against 10.7 with 2).
     *
     * <p>Why the bf16 destination is rounded in the last pass: staged (a block of rows computed in f32, then each
     * row rounded out by the codec), the bf16 bias rows of {@code [4, 16, 512, 512]} spent 17% of their time in the
     * rounding pass and 2% in the scaling (JFR, this host, 2026-12-05); fused, the call went from 16.9 ms to 12.8
     * ms (1.27x the plain bf16 softmax, one JVM). The logits pass of a bf16 x skips the NaN test (a NaN sum finds it
     * afterwards): 87-90 us to 83 us on a {@code [1, 4, 64, 512]} call that stays in L2, 3-4% on the full shape.
     */
    @Override
    public void softmaxRowsScaledBiased(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment bias,
            long biasOffset,
            long biasStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            float scale,
            boolean bf16Source,
            boolean bf16Destination,
            boolean zeroMaskedRows,
            MemorySegment work) {
        if (n > SHORT_ROW) {
            longScaledBiased(
                    src,
                    srcOffset,
                    srcStride,
                    bias,
                    biasOffset,
                    biasStride,
                    dst,
                    dstOffset,
                    dstStride,
                    n,
                    rows,
                    scale,
                    bf16Source,
                    bf16Destination,
                    zeroMaskedRows,
                    work);
            return;
        }
        for (long r = 0; r < rows; r++) {
            long srcAt = srcOffset + r * srcStride;
            long biasAt = biasOffset + r * biasStride;
            long dstAt = dstOffset + r * dstStride;
            // The f32 logits go to the destination row, or for a bf16 destination to the working row (in L1).
            MemorySegment z = bf16Destination ? work : dst;
            long zAt = bf16Destination ? 0 : dstAt;
            float max = bf16Source
                    ? logitsBf16(src, srcAt, bias, biasAt, z, zAt, n, scale)
                    : logits(src, srcAt, bias, biasAt, z, zAt, n, scale);
            float sum = Math.abs(max) <= Float.MAX_VALUE ? shortExpSumInPlace(z, zAt, n, max) : Float.NaN;
            if (Float.isNaN(sum)) {
                // A NaN among the logits (f32 x: the maximum says so; bf16 x: the sum does), a +inf, or nothing
                // above -inf. A bf16 x is still intact (it cannot share the f32 logits' memory, and a bf16
                // destination is written only by the last pass), so its logits, overwritten by the exponentials,
                // are computed again; an f32 x in place is gone, but then the maximum found the NaN before the
                // exponentials overwrote anything.
                if (bf16Source) {
                    logitsBf16(src, srcAt, bias, biasAt, z, zAt, n, scale);
                }
                edgeRowFromLogits(z, zAt, bias, biasAt, n, zeroMaskedRows);
                if (bf16Destination) {
                    PanamaBf16Codec.SHARED.narrowBf16(z, zAt, dst, dstAt, n);
                }
                continue;
            }
            if (bf16Destination) {
                PanamaBf16Codec.scaleNarrowProbabilities(z, zAt, dst, dstAt, n, 1f / sum);
            } else {
                PanamaRowMath.scaleRow(z, zAt, n, 1f / sum);
            }
        }
    }

    /**
     * A row whose logits hold a NaN, a +inf, or nothing above -inf, from its logits at {@code zAt}: the unguarded
     * logits differ from the exact ones only at NaNs (bias -inf beside x +-inf or NaN), which the bias restores to
     * -inf; the short softmax then applies the edge policy.
     */
    private static void edgeRowFromLogits(
            MemorySegment z, long zAt, MemorySegment bias, long biasAt, long n, boolean zeroMaskedRows) {
        PanamaAttentionKernel.maskWhereBiasIsNegativeInfinity(z, zAt, bias, biasAt, n);
        shortSoftmax(z, zAt, z, zAt, n, zeroMaskedRows);
    }

    /**
     * Two heads' rows that share their bias rows, a row of each at a time: one pass reads the bias row once for
     * both and writes both rows' logits with their maxima, then {@link #expStoreSumPair} computes both rows'
     * exponentials and sums interleaved, then each row is scaled; each row's arithmetic is that of {@link
     * #softmaxRowsScaledBiased} (the same logits, exponentials, lane sums, fold and factor), so the bits are too.
     * A row whose logits are not all finite or -inf finishes as that method finishes it. bf16 rows keep their
     * logits and exponentials in the two working rows and are rounded out by the scaling pass; a pair holding a
     * NaN from x (a NaN sum) or a non-finite maximum is computed again a row at a time by that method.
     *
     * <p>Why: the fused rows of {@code [4, 16, 512, 512]} with a bias shared by the heads read every bias row
     * sixteen times, from L2, beside the two memory streams of x and the destination, and a 512-key row alone is
     * one chain of dependent steps. Two heads at a time (probe, one JVM per figure, median of the second half of 4 s
     * of calls, jars alternated, this host, 2026-12-06): 1 thread 13.1-14.5 ms to 11.7-13.0 ms (three runs each;
     * plain softmax of the shape 12.9 ms), 2 threads 6.57-6.63 ms to 5.37-5.60 ms (plain 5.20 ms). bf16 rows went
     * the same way once the plain bf16 softmax was paired ({@link #softmaxRowsBf16}): one row at a time they took
     * 1.09x (1 thread) and 1.20x (2 threads) the plain softmax of that shape, against issue 14's 1.15x; paired,
     * 8.70 to 6.63 ms and 3.93 to 3.23 ms (JMH, this host, 2026-12-06).
     */
    @Override
    public void softmaxRowsScaledBiasedPairs(
            MemorySegment src,
            long srcA,
            long srcB,
            long srcStride,
            MemorySegment bias,
            long biasOffset,
            long biasStride,
            MemorySegment dst,
            long dstA,
            long dstB,
            long dstStride,
            long n,
            long rows,
            float scale,
            boolean zeroMaskedRows,
            boolean bf16Rows,
            MemorySegment work) {
        if (n > SHORT_ROW) {
            ForwardKernel.super.softmaxRowsScaledBiasedPairs(
                    src,
                    srcA,
                    srcB,
                    srcStride,
                    bias,
                    biasOffset,
                    biasStride,
                    dst,
                    dstA,
                    dstB,
                    dstStride,
                    n,
                    rows,
                    scale,
                    zeroMaskedRows,
                    bf16Rows,
                    work);
            return;
        }
        long workB = 4 * n;
        for (long r = 0; r < rows; r++) {
            long xA = srcA + r * srcStride;
            long xB = srcB + r * srcStride;
            long biasAt = biasOffset + r * biasStride;
            long outA = dstA + r * dstStride;
            long outB = dstB + r * dstStride;
            // The f32 logits go to the destination rows, or for bf16 rows to the working rows (in L1), from which
            // the scaling pass rounds them out.
            MemorySegment z = bf16Rows ? work : dst;
            long zA = bf16Rows ? 0 : outA;
            long zB = bf16Rows ? workB : outB;
            long maxes = bf16Rows
                    ? logitsPairBf16(src, xA, xB, bias, biasAt, work, workB, n, scale)
                    : logitsPair(src, xA, xB, bias, biasAt, dst, outA, outB, n, scale);
            float maxA = high(maxes);
            float maxB = low(maxes);
            if (Math.abs(maxA) <= Float.MAX_VALUE && Math.abs(maxB) <= Float.MAX_VALUE) {
                long sums = expStoreSumPair(z, zA, zB, z, zA, zB, n, maxA, maxB);
                float sumA = high(sums);
                float sumB = low(sums);
                if (!bf16Rows) {
                    PanamaRowMath.scaleRow(dst, outA, n, 1f / sumA);
                    PanamaRowMath.scaleRow(dst, outB, n, 1f / sumB);
                    continue;
                }
                if (!Float.isNaN(sumA + sumB)) {
                    PanamaBf16Codec.scaleNarrowProbabilities(work, 0, dst, outA, n, 1f / sumA);
                    PanamaBf16Codec.scaleNarrowProbabilities(work, workB, dst, outB, n, 1f / sumB);
                    continue;
                }
            }
            if (bf16Rows) {
                // A NaN in x (the bf16 logits pass skips the NaN test, so the sum finds it), a +inf, or nothing
                // above -inf: both rows again, each on its own.
                bf16RowAlone(src, xA, bias, biasAt, dst, outA, n, scale, zeroMaskedRows, work);
                bf16RowAlone(src, xB, bias, biasAt, dst, outB, n, scale, zeroMaskedRows, work);
            } else {
                finishFromLogits(dst, outA, bias, biasAt, n, maxA, zeroMaskedRows);
                finishFromLogits(dst, outB, bias, biasAt, n, maxB, zeroMaskedRows);
            }
        }
    }

    /** One bf16 row of {@link #softmaxRowsScaledBiased} (x and destination bf16), for a pair's edge rows. */
    private void bf16RowAlone(
            MemorySegment src,
            long x,
            MemorySegment bias,
            long biasAt,
            MemorySegment dst,
            long out,
            long n,
            float scale,
            boolean zeroMaskedRows,
            MemorySegment work) {
        softmaxRowsScaledBiased(src, x, 0, bias, biasAt, 0, dst, out, 0, n, 1, scale, true, true, zeroMaskedRows, work);
    }

    /**
     * {@link #logitsBf16} of two bf16 rows with one bias row, read once: both rows' logits written to {@code work}
     * (A's at 0, B's at {@code workB}), their maxima ignoring NaN returned as float bits, A's in the high half.
     */
    private static long logitsPairBf16(
            MemorySegment src,
            long srcA,
            long srcB,
            MemorySegment bias,
            long biasAt,
            MemorySegment work,
            long workB,
            long n,
            float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment biasExact = bias.asSlice(0);
        MemorySegment workExact = work.asSlice(0);
        FloatVector maxesA = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector maxesB = maxesA;
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, biasExact, biasAt + 4 * i, ORDER);
            FloatVector zA =
                    PanamaBf16Codec.widened(srcExact, srcA + 2 * i).mul(scale).add(b);
            FloatVector zB =
                    PanamaBf16Codec.widened(srcExact, srcB + 2 * i).mul(scale).add(b);
            zA.intoMemorySegment(workExact, 4 * i, ORDER);
            zB.intoMemorySegment(workExact, workB + 4 * i, ORDER);
            maxesA = maxesA.blend(zA, zA.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(zB, zB.compare(VectorOperators.GT, maxesB));
        }
        float maxA = maxOfLanes(maxesA);
        float maxB = maxOfLanes(maxesB);
        for (; i < n; i++) {
            float b = bias.get(F32, biasAt + 4 * i);
            float zA =
                    FloatConversions.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcA + 2 * i)) * scale + b;
            float zB =
                    FloatConversions.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcB + 2 * i)) * scale + b;
            work.set(F32, 4 * i, zA);
            work.set(F32, workB + 4 * i, zB);
            maxA = zA > maxA ? zA : maxA;
            maxB = zB > maxB ? zB : maxB;
        }
        return floatPair(maxA, maxB);
    }

    /** One f32 row of {@link #softmaxRowsScaledBiased} from its logits at {@code zAt} and their maximum. */
    private static void finishFromLogits(
            MemorySegment z, long zAt, MemorySegment bias, long biasAt, long n, float max, boolean zeroMaskedRows) {
        float sum = Math.abs(max) <= Float.MAX_VALUE ? shortExpSumInPlace(z, zAt, n, max) : Float.NaN;
        if (Float.isNaN(sum)) {
            edgeRowFromLogits(z, zAt, bias, biasAt, n, zeroMaskedRows);
        } else {
            PanamaRowMath.scaleRow(z, zAt, n, 1f / sum);
        }
    }

    /**
     * {@link #logits} of two f32 rows with one bias row, read once: both rows' logits written, their maxima (NaN
     * when the row has one) returned as float bits, A's in the high half.
     */
    private static long logitsPair(
            MemorySegment src,
            long srcA,
            long srcB,
            MemorySegment bias,
            long biasAt,
            MemorySegment dst,
            long dstA,
            long dstB,
            long n,
            float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment biasExact = bias.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector maxesA = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector maxesB = maxesA;
        VectorMask<Float> nansA = SPECIES.maskAll(false);
        VectorMask<Float> nansB = nansA;
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, biasExact, biasAt + 4 * i, ORDER);
            FloatVector zA = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER)
                    .mul(scale)
                    .add(b);
            FloatVector zB = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER)
                    .mul(scale)
                    .add(b);
            zA.intoMemorySegment(dstExact, dstA + 4 * i, ORDER);
            zB.intoMemorySegment(dstExact, dstB + 4 * i, ORDER);
            maxesA = maxesA.blend(zA, zA.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(zB, zB.compare(VectorOperators.GT, maxesB));
            nansA = nansA.or(zA.compare(VectorOperators.NE, zA));
            nansB = nansB.or(zB.compare(VectorOperators.NE, zB));
        }
        float maxA = nansA.anyTrue() ? Float.NaN : maxOfLanes(maxesA);
        float maxB = nansB.anyTrue() ? Float.NaN : maxOfLanes(maxesB);
        for (; i < n; i++) {
            float b = bias.get(F32, biasAt + 4 * i);
            float zA = src.get(F32, srcA + 4 * i) * scale + b;
            float zB = src.get(F32, srcB + 4 * i) * scale + b;
            dst.set(F32, dstA + 4 * i, zA);
            dst.set(F32, dstB + 4 * i, zB);
            maxA = zA > maxA || zA != zA ? zA : maxA;
            maxB = zB > maxB || zB != zB ? zB : maxB;
        }
        return floatPair(maxA, maxB);
    }

    /** {@link #softmaxRowsScaledBiased} of rows longer than {@link #SHORT_ROW}: the unfused passes. */
    private void longScaledBiased(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment bias,
            long biasOffset,
            long biasStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            float scale,
            boolean bf16Source,
            boolean bf16Destination,
            boolean zeroMaskedRows,
            MemorySegment work) {
        if (bf16Destination) {
            // Each row computed whole into the working row, then rounded out.
            for (long r = 0; r < rows; r++) {
                longScaledBiased(
                        src,
                        srcOffset + r * srcStride,
                        0,
                        bias,
                        biasOffset + r * biasStride,
                        0,
                        work,
                        0,
                        0,
                        n,
                        1,
                        scale,
                        bf16Source,
                        false,
                        zeroMaskedRows,
                        null);
                PanamaBf16Codec.SHARED.narrowBf16(work, 0, dst, dstOffset + r * dstStride, n);
            }
            return;
        }
        if (bf16Source) {
            ForwardKernel.super.softmaxRowsScaledBiased(
                    src,
                    srcOffset,
                    srcStride,
                    bias,
                    biasOffset,
                    biasStride,
                    dst,
                    dstOffset,
                    dstStride,
                    n,
                    rows,
                    scale,
                    true,
                    false,
                    zeroMaskedRows,
                    null);
            return;
        }
        for (long r = 0; r < rows; r++) {
            PanamaAttentionKernel.scaleBias(
                    src,
                    srcOffset + r * srcStride,
                    bias,
                    biasOffset + r * biasStride,
                    dst,
                    dstOffset + r * dstStride,
                    n,
                    scale);
        }
        softmaxRows(dst, dstOffset, dstStride, dst, dstOffset, dstStride, n, rows, zeroMaskedRows);
    }

    @Override
    public void prefixSoftmaxRows(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            boolean bf16Source,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            boolean bf16Destination,
            long n,
            long rows,
            long firstLimit,
            float scale,
            boolean zeroMaskedRows,
            MemorySegment work) {
        PanamaPrefixRows.rows(
                this,
                src,
                srcOffset,
                srcStride,
                bf16Source,
                dst,
                dstOffset,
                dstStride,
                bf16Destination,
                n,
                rows,
                firstLimit,
                scale,
                zeroMaskedRows,
                work);
    }

    /**
     * Writes the logits {@code scale * x + bias} of the f32 row at {@code src + srcAt} to {@code dst + dstAt} and
     * returns their maximum, or NaN if any logit is NaN. Unguarded: where the bias is -inf and x is +-inf or NaN
     * the logit is NaN rather than -inf, which the caller repairs from the bias.
     *
     * <p>Why unguarded, and why the bf16 form is another method: on {@code [4, 16, 512, 512]} with a bias shared by
     * the heads (kernel calls of one head's 512 rows, one JVM, same memory, this host, 2026-12-05), the fused kernel
     * took 18.8-19.4 ms against the plain softmax's 16.3-16.7 with the -inf guard (a compare and a blend) and the
     * type tested in its loop; a copy with neither took 16.9-17.5 (the guard alone about 0.3 ms). The NaN test that
     * replaces the guard is a compare and a mask OR.
     */
    private static float logits(
            MemorySegment src,
            long srcAt,
            MemorySegment bias,
            long biasAt,
            MemorySegment dst,
            long dstAt,
            long n,
            float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment biasExact = bias.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        VectorMask<Float> nans = SPECIES.maskAll(false);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector z = FloatVector.fromMemorySegment(SPECIES, srcExact, srcAt + 4 * i, ORDER)
                    .mul(scale)
                    .add(FloatVector.fromMemorySegment(SPECIES, biasExact, biasAt + 4 * i, ORDER));
            z.intoMemorySegment(dstExact, dstAt + 4 * i, ORDER);
            maxes = maxes.blend(z, z.compare(VectorOperators.GT, maxes));
            nans = nans.or(z.compare(VectorOperators.NE, z));
        }
        float max = nans.anyTrue() ? Float.NaN : maxOfLanes(maxes);
        for (; i < n; i++) {
            float z = src.get(F32, srcAt + 4 * i) * scale + bias.get(F32, biasAt + 4 * i);
            dst.set(F32, dstAt + 4 * i, z);
            max = z > max || z != z ? z : max;
        }
        return max;
    }

    /**
     * {@link #logits} of a bf16 row, widened as {@link PanamaBf16Codec} does (exact), without the NaN test: the
     * maximum ignores NaN. The caller finds a NaN afterwards, as a NaN sum of exponentials, and still has x to
     * compute the row again (see {@link #softmaxRowsScaledBiased}).
     */
    private static float logitsBf16(
            MemorySegment src,
            long srcAt,
            MemorySegment bias,
            long biasAt,
            MemorySegment dst,
            long dstAt,
            long n,
            float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment biasExact = bias.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector z = PanamaBf16Codec.widened(srcExact, srcAt + 2 * i)
                    .mul(scale)
                    .add(FloatVector.fromMemorySegment(SPECIES, biasExact, biasAt + 4 * i, ORDER));
            z.intoMemorySegment(dstExact, dstAt + 4 * i, ORDER);
            maxes = maxes.blend(z, z.compare(VectorOperators.GT, maxes));
        }
        float max = maxOfLanes(maxes);
        for (; i < n; i++) {
            float x = FloatConversions.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcAt + 2 * i));
            float z = x * scale + bias.get(F32, biasAt + 4 * i);
            dst.set(F32, dstAt + 4 * i, z);
            max = z > max ? z : max;
        }
        return max;
    }

    /**
     * The second pass of a short row: {@code exp(x - max)} stored and summed in f32 lanes, folded by a fixed shuffle
     * tree, then the scalar tail. Takes and returns no vector, so it may be a method of its own.
     */
    private static float shortExpStoreSum(
            MemorySegment src, long srcOffset, MemorySegment dst, long offset, long n, float max) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector sums = FloatVector.zero(SPECIES);
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector e = VectorExp.expOfNonPositive(
                    FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                            .sub(maxVector));
            sums = sums.add(e);
            e.intoMemorySegment(dstExact, offset + 4 * i, ORDER);
        }
        if (LANES > 32) {
            sums = sums.add(sums.rearrange(SWAP_32));
        }
        if (LANES > 16) {
            sums = sums.add(sums.rearrange(SWAP_16));
        }
        if (LANES > 8) {
            sums = sums.add(sums.rearrange(SWAP_8));
        }
        if (LANES > 4) {
            sums = sums.add(sums.rearrange(SWAP_4));
        }
        if (LANES > 2) {
            sums = sums.add(sums.rearrange(SWAP_2));
        }
        sums = sums.add(sums.rearrange(SWAP_1));
        float sum = sums.lane(0);
        for (; i < n; i++) {
            float e = VectorExp.exp(src.get(F32, srcOffset + 4 * i) - max);
            sum += e;
            dst.set(F32, offset + 4 * i, e);
        }
        return sum;
    }

    /**
     * {@link #shortExpStoreSum} in place, for the fused attention rows. Why a copy: with the row read and written
     * through one segment and one offset, the fused {@code [4, 16, 512, 512]} bias rows took 13.8-15.2 ms against
     * 15.8-17.1 ms through {@code shortExpStoreSum(dst, at, dst, at, ...)} (the engine's call, one warmed-up JVM per
     * figure, three each, this host, 2026-12-05; plain softmax 11.9-12.8 ms).
     */
    private static float shortExpSumInPlace(MemorySegment dst, long offset, long n, float max) {
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector sums = FloatVector.zero(SPECIES);
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector e =
                    VectorExp.expOfNonPositive(FloatVector.fromMemorySegment(SPECIES, dstExact, offset + 4 * i, ORDER)
                            .sub(maxVector));
            sums = sums.add(e);
            e.intoMemorySegment(dstExact, offset + 4 * i, ORDER);
        }
        if (LANES > 32) {
            sums = sums.add(sums.rearrange(SWAP_32));
        }
        if (LANES > 16) {
            sums = sums.add(sums.rearrange(SWAP_16));
        }
        if (LANES > 8) {
            sums = sums.add(sums.rearrange(SWAP_8));
        }
        if (LANES > 4) {
            sums = sums.add(sums.rearrange(SWAP_4));
        }
        if (LANES > 2) {
            sums = sums.add(sums.rearrange(SWAP_2));
        }
        sums = sums.add(sums.rearrange(SWAP_1));
        float sum = sums.lane(0);
        for (; i < n; i++) {
            float e = VectorExp.exp(dst.get(F32, offset + 4 * i) - max);
            sum += e;
            dst.set(F32, offset + 4 * i, e);
        }
        return sum;
    }

    /**
     * Long rows, software-pipelined across rows: the maximum of row r+1 is taken in the same loop that scales
     * row r. Row r's output is then in L2 while row r+1 streams in from memory, so the memory-bound read overlaps
     * the other passes instead of running alone (measured on 256 x 128256: 1.0 ns/element before, see the
     * README's benchmark table for after).
     */
    private static void pipelinedSoftmax(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            boolean zeroMaskedRows) {
        float max = maxIgnoringNaN(src, srcOffset, n);
        for (long r = 0; r < rows; r++) {
            long srcAt = srcOffset + r * srcStride;
            long dstAt = dstOffset + r * dstStride;
            long nextAt = r + 1 < rows ? srcAt + srcStride : -1;
            if (max == Float.NEGATIVE_INFINITY) {
                fillMaskedOrNaN(src, srcAt, dst, dstAt, n, zeroMaskedRows ? 0f : Float.NaN);
                max = nextAt < 0 ? 0f : maxIgnoringNaN(src, nextAt, n);
                continue;
            }
            double sum = expStoreSum(src, srcAt, dst, dstAt, n, max);
            max = scaleAndNextMax(dst, dstAt, n, (float) (1.0 / sum), src, nextAt);
        }
    }

    /** Scales a row in place and, when {@code nextOffset >= 0}, returns the NaN-ignoring maximum of the next row. */
    private static float scaleAndNextMax(
            MemorySegment dst, long offset, long n, float factor, MemorySegment src, long nextOffset) {
        MemorySegment dstExact = dst.asSlice(0);
        MemorySegment srcExact = src.asSlice(0);
        if (nextOffset < 0) {
            PanamaRowMath.scaleRow(dst, offset, n, factor);
            return 0f;
        }
        FloatVector factorVector = FloatVector.broadcast(SPECIES, factor);
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, dstExact, offset + 4 * i, ORDER)
                    .mul(factorVector)
                    .intoMemorySegment(dstExact, offset + 4 * i, ORDER);
            FloatVector next = FloatVector.fromMemorySegment(SPECIES, srcExact, nextOffset + 4 * i, ORDER);
            maxes = maxes.blend(next, next.compare(VectorOperators.GT, maxes));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            dst.set(F32, offset + 4 * i, dst.get(F32, offset + 4 * i) * factor);
            float value = src.get(F32, nextOffset + 4 * i);
            max = value > max ? value : max;
        }
        return max;
    }

    /**
     * Two short rows at once: a row of a few vectors is one long chain of dependent steps (maximum, reduction,
     * exponential, sum tree, division), so interleaving two independent chains nearly halves the time per row.
     * Rows whose maximum is -inf (masked, or hiding a NaN) go back to the one-row path.
     */
    private static void shortSoftmaxPair(
            MemorySegment src,
            long srcA,
            long srcB,
            MemorySegment dst,
            long dstA,
            long dstB,
            long n,
            boolean zeroMaskedRows) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxesA = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector maxesB = maxesA;
        // Two accumulators a row (even and odd vectors): each compare-and-blend waits for the one before it (about
        // 5 cycles), so one chain a row kept the ports idle for most of this pass. JMH, AUTO f32 4096x128, 1
        // thread, this host, 2026-12-06, alternating jars twice: 188-208 us to 174-175 us. The same split in the
        // one-row and log-softmax short passes and in the long rows' scale-and-next-maximum loop changed nothing
        // beyond noise (1024x512, log-softmax 4096x128, 1024x1024, 64x32000), so they keep one chain. Maxima are
        // exact, so the result is the same.
        FloatVector oddA = maxesA;
        FloatVector oddB = maxesA;
        long i = 0;
        for (; i + LANES < bound; i += 2 * LANES) {
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER);
            FloatVector nextA = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * (i + LANES), ORDER);
            FloatVector nextB = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * (i + LANES), ORDER);
            maxesA = maxesA.blend(a, a.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(b, b.compare(VectorOperators.GT, maxesB));
            oddA = oddA.blend(nextA, nextA.compare(VectorOperators.GT, oddA));
            oddB = oddB.blend(nextB, nextB.compare(VectorOperators.GT, oddB));
        }
        if (i < bound) {
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER);
            maxesA = maxesA.blend(a, a.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(b, b.compare(VectorOperators.GT, maxesB));
            i += LANES;
        }
        maxesA = maxesA.blend(oddA, oddA.compare(VectorOperators.GT, maxesA));
        maxesB = maxesB.blend(oddB, oddB.compare(VectorOperators.GT, maxesB));
        float maxA = maxOfLanes(maxesA);
        float maxB = maxOfLanes(maxesB);
        for (; i < n; i++) {
            float a = src.get(F32, srcA + 4 * i);
            float b = src.get(F32, srcB + 4 * i);
            maxA = a > maxA ? a : maxA;
            maxB = b > maxB ? b : maxB;
        }
        if (maxA == Float.NEGATIVE_INFINITY || maxB == Float.NEGATIVE_INFINITY) {
            shortSoftmax(src, srcA, dst, dstA, n, zeroMaskedRows);
            shortSoftmax(src, srcB, dst, dstB, n, zeroMaskedRows);
            return;
        }
        long sums = expStoreSumPair(src, srcA, srcB, dst, dstA, dstB, n, maxA, maxB);
        float sumA = high(sums);
        float sumB = low(sums);
        FloatVector scaleA = FloatVector.broadcast(SPECIES, 1f / sumA);
        FloatVector scaleB = FloatVector.broadcast(SPECIES, 1f / sumB);
        for (i = 0; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, dstExact, dstA + 4 * i, ORDER)
                    .mul(scaleA)
                    .intoMemorySegment(dstExact, dstA + 4 * i, ORDER);
            FloatVector.fromMemorySegment(SPECIES, dstExact, dstB + 4 * i, ORDER)
                    .mul(scaleB)
                    .intoMemorySegment(dstExact, dstB + 4 * i, ORDER);
        }
        float factorA = 1f / sumA;
        float factorB = 1f / sumB;
        for (; i < n; i++) {
            dst.set(F32, dstA + 4 * i, dst.get(F32, dstA + 4 * i) * factorA);
            dst.set(F32, dstB + 4 * i, dst.get(F32, dstB + 4 * i) * factorB);
        }
    }

    /**
     * The exponential pass of two short rows at once: {@code exp(x - max)} of rows A and B stored, each row's sum in
     * f32 lanes folded by the shuffle tree, then the scalar tails, exactly as {@link #shortExpStoreSum} computes
     * each row. Returns both sums as float bits, A's in the high half (a pair of scalars, so that no vector and no
     * object crosses the call). Shared by {@link #shortSoftmaxPair} and {@link PanamaPrefixRows}.
     */
    static long expStoreSumPair(
            MemorySegment src,
            long srcA,
            long srcB,
            MemorySegment dst,
            long dstA,
            long dstB,
            long n,
            float maxA,
            float maxB) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        FloatVector maxVectorA = FloatVector.broadcast(SPECIES, maxA);
        FloatVector maxVectorB = FloatVector.broadcast(SPECIES, maxB);
        FloatVector sumsA = FloatVector.zero(SPECIES);
        FloatVector sumsB = sumsA;
        for (; i < bound; i += LANES) {
            FloatVector eA =
                    VectorExp.expOfNonPositive(FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER)
                            .sub(maxVectorA));
            FloatVector eB =
                    VectorExp.expOfNonPositive(FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER)
                            .sub(maxVectorB));
            sumsA = sumsA.add(eA);
            sumsB = sumsB.add(eB);
            eA.intoMemorySegment(dstExact, dstA + 4 * i, ORDER);
            eB.intoMemorySegment(dstExact, dstB + 4 * i, ORDER);
        }
        // The shuffle-tree fold, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        if (LANES > 32) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_32));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_32));
        }
        if (LANES > 16) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_16));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_16));
        }
        if (LANES > 8) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_8));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_8));
        }
        if (LANES > 4) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_4));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_4));
        }
        if (LANES > 2) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_2));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_2));
        }
        sumsA = sumsA.add(sumsA.rearrange(SWAP_1));
        sumsB = sumsB.add(sumsB.rearrange(SWAP_1));
        float sumA = sumsA.lane(0);
        float sumB = sumsB.lane(0);
        for (; i < n; i++) {
            float eA = VectorExp.exp(src.get(F32, srcA + 4 * i) - maxA);
            float eB = VectorExp.exp(src.get(F32, srcB + 4 * i) - maxB);
            sumA += eA;
            sumB += eB;
            dst.set(F32, dstA + 4 * i, eA);
            dst.set(F32, dstB + 4 * i, eB);
        }
        return floatPair(sumA, sumB);
    }

    @Override
    public void logSoftmaxRows(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            boolean zeroMaskedRows) {
        long r = 0;
        if (n <= PAIRED_ROW) {
            for (; r + 1 < rows; r += 2) {
                shortLogSoftmaxPair(
                        src,
                        srcOffset + r * srcStride,
                        srcOffset + (r + 1) * srcStride,
                        dst,
                        dstOffset + r * dstStride,
                        dstOffset + (r + 1) * dstStride,
                        n,
                        zeroMaskedRows);
            }
        }
        for (; r < rows; r++) {
            logSoftmax(src, srcOffset + r * srcStride, dst, dstOffset + r * dstStride, n, 1f, zeroMaskedRows);
        }
    }

    /**
     * Two short rows of log-softmax at once, as {@link #shortSoftmaxPair} does for softmax: each row with exactly
     * {@link #shortLogSoftmax}'s arithmetic (the maximum is exact; its sign, when it is a zero, cannot reach the
     * output, since a row whose sum is exactly 1 has one element at the maximum), so the bits are the same. Rows
     * whose maximum is -inf go back to the one-row path.
     */
    private static void shortLogSoftmaxPair(
            MemorySegment src,
            long srcA,
            long srcB,
            MemorySegment dst,
            long dstA,
            long dstB,
            long n,
            boolean zeroMaskedRows) {
        MemorySegment srcExact = src.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxesA = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector maxesB = maxesA;
        // The maximum pass of shortSoftmaxPair, written out again: as one helper method for both pairs it was
        // slower (Plain probe, 4096x128, this host, 2026-12-06: softmax 0.34-0.38 to 0.39-0.40 ns an element,
        // log-softmax 0.48-0.49 to 0.53-0.55).
        FloatVector oddA = maxesA;
        FloatVector oddB = maxesA;
        long i = 0;
        for (; i + LANES < bound; i += 2 * LANES) {
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER);
            FloatVector nextA = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * (i + LANES), ORDER);
            FloatVector nextB = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * (i + LANES), ORDER);
            maxesA = maxesA.blend(a, a.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(b, b.compare(VectorOperators.GT, maxesB));
            oddA = oddA.blend(nextA, nextA.compare(VectorOperators.GT, oddA));
            oddB = oddB.blend(nextB, nextB.compare(VectorOperators.GT, oddB));
        }
        if (i < bound) {
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER);
            maxesA = maxesA.blend(a, a.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(b, b.compare(VectorOperators.GT, maxesB));
            i += LANES;
        }
        maxesA = maxesA.blend(oddA, oddA.compare(VectorOperators.GT, maxesA));
        maxesB = maxesB.blend(oddB, oddB.compare(VectorOperators.GT, maxesB));
        float maxA = maxOfLanes(maxesA);
        float maxB = maxOfLanes(maxesB);
        for (; i < n; i++) {
            float a = src.get(F32, srcA + 4 * i);
            float b = src.get(F32, srcB + 4 * i);
            maxA = a > maxA ? a : maxA;
            maxB = b > maxB ? b : maxB;
        }
        if (maxA == Float.NEGATIVE_INFINITY || maxB == Float.NEGATIVE_INFINITY) {
            shortLogSoftmax(src, srcA, dst, dstA, n, zeroMaskedRows);
            shortLogSoftmax(src, srcB, dst, dstB, n, zeroMaskedRows);
            return;
        }
        long sums = expSumPair(src, srcA, srcB, n, maxA, maxB);
        PanamaRowMath.shiftStore(src, srcA, dst, dstA, n, maxA, (float) Math.log(high(sums)));
        PanamaRowMath.shiftStore(src, srcB, dst, dstB, n, maxB, (float) Math.log(low(sums)));
    }

    /**
     * The sums of {@code exp(x - max)} of two short rows, as {@link #shortLogSoftmax} sums one (f32 lanes, the
     * shuffle-tree fold, then the scalar tail), returned as a {@link PanamaVectorConstants#floatPair}.
     */
    private static long expSumPair(MemorySegment src, long srcA, long srcB, long n, float maxA, float maxB) {
        MemorySegment srcExact = src.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxVectorA = FloatVector.broadcast(SPECIES, maxA);
        FloatVector maxVectorB = FloatVector.broadcast(SPECIES, maxB);
        FloatVector sumsA = FloatVector.zero(SPECIES);
        FloatVector sumsB = sumsA;
        long i = 0;
        for (; i < bound; i += LANES) {
            sumsA = sumsA.add(
                    VectorExp.expOfNonPositive(FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER)
                            .sub(maxVectorA)));
            sumsB = sumsB.add(
                    VectorExp.expOfNonPositive(FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER)
                            .sub(maxVectorB)));
        }
        // The shuffle-tree fold, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        if (LANES > 32) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_32));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_32));
        }
        if (LANES > 16) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_16));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_16));
        }
        if (LANES > 8) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_8));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_8));
        }
        if (LANES > 4) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_4));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_4));
        }
        if (LANES > 2) {
            sumsA = sumsA.add(sumsA.rearrange(SWAP_2));
            sumsB = sumsB.add(sumsB.rearrange(SWAP_2));
        }
        sumsA = sumsA.add(sumsA.rearrange(SWAP_1));
        sumsB = sumsB.add(sumsB.rearrange(SWAP_1));
        float sumA = sumsA.lane(0);
        float sumB = sumsB.lane(0);
        for (; i < n; i++) {
            sumA += VectorExp.exp(src.get(F32, srcA + 4 * i) - maxA);
            sumB += VectorExp.exp(src.get(F32, srcB + 4 * i) - maxB);
        }
        return floatPair(sumA, sumB);
    }

    /** Log-softmax of a short row; see {@link #shortSoftmax}. */
    private static void shortLogSoftmax(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, boolean zeroMaskedRows) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER);
            maxes = maxes.blend(v, v.compare(VectorOperators.GT, maxes));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float value = src.get(F32, srcOffset + 4 * i);
            if (value > max) {
                max = value;
            }
        }
        if (max == Float.NEGATIVE_INFINITY) {
            fillMaskedOrNaN(src, srcOffset, dst, dstOffset, n, zeroMaskedRows ? Float.NEGATIVE_INFINITY : Float.NaN);
            return;
        }
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector sums = FloatVector.zero(SPECIES);
        for (i = 0; i < bound; i += LANES) {
            sums = sums.add(VectorExp.expOfNonPositive(
                    FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                            .sub(maxVector)));
        }
        // The shuffle-tree fold, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        if (LANES > 32) {
            sums = sums.add(sums.rearrange(SWAP_32));
        }
        if (LANES > 16) {
            sums = sums.add(sums.rearrange(SWAP_16));
        }
        if (LANES > 8) {
            sums = sums.add(sums.rearrange(SWAP_8));
        }
        if (LANES > 4) {
            sums = sums.add(sums.rearrange(SWAP_4));
        }
        if (LANES > 2) {
            sums = sums.add(sums.rearrange(SWAP_2));
        }
        sums = sums.add(sums.rearrange(SWAP_1));
        float sum = sums.lane(0);
        for (; i < n; i++) {
            sum += VectorExp.exp(src.get(F32, srcOffset + 4 * i) - max);
        }
        float logSum = (float) Math.log(sum);
        FloatVector logSumVector = FloatVector.broadcast(SPECIES, logSum);
        for (i = 0; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .sub(maxVector)
                    .sub(logSumVector)
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, src.get(F32, srcOffset + 4 * i) - max - logSum);
        }
    }

    /**
     * The row maximum ignoring NaN (compare-and-blend, cheaper than {@code Math.max} semantics). The softmax
     * paths use it: a NaN anywhere still poisons the sum of exponentials and so the whole row, and the one case
     * it would hide, a row of only -inf and NaN, is checked by {@link #containsNaN} when the maximum is -inf.
     */
    private static float maxIgnoringNaN(MemorySegment src, long offset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        long i = 0;
        long bound2 = n - n % (2L * LANES);
        for (; i < bound2; i += 2L * LANES) {
            FloatVector v0 = FloatVector.fromMemorySegment(SPECIES, srcExact, offset + 4 * i, ORDER);
            FloatVector v1 = FloatVector.fromMemorySegment(SPECIES, srcExact, offset + 4 * i + 4L * LANES, ORDER);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
        }
        long bound = n - n % LANES;
        for (; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, srcExact, offset + 4 * i, ORDER);
            m0 = m0.blend(v, v.compare(VectorOperators.GT, m0));
        }
        m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
        float max = m0.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float value = src.get(F32, offset + 4 * i);
            if (value > max) {
                max = value;
            }
        }
        return max;
    }

    private static boolean containsNaN(MemorySegment src, long offset, long n) {
        for (long i = 0; i < n; i++) {
            if (Float.isNaN(src.get(F32, offset + 4 * i))) {
                return true;
            }
        }
        return false;
    }

    /** What a row whose NaN-ignoring maximum is -inf becomes: fully masked, unless a NaN hides in it. */
    private static void fillMaskedOrNaN(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float maskedValue) {
        fill(dst, dstOffset, n, containsNaN(src, srcOffset, n) ? Float.NaN : maskedValue);
    }

    /** {@code sum exp((x - max) / T)}. */
    private static double expSumScaled(MemorySegment src, long offset, long n, float max, float temperature) {
        MemorySegment srcExact = src.asSlice(0);
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector divisor = FloatVector.broadcast(SPECIES, temperature);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        // The blocked sum, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                block = block.add(VectorExp.expOfNonPositive(
                        FloatVector.fromMemorySegment(SPECIES, srcExact, offset + 4 * i, ORDER)
                                .sub(maxVector)
                                .div(divisor)));
            }
            low = low.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.lanewise(VectorOperators.ADD, high);
        double sum = 0;
        for (int lane = 0; lane < WIDE_LANES; lane++) {
            sum += lanes.lane(lane);
        }
        for (; i < n; i++) {
            sum += VectorExp.exp((src.get(F32, offset + 4 * i) - max) / temperature);
        }
        return sum;
    }

    /**
     * Stores {@code exp(x - max)} and returns its sum: two vectors an iteration into two partial block sums, added
     * at the end of each block. Why: JAVA f32, one JVM each, alternating, median of the second half of 4 s of calls
     * (this host, 2026-12-06): 1x32000 12.4 to 11.5 us, 1x128256 49.2 to 45.3 us. The same in the short rows' pass
     * (1024x1024, 64x512) and in the log-softmax's sum without a store (1x128256, 8x32000) gained nothing, so those
     * keep one sum.
     */
    private static double expStoreSum(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float max) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        // The blocked sum, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            FloatVector second = block;
            for (; i + LANES < blockEnd; i += 2 * LANES) {
                FloatVector e = VectorExp.expOfNonPositive(
                        FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                                .sub(maxVector));
                FloatVector f = VectorExp.expOfNonPositive(
                        FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * (i + LANES), ORDER)
                                .sub(maxVector));
                block = block.add(e);
                second = second.add(f);
                e.intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
                f.intoMemorySegment(dstExact, dstOffset + 4 * (i + LANES), ORDER);
            }
            for (; i < blockEnd; i += LANES) {
                FloatVector e = VectorExp.expOfNonPositive(
                        FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                                .sub(maxVector));
                block = block.add(e);
                e.intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
            }
            block = block.add(second);
            low = low.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.lanewise(VectorOperators.ADD, high);
        double sum = 0;
        for (int lane = 0; lane < WIDE_LANES; lane++) {
            sum += lanes.lane(lane);
        }
        for (; i < n; i++) {
            float e = VectorExp.exp(src.get(F32, srcOffset + 4 * i) - max);
            sum += e;
            dst.set(F32, dstOffset + 4 * i, e);
        }
        return sum;
    }

    /** Stores {@code exp((x - max) / T)} and returns its sum. */
    private static double expStoreSumScaled(
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float max,
            float temperature) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector divisor = FloatVector.broadcast(SPECIES, temperature);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        // The blocked sum, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector e = VectorExp.expOfNonPositive(
                        FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                                .sub(maxVector)
                                .div(divisor));
                block = block.add(e);
                e.intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
            }
            low = low.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.lanewise(VectorOperators.ADD, high);
        double sum = 0;
        for (int lane = 0; lane < WIDE_LANES; lane++) {
            sum += lanes.lane(lane);
        }
        for (; i < n; i++) {
            float e = VectorExp.exp((src.get(F32, srcOffset + 4 * i) - max) / temperature);
            sum += e;
            dst.set(F32, dstOffset + 4 * i, e);
        }
        return sum;
    }

    /** {@code dst = (x - max) / T - logSum}. */
    private static void shiftStoreScaled(
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float max,
            float temperature,
            float logSum) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector divisor = FloatVector.broadcast(SPECIES, temperature);
        FloatVector logSumVector = FloatVector.broadcast(SPECIES, logSum);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .sub(maxVector)
                    .div(divisor)
                    .sub(logSumVector)
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, (src.get(F32, srcOffset + 4 * i) - max) / temperature - logSum);
        }
    }

    private static void fill(MemorySegment dst, long offset, long n, float value) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, offset + 4 * i, value);
        }
    }
}
