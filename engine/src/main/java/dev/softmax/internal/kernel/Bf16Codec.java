package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Conversions between contiguous bf16 and f32 rows, bit-identical to {@link FloatConversions} in every
 * implementation. Offsets are in bytes. Implementations are stateless and thread-safe.
 */
public interface Bf16Codec {

    /** Widens {@code n} contiguous bf16 values (at byte {@code srcOffset}) into f32 (exact). */
    void widenBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);

    /** Rounds {@code n} contiguous f32 values to bf16, nearest-even, NaN kept NaN (as {@link FloatConversions}). */
    void narrowBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);
}
