package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;
import static dev.softmax.internal.vector.PanamaVectorConstants.SUM_BLOCK;
import static dev.softmax.internal.vector.PanamaVectorConstants.WIDE;
import static dev.softmax.internal.vector.PanamaVectorConstants.WIDE_LANES;

import dev.softmax.internal.kernel.BackwardKernel;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** Backward passes on the Vector API; see {@link PanamaVectorConstants} for the shape of the code. */
final class PanamaBackwardKernel implements BackwardKernel {

    @Override
    public double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n) {
        MemorySegment aExact = a.asSlice(0);
        MemorySegment bExact = b.asSlice(0);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        // The blocked sum, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                block = FloatVector.fromMemorySegment(SPECIES, aExact, aOffset + 4 * i, ORDER)
                        .fma(FloatVector.fromMemorySegment(SPECIES, bExact, bOffset + 4 * i, ORDER), block);
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
            sum += (double) a.get(F32, aOffset + 4 * i) * b.get(F32, bOffset + 4 * i);
        }
        return sum;
    }

    @Override
    public void softmaxBackward(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float dot) {
        MemorySegment yExact = y.asSlice(0);
        MemorySegment gExact = g.asSlice(0);
        MemorySegment dxExact = dx.asSlice(0);
        FloatVector dotVector = FloatVector.broadcast(SPECIES, dot);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector s = FloatVector.fromMemorySegment(SPECIES, yExact, yOffset + 4 * i, ORDER);
            FloatVector gradient = FloatVector.fromMemorySegment(SPECIES, gExact, gOffset + 4 * i, ORDER);
            s.mul(gradient.sub(dotVector)).intoMemorySegment(dxExact, dxOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dx.set(F32, dxOffset + 4 * i, y.get(F32, yOffset + 4 * i) * (g.get(F32, gOffset + 4 * i) - dot));
        }
    }

    /** {@link #softmaxBackward}'s loop and {@link #dot}'s in one, so each block streams the next row once. */
    @Override
    public double softmaxBackwardAndNextDot(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float dot,
            long nextYOffset,
            long nextGOffset) {
        MemorySegment yExact = y.asSlice(0);
        MemorySegment gExact = g.asSlice(0);
        MemorySegment dxExact = dx.asSlice(0);
        FloatVector dotVector = FloatVector.broadcast(SPECIES, dot);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        // The blocked sum, written out in each pass: as a helper it was boxed (see PanamaVectorConstants).
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector s = FloatVector.fromMemorySegment(SPECIES, yExact, yOffset + 4 * i, ORDER);
                FloatVector gradient = FloatVector.fromMemorySegment(SPECIES, gExact, gOffset + 4 * i, ORDER);
                s.mul(gradient.sub(dotVector)).intoMemorySegment(dxExact, dxOffset + 4 * i, ORDER);
                block = FloatVector.fromMemorySegment(SPECIES, yExact, nextYOffset + 4 * i, ORDER)
                        .fma(FloatVector.fromMemorySegment(SPECIES, gExact, nextGOffset + 4 * i, ORDER), block);
            }
            low = low.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.lanewise(VectorOperators.ADD, block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.lanewise(VectorOperators.ADD, high);
        double next = 0;
        for (int lane = 0; lane < WIDE_LANES; lane++) {
            next += lanes.lane(lane);
        }
        for (; i < n; i++) {
            dx.set(F32, dxOffset + 4 * i, y.get(F32, yOffset + 4 * i) * (g.get(F32, gOffset + 4 * i) - dot));
            next += (double) y.get(F32, nextYOffset + 4 * i) * g.get(F32, nextGOffset + 4 * i);
        }
        return next;
    }

    /**
     * {@link #logSoftmaxBackward} without the exponential's upper clamp, two of its operations per vector: a
     * log-softmax's y is at most 0, and the check that already caught NaN and +inf now refuses any y above 88,
     * below which {@link VectorExp#expOfNonPositive} gives {@link VectorExp#exp}'s bits. JMH, JAVA f32
     * log-softmax backward of 4096x128, 1 thread, this host, 2026-12-06, three runs each alternating: 246-252 us
     * with the clamp, 234-244 us without.
     */
    @Override
    public boolean logSoftmaxBackwardIfBounded(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float sumG) {
        MemorySegment yExact = y.asSlice(0);
        MemorySegment gExact = g.asSlice(0);
        MemorySegment dxExact = dx.asSlice(0);
        FloatVector negativeSum = FloatVector.broadcast(SPECIES, -sumG);
        VectorMask<Float> bounded = SPECIES.maskAll(true);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector value = FloatVector.fromMemorySegment(SPECIES, yExact, yOffset + 4 * i, ORDER);
            FloatVector gradient = FloatVector.fromMemorySegment(SPECIES, gExact, gOffset + 4 * i, ORDER);
            // False exactly for NaN and for y above the bound (+inf included).
            bounded = bounded.and(value.compare(VectorOperators.LE, BOUNDED_Y));
            VectorExp.expOfNonPositive(value)
                    .fma(negativeSum, gradient)
                    .intoMemorySegment(dxExact, dxOffset + 4 * i, ORDER);
        }
        boolean inBound = bounded.allTrue();
        for (; i < n; i++) {
            float value = y.get(F32, yOffset + 4 * i);
            inBound &= value <= BOUNDED_Y;
            dx.set(F32, dxOffset + 4 * i, Math.fma(VectorExp.exp(value), -sumG, g.get(F32, gOffset + 4 * i)));
        }
        return inBound;
    }

    @Override
    public double logSoftmaxBackward(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float sumG) {
        MemorySegment yExact = y.asSlice(0);
        MemorySegment gExact = g.asSlice(0);
        MemorySegment dxExact = dx.asSlice(0);
        FloatVector negativeSum = FloatVector.broadcast(SPECIES, -sumG);
        VectorMask<Float> ordinary = SPECIES.maskAll(true);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector value = FloatVector.fromMemorySegment(SPECIES, yExact, yOffset + 4 * i, ORDER);
            FloatVector gradient = FloatVector.fromMemorySegment(SPECIES, gExact, gOffset + 4 * i, ORDER);
            // y <= MAX_VALUE is false exactly for NaN and +inf: one compare and a mask AND, where the NaN-propagating
            // lane-wise MAX this replaced is about five instructions on AVX-512.
            ordinary = ordinary.and(value.compare(VectorOperators.LE, Float.MAX_VALUE));
            // g - exp(y) sumG, as exp(y) * (-sumG) + g: the same single rounding without a negation.
            VectorExp.exp(value).fma(negativeSum, gradient).intoMemorySegment(dxExact, dxOffset + 4 * i, ORDER);
        }
        boolean nonFinite = !ordinary.allTrue();
        for (; i < n; i++) {
            float value = y.get(F32, yOffset + 4 * i);
            nonFinite |= !(value <= Float.MAX_VALUE);
            // The lanes' single rounding (two roundings before, so a row's bits depended on the vector width).
            dx.set(F32, dxOffset + 4 * i, Math.fma(VectorExp.exp(value), -sumG, g.get(F32, gOffset + 4 * i)));
        }
        return nonFinite ? Double.NaN : 0;
    }
}
