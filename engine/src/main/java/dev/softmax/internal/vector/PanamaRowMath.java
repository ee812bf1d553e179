package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.INTS;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;
import static dev.softmax.internal.vector.PanamaVectorConstants.SUM_BLOCK;
import static dev.softmax.internal.vector.PanamaVectorConstants.WIDE;
import static dev.softmax.internal.vector.PanamaVectorConstants.WIDE_LANES;

import dev.softmax.internal.kernel.RowMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row passes on the Vector API (see {@link PanamaVectorConstants} for the shape of the code). The passes the
 * forward kernel shares ({@link #scaleRow}, {@link #expSum}, {@link #shiftStore}) are static here.
 */
final class PanamaRowMath implements RowMath {

    @Override
    public float max(MemorySegment src, long offset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        // Four independent accumulators: a NaN-propagating max has a latency of several cycles.
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        long i = 0;
        long bound4 = n - n % (4L * LANES);
        for (; i < bound4; i += 4L * LANES) {
            long at = offset + 4 * i;
            m0 = m0.lanewise(VectorOperators.MAX, FloatVector.fromMemorySegment(SPECIES, srcExact, at, ORDER));
            m1 = m1.lanewise(
                    VectorOperators.MAX, FloatVector.fromMemorySegment(SPECIES, srcExact, at + 4L * LANES, ORDER));
            m2 = m2.lanewise(
                    VectorOperators.MAX, FloatVector.fromMemorySegment(SPECIES, srcExact, at + 8L * LANES, ORDER));
            m3 = m3.lanewise(
                    VectorOperators.MAX, FloatVector.fromMemorySegment(SPECIES, srcExact, at + 12L * LANES, ORDER));
        }
        long bound = n - n % LANES;
        for (; i < bound; i += LANES) {
            m0 = m0.lanewise(
                    VectorOperators.MAX, FloatVector.fromMemorySegment(SPECIES, srcExact, offset + 4 * i, ORDER));
        }
        float max = m0.lanewise(VectorOperators.MAX, m1)
                .lanewise(VectorOperators.MAX, m2.lanewise(VectorOperators.MAX, m3))
                .reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, src.get(F32, offset + 4 * i));
        }
        return max;
    }

    /**
     * One AND, one compare and a mask OR per vector of raw bits, no widening to f32 (why it exists, with figures:
     * {@code DnnlEdgeRepair}).
     */
    @Override
    public boolean anyNonFinite16(MemorySegment src, long offset, long n, short exponentBits) {
        MemorySegment srcExact = src.asSlice(0);
        int lanes = SHORTS.length();
        long bound = n - n % lanes;
        VectorMask<Short> found = SHORTS.maskAll(false);
        long i = 0;
        for (; i < bound; i += lanes) {
            found = found.or(ShortVector.fromMemorySegment(SHORTS, srcExact, offset + 2 * i, ORDER)
                    .and(exponentBits)
                    .compare(VectorOperators.EQ, exponentBits));
        }
        if (found.anyTrue()) {
            return true;
        }
        for (; i < n; i++) {
            if ((src.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 2 * i) & exponentBits) == exponentBits) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean anyNonFinite32(MemorySegment src, long offset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        long bound = n - n % LANES;
        VectorMask<Integer> found = INTS.maskAll(false);
        long i = 0;
        for (; i < bound; i += LANES) {
            found = found.or(IntVector.fromMemorySegment(INTS, srcExact, offset + 4 * i, ORDER)
                    .and(EXPONENT_32)
                    .compare(VectorOperators.EQ, EXPONENT_32));
        }
        if (found.anyTrue()) {
            return true;
        }
        for (; i < n; i++) {
            if ((src.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 4 * i) & EXPONENT_32) == EXPONENT_32) {
                return true;
            }
        }
        return false;
    }

    private static final int EXPONENT_32 = 0x7F80_0000;
    /** Shorts in a vector of the kernel's width, for the 16-bit tests. */
    private static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, SPECIES.vectorShape());

    @Override
    public double sum(MemorySegment src, long offset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        // The blocked sum, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                block = block.add(FloatVector.fromMemorySegment(SPECIES, srcExact, offset + 4 * i, ORDER));
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
            sum += src.get(F32, offset + 4 * i);
        }
        return sum;
    }

    @Override
    public void scale(MemorySegment dst, long offset, long n, float factor) {
        scaleRow(dst, offset, n, factor);
    }

    /** Multiplies a row by {@code factor} in place. */
    static void scaleRow(MemorySegment dst, long offset, long n, float factor) {
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector factorVector = FloatVector.broadcast(SPECIES, factor);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, dstExact, offset + 4 * i, ORDER)
                    .mul(factorVector)
                    .intoMemorySegment(dstExact, offset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, offset + 4 * i, dst.get(F32, offset + 4 * i) * factor);
        }
    }

    @Override
    public double sumExp(MemorySegment src, long offset, long n, float shift) {
        return expSum(src, offset, n, shift);
    }

    /** {@code sum exp(x - max)}. */
    static double expSum(MemorySegment src, long offset, long n, float max) {
        MemorySegment srcExact = src.asSlice(0);
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
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
                                .sub(maxVector)));
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
            sum += VectorExp.exp(src.get(F32, offset + 4 * i) - max);
        }
        return sum;
    }

    @Override
    public void expShiftScale(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift, float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector shiftVector = FloatVector.broadcast(SPECIES, shift);
        FloatVector scaleVector = FloatVector.broadcast(SPECIES, scale);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            VectorExp.expOfNonPositive(FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                            .sub(shiftVector))
                    .mul(scaleVector)
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, VectorExp.exp(src.get(F32, srcOffset + 4 * i) - shift) * scale);
        }
    }

    @Override
    public void subtract(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift) {
        shiftStore(src, srcOffset, dst, dstOffset, n, shift, 0f);
    }

    /** {@code dst = x - max - logSum}. */
    static void shiftStore(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float max, float logSum) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector logSumVector = FloatVector.broadcast(SPECIES, logSum);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .sub(maxVector)
                    .sub(logSumVector)
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, src.get(F32, srcOffset + 4 * i) - max - logSum);
        }
    }

    @Override
    public double expWeightedShift(MemorySegment src, long offset, long n, float max) {
        MemorySegment srcExact = src.asSlice(0);
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        // The blocked sum, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                // Clamped like the exponential's own argument: a -inf entry becomes 0 * -104, not 0 * -inf.
                FloatVector shifted = FloatVector.fromMemorySegment(SPECIES, srcExact, offset + 4 * i, ORDER)
                        .sub(maxVector)
                        .max(VectorExp.LOWEST);
                block = VectorExp.expOfNonPositive(shifted).fma(shifted, block);
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
            float shifted = Math.max(src.get(F32, offset + 4 * i) - max, VectorExp.LOWEST);
            sum += VectorExp.exp(shifted) * shifted;
        }
        return sum;
    }
}
