package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every check a call must pass before any backend sees it. Both backends rely on this being the only gate:
 * a failure here throws before a single byte of the destination is written, with a message that names the
 * argument, the value and what was expected.
 */
public final class CallValidator {

    private CallValidator() {
    }

    /**
     * Validates a forward call.
     *
     * @param axis        ONNX-style axis: {@code -rank .. rank-1}, negative counting from the end
     * @param temperature divisor of the logits; must be finite and positive
     */
    public static SoftmaxCall forward(Operation operation, TensorView src, TensorView dst, int axis,
            float temperature, EdgePolicy policy) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireSameShape(src, "src", dst, "dst");
        int normalisedAxis = normaliseAxis(axis, src.rank());
        if (!Float.isFinite(temperature) || temperature <= 0f) {
            throw new IllegalArgumentException("temperature: " + temperature
                    + " is not allowed; expected a finite value > 0");
        }
        requireUsable(src, "src");
        requireUsable(dst, "dst");
        requireWritable(dst, "dst");
        boolean inPlace = checkAliasing(src, "src", dst, "dst");
        requireDistinctElements(dst, "dst");
        RowLayout rows = RowLayout.of(src, dst, normalisedAxis);
        requireWorkableRowLength(dst, rows);
        return new SoftmaxCall(operation, src, dst, normalisedAxis, temperature, policy, inPlace, rows);
    }

    /** Longest row that can be computed through an f32 working row (a Java array). */
    public static final long MAX_WORKING_ROW = Integer.MAX_VALUE - 8;

    /**
     * A row is computed in the destination itself when that is f32 with unit stride; otherwise it passes
     * through an f32 working row, which caps its length. Checked here so that no backend fails half-way.
     */
    static void requireWorkableRowLength(TensorView dst, RowLayout rows) {
        boolean computedInPlace = dst.dtype() == DType.F32
                && (rows.dstAxisStride() == 1 || rows.rowLength() == 1);
        if (rows.rowLength() > MAX_WORKING_ROW && !computedInPlace) {
            throw new IllegalArgumentException("dst: rows of " + rows.rowLength() + " elements along the axis "
                    + "need an f32 destination with unit stride along that axis; expected rows of at most "
                    + MAX_WORKING_ROW + " elements for other types or layouts");
        }
    }

    /** ONNX opset 13 axis rule: {@code -rank <= axis < rank}; returns {@code 0..rank-1}. */
    public static int normaliseAxis(int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("axis: " + axis + " is out of range for rank " + rank
                    + "; expected " + (-rank) + " to " + (rank - 1));
        }
        return axis < 0 ? axis + rank : axis;
    }

    static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new NullPointerException(name + ": must not be null");
        }
    }

    static void requireSameShape(TensorView expected, String expectedName, TensorView actual, String actualName) {
        if (expected.rank() != actual.rank()) {
            throw new IllegalArgumentException(actualName + ": shape " + Arrays.toString(actual.shape())
                    + " does not match " + expectedName + " shape " + Arrays.toString(expected.shape())
                    + " (rank " + actual.rank() + " vs " + expected.rank() + ")");
        }
        for (int d = 0; d < expected.rank(); d++) {
            if (expected.dim(d) != actual.dim(d)) {
                throw new IllegalArgumentException(actualName + ": shape " + Arrays.toString(actual.shape())
                        + " does not match " + expectedName + " shape " + Arrays.toString(expected.shape())
                        + " (dimension " + d + ")");
            }
        }
    }

    /** The segment is alive and this thread may touch it. */
    static void requireUsable(TensorView view, String name) {
        MemorySegment segment = view.segment();
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + ": the memory segment is no longer alive (its arena was "
                    + "closed); expected a segment whose arena is open");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException(name + ": the memory segment is confined to another thread; "
                    + "expected a segment this thread may access (use a shared arena to cross threads)");
        }
    }

    static void requireWritable(TensorView view, String name) {
        if (view.segment().isReadOnly()) {
            throw new IllegalArgumentException(name + ": the memory segment is read-only; expected a writable "
                    + "segment (a file mapped READ_WRITE, or an arena allocation)");
        }
    }

    /**
     * Returns true when the two views are the same elements (in-place), false when they share no byte;
     * throws on any partial overlap, which no backend can compute correctly.
     */
    static boolean checkAliasing(TensorView src, String srcName, TensorView dst, String dstName) {
        if (src.spanBytes() == 0 || dst.spanBytes() == 0) {
            return false;
        }
        MemorySegment srcSpan = src.segment().asSlice(0, src.spanBytes());
        MemorySegment dstSpan = dst.segment().asSlice(0, dst.spanBytes());
        Optional<MemorySegment> overlap = srcSpan.asOverlappingSlice(dstSpan);
        if (overlap.isEmpty()) {
            return false;
        }
        boolean identical = src.dtype() == dst.dtype() && srcSpan.address() == dstSpan.address()
                && Arrays.equals(src.strides(), dst.strides());
        if (identical) {
            return true;
        }
        throw new IllegalArgumentException(dstName + ": " + dst + " partially overlaps " + srcName + " " + src
                + "; expected the same view (in-place) or memory that does not overlap");
    }

    /**
     * A destination whose layout maps two indices to one element would make results depend on write order.
     * Sorted by stride, each dimension must step past everything the smaller ones can reach.
     */
    static void requireDistinctElements(TensorView view, String name) {
        int rank = view.rank();
        Integer[] order = new Integer[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        Arrays.sort(order, (a, b) -> Long.compare(view.stride(a), view.stride(b)));
        long reach = 0;
        for (int d : order) {
            if (view.dim(d) <= 1) {
                continue;
            }
            if (view.stride(d) <= reach) {
                throw new IllegalArgumentException(name + ": strides " + Arrays.toString(view.strides())
                        + " for shape " + Arrays.toString(view.shape()) + " make different elements share memory "
                        + "(dimension " + d + "); expected a layout where every element has its own address");
            }
            reach += (view.dim(d) - 1) * view.stride(d);
        }
    }
}
