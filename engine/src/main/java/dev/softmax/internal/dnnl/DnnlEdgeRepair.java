package dev.softmax.internal.dnnl;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.call.EdgeContract;
import dev.softmax.internal.forward.SoftmaxCall;
import dev.softmax.internal.grad.BackwardCall;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The edge-value contract around oneDNN, which does not apply it itself.
 *
 * <p>oneDNN returns NaN for a fully masked row, and for a row holding a NaN or +inf it returns mostly zeros
 * with one or a few NaNs (measured on 3.13: its maximum and exponential ignore NaN lanes), where the contract
 * asks for a whole row of NaN. So before oneDNN runs, every row is classified by its maximum (one read pass,
 * vectorised for contiguous f32 rows; -inf means masked, NaN or +inf means non-finite), and afterwards the rows
 * that need it are overwritten. Classifying before the call is what makes in-place calls repairable: afterwards
 * the input is gone.
 */
final class DnnlEdgeRepair {

    private static final long[] NONE = new long[0];

    /** Rows that need a fixed result after oneDNN. */
    record RowsToRepair(long[] masked, long[] nonFinite) {
        static final RowsToRepair NOTHING = new RowsToRepair(NONE, NONE);

        boolean isEmpty() {
            return masked.length == 0 && nonFinite.length == 0;
        }

        /** Whether {@code row} is one of the rows to repair (the arrays are ascending). */
        boolean contains(long row) {
            return Arrays.binarySearch(masked, row) >= 0 || Arrays.binarySearch(nonFinite, row) >= 0;
        }
    }

    private DnnlEdgeRepair() {}

    /** Classifies rows {@code first .. first+count-1} of a forward call. */
    static RowsToRepair classify(SoftmaxCall call, KernelProvider kernels, long first, long count) {
        if (EdgeContract.denseAndFinite(call.rows(), SoftmaxCall.SRC, call.src(), kernels, first, count)) {
            return RowsToRepair.NOTHING;
        }
        RowLayout rows = call.rows();
        long[] masked = NONE;
        long[] nonFinite = NONE;
        int maskedCount = 0;
        int nonFiniteCount = 0;
        RowLayout.Cursor cursor = rows.cursor(first);
        long stride = rows.axisStride(SoftmaxCall.SRC);
        for (long r = first; r < first + count; r++, cursor.advance()) {
            float max =
                    EdgeContract.rowMax(call.src(), cursor.offset(SoftmaxCall.SRC), stride, rows.rowLength(), kernels);
            if (max == Float.NEGATIVE_INFINITY) {
                masked = append(masked, maskedCount++, r);
            } else if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
                nonFinite = append(nonFinite, nonFiniteCount++, r);
            }
        }
        if (maskedCount == 0 && nonFiniteCount == 0) {
            return RowsToRepair.NOTHING;
        }
        return new RowsToRepair(Arrays.copyOf(masked, maskedCount), Arrays.copyOf(nonFinite, nonFiniteCount));
    }

    /**
     * Classifies rows of a backward call the way {@code BackwardComputation} decides them: a masked row (softmax:
     * y all zero; log-softmax: y all -inf) whatever dy holds, else a NaN or infinity in y (log-softmax: NaN or
     * +inf) or in dy makes the row non-finite.
     */
    static RowsToRepair classifyBackward(BackwardCall call, KernelProvider kernels, long first, long count) {
        RowLayout rows = call.rows();
        boolean log = call.operation().isLog();
        if (EdgeContract.denseAndFinite(rows, BackwardCall.Y, call.output(), kernels, first, count)
                && EdgeContract.denseAndFinite(rows, BackwardCall.DY, call.gradient(), kernels, first, count)) {
            // Nothing non-finite, so no row is bad, and no log-softmax row is masked (that takes y all -inf). f32
            // 4096x128 on oneDNN (JMH, 1 thread, this host, 2026-12-05): softmax backward 340 -> 310 us,
            // log-softmax 485 -> 383 us (two widened sums per row before); 64x32000 unchanged within noise.
            return log ? RowsToRepair.NOTHING : zeroRows(call, first, count);
        }
        long[] masked = NONE;
        long[] nonFinite = NONE;
        int maskedCount = 0;
        int nonFiniteCount = 0;
        long n = rows.rowLength();
        long yStride = rows.axisStride(BackwardCall.Y);
        RowLayout.Cursor cursor = rows.cursor(first);
        for (long r = first; r < first + count; r++, cursor.advance()) {
            long yOffset = cursor.offset(BackwardCall.Y);
            double sumY = rowSum(call.output(), yOffset, yStride, n, kernels);
            double sumG = rowSum(
                    call.gradient(), cursor.offset(BackwardCall.DY), rows.axisStride(BackwardCall.DY), n, kernels);
            boolean yNonFinite = log ? Double.isNaN(sumY) || sumY == Double.POSITIVE_INFINITY : !Double.isFinite(sumY);
            boolean bad = yNonFinite || !Double.isFinite(sumG);
            boolean isMasked = log
                    ? allEqual(call.output(), yOffset, yStride, n, Float.NEGATIVE_INFINITY)
                    : !yNonFinite && sumY == 0 && allEqual(call.output(), yOffset, yStride, n, 0f);
            if (isMasked) {
                masked = append(masked, maskedCount++, r);
            } else if (bad) {
                nonFinite = append(nonFinite, nonFiniteCount++, r);
            }
        }
        if (maskedCount == 0 && nonFiniteCount == 0) {
            return RowsToRepair.NOTHING;
        }
        return new RowsToRepair(Arrays.copyOf(masked, maskedCount), Arrays.copyOf(nonFinite, nonFiniteCount));
    }

    /**
     * The masked rows of a softmax backward call whose y and dy are dense and finite: rows of y all zero. Only a row
     * whose first element is zero is read further.
     */
    private static RowsToRepair zeroRows(BackwardCall call, long first, long count) {
        RowLayout rows = call.rows();
        TensorView y = call.output();
        long n = rows.rowLength();
        long[] masked = NONE;
        int maskedCount = 0;
        for (long r = first; r < first + count; r++) {
            long offset = rows.rowOffset(BackwardCall.Y, r);
            if (y.dtype().getFloat(y.segment(), offset) == 0f && allEqual(y, offset, 1, n, 0f)) {
                masked = append(masked, maskedCount++, r);
            }
        }
        return maskedCount == 0 ? RowsToRepair.NOTHING : new RowsToRepair(Arrays.copyOf(masked, maskedCount), NONE);
    }

    /** Writes the contract's values over dx for the classified rows of a backward call. */
    static void repair(BackwardCall call, RowsToRepair rows) {
        if (rows.isEmpty()) {
            return;
        }
        float maskedValue = call.policy() == EdgePolicy.NAN ? Float.NaN : 0f;
        fill(call.result(), call.rows(), BackwardCall.DX, rows.masked(), maskedValue);
        fill(call.result(), call.rows(), BackwardCall.DX, rows.nonFinite(), Float.NaN);
    }

    /** Writes the contract's values over what oneDNN produced for the classified rows of a forward call. */
    static void repair(SoftmaxCall call, RowsToRepair rows) {
        if (rows.isEmpty()) {
            return;
        }
        float maskedValue =
                call.policy() == EdgePolicy.NAN ? Float.NaN : call.operation().isLog() ? Float.NEGATIVE_INFINITY : 0f;
        fill(call.dst(), call.rows(), SoftmaxCall.DST, rows.masked(), maskedValue);
        fill(call.dst(), call.rows(), SoftmaxCall.DST, rows.nonFinite(), Float.NaN);
    }

    private static double rowSum(TensorView view, long offset, long stride, long n, KernelProvider kernels) {
        if (stride == 1 || n == 1) {
            if (view.dtype() == DType.F32) {
                return kernels.math().sum(view.segment(), 4 * offset, n);
            }
            MemorySegment row = WorkingRow.get(n);
            RowCopy.gather(kernels.codec(), view, offset, 1, n, row, 0);
            return kernels.math().sum(row, 0, n);
        }
        double sum = 0;
        for (long i = 0; i < n; i++) {
            sum += view.dtype().getFloat(view.segment(), offset + i * stride);
        }
        return sum;
    }

    /** Whether every element equals {@code value}; stops at the first that does not. */
    private static boolean allEqual(TensorView view, long offset, long stride, long n, float value) {
        for (long i = 0; i < n; i++) {
            if (view.dtype().getFloat(view.segment(), offset + i * stride) != value) {
                return false;
            }
        }
        return true;
    }

    private static void fill(TensorView dst, RowLayout rows, int operand, long[] which, float value) {
        long stride = rows.axisStride(operand);
        for (long row : which) {
            long base = rows.rowOffset(operand, row);
            for (long i = 0; i < rows.rowLength(); i++) {
                dst.dtype().setFloat(dst.segment(), base + i * stride, value);
            }
        }
    }

    private static long[] append(long[] array, int count, long value) {
        long[] target = count == array.length ? Arrays.copyOf(array, Math.max(8, 2 * count)) : array;
        target[count] = value;
        return target;
    }
}
