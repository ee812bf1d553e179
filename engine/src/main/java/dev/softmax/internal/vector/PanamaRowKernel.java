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
 * makes the row NaN, as the edge contract requires.
 */
final class PanamaRowKernel implements RowKernel {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final VectorSpecies<Float> species;
    private final int lanes;

    PanamaRowKernel(VectorSpecies<Float> species) {
        this.species = species;
        this.lanes = species.length();
    }

    @Override
    public void softmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMaskedRows) {
        float max = max(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(dst, dstOffset, n, zeroMaskedRows ? 0f : Float.NaN);
            return;
        }
        boolean scaled = temperature != 1f;
        long bound = n - n % lanes;
        FloatVector maxVector = FloatVector.broadcast(species, max);
        FloatVector sumVector = FloatVector.zero(species);
        long i = 0;
        for (; i < bound; i += lanes) {
            FloatVector shifted = FloatVector.fromMemorySegment(species, src, srcOffset + 4 * i, ORDER)
                    .sub(maxVector);
            if (scaled) {
                shifted = shifted.div(temperature);
            }
            FloatVector e = shifted.lanewise(VectorOperators.EXP);
            sumVector = sumVector.add(e);
            e.intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        double sum = sumVector.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float shifted = src.get(F32, srcOffset + 4 * i) - max;
            float e = (float) Math.exp(scaled ? shifted / temperature : shifted);
            sum += e;
            dst.set(F32, dstOffset + 4 * i, e);
        }
        float scale = (float) (1.0 / sum);
        FloatVector scaleVector = FloatVector.broadcast(species, scale);
        i = 0;
        for (; i < bound; i += lanes) {
            FloatVector.fromMemorySegment(species, dst, dstOffset + 4 * i, ORDER).mul(scaleVector)
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
        long bound = n - n % lanes;
        FloatVector maxVector = FloatVector.broadcast(species, max);
        FloatVector sumVector = FloatVector.zero(species);
        long i = 0;
        for (; i < bound; i += lanes) {
            FloatVector shifted = FloatVector.fromMemorySegment(species, src, srcOffset + 4 * i, ORDER)
                    .sub(maxVector);
            if (scaled) {
                shifted = shifted.div(temperature);
            }
            sumVector = sumVector.add(shifted.lanewise(VectorOperators.EXP));
        }
        double sum = sumVector.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float shifted = src.get(F32, srcOffset + 4 * i) - max;
            sum += (float) Math.exp(scaled ? shifted / temperature : shifted);
        }
        float logSum = (float) Math.log(sum);
        FloatVector logSumVector = FloatVector.broadcast(species, logSum);
        i = 0;
        for (; i < bound; i += lanes) {
            FloatVector shifted = FloatVector.fromMemorySegment(species, src, srcOffset + 4 * i, ORDER)
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
        long bound = n - n % lanes;
        FloatVector maxVector = FloatVector.broadcast(species, Float.NEGATIVE_INFINITY);
        long i = 0;
        for (; i < bound; i += lanes) {
            maxVector = maxVector.max(FloatVector.fromMemorySegment(species, src, offset + 4 * i, ORDER));
        }
        float max = maxVector.reduceLanes(VectorOperators.MAX);
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
