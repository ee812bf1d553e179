package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The elementwise passes of an attention row over contiguous f32 rows, before the softmax kernels take over:
 * scale, soft-cap and bias in one pass, then the boolean masks. Offsets are in bytes; source and destination may
 * be the same memory (in-place) but must not otherwise overlap. Implementations are stateless and thread-safe.
 *
 */
public interface AttentionKernel {

    /**
     * {@code dst[i] = cap(scale * x[i]) + bias[i]} over {@code n} elements, where {@code cap(z)} is
     * {@code softcap * tanh(z / softcap)} for finite z when {@code softcap > 0} (infinite z unchanged) and z
     * otherwise; where {@code bias[i]} is -inf the result is -inf whatever x holds. {@code bias} null: no bias.
     * Then {@code dst[i] = -inf} for {@code n <= i < padTo}: a prefix padded with masked keys to a whole number
     * of vectors, so that the softmax kernels run no scalar tail (x is not read there).
     */
    void prepare(
            MemorySegment src,
            long srcOffset,
            MemorySegment bias,
            long biasOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            long padTo,
            float scale,
            float softcap);

    /** {@code dst[i] = -inf} where the byte {@code mask[i]} is 0, over {@code n} contiguous bytes. */
    void maskBytes(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n);

    /** {@code dst[i] = -inf} where bit {@code i % 8} of byte {@code i / 8} (from {@code maskOffset}) is clear. */
    void maskBits(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n);
}
