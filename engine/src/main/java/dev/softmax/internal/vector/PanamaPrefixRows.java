package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.HALF;
import static dev.softmax.internal.vector.PanamaVectorConstants.INTS;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;
import static dev.softmax.internal.vector.PanamaVectorConstants.floatPair;
import static dev.softmax.internal.vector.PanamaVectorConstants.high;
import static dev.softmax.internal.vector.PanamaVectorConstants.low;
import static dev.softmax.internal.vector.PanamaVectorConstants.maxOfLanes;

import dev.softmax.internal.kernel.FloatConversions;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link dev.softmax.internal.kernel.ForwardKernel#prefixSoftmaxRows} (causal and key-length rows) on the Vector API: per row, one pass reads
 * x (f32 or bf16) and writes the scaled, masked prefix into an f32 row (the destination itself when it is f32, else
 * a working row in L1) while taking its maximum; the exponentials and their sum in place; one pass scales them into
 * the destination (rounding to bf16 on the way when it is bf16); then the masked keys are written 0. Short rows go
 * two at a time, with {@link PanamaForwardKernel#softmaxRows}'s pair arithmetic, so that the bits are those of the
 * unfused path (prefix, then {@link PanamaForwardKernel#softmax}), which the rows that do not pair still take; four
 * rows of one padded length go as two pairs whose passes alternate (see {@link #quad}).
 *
 * <p>Why: the unfused causal rows of {@code [8, 32, 128, 128]} read x in a pass of their own (a quarter of the
 * f32 time, JFR), and bf16 rows were widened into a working block and rounded out of it in two more (11% and 13%
 * of the bf16 time), so that bf16 attention took 1.9x the plain bf16 softmax (oneDNN) of the same shape. Fused
 * (JMH, attention / plain in one run, 1 and 2 threads, this host, 2026-12-05): bf16 4.9 ms to 2.8 ms, 1.09x and
 * 1.10x the plain bf16 softmax; f32 3.2-3.4 ms to 2.9-3.2 ms, 0.87x to 1.0x the plain f32 softmax; the key-length
 * rows of {@code [32, 4096]} in bf16 61 us to 44 us (0.81x).
 */
final class PanamaPrefixRows {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private PanamaPrefixRows() {}

    static void rows(
            PanamaForwardKernel kernel,
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
        long r = 0;
        while (r < rows) {
            long limitA = limit(firstLimit, r, n);
            long paddedA = padded(limitA, n);
            long srcA = srcOffset + r * srcStride;
            long dstA = dstOffset + r * dstStride;
            MemorySegment z = bf16Destination ? work : dst;
            long zA = bf16Destination ? 0 : dstA;
            if (limitA == 0) {
                fill(dst, dstA, 0, n, zeroMaskedRows ? 0f : Float.NaN, bf16Destination);
                r++;
                continue;
            }
            long limitB = r + 1 < rows ? limit(firstLimit, r + 1, n) : 0;
            if (n > PanamaForwardKernel.PAIRED_ROW || limitB == 0 || padded(limitB, n) != paddedA) {
                logits(src, srcA, bf16Source, z, zA, limitA, paddedA, scale);
                kernel.softmax(z, zA, z, zA, paddedA, 1f, zeroMaskedRows);
                float tail = Float.isNaN(z.get(F32, zA)) ? Float.NaN : 0f;
                if (bf16Destination) {
                    narrow(z, zA, dst, dstA, paddedA);
                }
                fill(dst, dstA, paddedA, n, tail, bf16Destination);
                r++;
                continue;
            }
            long zStep = bf16Destination ? 4 * n : dstStride;
            long limitD = r + 3 < rows ? limit(firstLimit, r + 3, n) : 0;
            if (limitD > 0 && padded(limitD, n) == paddedA) {
                // Limits never shrink from row to row, so rows B and C share A's and D's padded length.
                quad(
                        kernel,
                        src,
                        srcA,
                        srcStride,
                        bf16Source,
                        z,
                        zA,
                        zStep,
                        dst,
                        dstA,
                        dstStride,
                        bf16Destination,
                        n,
                        limitA,
                        limitB,
                        limit(firstLimit, r + 2, n),
                        limitD,
                        paddedA,
                        scale,
                        zeroMaskedRows);
                r += 4;
                continue;
            }
            long maxes = pairLogits(
                    src, srcA, srcA + srcStride, bf16Source, z, zA, zA + zStep, limitA, limitB, paddedA, scale);
            long sums = pairable(maxes) ? pairSums(z, zA, zA + zStep, paddedA, maxes) : 0;
            finishPair(
                    kernel,
                    z,
                    zA,
                    zA + zStep,
                    dst,
                    dstA,
                    dstA + dstStride,
                    bf16Destination,
                    n,
                    paddedA,
                    maxes,
                    sums,
                    zeroMaskedRows);
            r += 2;
        }
    }

    private static long limit(long firstLimit, long r, long n) {
        return Math.min(n, Math.max(0, firstLimit + r));
    }

    /** The prefix rounded up to a multiple of 16 keys, as the unfused path pads it, at most n. */
    private static long padded(long limit, long n) {
        return Math.min(n, (limit + 15) & ~15L);
    }

    /**
     * Four rows of one padded length as two pairs whose passes alternate:
     * both pairs' logits, both pairs' exponentials, then both pairs' scaling. Each pair's arithmetic is that of
     * {@link PanamaForwardKernel}'s pair, so the bits are unchanged; the order lets one pair's dependent chain (the
     * maximum's fold, then the exponentials; the sum's fold, then the division) overlap the other pair's loop.
     *
     * <p>Measured (probe, median of the second half of 5 s of calls, jars alternated, this host, 2026-12-06): causal
     * {@code [8, 32, 128, 128]} f32 from 1.95-2.01 ms to 1.65-1.69 ms with 1 thread and 1.04 to 0.86 ms with 2,
     * bf16 2.09-2.15 to 2.02-2.09 ms; the plain f32 softmax of the shape took 1.72-1.81 ms in the same runs. Tried
     * and dropped: not storing the logits, but taking the maximum of {@code scale * x} in one pass and computing
     * them again from x in the exponentials' pass (one store stream less, a masked vector more in that pass):
     * 1.92-1.98 to 2.24 ms, slower. Also tried and dropped: the same alternation for the plain short rows of
     * {@link PanamaForwardKernel#softmaxRows}, whose pair keeps its maximum and scaling loops in one method: JMH
     * 4096x128 f32 on the Java kernel 184-195 us before, 193-233 us with it (three runs each, alternated).
     */
    private static void quad(
            PanamaForwardKernel kernel,
            MemorySegment src,
            long srcA,
            long srcStride,
            boolean bf16Source,
            MemorySegment z,
            long zA,
            long zStep,
            MemorySegment dst,
            long dstA,
            long dstStride,
            boolean bf16Destination,
            long n,
            long limitA,
            long limitB,
            long limitC,
            long limitD,
            long padded,
            float scale,
            boolean zeroMaskedRows) {
        long zC = zA + 2 * zStep;
        long maxesP =
                pairLogits(src, srcA, srcA + srcStride, bf16Source, z, zA, zA + zStep, limitA, limitB, padded, scale);
        long maxesQ = pairLogits(
                src,
                srcA + 2 * srcStride,
                srcA + 3 * srcStride,
                bf16Source,
                z,
                zC,
                zC + zStep,
                limitC,
                limitD,
                padded,
                scale);
        long sumsP = pairable(maxesP) ? pairSums(z, zA, zA + zStep, padded, maxesP) : 0;
        long sumsQ = pairable(maxesQ) ? pairSums(z, zC, zC + zStep, padded, maxesQ) : 0;
        long dstC = dstA + 2 * dstStride;
        finishPair(
                kernel,
                z,
                zA,
                zA + zStep,
                dst,
                dstA,
                dstA + dstStride,
                bf16Destination,
                n,
                padded,
                maxesP,
                sumsP,
                zeroMaskedRows);
        finishPair(
                kernel,
                z,
                zC,
                zC + zStep,
                dst,
                dstC,
                dstC + dstStride,
                bf16Destination,
                n,
                padded,
                maxesQ,
                sumsQ,
                zeroMaskedRows);
    }

    /**
     * The logits of two rows of one padded length written into their f32 rows at {@code zA} and {@code zB}; returns
     * their maxima as float bits, A's in the high half.
     */
    private static long pairLogits(
            MemorySegment src,
            long srcA,
            long srcB,
            boolean bf16Source,
            MemorySegment z,
            long zA,
            long zB,
            long limitA,
            long limitB,
            long padded,
            float scale) {
        if (!bf16Source) {
            return logitsPairF32(src, srcA, srcB, z, zA, zB, limitA, limitB, padded, scale);
        }
        float maxA = logitsBf16(src, srcA, z, zA, limitA, padded, scale);
        float maxB = logitsBf16(src, srcB, z, zB, limitB, padded, scale);
        return floatPair(maxA, maxB);
    }

    /** Both rows' exponentials in place and their sums, as {@link PanamaForwardKernel#expStoreSumPair} computes them. */
    private static long pairSums(MemorySegment z, long zA, long zB, long padded, long maxes) {
        return PanamaForwardKernel.expStoreSumPair(z, zA, zB, z, zA, zB, padded, high(maxes), low(maxes));
    }

    /**
     * Scales both rows of a pair by their sums into the destination and writes their masked keys; a pair that is
     * not {@link #pairable} finishes each row alone.
     */
    private static void finishPair(
            PanamaForwardKernel kernel,
            MemorySegment z,
            long zA,
            long zB,
            MemorySegment dst,
            long dstA,
            long dstB,
            boolean bf16Destination,
            long n,
            long padded,
            long maxes,
            long sums,
            boolean zeroMaskedRows) {
        if (!pairable(maxes)) {
            finishAlone(kernel, z, zA, dst, dstA, bf16Destination, n, padded, zeroMaskedRows);
            finishAlone(kernel, z, zB, dst, dstB, bf16Destination, n, padded, zeroMaskedRows);
            return;
        }
        float sumA = high(sums);
        float sumB = low(sums);
        if (bf16Destination) {
            PanamaBf16Codec.scaleNarrowProbabilities(z, zA, dst, dstA, padded, 1f / sumA);
            PanamaBf16Codec.scaleNarrowProbabilities(z, zB, dst, dstB, padded, 1f / sumB);
        } else {
            scalePair(z, zA, zB, padded, sums);
            if (!Float.isNaN(sumA) && !Float.isNaN(sumB)) {
                zeroPair(dst, dstA, dstB, padded, n);
                return;
            }
        }
        fill(dst, dstA, padded, n, Float.isNaN(sumA) ? Float.NaN : 0f, bf16Destination);
        fill(dst, dstB, padded, n, Float.isNaN(sumB) ? Float.NaN : 0f, bf16Destination);
    }

    /** Whether neither of two maxima (A's bits high, B's low) is -inf, so that the pair goes on. */
    private static boolean pairable(long maxes) {
        return high(maxes) != Float.NEGATIVE_INFINITY && low(maxes) != Float.NEGATIVE_INFINITY;
    }

    /** Both rows scaled in place by the reciprocals of their sums (as {@link PanamaForwardKernel#expStoreSumPair} returns them). */
    private static void scalePair(MemorySegment dst, long dstA, long dstB, long n, long sums) {
        MemorySegment dstExact = dst.asSlice(0);
        float factorA = 1f / high(sums);
        float factorB = 1f / low(sums);
        FloatVector scaleA = FloatVector.broadcast(SPECIES, factorA);
        FloatVector scaleB = FloatVector.broadcast(SPECIES, factorB);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, dstExact, dstA + 4 * i, ORDER)
                    .mul(scaleA)
                    .intoMemorySegment(dstExact, dstA + 4 * i, ORDER);
            FloatVector.fromMemorySegment(SPECIES, dstExact, dstB + 4 * i, ORDER)
                    .mul(scaleB)
                    .intoMemorySegment(dstExact, dstB + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstA + 4 * i, dst.get(F32, dstA + 4 * i) * factorA);
            dst.set(F32, dstB + 4 * i, dst.get(F32, dstB + 4 * i) * factorB);
        }
    }

    /**
     * Keys {@code from .. n-1} of two f32 rows written 0 by vector stores: cheaper than two {@link MemorySegment#fill}
     * calls for the few hundred bytes of a short row.
     */
    private static void zeroPair(MemorySegment dst, long dstA, long dstB, long from, long n) {
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector zeros = FloatVector.zero(SPECIES);
        long bound = n - (n - from) % LANES;
        long i = from;
        for (; i < bound; i += LANES) {
            zeros.intoMemorySegment(dstExact, dstA + 4 * i, ORDER);
            zeros.intoMemorySegment(dstExact, dstB + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstA + 4 * i, 0f);
            dst.set(F32, dstB + 4 * i, 0f);
        }
    }

    /** A row of a pair whose logits are written but which cannot be paired (its maximum or its partner's is -inf). */
    private static void finishAlone(
            PanamaForwardKernel kernel,
            MemorySegment z,
            long zAt,
            MemorySegment dst,
            long dstAt,
            boolean bf16Destination,
            long n,
            long padded,
            boolean zeroMaskedRows) {
        kernel.softmax(z, zAt, z, zAt, padded, 1f, zeroMaskedRows);
        float tail = Float.isNaN(z.get(F32, zAt)) ? Float.NaN : 0f;
        if (bf16Destination) {
            narrow(z, zAt, dst, dstAt, padded);
        }
        fill(dst, dstAt, padded, n, tail, bf16Destination);
    }

    /**
     * Writes {@code scale * x} for keys {@code 0 .. limit-1} and -inf up to {@code padded} into the f32 row at
     * {@code zAt} and returns their maximum, NaN ignored as the kernel's maximum ignores it. One method per source
     * type: with both loops in one method, C2 boxed vectors in the bf16-destination pair (1.4 KB a call).
     */
    private static float logits(
            MemorySegment src,
            long srcAt,
            boolean bf16Source,
            MemorySegment z,
            long zAt,
            long limit,
            long padded,
            float scale) {
        return bf16Source
                ? logitsBf16(src, srcAt, z, zAt, limit, padded, scale)
                : logitsF32(src, srcAt, z, zAt, limit, padded, scale);
    }

    private static float logitsF32(
            MemorySegment src, long srcAt, MemorySegment z, long zAt, long limit, long padded, float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment zExact = z.asSlice(0);
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        long full = limit - limit % LANES;
        long bound = padded - padded % LANES;
        long i = 0;
        for (; i < full; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, srcExact, srcAt + 4 * i, ORDER)
                    .mul(scale);
            v.intoMemorySegment(zExact, zAt + 4 * i, ORDER);
            maxes = maxes.blend(v, v.compare(VectorOperators.GT, maxes));
        }
        // The partial vector and the padding: masked loads, -inf in the masked lanes.
        for (; i < bound; i += LANES) {
            VectorMask<Float> valid = SPECIES.indexInRange(i, limit);
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, srcExact, srcAt + 4 * i, ORDER, valid)
                    .mul(scale)
                    .blend(Float.NEGATIVE_INFINITY, valid.not());
            v.intoMemorySegment(zExact, zAt + 4 * i, ORDER);
            maxes = maxes.blend(v, v.compare(VectorOperators.GT, maxes));
        }
        float max = maxOfLanes(maxes);
        for (; i < padded; i++) {
            float value = i < limit ? src.get(F32, srcAt + 4 * i) * scale : Float.NEGATIVE_INFINITY;
            z.set(F32, zAt + 4 * i, value);
            max = value > max ? value : max;
        }
        return max;
    }

    /**
     * {@link #logitsF32} of two rows of the same padded length in one loop, their maxima folded side by side;
     * returns the bits of row A's maximum in the high half and row B's in the low half. The same operations on
     * every element as {@link #logitsF32} (a masked load whose lanes are all valid loads what the plain load does),
     * so the same bits.
     *
     * <p>Why: row by row, the causal f32 rows of {@code [8, 32, 128, 128]} spent 21% of their samples at the end of
     * the maximum's shuffle-tree fold, a chain of about 28 cycles a row that one row's loop could not hide (JFR,
     * this host, 2026-12-06); two independent folds overlap, as in the plain softmax's pair.
     */
    private static long logitsPairF32(
            MemorySegment src,
            long srcA,
            long srcB,
            MemorySegment z,
            long zA,
            long zB,
            long limitA,
            long limitB,
            long padded,
            float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment zExact = z.asSlice(0);
        FloatVector maxesA = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector maxesB = maxesA;
        long shorter = Math.min(limitA, limitB);
        long full = shorter - shorter % LANES;
        long bound = padded - padded % LANES;
        long i = 0;
        for (; i < full; i += LANES) {
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER)
                    .mul(scale);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER)
                    .mul(scale);
            a.intoMemorySegment(zExact, zA + 4 * i, ORDER);
            b.intoMemorySegment(zExact, zB + 4 * i, ORDER);
            maxesA = maxesA.blend(a, a.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(b, b.compare(VectorOperators.GT, maxesB));
        }
        for (; i < bound; i += LANES) {
            VectorMask<Float> validA = SPECIES.indexInRange(i, limitA);
            VectorMask<Float> validB = SPECIES.indexInRange(i, limitB);
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, srcExact, srcA + 4 * i, ORDER, validA)
                    .mul(scale)
                    .blend(Float.NEGATIVE_INFINITY, validA.not());
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, srcExact, srcB + 4 * i, ORDER, validB)
                    .mul(scale)
                    .blend(Float.NEGATIVE_INFINITY, validB.not());
            a.intoMemorySegment(zExact, zA + 4 * i, ORDER);
            b.intoMemorySegment(zExact, zB + 4 * i, ORDER);
            maxesA = maxesA.blend(a, a.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(b, b.compare(VectorOperators.GT, maxesB));
        }
        float maxA = maxOfLanes(maxesA);
        float maxB = maxOfLanes(maxesB);
        for (; i < padded; i++) {
            float a = i < limitA ? src.get(F32, srcA + 4 * i) * scale : Float.NEGATIVE_INFINITY;
            float b = i < limitB ? src.get(F32, srcB + 4 * i) * scale : Float.NEGATIVE_INFINITY;
            z.set(F32, zA + 4 * i, a);
            z.set(F32, zB + 4 * i, b);
            maxA = a > maxA ? a : maxA;
            maxB = b > maxB ? b : maxB;
        }
        return floatPair(maxA, maxB);
    }

    /** {@link #logitsF32} of a bf16 row, widened as {@link PanamaBf16Codec} does (exact). */
    private static float logitsBf16(
            MemorySegment src, long srcAt, MemorySegment z, long zAt, long limit, long padded, float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment zExact = z.asSlice(0);
        FloatVector maxes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        long full = limit - limit % LANES;
        long bound = padded - padded % LANES;
        long i = 0;
        for (; i < full; i += LANES) {
            FloatVector v = ShortVector.fromMemorySegment(HALF, srcExact, srcAt + 2 * i, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)
                    .reinterpretAsInts()
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .mul(scale);
            v.intoMemorySegment(zExact, zAt + 4 * i, ORDER);
            maxes = maxes.blend(v, v.compare(VectorOperators.GT, maxes));
        }
        for (; i < bound; i += LANES) {
            VectorMask<Float> valid = SPECIES.indexInRange(i, limit);
            FloatVector v = ShortVector.fromMemorySegment(HALF, srcExact, srcAt + 2 * i, ORDER, valid.cast(HALF))
                    .convertShape(VectorOperators.S2I, INTS, 0)
                    .reinterpretAsInts()
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .mul(scale)
                    .blend(Float.NEGATIVE_INFINITY, valid.not());
            v.intoMemorySegment(zExact, zAt + 4 * i, ORDER);
            maxes = maxes.blend(v, v.compare(VectorOperators.GT, maxes));
        }
        float max = maxOfLanes(maxes);
        for (; i < padded; i++) {
            float value = i < limit
                    ? FloatConversions.bf16ToFloat(src.get(BF16, srcAt + 2 * i)) * scale
                    : Float.NEGATIVE_INFINITY;
            z.set(F32, zAt + 4 * i, value);
            max = value > max ? value : max;
        }
        return max;
    }

    /** The f32 row at {@code zAt}, rounded to bf16 at {@code dstAt}. */
    private static void narrow(MemorySegment z, long zAt, MemorySegment dst, long dstAt, long n) {
        PanamaBf16Codec.SHARED.narrowBf16(z, zAt, dst, dstAt, n);
    }

    /**
     * Keys {@code from .. n-1} of the destination row at {@code dstAt} set to {@code value} (0 or NaN). Zeros by
     * the JDK's {@link MemorySegment#fill} (no vector code here to grow the callers); a NaN row is rare and written
     * element by element.
     */
    private static void fill(MemorySegment dst, long dstAt, long from, long n, float value, boolean bf16) {
        long size = bf16 ? 2 : 4;
        if (value == 0f) {
            dst.asSlice(dstAt + size * from, size * (n - from)).fill((byte) 0);
            return;
        }
        short bits = FloatConversions.floatToBf16(value);
        for (long i = from; i < n; i++) {
            if (bf16) {
                dst.set(BF16, dstAt + 2 * i, bits);
            } else {
                dst.set(F32, dstAt + 4 * i, value);
            }
        }
    }
}
