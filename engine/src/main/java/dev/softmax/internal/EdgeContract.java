package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.NonFiniteInputException;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.KernelProvider;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The edge-value contract for backends whose kernels do not apply it themselves.
 *
 * <p>oneDNN returns NaN for a fully masked row, and for a row holding a NaN or +inf it returns mostly zeros
 * with one or a few NaNs (measured on 3.13: its maximum and exponential ignore NaN lanes), where the contract
 * asks for a whole row of NaN. So before such a backend runs, every row is classified by its maximum (one
 * read pass, vectorised for contiguous f32 rows; -inf means masked, NaN or +inf means non-finite), and
 * afterwards the rows that need it are overwritten. Classifying before the call is what makes in-place calls
 * repairable: afterwards the input is gone. The Java kernels apply the same rules inline.
 */
public final class EdgeContract {

    private static final long[] NONE = new long[0];

    /** Rows that need a fixed result after a backend that does not apply the contract. */
    public record RowsToRepair(long[] masked, long[] nonFinite) {
        static final RowsToRepair NOTHING = new RowsToRepair(NONE, NONE);

        public boolean isEmpty() {
            return masked.length == 0 && nonFinite.length == 0;
        }

        /** Whether {@code row} is one of the rows to repair (the arrays are ascending). */
        public boolean contains(long row) {
            return Arrays.binarySearch(masked, row) >= 0 || Arrays.binarySearch(nonFinite, row) >= 0;
        }
    }

    private EdgeContract() {
    }

    /**
     * Under {@link EdgePolicy#REJECT}, throws for the first NaN or +inf in the input, before anything is written.
     */
    public static void rejectNonFinite(SoftmaxCall call, KernelProvider kernel) {
        rejectNonFinite(call.src(), "src", call.rows(), call.axis(), kernel);
    }

    /** The same check over the rows of {@code src} along {@code axis}; {@code name} is the argument's name. */
    public static void rejectNonFinite(TensorView src, String name, RowLayout rows, int axis, KernelProvider kernel) {
        RowLayout.Cursor cursor = rows.cursor(0);
        for (long r = 0; r < rows.rowCount(); r++, cursor.advance()) {
            float max = rowMax(src, rows, kernel, cursor.srcOffset());
            if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
                long column = firstNonFinite(src, rows, cursor.srcOffset());
                float value = ElementAccess.get(src.segment(), src.dtype(),
                        cursor.srcOffset() + column * rows.srcAxisStride());
                long[] index = rows.rowIndex(src, axis, r);
                index[axis] = column;
                throw new NonFiniteInputException(name + ": element " + Arrays.toString(index) + " (row " + r
                        + ", column " + column + ") is " + value + "; policy REJECT accepts only finite logits "
                        + "and -inf", r, column);
            }
        }
    }

    /**
     * Under {@link EdgePolicy#REJECT}, for a backward call: throws for the first NaN or infinity in the forward
     * output (a -inf log-probability is allowed) or in the upstream gradient, before anything is written.
     */
    public static void rejectNonFinite(BackwardCall call, String outputName, String gradientName) {
        RowLayout rows = call.outputRows();
        RowLayout gradientRows = call.gradientRows();
        TensorView y = call.output();
        TensorView g = call.gradient();
        boolean log = call.operation().isLog();
        RowLayout.Cursor cursor = rows.cursor(0);
        RowLayout.Cursor gradientCursor = gradientRows.cursor(0);
        for (long r = 0; r < rows.rowCount(); r++, cursor.advance(), gradientCursor.advance()) {
            for (long i = 0; i < rows.rowLength(); i++) {
                float value = ElementAccess.get(y.segment(), y.dtype(), cursor.srcOffset() + i * rows.srcAxisStride());
                boolean allowed = Float.isFinite(value) || (log && value == Float.NEGATIVE_INFINITY);
                if (!allowed) {
                    throw nonFinite(outputName, y, rows, call.axis(), r, i, value);
                }
                float gradient = ElementAccess.get(g.segment(), g.dtype(),
                        gradientCursor.dstOffset() + i * gradientRows.dstAxisStride());
                if (!Float.isFinite(gradient)) {
                    throw nonFinite(gradientName, y, rows, call.axis(), r, i, gradient);
                }
            }
        }
    }

    private static NonFiniteInputException nonFinite(String name, TensorView shapeOf, RowLayout rows, int axis,
            long row, long column, float value) {
        long[] index = rows.rowIndex(shapeOf, axis, row);
        index[axis] = column;
        return new NonFiniteInputException(name + ": element " + Arrays.toString(index) + " (row " + row
                + ", column " + column + ") is " + value + "; policy REJECT accepts only finite values here", row,
                column);
    }

    /** Classifies rows {@code first .. first+count-1}. */
    public static RowsToRepair classify(SoftmaxCall call, KernelProvider kernel, long first, long count) {
        RowLayout rows = call.rows();
        long[] masked = NONE;
        long[] nonFinite = NONE;
        int maskedCount = 0;
        int nonFiniteCount = 0;
        RowLayout.Cursor cursor = rows.cursor(first);
        for (long r = first; r < first + count; r++, cursor.advance()) {
            float max = rowMax(call.src(), rows, kernel, cursor.srcOffset());
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
     * Classifies rows of a backward call the way {@code BackwardComputation} decides them: for softmax, a NaN or
     * infinity in y or dy makes the row non-finite, else an all-zero y is a masked row; for log-softmax, an
     * all -inf y is a masked row, else a NaN or +inf in y or a NaN or infinity in dy makes it non-finite.
     */
    public static RowsToRepair classifyBackward(BackwardCall call, KernelProvider kernel, long first, long count) {
        RowLayout rows = call.outputRows();
        RowLayout gradientRows = call.gradientRows();
        boolean log = call.operation().isLog();
        long[] masked = NONE;
        long[] nonFinite = NONE;
        int maskedCount = 0;
        int nonFiniteCount = 0;
        RowLayout.Cursor cursor = rows.cursor(first);
        RowLayout.Cursor gradientCursor = gradientRows.cursor(first);
        for (long r = first; r < first + count; r++, cursor.advance(), gradientCursor.advance()) {
            double sumY = rowSum(call.output(), cursor.srcOffset(), rows.srcAxisStride(), rows.rowLength(), kernel);
            double sumG = rowSum(call.gradient(), gradientCursor.dstOffset(), gradientRows.dstAxisStride(),
                    rows.rowLength(), kernel);
            boolean yNonFinite = log ? Double.isNaN(sumY) || sumY == Double.POSITIVE_INFINITY : !Double.isFinite(sumY);
            boolean bad = yNonFinite || !Double.isFinite(sumG);
            boolean isMasked = log
                    ? allEqual(call.output(), cursor.srcOffset(), rows.srcAxisStride(), rows.rowLength(),
                            Float.NEGATIVE_INFINITY)
                    : !bad && sumY == 0 && allEqual(call.output(), cursor.srcOffset(), rows.srcAxisStride(),
                            rows.rowLength(), 0f);
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

    /** Writes the contract's values over dx for the classified rows of a backward call. */
    public static void repair(BackwardCall call, RowsToRepair rows) {
        if (rows.isEmpty()) {
            return;
        }
        float maskedValue = call.policy() == EdgePolicy.NAN ? Float.NaN : 0f;
        RowLayout layout = call.outputRows();
        fill(call.result(), layout, rows.masked(), maskedValue);
        fill(call.result(), layout, rows.nonFinite(), Float.NaN);
    }

    private static double rowSum(TensorView view, long offset, long stride, long n, KernelProvider kernel) {
        if (stride == 1 || n == 1) {
            if (view.dtype() == DType.F32) {
                return kernel.math().sum(view.segment(), 4 * offset, n);
            }
            MemorySegment row = WorkingRow.get(n);
            RowCopy.gather(kernel.codec(), view, offset, 1, n, row, 0);
            return kernel.math().sum(row, 0, n);
        }
        double sum = 0;
        for (long i = 0; i < n; i++) {
            sum += ElementAccess.get(view.segment(), view.dtype(), offset + i * stride);
        }
        return sum;
    }

    /** Whether every element equals {@code value}; stops at the first that does not. */
    private static boolean allEqual(TensorView view, long offset, long stride, long n, float value) {
        for (long i = 0; i < n; i++) {
            if (ElementAccess.get(view.segment(), view.dtype(), offset + i * stride) != value) {
                return false;
            }
        }
        return true;
    }

    /** Writes the contract's values over what a backend produced for the classified rows. */
    public static void repair(SoftmaxCall call, RowsToRepair rows) {
        if (rows.isEmpty()) {
            return;
        }
        float maskedValue = call.policy() == EdgePolicy.NAN ? Float.NaN
                : call.operation().isLog() ? Float.NEGATIVE_INFINITY : 0f;
        fill(call.dst(), call.rows(), rows.masked(), maskedValue);
        fill(call.dst(), call.rows(), rows.nonFinite(), Float.NaN);
    }

    private static void fill(TensorView dst, RowLayout rows, long[] which, float value) {
        for (long row : which) {
            long base = rows.dstRowOffset(row);
            for (long i = 0; i < rows.rowLength(); i++) {
                ElementAccess.set(dst.segment(), dst.dtype(), base + i * rows.dstAxisStride(), value);
            }
        }
    }

    private static float rowMax(TensorView src, RowLayout rows, KernelProvider kernel, long srcOffset) {
        long n = rows.rowLength();
        if (rows.srcAxisStride() == 1 || n == 1) {
            if (src.dtype() == DType.F32) {
                return kernel.math().max(src.segment(), 4 * srcOffset, n);
            }
            // 16-bit rows: widen with the vector conversion, then the vector maximum.
            MemorySegment row = WorkingRow.get(n);
            RowCopy.gather(kernel.codec(), src, srcOffset, 1, n, row, 0);
            return kernel.math().max(row, 0, n);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            max = Math.max(max, ElementAccess.get(src.segment(), src.dtype(), srcOffset + i * rows.srcAxisStride()));
        }
        return max;
    }

    private static long firstNonFinite(TensorView src, RowLayout rows, long srcOffset) {
        for (long i = 0; i < rows.rowLength(); i++) {
            float value = ElementAccess.get(src.segment(), src.dtype(), srcOffset + i * rows.srcAxisStride());
            if (Float.isNaN(value) || value == Float.POSITIVE_INFINITY) {
                return i;
            }
        }
        throw new IllegalStateException("row maximum was non-finite but no element is");
    }

    private static long[] append(long[] array, int count, long value) {
        long[] target = count == array.length ? Arrays.copyOf(array, Math.max(8, 2 * count)) : array;
        target[count] = value;
        return target;
    }
}
