package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The attention passes in plain loops; the reference for {@code PanamaAttentionKernel}. */
final class ScalarAttentionKernel implements AttentionKernel {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public void prepare(
            MemorySegment src,
            long srcOffset,
            MemorySegment bias,
            long biasOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            long padTo,
            float scale,
            float softcap) {
        for (long i = n; i < padTo; i++) {
            dst.set(F32, dstOffset + 4 * i, Float.NEGATIVE_INFINITY);
        }
        for (long i = 0; i < n; i++) {
            float z = src.get(F32, srcOffset + 4 * i) * scale;
            if (softcap > 0f && !Float.isInfinite(z)) {
                z = (float) (softcap * Math.tanh(z / softcap));
            }
            if (bias != null) {
                float b = bias.get(F32, biasOffset + 4 * i);
                z = b == Float.NEGATIVE_INFINITY ? b : z + b;
            }
            dst.set(F32, dstOffset + 4 * i, z);
        }
    }

    @Override
    public void maskBytes(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n) {
        for (long i = 0; i < n; i++) {
            if (mask.get(ValueLayout.JAVA_BYTE, maskOffset + i) == 0) {
                dst.set(F32, dstOffset + 4 * i, Float.NEGATIVE_INFINITY);
            }
        }
    }

    @Override
    public void maskBits(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n) {
        for (long i = 0; i < n; i++) {
            if ((mask.get(ValueLayout.JAVA_BYTE, maskOffset + (i >>> 3)) & (1 << (i & 7))) == 0) {
                dst.set(F32, dstOffset + 4 * i, Float.NEGATIVE_INFINITY);
            }
        }
    }
}
