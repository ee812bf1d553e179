package dev.softmax.internal.call;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.NonFiniteInputException;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The edge-value contract's shared pieces: the {@link EdgePolicy#REJECT} scan of an input, a row's maximum, which
 * classifies a row (-inf: fully masked; NaN or +inf: no finite answer), and the quick test that a dense block holds
 * no NaN or infinity at all ({@link #denseAndFinite}), which spares both the per-row work. The Java kernels apply the rest of
 * the contract inline; backends that do not apply it themselves repair their output afterwards
 * ({@code dev.softmax.internal.dnnl.DnnlEdgeRepair}).
 */
public final class EdgeContract {

    private EdgeContract() {}

    /**
     * Under {@link EdgePolicy#REJECT}: throws for the first NaN or +inf among the rows of operand {@code operand}
     * of {@code rows} (the view {@code src}, named {@code name}), before anything is written.
     */
    public static void rejectNonFinite(
            TensorView src, String name, RowLayout rows, int operand, int axis, KernelProvider kernels) {
        if (denseAndFinite(rows, operand, src, kernels, 0, rows.rowCount())) {
            return;
        }
        RowLayout.Cursor cursor = rows.cursor(0);
        long stride = rows.axisStride(operand);
        for (long r = 0; r < rows.rowCount(); r++, cursor.advance()) {
            long offset = cursor.offset(operand);
            float max = rowMax(src, offset, stride, rows.rowLength(), kernels);
            if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
                long column = firstNonFinite(src, offset, stride, rows.rowLength());
                float value = src.dtype().getFloat(src.segment(), offset + column * stride);
                long[] index = RowLayout.rowIndex(src, axis, r);
                index[axis] = column;
                throw new NonFiniteInputException(
                        name + ": element " + Arrays.toString(index) + " (row " + r
                                + ", column " + column + ") is " + value + "; policy REJECT accepts only finite logits "
                                + "and -inf",
                        r,
                        column);
            }
        }
    }

    /**
     * Whether rows {@code first .. first+count-1} of operand {@code k} ({@code view}) are one dense block holding no
     * NaN and no infinity, so that no row needs classifying (oneDNN's edge repair) or rejecting (REJECT): one pass over the raw bits (a compare per vector) instead of, per row, a widened
     * copy and its maximum. Why: on the bf16 softmax through oneDNN the per-row classification was most of the
     * engine's cost over oneDNN called from C (JMH, 1 thread, this host, 2026-12-05): 4096x128 took 495 us with it
     * and 283 us with no classification at all, 64x32000 1334 and 969 us, against 274 and 977 us from C (quick
     * report). With this test first: 298 and 1051 us, 256x128256 25.6 ms against 23.7 from C.
     */
    public static boolean denseAndFinite(
            RowLayout rows, int k, TensorView view, KernelProvider kernels, long first, long count) {
        long n = rows.rowLength();
        if (!rows.isUniformBatch() || !rows.isContiguous(k) || rows.rowStride(k) != n) {
            return false;
        }
        long start = rows.rowOffset(k, first);
        long elements = count * n;
        return switch (view.dtype()) {
            case F32 -> !kernels.math().anyNonFinite32(view.segment(), 4 * start, elements);
            case BF16 -> !kernels.math().anyNonFinite16(view.segment(), 2 * start, elements, BF16_EXPONENT);
            case F16 -> !kernels.math().anyNonFinite16(view.segment(), 2 * start, elements, F16_EXPONENT);
            default -> false;
        };
    }

    /** The exponent fields of bf16 and f16: all set means an infinity or NaN. */
    private static final short BF16_EXPONENT = 0x7F80;

    private static final short F16_EXPONENT = 0x7C00;

    /**
     * The maximum of the row of {@code n} elements at element {@code offset}, {@code stride} apart, NaN if any is
     * NaN. Contiguous rows use the vector maximum (16-bit ones after the vector conversion).
     */
    public static float rowMax(TensorView src, long offset, long stride, long n, KernelProvider kernels) {
        if (stride == 1 || n == 1) {
            if (src.dtype() == DType.F32) {
                return kernels.math().max(src.segment(), 4 * offset, n);
            }
            MemorySegment row = WorkingRow.get(n);
            RowCopy.gather(kernels.codec(), src, offset, 1, n, row, 0);
            return kernels.math().max(row, 0, n);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            max = Math.max(max, src.dtype().getFloat(src.segment(), offset + i * stride));
        }
        return max;
    }

    private static long firstNonFinite(TensorView src, long offset, long stride, long n) {
        for (long i = 0; i < n; i++) {
            float value = src.dtype().getFloat(src.segment(), offset + i * stride);
            if (Float.isNaN(value) || value == Float.POSITIVE_INFINITY) {
                return i;
            }
        }
        throw new IllegalStateException("row maximum was non-finite but no element is");
    }
}
