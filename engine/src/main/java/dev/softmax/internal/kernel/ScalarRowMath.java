package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Row passes in plain loops, accumulated in double; see {@link ScalarForwardKernel}. */
final class ScalarRowMath implements RowMath {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public float max(MemorySegment src, long offset, long n) {
        return rowMax(src, offset, n);
    }

    /**
     * Row maximum; NaN if any entry is NaN (Math.max propagates it), so NaN rows stay NaN downstream. Shared
     * with {@link ScalarForwardKernel}.
     */
    static float rowMax(MemorySegment src, long offset, long n) {
        float max = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            max = Math.max(max, src.get(F32, offset + 4 * i));
        }
        return max;
    }

    @Override
    public boolean anyNonFinite16(MemorySegment src, long offset, long n, short exponentBits) {
        for (long i = 0; i < n; i++) {
            if ((src.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 2 * i) & exponentBits) == exponentBits) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean anyNonFinite32(MemorySegment src, long offset, long n) {
        for (long i = 0; i < n; i++) {
            if ((src.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 4 * i) & EXPONENT_32) == EXPONENT_32) {
                return true;
            }
        }
        return false;
    }

    private static final int EXPONENT_32 = 0x7F80_0000;

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
    public void expShiftScale(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift, float scale) {
        for (long i = 0; i < n; i++) {
            double e = Math.exp((double) src.get(F32, srcOffset + 4 * i) - shift);
            dst.set(F32, dstOffset + 4 * i, (float) (e * scale));
        }
    }

    @Override
    public void subtract(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift) {
        for (long i = 0; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, (float) ((double) src.get(F32, srcOffset + 4 * i) - shift));
        }
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
}
