package dev.softmax.internal.vector;

import dev.softmax.internal.kernel.RowKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Three passes over the row with full-width vectors and a scalar tail: maximum, exponentials and their sum,
 * then normalisation.
 *
 * <ul>
 *   <li>Lane-wise MAX follows {@code Math.max}, so a NaN anywhere reaches the maximum and makes the row NaN,
 *       as the edge contract requires.</li>
 *   <li>Exponentials come from {@link VectorExp}, whose results do not depend on the JIT tier.</li>
 *   <li>The sum is accumulated in f32 lanes over blocks of {@value #SUM_BLOCK} elements, each block folded
 *       into a double in a fixed order (a shuffle tree, not {@code reduceLanes}, whose order is unspecified
 *       and differs between the interpreter and C2). A single f32 accumulator per lane lost up to 1e-5 of the
 *       normaliser on 128k-element rows; blocks keep it near 1e-7 and make results bit-reproducible.</li>
 * </ul>
 */
final class PanamaRowKernel implements RowKernel {

    /** Must be a static final: C2 only intrinsifies vector operations whose species is a constant. */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int SUM_BLOCK = 1024;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private static final VectorShuffle<Float> SWAP_32 = swap(32);
    private static final VectorShuffle<Float> SWAP_16 = swap(16);
    private static final VectorShuffle<Float> SWAP_8 = swap(8);
    private static final VectorShuffle<Float> SWAP_4 = swap(4);
    private static final VectorShuffle<Float> SWAP_2 = swap(2);
    private static final VectorShuffle<Float> SWAP_1 = swap(1);

    @Override
    public void softmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMaskedRows) {
        float max = max(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(dst, dstOffset, n, zeroMaskedRows ? 0f : Float.NaN);
            return;
        }
        boolean scaled = temperature != 1f;
        long bound = n - n % LANES;
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        double sum = 0;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector blockSum = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector shifted = FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER)
                        .sub(maxVector);
                if (scaled) {
                    shifted = shifted.div(temperature);
                }
                FloatVector e = VectorExp.exp(shifted);
                blockSum = blockSum.add(e);
                e.intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
            }
            sum += sumLanes(blockSum);
        }
        for (; i < n; i++) {
            float shifted = src.get(F32, srcOffset + 4 * i) - max;
            float e = VectorExp.exp(scaled ? shifted / temperature : shifted);
            sum += e;
            dst.set(F32, dstOffset + 4 * i, e);
        }
        scale(dst, dstOffset, n, (float) (1.0 / sum));
    }

    @Override
    public void logSoftmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMaskedRows) {
        float max = max(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(dst, dstOffset, n, zeroMaskedRows ? Float.NEGATIVE_INFINITY : Float.NaN);
            return;
        }
        boolean scaled = temperature != 1f;
        long bound = n - n % LANES;
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        double sum = 0;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector blockSum = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector shifted = FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER)
                        .sub(maxVector);
                if (scaled) {
                    shifted = shifted.div(temperature);
                }
                blockSum = blockSum.add(VectorExp.exp(shifted));
            }
            sum += sumLanes(blockSum);
        }
        for (; i < n; i++) {
            float shifted = src.get(F32, srcOffset + 4 * i) - max;
            sum += VectorExp.exp(scaled ? shifted / temperature : shifted);
        }
        float logSum = (float) Math.log(sum);
        FloatVector logSumVector = FloatVector.broadcast(SPECIES, logSum);
        i = 0;
        for (; i < bound; i += LANES) {
            FloatVector shifted = FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER)
                    .sub(maxVector);
            if (scaled) {
                shifted = shifted.div(temperature);
            }
            shifted.sub(logSumVector).intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            float shifted = src.get(F32, srcOffset + 4 * i) - max;
            dst.set(F32, dstOffset + 4 * i, (scaled ? shifted / temperature : shifted) - logSum);
        }
    }

    @Override
    public float max(MemorySegment src, long offset, long n) {
        // Four independent accumulators: a NaN-propagating max has a latency of several cycles, and one
        // accumulator would serialise the loop on it. MAX is exact, so the reduction order does not matter.
        FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        long i = 0;
        long bound4 = n - n % (4L * LANES);
        for (; i < bound4; i += 4L * LANES) {
            long at = offset + 4 * i;
            m0 = m0.max(FloatVector.fromMemorySegment(SPECIES, src, at, ORDER));
            m1 = m1.max(FloatVector.fromMemorySegment(SPECIES, src, at + 4L * LANES, ORDER));
            m2 = m2.max(FloatVector.fromMemorySegment(SPECIES, src, at + 8L * LANES, ORDER));
            m3 = m3.max(FloatVector.fromMemorySegment(SPECIES, src, at + 12L * LANES, ORDER));
        }
        long bound = n - n % LANES;
        for (; i < bound; i += LANES) {
            m0 = m0.max(FloatVector.fromMemorySegment(SPECIES, src, offset + 4 * i, ORDER));
        }
        float max = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, src.get(F32, offset + 4 * i));
        }
        return max;
    }

    @Override
    public double sum(MemorySegment src, long offset, long n) {
        long bound = n - n % LANES;
        double sum = 0;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector blockSum = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                blockSum = blockSum.add(FloatVector.fromMemorySegment(SPECIES, src, offset + 4 * i, ORDER));
            }
            sum += sumLanes(blockSum);
        }
        for (; i < n; i++) {
            sum += src.get(F32, offset + 4 * i);
        }
        return sum;
    }

    @Override
    public void scale(MemorySegment dst, long offset, long n, float factor) {
        FloatVector factorVector = FloatVector.broadcast(SPECIES, factor);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, dst, offset + 4 * i, ORDER).mul(factorVector)
                    .intoMemorySegment(dst, offset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, offset + 4 * i, dst.get(F32, offset + 4 * i) * factor);
        }
    }

    @Override
    public double sumExp(MemorySegment src, long offset, long n, float shift) {
        FloatVector shiftVector = FloatVector.broadcast(SPECIES, shift);
        long bound = n - n % LANES;
        double sum = 0;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector blockSum = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                blockSum = blockSum.add(VectorExp.exp(
                        FloatVector.fromMemorySegment(SPECIES, src, offset + 4 * i, ORDER).sub(shiftVector)));
            }
            sum += sumLanes(blockSum);
        }
        for (; i < n; i++) {
            sum += VectorExp.exp(src.get(F32, offset + 4 * i) - shift);
        }
        return sum;
    }

    @Override
    public void expShiftScale(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float shift, float scale) {
        FloatVector shiftVector = FloatVector.broadcast(SPECIES, shift);
        FloatVector scaleVector = FloatVector.broadcast(SPECIES, scale);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            VectorExp.exp(FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER).sub(shiftVector))
                    .mul(scaleVector).intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, VectorExp.exp(src.get(F32, srcOffset + 4 * i) - shift) * scale);
        }
    }

    @Override
    public void subtract(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float shift) {
        FloatVector shiftVector = FloatVector.broadcast(SPECIES, shift);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER).sub(shiftVector)
                    .intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, src.get(F32, srcOffset + 4 * i) - shift);
        }
    }

    /** Sum of the lanes in a fixed pairwise order (halves, then quarters, ...), so every JIT tier agrees. */
    private static double sumLanes(FloatVector v) {
        FloatVector folded = v;
        if (LANES > 32) {
            folded = folded.add(folded.rearrange(SWAP_32));
        }
        if (LANES > 16) {
            folded = folded.add(folded.rearrange(SWAP_16));
        }
        if (LANES > 8) {
            folded = folded.add(folded.rearrange(SWAP_8));
        }
        if (LANES > 4) {
            folded = folded.add(folded.rearrange(SWAP_4));
        }
        if (LANES > 2) {
            folded = folded.add(folded.rearrange(SWAP_2));
        }
        if (LANES > 1) {
            folded = folded.add(folded.rearrange(SWAP_1));
        }
        return folded.lane(0);
    }

    private static VectorShuffle<Float> swap(int distance) {
        return VectorShuffle.fromOp(SPECIES, lane -> distance < LANES ? lane ^ distance : lane);
    }

    private static void fill(MemorySegment dst, long offset, long n, float value) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, offset + 4 * i, value);
        }
    }
}
