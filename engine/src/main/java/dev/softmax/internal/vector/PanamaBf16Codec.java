package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.HALF;
import static dev.softmax.internal.vector.PanamaVectorConstants.INTS;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;

import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.FloatConversions;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** bf16 conversions on the Vector API, bit-identical to {@link FloatConversions} (the scalar tail uses it). */
final class PanamaBf16Codec implements Bf16Codec {

    /** For kernels that round rows themselves: the codec is stateless. */
    static final PanamaBf16Codec SHARED = new PanamaBf16Codec();

    @Override
    public void widenBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            widened(srcExact, srcOffset + 2 * i).intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            short bits = src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcOffset + 2 * i);
            dst.set(F32, dstOffset + 4 * i, FloatConversions.bf16ToFloat(bits));
        }
    }

    @Override
    public void narrowBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        IntVector absMask = IntVector.broadcast(INTS, 0x7FFF_FFFF);
        IntVector infinity = IntVector.broadcast(INTS, 0x7F80_0000);
        for (; i < bound; i += LANES) {
            IntVector bits = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .reinterpretAsInts();
            IntVector odd = bits.lanewise(VectorOperators.LSHR, 16).and(1);
            IntVector rounded = bits.add(odd.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
            IntVector quietNaN = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
            IntVector result = rounded.blend(quietNaN, bits.and(absMask).compare(VectorOperators.GT, infinity));
            ((ShortVector) result.convertShape(VectorOperators.I2S, HALF, 0))
                    .intoMemorySegment(dstExact, dstOffset + 2 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(
                    ValueLayout.JAVA_SHORT_UNALIGNED,
                    dstOffset + 2 * i,
                    FloatConversions.floatToBf16(src.get(F32, srcOffset + 4 * i)));
        }
    }

    /**
     * Widens two bf16 rows into f32 rows at {@code workA} and {@code workB} (exact, as {@link #widenBf16}) and
     * returns their maxima ignoring NaN as a {@link PanamaVectorConstants#floatPair}, A's in the high half: the
     * first pass of a pair of short bf16 rows, so that the widening costs no pass of its own. A maximum is exact,
     * so it equals the one a pass over the widened rows finds (a zero's sign aside, which no {@code x - max}
     * notices). One maximum chain a row: two, as the f32 pair has, took JAVA bf16 4096x128 from 243-245 to
     * 257-258 us (JMH, 1 thread, alternating jars twice, this host, 2026-12-06).
     */
    static long widenMaxPair(
            MemorySegment src, long srcA, long srcB, MemorySegment work, long workA, long workB, long n) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment workExact = work.asSlice(0);
        long bound = n - n % LANES;
        FloatVector maxesA = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector maxesB = maxesA;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector a = widened(srcExact, srcA + 2 * i);
            FloatVector b = widened(srcExact, srcB + 2 * i);
            a.intoMemorySegment(workExact, workA + 4 * i, ORDER);
            b.intoMemorySegment(workExact, workB + 4 * i, ORDER);
            maxesA = maxesA.blend(a, a.compare(VectorOperators.GT, maxesA));
            maxesB = maxesB.blend(b, b.compare(VectorOperators.GT, maxesB));
        }
        float maxA = PanamaVectorConstants.maxOfLanes(maxesA);
        float maxB = PanamaVectorConstants.maxOfLanes(maxesB);
        for (; i < n; i++) {
            float a = FloatConversions.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcA + 2 * i));
            float b = FloatConversions.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcB + 2 * i));
            work.set(F32, workA + 4 * i, a);
            work.set(F32, workB + 4 * i, b);
            maxA = a > maxA ? a : maxA;
            maxB = b > maxB ? b : maxB;
        }
        return PanamaVectorConstants.floatPair(maxA, maxB);
    }

    /** {@link #widenMaxPair} of one row: widens it into {@code work} and returns its maximum ignoring NaN. */
    static float widenMax(MemorySegment src, long srcOffset, MemorySegment work, long workOffset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment workExact = work.asSlice(0);
        long bound = n - n % LANES;
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        long i = 0;
        // Two maximum chains, as in the f32 maximum of long rows: each compare-and-blend waits for the one before.
        for (; i + LANES < bound; i += 2 * LANES) {
            FloatVector v0 = widened(srcExact, srcOffset + 2 * i);
            FloatVector v1 = widened(srcExact, srcOffset + 2 * (i + LANES));
            v0.intoMemorySegment(workExact, workOffset + 4 * i, ORDER);
            v1.intoMemorySegment(workExact, workOffset + 4 * (i + LANES), ORDER);
            m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
        }
        for (; i < bound; i += LANES) {
            FloatVector v = widened(srcExact, srcOffset + 2 * i);
            v.intoMemorySegment(workExact, workOffset + 4 * i, ORDER);
            m0 = m0.blend(v, v.compare(VectorOperators.GT, m0));
        }
        m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
        float max = PanamaVectorConstants.maxOfLanes(m0);
        for (; i < n; i++) {
            float value = FloatConversions.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcOffset + 2 * i));
            work.set(F32, workOffset + 4 * i, value);
            max = value > max ? value : max;
        }
        return max;
    }

    /**
     * The exponentials of a row times {@code factor} (one over their sum), rounded to bf16: bit for bit
     * {@code scaleRow} then {@link #narrowBf16}, in one pass. The exponentials lie in [0, 1] or the row is NaN,
     * and then {@code factor} is NaN too: so with a finite factor no product is NaN and the rounding skips the
     * NaN test (three of its eight integer operations), which is exact for every other value.
     */
    static void scaleNarrowProbabilities(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float factor) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        if (Float.isNaN(factor)) {
            PanamaRowMath.scaleRow(src, srcOffset, n, factor);
            SHARED.narrowBf16(src, srcOffset, dst, dstOffset, n);
            return;
        }
        long bound = n - n % LANES;
        FloatVector factorVector = FloatVector.broadcast(SPECIES, factor);
        long i = 0;
        for (; i < bound; i += LANES) {
            IntVector bits = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .mul(factorVector)
                    .reinterpretAsInts();
            IntVector odd = bits.lanewise(VectorOperators.LSHR, 16).and(1);
            IntVector rounded = bits.add(odd.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
            ((ShortVector) rounded.convertShape(VectorOperators.I2S, HALF, 0))
                    .intoMemorySegment(dstExact, dstOffset + 2 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(
                    ValueLayout.JAVA_SHORT_UNALIGNED,
                    dstOffset + 2 * i,
                    FloatConversions.floatToBf16(src.get(F32, srcOffset + 4 * i) * factor));
        }
    }

    /**
     * {@link PanamaVectorConstants#LANES} bf16 values at byte {@code offset} as f32 (exact): sign-extended to 32
     * bits, then shifted up 16, so the extension's bits fall off the top. Small and without an exponential, so C2
     * inlines it and the vector it returns is not boxed (see {@link PanamaVectorConstants};
     * {@code KernelAllocationTest} covers the bf16 rows).
     */
    static FloatVector widened(MemorySegment srcExact, long offset) {
        return ShortVector.fromMemorySegment(HALF, srcExact, offset, ORDER)
                .convertShape(VectorOperators.S2I, INTS, 0)
                .reinterpretAsInts()
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }
}
