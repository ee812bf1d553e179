package dev.softmax.internal.vector;

import dev.softmax.internal.kernel.RowKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API row kernels: maximum, exponentials and their sum, then normalisation, with full-width vectors and
 * a scalar tail.
 *
 * <ul>
 *   <li>Lane-wise MAX follows {@code Math.max}, so a NaN anywhere reaches the maximum and makes the row NaN,
 *       as the edge contract requires; MAX is exact, so its reduction order does not matter.</li>
 *   <li>Exponentials come from {@link VectorExp}, whose results do not depend on the JIT tier.</li>
 *   <li>Sums are accumulated in f32 lanes over blocks of {@value #SUM_BLOCK} elements, each block widened into
 *       double lanes, and the double lanes are added in a fixed order at the end. A single f32 accumulator per
 *       lane lost up to 1e-5 of the normaliser on 128k-element rows; blocks keep it near 1e-7. Every step is a
 *       lane-wise IEEE operation, so results are bit-reproducible in every JIT tier
 *       ({@code reduceLanes(ADD)} would not be: its order differs between the interpreter and C2).</li>
 * </ul>
 *
 * <p>Shape of the code, measured: a vector passed to or returned from a call C2 does not inline is boxed (an
 * allocation per call), and C2 stops inlining once a compilation grows past its node budget, which a few
 * inlined copies of the exponential reach. So each pass is its own method taking and returning only scalars,
 * holds at most one copy of the exponential, and folds its sums without helper calls; the public methods only
 * sequence passes. Temperature has its own passes so that no loop is unswitched into two exponential copies.
 */
final class PanamaRowKernel implements RowKernel {

    /** Must be a static final: C2 only intrinsifies vector operations whose species is a constant. */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> WIDE =
            VectorSpecies.of(double.class, VectorShape.forBitSize(SPECIES.vectorBitSize()));
    private static final int LANES = SPECIES.length();
    private static final int WIDE_LANES = WIDE.length();
    private static final int SUM_BLOCK = 1024;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    @Override
    public void softmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMaskedRows) {
        float max = max(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(dst, dstOffset, n, zeroMaskedRows ? 0f : Float.NaN);
            return;
        }
        double sum = temperature == 1f
                ? expStoreSum(src, srcOffset, dst, dstOffset, n, max)
                : expStoreSumScaled(src, srcOffset, dst, dstOffset, n, max, temperature);
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
        if (temperature == 1f) {
            float logSum = (float) Math.log(expSum(src, srcOffset, n, max));
            shiftStore(src, srcOffset, dst, dstOffset, n, max, logSum);
        } else {
            float logSum = (float) Math.log(expSumScaled(src, srcOffset, n, max, temperature));
            shiftStoreScaled(src, srcOffset, dst, dstOffset, n, max, temperature, logSum);
        }
    }

    @Override
    public float max(MemorySegment src, long offset, long n) {
        // Four independent accumulators: a NaN-propagating max has a latency of several cycles.
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
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                block = block.add(FloatVector.fromMemorySegment(SPECIES, src, offset + 4 * i, ORDER));
            }
            low = low.add(block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.add(block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.add(high);
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
    public double sumExp(MemorySegment src, long offset, long n, float shift) {
        return expSum(src, offset, n, shift);
    }

    /** {@code sum exp(x - max)}. */
    private static double expSum(MemorySegment src, long offset, long n, float max) {
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                block = block.add(VectorExp.exp(
                        FloatVector.fromMemorySegment(SPECIES, src, offset + 4 * i, ORDER).sub(maxVector)));
            }
            low = low.add(block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.add(block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.add(high);
        double sum = 0;
        for (int lane = 0; lane < WIDE_LANES; lane++) {
            sum += lanes.lane(lane);
        }
        for (; i < n; i++) {
            sum += VectorExp.exp(src.get(F32, offset + 4 * i) - max);
        }
        return sum;
    }

    /** {@code sum exp((x - max) / T)}. */
    private static double expSumScaled(MemorySegment src, long offset, long n, float max, float temperature) {
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector divisor = FloatVector.broadcast(SPECIES, temperature);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                block = block.add(VectorExp.exp(FloatVector.fromMemorySegment(SPECIES, src, offset + 4 * i, ORDER)
                        .sub(maxVector).div(divisor)));
            }
            low = low.add(block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.add(block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.add(high);
        double sum = 0;
        for (int lane = 0; lane < WIDE_LANES; lane++) {
            sum += lanes.lane(lane);
        }
        for (; i < n; i++) {
            sum += VectorExp.exp((src.get(F32, offset + 4 * i) - max) / temperature);
        }
        return sum;
    }

    /** Stores {@code exp(x - max)} and returns its sum. */
    private static double expStoreSum(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float max) {
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector e = VectorExp.exp(
                        FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER).sub(maxVector));
                block = block.add(e);
                e.intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
            }
            low = low.add(block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.add(block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.add(high);
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
    private static double expStoreSumScaled(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset,
            long n, float max, float temperature) {
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector divisor = FloatVector.broadcast(SPECIES, temperature);
        long bound = n - n % LANES;
        DoubleVector low = DoubleVector.zero(WIDE);
        DoubleVector high = low;
        long i = 0;
        while (i < bound) {
            long blockEnd = Math.min(bound, i + SUM_BLOCK);
            FloatVector block = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector e = VectorExp.exp(FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER)
                        .sub(maxVector).div(divisor));
                block = block.add(e);
                e.intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
            }
            low = low.add(block.convertShape(VectorOperators.F2D, WIDE, 0));
            high = high.add(block.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        DoubleVector lanes = low.add(high);
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

    /** {@code dst = x - max - logSum}. */
    private static void shiftStore(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float max, float logSum) {
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector logSumVector = FloatVector.broadcast(SPECIES, logSum);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER).sub(maxVector).sub(logSumVector)
                    .intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, src.get(F32, srcOffset + 4 * i) - max - logSum);
        }
    }

    /** {@code dst = (x - max) / T - logSum}. */
    private static void shiftStoreScaled(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float max, float temperature, float logSum) {
        FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
        FloatVector divisor = FloatVector.broadcast(SPECIES, temperature);
        FloatVector logSumVector = FloatVector.broadcast(SPECIES, logSum);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, src, srcOffset + 4 * i, ORDER).sub(maxVector).div(divisor)
                    .sub(logSumVector).intoMemorySegment(dst, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, (src.get(F32, srcOffset + 4 * i) - max) / temperature - logSum);
        }
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
        shiftStore(src, srcOffset, dst, dstOffset, n, shift, 0f);
    }

    private static void fill(MemorySegment dst, long offset, long n, float value) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, offset + 4 * i, value);
        }
    }
}
