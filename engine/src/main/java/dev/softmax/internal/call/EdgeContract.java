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
 * The edge-value contract's shared pieces: the {@link EdgePolicy#REJECT} scan of an input, and a row's maximum,
 * which classifies a row (-inf: fully masked; NaN or +inf: no finite answer). The Java kernels apply the rest of
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
