package dev.softmax.internal.rows;

import dev.softmax.TensorView;

/**
 * The rows of an operation along one axis, over any number of operands of the same shape: every combination
 * of indices of the other dimensions is a row of {@link #rowLength()} elements, spaced
 * {@link #axisStride(int) axisStride(k)} apart in operand k.
 *
 * <p>Operands are numbered in the order given to {@link #of}; each operation names its own (a forward call:
 * src 0, dst 1; a backward call: y 0, dy 1, dx 2). A broadcast operand (a mask or a bias shared by many rows) is
 * a view with stride 0 along the dimensions it does not have, and needs nothing special here: a stride of 0
 * merges and steps like any other.
 *
 * <p>Rows are numbered in row-major order of the remaining dimensions. Remaining dimensions of size 1 are
 * dropped and neighbours that are contiguous in every operand are merged, so that the common cases (a dense
 * batch of rows, padded rows) iterate with a single stride per operand.
 */
public final class RowLayout {

    private final long rowLength;
    private final long rowCount;
    private final long[] axisStrides;
    /** For a uniform batch (no outer arrays): the step from one row to the next, per operand. */
    private final long[] rowStrides;
    /** Otherwise: the outer dimensions after merging, outermost first, and their strides per operand. */
    private final long[] outerShape;

    private final long[][] outerStrides;

    private RowLayout(
            long rowLength,
            long rowCount,
            long[] axisStrides,
            long[] rowStrides,
            long[] outerShape,
            long[][] outerStrides) {
        this.rowLength = rowLength;
        this.rowCount = rowCount;
        this.axisStrides = axisStrides;
        this.rowStrides = rowStrides;
        this.outerShape = outerShape;
        this.outerStrides = outerStrides;
    }

    /**
     * Rows of {@code operands} (which have equal shapes) along {@code axis} (already normalised). An operand may
     * be given twice (an in-place call).
     */
    public static RowLayout of(int axis, TensorView... operands) {
        TensorView first = operands[0];
        int rank = first.rank();
        int count = operands.length;
        long[] axisStrides = new long[count];
        for (int k = 0; k < count; k++) {
            axisStrides[k] = operands[k].stride(axis);
        }
        // First pass: how many outer dimensions remain after dropping size 1 and merging. A plain (possibly
        // padded) batch of rows, the common case, keeps at most one and needs no outer arrays.
        int kept = 0;
        long rows = 1;
        int lastKept = -1;
        for (int d = 0; d < rank; d++) {
            if (d == axis) {
                continue;
            }
            long size = first.dim(d);
            rows *= size;
            if (size == 1) {
                continue;
            }
            if (kept == 0 || !mergesWithPrevious(operands, lastKept, d)) {
                kept++;
            }
            lastKept = d;
        }
        long n = first.dim(axis);
        if (kept <= 1) {
            long[] rowStrides = new long[count];
            for (int k = 0; k < count; k++) {
                rowStrides[k] = kept == 1 ? operands[k].stride(lastKept) : n * operands[k].stride(axis);
            }
            return new RowLayout(n, rows, axisStrides, rowStrides, null, null);
        }
        long[] shape = new long[kept];
        long[][] strides = new long[count][kept];
        int at = 0;
        int previous = -1;
        for (int d = 0; d < rank; d++) {
            if (d == axis || first.dim(d) == 1) {
                continue;
            }
            if (at > 0 && mergesWithPrevious(operands, previous, d)) {
                shape[at - 1] *= first.dim(d);
                for (int k = 0; k < count; k++) {
                    strides[k][at - 1] = operands[k].stride(d);
                }
            } else {
                shape[at] = first.dim(d);
                for (int k = 0; k < count; k++) {
                    strides[k][at] = operands[k].stride(d);
                }
                at++;
            }
            previous = d;
        }
        return new RowLayout(n, rows, axisStrides, null, shape, strides);
    }

    /**
     * Whether dimension {@code d} continues dimension {@code outer} in every operand (the outer one steps exactly
     * over it): then the two are one dimension in disguise. {@code outer} already absorbed the dimensions merged
     * into it, whose innermost stride is its own stride here.
     */
    private static boolean mergesWithPrevious(TensorView[] operands, int outer, int d) {
        for (TensorView operand : operands) {
            if (operand.stride(outer) != operand.stride(d) * operand.dim(d)) {
                return false;
            }
        }
        return true;
    }

    /** Elements per row (the size of the axis). */
    public long rowLength() {
        return rowLength;
    }

    public long rowCount() {
        return rowCount;
    }

    /** Elements between neighbours along the axis in operand {@code k}. */
    public long axisStride(int k) {
        return axisStrides[k];
    }

    /** True when every row's elements are adjacent in operand {@code k}. */
    public boolean isContiguous(int k) {
        return axisStrides[k] == 1 || rowLength == 1;
    }

    /** True when every row's elements are adjacent in every operand. */
    public boolean rowsAreContiguous() {
        for (int k = 0; k < axisStrides.length; k++) {
            if (!isContiguous(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when rows follow each other at one fixed stride in every operand (at most one outer dimension after
     * merging): a plain, possibly padded, batch of rows.
     */
    public boolean isUniformBatch() {
        return outerShape == null;
    }

    /** Elements from one row's start to the next in operand {@code k}; meaningful when {@link #isUniformBatch()}. */
    public long rowStride(int k) {
        return rowStrides[k];
    }

    /**
     * For a layout that is not a uniform batch: the outer dimension (after merging) along which operand {@code k}
     * is broadcast (stride 0, more than one row) with other dimensions inside it, the innermost such; -1 if none.
     * Rows {@code ((o * size(d)) + j) * inner(d) + i} for j in {@code [0, size(d))} then share that operand's row.
     */
    public int broadcastDimension(int k) {
        if (outerShape == null) {
            return -1;
        }
        for (int d = outerShape.length - 2; d >= 0; d--) {
            if (outerStrides[k][d] == 0 && outerShape[d] > 1) {
                return d;
            }
        }
        return -1;
    }

    /** The size of outer dimension {@code d} ({@link #broadcastDimension}). */
    public long outerSize(int d) {
        return outerShape[d];
    }

    /** Rows per step of outer dimension {@code d}: the product of the sizes of the dimensions inside it. */
    public long innerRows(int d) {
        long rows = 1;
        for (int e = d + 1; e < outerShape.length; e++) {
            rows *= outerShape[e];
        }
        return rows;
    }

    /** Element offset of row {@code row}'s first element in operand {@code k}. */
    public long rowOffset(int k, long row) {
        if (outerShape == null) {
            return row * rowStrides[k];
        }
        long[] strides = outerStrides[k];
        long rest = row;
        long offset = 0;
        for (int d = outerShape.length - 1; d >= 0; d--) {
            long size = outerShape[d];
            offset += (rest % size) * strides[d];
            rest /= size;
        }
        return offset;
    }

    /** Index of row {@code row} in each original non-axis dimension of {@code shapeOf}, for messages. */
    public static long[] rowIndex(TensorView shapeOf, int axis, long row) {
        long[] index = new long[shapeOf.rank()];
        long rest = row;
        for (int d = shapeOf.rank() - 1; d >= 0; d--) {
            if (d == axis) {
                continue;
            }
            long size = shapeOf.dim(d);
            index[d] = size == 0 ? 0 : rest % size;
            rest = size == 0 ? 0 : rest / size;
        }
        return index;
    }

    /**
     * Element offset of the element numbered {@code ordinal} in row-major order of {@code view}'s shape: where a
     * per-row result (a loss, a log-sum-exp) of row {@code ordinal} goes in an output shaped like the rows.
     */
    public static long rowMajorOffset(TensorView view, long ordinal) {
        long rest = ordinal;
        long offset = 0;
        for (int d = view.rank() - 1; d >= 0; d--) {
            long size = view.dim(d);
            offset += (rest % size) * view.stride(d);
            rest /= size;
        }
        return offset;
    }

    /**
     * Walks rows {@code first, first+1, ...} in order, giving each row's element offset in every operand without
     * a division per row.
     */
    public Cursor cursor(long first) {
        return new Cursor(first);
    }

    /**
     * A cursor at row {@code first}, or null for a uniform batch, whose offsets {@link #rowOffset} computes without
     * one. Why: a cursor whose methods C2 does not inline is allocated, 32 B a call (KernelAllocationTest).
     */
    public Cursor cursorUnlessUniform(long first) {
        return outerShape == null ? null : new Cursor(first);
    }

    /**
     * Row {@code row}'s element offset in operand {@code k}: the cursor's, standing on that row, or for a uniform
     * batch (cursor null, see {@link #cursorUnlessUniform}) {@code row * rowStride(k)}.
     */
    public long rowOffset(Cursor cursor, long row, int k) {
        return cursor == null ? row * rowStrides[k] : cursor.offset(k);
    }

    /**
     * Iteration state over rows; not thread-safe (one per worker). A uniform batch keeps only the row number (no
     * arrays, so a cursor that does not escape costs no allocation); other layouts keep an index and the offsets.
     */
    public final class Cursor {
        private final long[] index;
        private final long[] offsets;
        private long row;

        private Cursor(long first) {
            if (outerShape == null) {
                index = null;
                offsets = null;
            } else {
                index = new long[outerShape.length];
                offsets = new long[axisStrides.length];
            }
            moveTo(first);
        }

        /** Moves to row {@code row} (a division per outer dimension; allocates nothing). */
        public void moveTo(long target) {
            row = target;
            if (offsets == null) {
                return;
            }
            java.util.Arrays.fill(offsets, 0);
            long rest = target;
            for (int d = outerShape.length - 1; d >= 0; d--) {
                index[d] = rest % outerShape[d];
                rest /= outerShape[d];
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] += index[d] * outerStrides[k][d];
                }
            }
        }

        /** The current row's element offset in operand {@code k}. */
        public long offset(int k) {
            return offsets == null ? row * rowStrides[k] : offsets[k];
        }

        /**
         * Rows from the current one to the last of its innermost outer dimension, this one included (the rest of
         * the range for a uniform batch): along them the offset of every operand {@code k} grows by
         * {@link #innerStep} per row, so they can go to a kernel as one strided run.
         */
        public long rowsToInnerEnd() {
            return offsets == null ? rowCount - row : outerShape[outerShape.length - 1] - index[outerShape.length - 1];
        }

        /** The step of operand {@code k}'s offset from one row to the next within {@link #rowsToInnerEnd}. */
        public long innerStep(int k) {
            return offsets == null ? rowStrides[k] : outerStrides[k][outerShape.length - 1];
        }

        /** Moves to the next row. */
        public void advance() {
            row++;
            if (offsets == null) {
                return;
            }
            for (int d = outerShape.length - 1; d >= 0; d--) {
                if (++index[d] < outerShape[d]) {
                    for (int k = 0; k < offsets.length; k++) {
                        offsets[k] += outerStrides[k][d];
                    }
                    return;
                }
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] -= (outerShape[d] - 1) * outerStrides[k][d];
                }
                index[d] = 0;
            }
        }
    }
}
