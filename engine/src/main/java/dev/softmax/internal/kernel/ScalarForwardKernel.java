package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The portable kernels: plain loops, exponent and sum in double. They are the reference every other kernel is
 * held to and what serves when the Vector API is unavailable. Double arithmetic makes them nearly exactly
 * rounded (one f32 rounding of the result) at roughly 4 ns per element. This class holds the forward passes;
 * {@link ScalarBackwardKernel}, {@link ScalarRowMath} and {@link ScalarBf16Codec} the rest.
 */
final class ScalarForwardKernel implements ForwardKernel {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public void softmax(
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float temperature,
            boolean zeroMaskedRows) {
        float max = ScalarRowMath.rowMax(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(dst, dstOffset, n, zeroMaskedRows ? 0f : Float.NaN);
            return;
        }
        double inverseT = 1.0 / temperature;
        double sum = 0;
        for (long i = 0; i < n; i++) {
            double e = Math.exp(((double) src.get(F32, srcOffset + 4 * i) - max) * inverseT);
            sum += e;
            // The unnormalised value is parked in dst; in-place is safe because each x is read before its slot
            // is overwritten.
            dst.set(F32, dstOffset + 4 * i, (float) e);
        }
        double scale = 1.0 / sum;
        for (long i = 0; i < n; i++) {
            long at = dstOffset + 4 * i;
            dst.set(F32, at, (float) (dst.get(F32, at) * scale));
        }
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
        float max = ScalarRowMath.rowMax(src, srcOffset, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(dst, dstOffset, n, zeroMaskedRows ? Float.NEGATIVE_INFINITY : Float.NaN);
            return;
        }
        double inverseT = 1.0 / temperature;
        double sum = 0;
        for (long i = 0; i < n; i++) {
            sum += Math.exp(((double) src.get(F32, srcOffset + 4 * i) - max) * inverseT);
        }
        double logSum = Math.log(sum);
        for (long i = 0; i < n; i++) {
            double shifted = ((double) src.get(F32, srcOffset + 4 * i) - max) * inverseT;
            dst.set(F32, dstOffset + 4 * i, (float) (shifted - logSum));
        }
    }

    private static void fill(MemorySegment dst, long offset, long n, float value) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, offset + 4 * i, value);
        }
    }
}
