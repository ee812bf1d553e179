package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The per-row passes of softmax and log-softmax backward over contiguous f32 rows; the callers apply the edge
 * rules from what these return.
 *
 * <p>Offsets are in bytes; dx may be the same memory as y or g (in-place) but must not otherwise overlap them.
 * Implementations are stateless and thread-safe.
 */
public interface BackwardKernel {

    /** {@code sum_i a[i] * b[i]} over {@code n} contiguous f32 elements, accumulated as {@link RowMath#sum}. */
    double dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, long n);

    /** Softmax backward's second pass: {@code dx[i] = y[i] * (g[i] - dot)}; dx may be y or g. */
    void softmaxBackward(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float dot);

    /**
     * Softmax backward's second pass for row r fused with the first pass (the dot product) of the next row:
     * writes {@code dx = y (g - dot)} and returns {@code <y', g'>} of the row at {@code nextYOffset} /
     * {@code nextGOffset}. The next row streams in from memory while this one is finished from cache.
     */
    default double softmaxBackwardAndNextDot(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float dot,
            long nextYOffset,
            long nextGOffset) {
        softmaxBackward(y, yOffset, g, gOffset, dx, dxOffset, n, dot);
        return dot(y, nextYOffset, g, nextGOffset, n);
    }

    /**
     * Log-softmax backward's second pass: {@code dx[i] = g[i] - exp(y[i]) * sumG}; dx may be y or g. Returns a
     * value that is NaN or +inf exactly when some y is NaN or +inf (the caller's check): here {@code max_i y[i]}
     * with NaN propagating; the vector kernel returns NaN or 0. Not a sum: a sum of large finite y overflowed in f32
     * lanes and flagged a finite row.
     */
    double logSoftmaxBackward(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float sumG);

    /**
     * {@link #logSoftmaxBackward} for the common row, when dx is neither y nor g: returns true, having written
     * exactly {@link #logSoftmaxBackward}'s dx, when every y is at most {@value #BOUNDED_Y} (no NaN, no +inf);
     * otherwise returns false with dx holding unspecified values, and the caller computes the row again with
     * {@link #logSoftmaxBackward} (its input is intact, since dx is separate). A kernel may then skip the
     * exponential's upper clamp, which such rows never need.
     */
    default boolean logSoftmaxBackwardIfBounded(
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n,
            float sumG) {
        double check = logSoftmaxBackward(y, yOffset, g, gOffset, dx, dxOffset, n, sumG);
        return check <= BOUNDED_Y;
    }

    /** The largest y of a row that {@link #logSoftmaxBackwardIfBounded} computes. */
    float BOUNDED_Y = 88f;
}
