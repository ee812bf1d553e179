package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The portable kernel: plain loops, exponent and sum in double. It is the reference every other kernel is
 * held to and what serves when the Vector API is unavailable. Double arithmetic makes it nearly exactly
 * rounded (one f32 rounding of the result) at roughly 4 ns per element.
 */
public final class ScalarRowKernel implements RowKernel {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public void softmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMaskedRows) {
        float max = max(src, srcOffset, n);
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
    public void logSoftmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMaskedRows) {
        float max = max(src, srcOffset, n);
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

    /** Row maximum; NaN if any entry is NaN (Math.max propagates it), so NaN rows stay NaN downstream. */
    @Override
    public float max(MemorySegment src, long offset, long n) {
        float max = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            max = Math.max(max, src.get(F32, offset + 4 * i));
        }
        return max;
    }

    @Override
    public double sum(MemorySegment src, long offset, long n) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
            sum += src.get(F32, offset + 4 * i);
        }
        return sum;
    }

    @Override
    public void scale(MemorySegment dst, long offset, long n, float factor) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, offset + 4 * i, dst.get(F32, offset + 4 * i) * factor);
        }
    }

    @Override
    public double sumExp(MemorySegment src, long offset, long n, float shift) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
            sum += Math.exp((double) src.get(F32, offset + 4 * i) - shift);
        }
        return sum;
    }

    @Override
    public void expShiftScale(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float shift, float scale) {
        for (long i = 0; i < n; i++) {
            double e = Math.exp((double) src.get(F32, srcOffset + 4 * i) - shift);
            dst.set(F32, dstOffset + 4 * i, (float) (e * scale));
        }
    }

    @Override
    public void subtract(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float shift) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, (float) ((double) src.get(F32, srcOffset + 4 * i) - shift));
        }
    }

    @Override
    public double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
            sum += (double) a.get(F32, aOffset + 4 * i) * b.get(F32, bOffset + 4 * i);
        }
        return sum;
    }

    @Override
    public void softmaxBackward(MemorySegment y, long yOffset, MemorySegment g, long gOffset, MemorySegment dx,
            long dxOffset, long n, float dot) {
        for (long i = 0; i < n; i++) {
            float s = y.get(F32, yOffset + 4 * i);
            float gradient = g.get(F32, gOffset + 4 * i);
            dx.set(F32, dxOffset + 4 * i, (float) ((double) s * ((double) gradient - dot)));
        }
    }

    @Override
    public double logSoftmaxBackward(MemorySegment y, long yOffset, MemorySegment g, long gOffset,
            MemorySegment dx, long dxOffset, long n, float sumG) {
        float maxY = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            float value = y.get(F32, yOffset + 4 * i);
            float gradient = g.get(F32, gOffset + 4 * i);
            maxY = Math.max(maxY, value);
            dx.set(F32, dxOffset + 4 * i, (float) (gradient - Math.exp(value) * sumG));
        }
        return maxY;
    }

    @Override
    public double expWeightedShift(MemorySegment src, long offset, long n, float max) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
            double shifted = (double) src.get(F32, offset + 4 * i) - max;
            if (shifted != Double.NEGATIVE_INFINITY) {
                sum += Math.exp(shifted) * shifted;
            }
        }
        return sum;
    }

    @Override
    public void widenBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        for (long i = 0; i < n; i++) {
            short bits = src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcOffset + 2 * i);
            dst.set(F32, dstOffset + 4 * i, FloatConversions.bf16ToFloat(bits));
        }
    }

    @Override
    public void narrowBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        for (long i = 0; i < n; i++) {
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, dstOffset + 2 * i,
                    FloatConversions.floatToBf16(src.get(F32, srcOffset + 4 * i)));
        }
    }

    private static void fill(MemorySegment dst, long offset, long n, float value) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, offset + 4 * i, value);
        }
    }
}
