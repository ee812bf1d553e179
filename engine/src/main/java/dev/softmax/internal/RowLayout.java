package dev.softmax.internal;

import dev.softmax.TensorView;

/**
 * The rows of a softmax along one axis: every combination of indices of the other dimensions is a row of
 * {@link #rowLength()} elements spaced {@link #srcAxisStride()} (and {@link #dstAxisStride()}) apart.
 *
 * <p>Rows are numbered in row-major order of the remaining dimensions. Remaining dimensions of size 1 are
 * dropped and neighbours that are contiguous in both tensors are merged, so that the common cases (a
 * dense batch of rows, padded rows) iterate with a single stride.
 */
public final class RowLayout {

    private final long rowLength;
    private final long rowCount;
    private final long srcAxisStride;
    private final long dstAxisStride;
    /** For a uniform batch (no arrays): the step from one row to the next. */
    private final long srcRowStride;
    private final long dstRowStride;
    /** Otherwise: the outer dimensions after merging, outermost first. */
    private final long[] outerShape;
    private final long[] srcOuterStrides;
    private final long[] dstOuterStrides;

    private RowLayout(long rowLength, long rowCount, long srcAxisStride, long dstAxisStride, long srcRowStride,
            long dstRowStride, long[] outerShape, long[] srcOuterStrides, long[] dstOuterStrides) {
        this.rowLength = rowLength;
        this.rowCount = rowCount;
        this.srcAxisStride = srcAxisStride;
        this.dstAxisStride = dstAxisStride;
        this.srcRowStride = srcRowStride;
        this.dstRowStride = dstRowStride;
        this.outerShape = outerShape;
        this.srcOuterStrides = srcOuterStrides;
        this.dstOuterStrides = dstOuterStrides;
    }

    /** Rows of {@code src} and {@code dst} (which have equal shapes) along {@code axis} (already normalised). */
    public static RowLayout of(TensorView src, TensorView dst, int axis) {
        int rank = src.rank();
        // First pass without allocating: a plain (possibly padded) batch of rows, the common case, needs no arrays.
        int kept = 0;
        long rows = 1;
        long lastSrcStride = 0;
        long lastDstStride = 0;
        for (int d = 0; d < rank; d++) {
            if (d == axis) {
                continue;
            }
            long size = src.dim(d);
            rows *= size;
            if (size == 1) {
                continue;
            }
            // A dimension the previous (outer) one steps exactly over merges with it: one dimension in disguise.
            boolean merges = kept > 0 && lastSrcStride == src.stride(d) * size && lastDstStride == dst.stride(d) * size;
            if (!merges) {
                kept++;
            }
            lastSrcStride = src.stride(d);
            lastDstStride = dst.stride(d);
        }
        if (kept <= 1) {
            long n = src.dim(axis);
            return new RowLayout(n, rows, src.stride(axis), dst.stride(axis),
                    kept == 1 ? lastSrcStride : n * src.stride(axis), kept == 1 ? lastDstStride : n * dst.stride(axis),
                    null, null, null);
        }
        long[] shape = new long[kept];
        long[] srcStrides = new long[kept];
        long[] dstStrides = new long[kept];
        int at = 0;
        for (int d = 0; d < rank; d++) {
            if (d == axis || src.dim(d) == 1) {
                continue;
            }
            if (at > 0 && srcStrides[at - 1] == src.stride(d) * src.dim(d)
                    && dstStrides[at - 1] == dst.stride(d) * dst.dim(d)) {
                shape[at - 1] *= src.dim(d);
                srcStrides[at - 1] = src.stride(d);
                dstStrides[at - 1] = dst.stride(d);
                continue;
            }
            shape[at] = src.dim(d);
            srcStrides[at] = src.stride(d);
            dstStrides[at] = dst.stride(d);
            at++;
        }
        return new RowLayout(src.dim(axis), rows, src.stride(axis), dst.stride(axis), 0, 0, shape, srcStrides,
                dstStrides);
    }

    /** Elements per row (the size of the softmax axis). */
    public long rowLength() {
        return rowLength;
    }

    public long rowCount() {
        return rowCount;
    }

    public long srcAxisStride() {
        return srcAxisStride;
    }

    public long dstAxisStride() {
        return dstAxisStride;
    }

    /** True when every row's elements are adjacent in both tensors. */
    public boolean rowsAreContiguous() {
        return (srcAxisStride == 1 || rowLength == 1) && (dstAxisStride == 1 || rowLength == 1);
    }

    /**
     * True when rows follow each other at one fixed stride in both tensors (at most one outer dimension after
     * merging): a plain, possibly padded, batch of rows.
     */
    public boolean isUniformBatch() {
        return outerShape == null;
    }

    /** Elements from one row's start to the next in src; meaningful when {@link #isUniformBatch()}. */
    public long srcRowStride() {
        return srcRowStride;
    }

    /** Elements from one row's start to the next in dst; meaningful when {@link #isUniformBatch()}. */
    public long dstRowStride() {
        return dstRowStride;
    }

    /** Element offset of row {@code row}'s first element in dst. */
    public long dstRowOffset(long row) {
        return outerShape == null ? row * dstRowStride : offset(row, dstOuterStrides);
    }

    /** Index of row {@code row} in each original non-axis dimension, for messages. */
    public long[] rowIndex(TensorView src, int axis, long row) {
        long[] index = new long[src.rank()];
        long rest = row;
        for (int d = src.rank() - 1; d >= 0; d--) {
            if (d == axis) {
                continue;
            }
            long size = src.dim(d);
            index[d] = size == 0 ? 0 : rest % size;
            rest = size == 0 ? 0 : rest / size;
        }
        return index;
    }

    private long offset(long row, long[] strides) {
        long rest = row;
        long offset = 0;
        for (int d = outerShape.length - 1; d >= 0; d--) {
            long size = outerShape[d];
            offset += (rest % size) * strides[d];
            rest /= size;
        }
        return offset;
    }

    /**
     * Walks rows {@code first .. first+count-1} in order, giving each row's src and dst element offsets
     * without a division per row.
     */
    public Cursor cursor(long first) {
        return new Cursor(first);
    }

    /** Iteration state over rows; not thread-safe (one per worker). */
    public final class Cursor {
        private final long[] index;
        private long srcOffset;
        private long dstOffset;

        private Cursor(long first) {
            if (outerShape == null) {
                index = null;
                srcOffset = first * srcRowStride;
                dstOffset = first * dstRowStride;
                return;
            }
            index = new long[outerShape.length];
            long rest = first;
            for (int d = outerShape.length - 1; d >= 0; d--) {
                index[d] = rest % outerShape[d];
                rest /= outerShape[d];
                srcOffset += index[d] * srcOuterStrides[d];
                dstOffset += index[d] * dstOuterStrides[d];
            }
        }

        public long srcOffset() {
            return srcOffset;
        }

        public long dstOffset() {
            return dstOffset;
        }

        /** Moves to the next row. */
        public void advance() {
            if (index == null) {
                srcOffset += srcRowStride;
                dstOffset += dstRowStride;
                return;
            }
            for (int d = outerShape.length - 1; d >= 0; d--) {
                if (++index[d] < outerShape[d]) {
                    srcOffset += srcOuterStrides[d];
                    dstOffset += dstOuterStrides[d];
                    return;
                }
                srcOffset -= (outerShape[d] - 1) * srcOuterStrides[d];
                dstOffset -= (outerShape[d] - 1) * dstOuterStrides[d];
                index[d] = 0;
            }
        }
    }
}
