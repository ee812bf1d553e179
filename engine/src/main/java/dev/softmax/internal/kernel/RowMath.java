package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Single passes over contiguous f32 rows (maximum, sums, scaling, shifted exponentials), for the code paths that
 * assemble their own row computation: edge classification, re-normalisation, cross-entropy, reductions.
 *
 * <p>Offsets are in bytes; where a pass has a source and a destination they may be the same memory (in-place)
 * but must not otherwise overlap. Implementations are stateless and thread-safe.
 */
public interface RowMath {

    /**
     * The row's maximum over {@code n >= 1} contiguous f32 elements, NaN if any element is NaN: -inf means
     * fully masked, NaN or +inf means the row has no finite answer.
     */
    float max(MemorySegment src, long srcOffset, long n);

    /**
     * Whether any of {@code n} contiguous 16-bit floats is NaN or an infinity, that is, has every bit of the
     * exponent field set; {@code exponentBits} is that field's mask ({@code 0x7F80} for bf16, {@code 0x7C00} for
     * f16). The quick test of a whole block before the per-row edge classification, which a block without such
     * values does not need.
     */
    boolean anyNonFinite16(MemorySegment src, long srcOffset, long n, short exponentBits);

    /** {@link #anyNonFinite16} over {@code n} contiguous f32 elements. */
    boolean anyNonFinite32(MemorySegment src, long srcOffset, long n);

    /** Sum of {@code n} contiguous f32 elements, accumulated at least as accurately as f32 blocks into a double. */
    double sum(MemorySegment src, long srcOffset, long n);

    /** Multiplies {@code n} contiguous f32 elements by {@code factor} in place. */
    void scale(MemorySegment dst, long dstOffset, long n, float factor);

    /** {@code sum_i exp(x[i] - shift)} over {@code n} contiguous f32 elements, accumulated as {@link #sum}. */
    double sumExp(MemorySegment src, long srcOffset, long n, float shift);

    /** {@code dst[i] = exp(x[i] - shift) * scale}; in-place allowed. */
    void expShiftScale(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift, float scale);

    /** {@code dst[i] = x[i] - shift}; in-place allowed. */
    void subtract(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift);

    /**
     * {@code sum_i exp(x[i] - max) * (x[i] - max)} with {@code 0 * log 0 = 0}: the entropy's cross term. Entries
     * at -inf contribute 0.
     */
    double expWeightedShift(MemorySegment src, long offset, long n, float max);
}
