package dev.softmax.internal.call;

import dev.softmax.DType;
import dev.softmax.TensorView;
import dev.softmax.internal.rows.RowLayout;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The checks every operation's validation is built from: operand types, shapes, liveness and thread access,
 * writability, aliasing and distinct elements. Each operation package holds its own validation class (what its
 * call needs), written with these, so that every message has the same form: the argument's name, the value,
 * and what was expected. A validation throws before any byte of any output is written.
 */
public final class OperandChecks {

    private OperandChecks() {}

    /** Two operands that must not share any byte (an output and an input, or two outputs). */
    public static void requireDisjoint(TensorView a, String aName, TensorView b, String bName) {
        if (overlaps(a, b)) {
            throw new IllegalArgumentException(
                    bName + ": " + b + " overlaps " + aName + " " + a + "; expected memory that does not overlap");
        }
    }

    /** Longest row that can be computed through an f32 working row (a Java array). */
    public static final long MAX_WORKING_ROW = Integer.MAX_VALUE - 8;

    /**
     * A row is computed in the destination itself when that is f32 with unit stride; otherwise it passes
     * through an f32 working row, which caps its length. Checked here so that no backend fails half-way.
     */
    public static void requireWorkableRowLength(TensorView dst, RowLayout rows, int dstOperand) {
        boolean computedInPlace = dst.dtype() == DType.F32 && rows.isContiguous(dstOperand);
        if (rows.rowLength() > MAX_WORKING_ROW && !computedInPlace) {
            throw new IllegalArgumentException("dst: rows of " + rows.rowLength() + " elements along the axis "
                    + "need an f32 destination with unit stride along that axis; expected rows of at most "
                    + MAX_WORKING_ROW + " elements for other types or layouts");
        }
    }

    public static void requireFloatingPoint(TensorView view, String name) {
        if (!view.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": element type "
                    + view.dtype().label() + " is not supported here; expected f32, bf16 or f16");
        }
    }

    public static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new NullPointerException(name + ": must not be null");
        }
    }

    public static void requireSameShape(
            TensorView expected, String expectedName, TensorView actual, String actualName) {
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
    public static void requireUsable(TensorView view, String name) {
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

    public static void requireWritable(TensorView view, String name) {
        if (view.segment().isReadOnly()) {
            throw new IllegalArgumentException(name + ": the memory segment is read-only; expected a writable "
                    + "segment (a file mapped READ_WRITE, or an arena allocation)");
        }
    }

    /**
     * Returns true when the two views are the same elements (in-place), false when they share no byte;
     * throws on any partial overlap, which no backend can compute correctly.
     */
    public static boolean checkAliasing(TensorView src, String srcName, TensorView dst, String dstName) {
        if (!overlaps(src, dst)) {
            return false;
        }
        boolean identical = src.dtype() == dst.dtype()
                && src.segment().address() == dst.segment().address();
        for (int d = 0; identical && d < src.rank(); d++) {
            identical = src.stride(d) == dst.stride(d) || src.dim(d) == 1;
        }
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
    public static void requireDistinctElements(TensorView view, String name) {
        if (!view.hasDistinctElements()) {
            throw new IllegalArgumentException(name + ": strides " + Arrays.toString(view.strides())
                    + " for shape " + Arrays.toString(view.shape()) + " make different elements share memory; "
                    + "expected a layout where every element has its own address");
        }
    }

    /**
     * Whether two views share any byte. Native memory is compared by address ranges (no allocation: this runs on
     * every call); heap memory by the segments' own overlap test.
     */
    public static boolean overlaps(TensorView a, TensorView b) {
        if (a.spanBytes() == 0 || b.spanBytes() == 0) {
            return false;
        }
        MemorySegment sa = a.segment();
        MemorySegment sb = b.segment();
        if (sa.isNative() && sb.isNative()) {
            long aStart = sa.address();
            long bStart = sb.address();
            return aStart < bStart + b.spanBytes() && bStart < aStart + a.spanBytes();
        }
        if (sa.isNative() != sb.isNative()) {
            return false;
        }
        return sa.asSlice(0, a.spanBytes())
                .asOverlappingSlice(sb.asSlice(0, b.spanBytes()))
                .isPresent();
    }
}
