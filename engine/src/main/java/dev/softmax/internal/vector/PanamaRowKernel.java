package dev.softmax.internal.vector;

import dev.softmax.internal.kernel.RowKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Three passes over the row with full-width vectors and a scalar tail: maximum, exponentials and their sum,
 * then normalisation. Lane-wise MAX follows {@code Math.max}, so a NaN anywhere reaches the maximum and
 * makes the row NaN, as the edge contract requires. Exponentials come from {@link VectorExp}, whose results
 * do not depend on the JIT tier.
 */
final class PanamaRowKernel implements RowKernel {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Must be a static final: C2 only intrinsifies vector operations whose SPECIES is a constant. */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

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
        FloatVector sumVector = FloatVector.zero(SPECIES);
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector shifted = FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER)
                    .sub(maxVector);
            if (scaled) {
                shifted = shifted.div(temperature);
            }
            FloatVector e = VectorExp.exp(shifted);
            sumVector = sumVector.add(e);
            e.intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        double sum = sumVector.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float shifted = src.get(F32, srcOffset + 4 * i) - max;
            float e = VectorExp.exp(scaled ? shifted / temperature : shifted);
            sum += e;
            dst.set(F32, dstOffset + 4 * i, e);
        }
        float scale = (float) (1.0 / sum);
        FloatVector scaleVector = FloatVector.broadcast(SPECIES, scale);
        i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, dst, dstOffset + 4 * i, ORDER).mul(scaleVector)
                    .intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, dst.get(F32, dstOffset + 4 * i) * scale);
        }
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
        FloatVector sumVector = FloatVector.zero(SPECIES);
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector shifted = FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER)
                    .sub(maxVector);
            if (scaled) {
                shifted = shifted.div(temperature);
            }
            sumVector = sumVector.add(VectorExp.exp(shifted));
        }
        double sum = sumVector.reduceLanes(VectorOperators.ADD);
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
        // accumulator would serialise the loop on it.
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

    private static void fill(MemorySegment dst, long offset, long n, float value) {
        dst.asSlice(offset, 4 * n).fill((byte) 0);
        if (value != 0f) {
            for (long i = 0; i < n; i++) {
                dst.set(F32, offset + 4 * i, value);
            }
        }
    }
}
