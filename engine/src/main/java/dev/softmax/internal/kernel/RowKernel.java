package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax of contiguous f32 rows: the inner loop every Java code path ends in.
 *
 * <p>Offsets are in bytes; source and destination may be the same memory (in-place) but must not otherwise
 * overlap. Implementations are stateless and thread-safe. Each computes in at least f32 precision with the
 * row maximum subtracted before exponentiation, and follows the edge contract:
 * <ul>
 *   <li>a row whose maximum is -inf (all entries -inf) is written as 0 (log: -inf) when
 *       {@code zeroMaskedRows}, else as NaN;</li>
 *   <li>a NaN or +inf anywhere in the row makes every output of the row NaN.</li>
 * </ul>
 */
public interface RowKernel {

    /**
     * The row's maximum over {@code n >= 1} contiguous f32 elements, NaN if any element is NaN: -inf means
     * fully masked, NaN or +inf means the row has no finite answer.
     */
    float max(MemorySegment src, long srcOffset, long n);

    /** Sum of {@code n} contiguous f32 elements, accumulated at least as accurately as f32 blocks into a double. */
    double sum(MemorySegment src, long srcOffset, long n);

    /** Multiplies {@code n} contiguous f32 elements by {@code factor} in place. */
    void scale(MemorySegment dst, long dstOffset, long n, float factor);

    /** {@code sum_i exp(x[i] - shift)} over {@code n} contiguous f32 elements, accumulated as {@link #sum}. */
    double sumExp(MemorySegment src, long srcOffset, long n, float shift);

    /** {@code dst[i] = exp(x[i] - shift) * scale}; in-place allowed. */
    void expShiftScale(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift,
            float scale);

    /** {@code dst[i] = x[i] - shift}; in-place allowed. */
    void subtract(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float shift);

    /** Widens {@code n} contiguous bf16 values (at byte {@code srcOffset}) into f32 (exact). */
    void widenBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);

    /** Rounds {@code n} contiguous f32 values to bf16, nearest-even, NaN kept NaN (as {@code FloatConversions}). */
    void narrowBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);

    /** {@code sum_i a[i] * b[i]} over {@code n} contiguous f32 elements, accumulated as {@link #sum}. */
    double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n);

    /** Softmax backward's second pass: {@code dx[i] = y[i] * (g[i] - dot)}; dx may be y or g. */
    void softmaxBackward(MemorySegment y, long yOffset, MemorySegment g, long gOffset, MemorySegment dx,
            long dxOffset, long n, float dot);

    /**
     * Softmax backward's second pass for row r fused with the first pass (the dot product) of the next row:
     * writes {@code dx = y (g - dot)} and returns {@code <y', g'>} of the row at {@code nextYOffset} /
     * {@code nextGOffset}. The next row streams in from memory while this one is finished from cache.
     */
    default double softmaxBackwardAndNextDot(MemorySegment y, long yOffset, MemorySegment g, long gOffset,
            MemorySegment dx, long dxOffset, long n, float dot, long nextYOffset, long nextGOffset) {
        softmaxBackward(y, yOffset, g, gOffset, dx, dxOffset, n, dot);
        return dot(y, nextYOffset, g, nextGOffset, n);
    }

    /**
     * Log-softmax backward's second pass: {@code dx[i] = g[i] - exp(y[i]) * sumG}; dx may be y or g. Returns
     * {@code max_i y[i]} with NaN propagating, which is NaN or +inf exactly when some y is NaN or +inf (the
     * caller's check). A maximum, not a sum: a sum of large finite y overflowed in f32 lanes and flagged a finite
     * row.
     */
    double logSoftmaxBackward(MemorySegment y, long yOffset, MemorySegment g, long gOffset, MemorySegment dx,
            long dxOffset, long n, float sumG);

    /**
     * {@code sum_i exp(x[i] - max) * (x[i] - max)} with {@code 0 * log 0 = 0}: the entropy's cross term. Entries
     * at -inf contribute 0.
     */
    double expWeightedShift(MemorySegment src, long offset, long n, float max);

    /**
     * Softmax of {@code rows} rows of {@code n} contiguous f32 elements, row r at {@code srcOffset + r * srcStride}
     * (bytes), written at {@code dstOffset + r * dstStride}. The default calls {@link #softmax} per row;
     * kernels override it where working on two rows at once hides per-row latency (short rows).
     */
    default void softmaxRows(MemorySegment src, long srcOffset, long srcStride, MemorySegment dst, long dstOffset,
            long dstStride, long n, long rows, boolean zeroMaskedRows) {
        for (long r = 0; r < rows; r++) {
            softmax(src, srcOffset + r * srcStride, dst, dstOffset + r * dstStride, n, 1f, zeroMaskedRows);
        }
    }

    /** {@code dst[i] = exp((x[i] - max) / T) / sum_j exp((x[j] - max) / T)} over {@code n >= 1} elements. */
    void softmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float temperature,
            boolean zeroMaskedRows);

    /** {@code dst[i] = (x[i] - max) / T - log(sum_j exp((x[j] - max) / T))} over {@code n >= 1} elements. */
    void logSoftmax(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMaskedRows);
}
