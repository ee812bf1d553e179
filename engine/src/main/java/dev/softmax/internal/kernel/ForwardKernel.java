package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Softmax and log-softmax of contiguous f32 rows: the inner loop every Java forward path ends in.
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
public interface ForwardKernel {

    /**
     * Softmax of {@code rows} rows of {@code n} contiguous bf16 elements into bf16 rows, strides and offsets in
     * bytes as for {@link #softmaxRows}: bit for bit each row widened by {@code codec} into {@code work},
     * {@link #softmax} there and rounded out by {@code codec}, which is what this default does. Kernels override
     * it to widen and round inside their own passes. {@code work} holds at least {@link #bf16WorkFloats} floats
     * and belongs to the calling thread.
     */
    default void softmaxRowsBf16(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            boolean zeroMaskedRows,
            Bf16Codec codec,
            MemorySegment work) {
        for (long r = 0; r < rows; r++) {
            codec.widenBf16(src, srcOffset + r * srcStride, work, 0, n);
            softmax(work, 0, work, 0, n, 1f, zeroMaskedRows);
            codec.narrowBf16(work, 0, dst, dstOffset + r * dstStride, n);
        }
    }

    /**
     * Whether {@link #softmaxRowsBf16} widens and rounds inside the kernel's own passes (then it beats oneDNN's bf16
     * kernel, and AUTO routes such calls here) rather than around them, as the default does.
     */
    default boolean widensBf16InPasses() {
        return false;
    }

    /** The f32 working floats {@link #softmaxRowsBf16} needs for rows of {@code n}: one row unless overridden. */
    default long bf16WorkFloats(long n) {
        return n;
    }

    /**
     * Softmax of {@code rows} rows of {@code n} contiguous f32 elements, row r at {@code srcOffset + r * srcStride}
     * (bytes), written at {@code dstOffset + r * dstStride}. The default calls {@link #softmax} per row;
     * kernels override it where working on two rows at once hides per-row latency (short rows).
     */
    default void softmaxRows(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            boolean zeroMaskedRows) {
        for (long r = 0; r < rows; r++) {
            softmax(src, srcOffset + r * srcStride, dst, dstOffset + r * dstStride, n, 1f, zeroMaskedRows);
        }
    }

    /**
     * Log-softmax of {@code rows} rows laid out as for {@link #softmaxRows}. The default calls {@link #logSoftmax}
     * per row; kernels override it as they do {@link #softmaxRows}, with the bits of the per-row calls.
     */
    default void logSoftmaxRows(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            boolean zeroMaskedRows) {
        for (long r = 0; r < rows; r++) {
            logSoftmax(src, srcOffset + r * srcStride, dst, dstOffset + r * dstStride, n, 1f, zeroMaskedRows);
        }
    }

    /**
     * {@link #softmaxRowsScaledBiased} of two sets of f32 rows that share their bias rows, such as two heads of a
     * bias broadcast over the heads: row r of set A at {@code srcA + r * srcStride} (x) and {@code dstA + r *
     * dstStride} (dst), of set B at {@code srcB} and {@code dstB} plus the same, both with bias row r. x and dst are
     * both f32, or both bf16 when {@code bf16Rows}; then {@code work} holds at least {@code 2 n} floats of the calling
     * thread's (else it may be null). The bits are those of the two calls, which is what the default makes; kernels
     * override it to read each bias row once for both rows and to interleave the two rows' dependent steps.
     */
    default void softmaxRowsScaledBiasedPairs(
            MemorySegment src,
            long srcA,
            long srcB,
            long srcStride,
            MemorySegment bias,
            long biasOffset,
            long biasStride,
            MemorySegment dst,
            long dstA,
            long dstB,
            long dstStride,
            long n,
            long rows,
            float scale,
            boolean zeroMaskedRows,
            boolean bf16Rows,
            MemorySegment work) {
        softmaxRowsScaledBiased(
                src,
                srcA,
                srcStride,
                bias,
                biasOffset,
                biasStride,
                dst,
                dstA,
                dstStride,
                n,
                rows,
                scale,
                bf16Rows,
                bf16Rows,
                zeroMaskedRows,
                work);
        softmaxRowsScaledBiased(
                src,
                srcB,
                srcStride,
                bias,
                biasOffset,
                biasStride,
                dst,
                dstB,
                dstStride,
                n,
                rows,
                scale,
                bf16Rows,
                bf16Rows,
                zeroMaskedRows,
                work);
    }

    /**
     * Softmax of the attention logits {@code z = scale * x + bias} ({@code z = -inf} where the bias is -inf, as
     * {@link AttentionKernel#prepare} computes them) of {@code rows} rows, row r of x, bias and dst at their offsets
     * plus r times their strides (bytes); x is f32, or bf16 when {@code bf16Source} (widened exactly); dst is f32,
     * or bf16 when {@code bf16Destination} (each result rounded to nearest even; {@code work} then holds at least
     * {@code n} floats, else it may be null). The result is bit for bit that of {@code prepare} into an f32 row
     * followed by {@link #softmaxRows} in place (then rounded), which is what the default does; kernels override
     * it to fuse the passes.
     */
    default void softmaxRowsScaledBiased(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            MemorySegment bias,
            long biasOffset,
            long biasStride,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            long n,
            long rows,
            float scale,
            boolean bf16Source,
            boolean bf16Destination,
            boolean zeroMaskedRows,
            MemorySegment work) {
        if (bf16Destination) {
            for (long r = 0; r < rows; r++) {
                softmaxRowsScaledBiased(
                        src,
                        srcOffset + r * srcStride,
                        srcStride,
                        bias,
                        biasOffset + r * biasStride,
                        biasStride,
                        work,
                        0,
                        4 * n,
                        n,
                        1,
                        scale,
                        bf16Source,
                        false,
                        zeroMaskedRows,
                        null);
                for (long i = 0; i < n; i++) {
                    dst.set(
                            ValueLayout.JAVA_SHORT_UNALIGNED,
                            dstOffset + r * dstStride + 2 * i,
                            FloatConversions.floatToBf16(work.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i)));
                }
            }
            return;
        }
        for (long r = 0; r < rows; r++) {
            for (long i = 0; i < n; i++) {
                float b = bias.get(ValueLayout.JAVA_FLOAT_UNALIGNED, biasOffset + r * biasStride + 4 * i);
                float x = bf16Source
                        ? FloatConversions.bf16ToFloat(
                                src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcOffset + r * srcStride + 2 * i))
                        : src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, srcOffset + r * srcStride + 4 * i);
                float z = x * scale;
                dst.set(
                        ValueLayout.JAVA_FLOAT_UNALIGNED,
                        dstOffset + r * dstStride + 4 * i,
                        b == Float.NEGATIVE_INFINITY ? b : z + b);
            }
        }
        softmaxRows(dst, dstOffset, dstStride, dst, dstOffset, dstStride, n, rows, zeroMaskedRows);
    }

    /**
     * Attention rows masked by a valid prefix and scaled, nothing else: row r keeps keys {@code 0 .. limit-1},
     * {@code limit = min(n, max(0, firstLimit + r))} (one key more each row, as the rows of a causal mask; one row
     * takes any limit, as a key length gives it), and its softmax is that of {@code z = scale * x} over them; the other keys
     * are written as exactly 0. Row r of x (f32, or bf16 when {@code bf16Source}, widened exactly) is at
     * {@code srcOffset + r * srcStride}, of dst (f32, or bf16 rounded to nearest even when
     * {@code bf16Destination}) at {@code dstOffset + r * dstStride} (bytes). A row with no key kept is 0 when
     * {@code zeroMaskedRows}, else NaN; a row made NaN is NaN throughout.
     *
     * <p>The bits are those of the unfused path: the prefix padded with -inf up to a multiple of 16 keys (at most
     * n), {@link #softmax} of the padded prefix, the rest 0. {@code work} holds at least {@code 4 * n} floats, for
     * the rows of a 16-bit destination. The default computes exactly that; kernels override it to fuse the passes.
     */
    default void prefixSoftmaxRows(
            MemorySegment src,
            long srcOffset,
            long srcStride,
            boolean bf16Source,
            MemorySegment dst,
            long dstOffset,
            long dstStride,
            boolean bf16Destination,
            long n,
            long rows,
            long firstLimit,
            float scale,
            boolean zeroMaskedRows,
            MemorySegment work) {
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
        for (long r = 0; r < rows; r++) {
            long limit = Math.min(n, Math.max(0, firstLimit + r));
            long padded = Math.min(n, (limit + 15) & ~15L);
            long srcAt = srcOffset + r * srcStride;
            MemorySegment z = bf16Destination ? work : dst;
            long zAt = bf16Destination ? 0 : dstOffset + r * dstStride;
            for (long i = 0; i < padded; i++) {
                float value = Float.NEGATIVE_INFINITY;
                if (i < limit) {
                    float x = bf16Source
                            ? FloatConversions.bf16ToFloat(src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcAt + 2 * i))
                            : src.get(f32, srcAt + 4 * i);
                    value = x * scale;
                }
                z.set(f32, zAt + 4 * i, value);
            }
            float tail;
            if (limit == 0) {
                tail = zeroMaskedRows ? 0f : Float.NaN;
            } else {
                softmax(z, zAt, z, zAt, padded, 1f, zeroMaskedRows);
                tail = Float.isNaN(z.get(f32, zAt)) ? Float.NaN : 0f;
            }
            for (long i = padded; i < n; i++) {
                z.set(f32, zAt + 4 * i, tail);
            }
            if (bf16Destination) {
                for (long i = 0; i < n; i++) {
                    dst.set(
                            ValueLayout.JAVA_SHORT_UNALIGNED,
                            dstOffset + r * dstStride + 2 * i,
                            FloatConversions.floatToBf16(z.get(f32, 4 * i)));
                }
            }
        }
    }

    /** {@code dst[i] = exp((x[i] - max) / T) / sum_j exp((x[j] - max) / T)} over {@code n >= 1} elements. */
    void softmax(
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float temperature,
            boolean zeroMaskedRows);

    /** {@code dst[i] = (x[i] - max) / T - log(sum_j exp((x[j] - max) / T))} over {@code n >= 1} elements. */
    void logSoftmax(
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float temperature,
            boolean zeroMaskedRows);
}
