package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Backward passes in plain loops, accumulated in double; see {@link ScalarForwardKernel}. */
final class ScalarBackwardKernel implements BackwardKernel {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
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
        for (long i = 0; i < n; i++) {
            float s = y.get(F32, yOffset + 4 * i);
            float gradient = g.get(F32, gOffset + 4 * i);
            dx.set(F32, dxOffset + 4 * i, (float) ((double) s * ((double) gradient - dot)));
        }
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
        float maxY = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            float value = y.get(F32, yOffset + 4 * i);
            float gradient = g.get(F32, gOffset + 4 * i);
            maxY = Math.max(maxY, value);
            dx.set(F32, dxOffset + 4 * i, (float) (gradient - Math.exp(value) * sumG));
        }
        return maxY;
    }
}
