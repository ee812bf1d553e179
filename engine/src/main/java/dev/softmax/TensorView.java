package dev.softmax;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * A typed, shaped view over a {@link MemorySegment}: the engine's only way of seeing tensor data.
 *
 * <p>The view never copies and never owns its memory. The segment can come from anywhere: an {@link Arena},
 * a memory-mapped file, a pointer handed over by another native runtime ({@code MemorySegment.ofAddress(p)
 * .reinterpret(bytes)}), or a Java array through {@link MemorySegment#ofArray(float[])}. The element at index
 * {@code (i0, ..., ik)} lives at byte offset {@code (i0*stride0 + ... + ik*stridek) * dtype.byteSize()}.
 *
 * <p>Strides are in elements, non-negative, and may describe padded rows, transposed or otherwise permuted
 * layouts; rank is 1 to {@value #MAX_RANK}. A view checks at construction that every element it can address
 * lies inside the segment; whether the segment is still alive, writable and not partially overlapping another
 * operand is checked on every call by the engine. Views are immutable and safe to share between threads
 * (the memory they describe is not synchronised by the view).
 */
public final class TensorView {

    /** Largest supported rank, as in oneDNN's usual tensors and ONNX's practical shapes. */
    public static final int MAX_RANK = 8;

    private final MemorySegment segment;
    private final DType dtype;
    private final long[] shape;
    private final long[] strides;
    private final long elementCount;
    private final long spanElements;
    /** No two indices address the same element (checked once here, because every call needs it for dst). */
    private final boolean distinctElements;

    private TensorView(MemorySegment segment, DType dtype, long[] shape, long[] strides) {
        this.segment = Objects.requireNonNull(segment, "segment");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(strides, "strides");
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException(
                    "shape: rank " + shape.length + " is not supported; expected 1 to " + MAX_RANK + " dimensions");
        }
        if (strides.length != shape.length) {
            throw new IllegalArgumentException("strides: " + Arrays.toString(strides) + " has " + strides.length
                    + " entries but shape " + Arrays.toString(shape) + " has " + shape.length);
        }
        long count = 1;
        long lastOffset = 0;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    throw new IllegalArgumentException("shape: dimension " + i + " is " + shape[i] + " in "
                            + Arrays.toString(shape) + "; expected >= 0");
                }
                if (strides[i] < 0) {
                    throw new IllegalArgumentException("strides: stride " + i + " is " + strides[i] + " in "
                            + Arrays.toString(strides) + "; expected >= 0");
                }
                count = Math.multiplyExact(count, shape[i]);
                if (shape[i] > 0) {
                    lastOffset = Math.addExact(lastOffset, Math.multiplyExact(shape[i] - 1, strides[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " with strides " + Arrays.toString(strides)
                            + " addresses more than 2^63 elements",
                    e);
        }
        long span = count == 0 ? 0 : lastOffset + 1;
        long bytesNeeded;
        try {
            bytesNeeded = Math.multiplyExact(span, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " with strides " + Arrays.toString(strides)
                            + " needs more than 2^63 bytes",
                    e);
        }
        if (bytesNeeded > segment.byteSize()) {
            throw new IllegalArgumentException("segment: " + segment.byteSize() + " bytes is too small for "
                    + dtype.label() + " shape " + Arrays.toString(shape) + " with strides "
                    + Arrays.toString(strides) + "; expected at least " + bytesNeeded + " bytes");
        }
        this.shape = shape;
        this.strides = strides;
        this.elementCount = count;
        this.spanElements = span;
        this.distinctElements = computeDistinctElements(shape, strides);
    }

    /** Sorted by stride, each dimension of size > 1 must step past everything the smaller ones can reach. */
    private static boolean computeDistinctElements(long[] shape, long[] strides) {
        Integer[] order = new Integer[shape.length];
        for (int d = 0; d < shape.length; d++) {
            order[d] = d;
        }
        Arrays.sort(order, (a, b) -> Long.compare(strides[a], strides[b]));
        long reach = 0;
        for (int d : order) {
            if (shape[d] <= 1) {
                continue;
            }
            if (strides[d] <= reach) {
                return false;
            }
            reach += (shape[d] - 1) * strides[d];
        }
        return true;
    }

    /** True when every index addresses its own element (no zero or interleaving strides share memory). */
    public boolean hasDistinctElements() {
        return distinctElements;
    }

    /** A dense row-major view over {@code segment} (which may be larger than needed). */
    public static TensorView wrap(MemorySegment segment, DType dtype, long... shape) {
        long[] copy = shape.clone();
        return new TensorView(segment, dtype, copy, rowMajorStrides(copy));
    }

    /** A view with explicit strides, in elements (padded rows, permuted axes, ...). */
    public static TensorView wrap(MemorySegment segment, DType dtype, long[] shape, long[] strides) {
        return new TensorView(segment, dtype, shape.clone(), strides.clone());
    }

    /** Allocates a dense row-major tensor in {@code arena}, 64-byte aligned (a cache line, an AVX-512 vector). */
    public static TensorView allocate(Arena arena, DType dtype, long... shape) {
        long[] copy = shape.clone();
        long count = 1;
        for (long d : copy) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "shape: dimension " + d + " in " + Arrays.toString(copy) + "; expected >= 0");
            }
            count = Math.multiplyExact(count, d);
        }
        MemorySegment segment = arena.allocate(Math.max(1, Math.multiplyExact(count, dtype.byteSize())), 64);
        return new TensorView(segment, dtype, copy, rowMajorStrides(copy));
    }

    /** A dense row-major f32 view over a Java array (no copy: writes through the view land in the array). */
    public static TensorView of(float[] data, long... shape) {
        return wrap(MemorySegment.ofArray(data), DType.F32, shape);
    }

    /**
     * Row-major (C order) strides for a shape.
     *
     * @throws IllegalArgumentException when a stride does not fit in a long (a shape claiming more than 2^63
     *     elements, for example from a foreign tensor's header)
     */
    public static long[] rowMajorStrides(long... shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            if (i > 0) {
                long dimension = Math.max(1, shape[i]);
                if (stride > Long.MAX_VALUE / dimension) {
                    throw new IllegalArgumentException("shape: " + java.util.Arrays.toString(shape)
                            + " has too many elements: its row-major strides overflow 64 bits; expected a shape"
                            + " that fits in memory");
                }
                stride *= dimension;
            }
        }
        return strides;
    }

    public MemorySegment segment() {
        return segment;
    }

    public DType dtype() {
        return dtype;
    }

    public int rank() {
        return shape.length;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** A copy of the strides, in elements. */
    public long[] strides() {
        return strides.clone();
    }

    /**
     * The 0-based index of {@code axis} in a tensor of {@code rank} dimensions under ONNX's rule
     * ({@code -rank <= axis < rank}, negative counting from the end), as every engine operation interprets it.
     *
     * @throws IllegalArgumentException naming the axis and the allowed range
     */
    public static int normaliseAxis(int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("axis: " + axis + " is out of range for rank " + rank + "; expected "
                    + (-rank) + " to " + (rank - 1));
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** Size of dimension {@code axis} (0-based, no negative indexing). */
    public long dim(int axis) {
        return shape[axis];
    }

    /** Stride of dimension {@code axis}, in elements. */
    public long stride(int axis) {
        return strides[axis];
    }

    public long elementCount() {
        return elementCount;
    }

    /** Number of elements from the first to the last addressable one, inclusive (0 for an empty view). */
    public long spanElements() {
        return spanElements;
    }

    /** Bytes from the segment's start to the end of the last addressable element. */
    public long spanBytes() {
        return spanElements * dtype.byteSize();
    }

    /** True when the strides are exactly row-major for the shape (no padding, no permutation). */
    public boolean isRowMajorDense() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** Element offset of an index, with bounds checks. */
    public long offsetOf(long... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index: " + Arrays.toString(index) + " has " + index.length
                    + " coordinates; expected " + shape.length);
        }
        long offset = 0;
        for (int i = 0; i < index.length; i++) {
            Objects.checkIndex(index[i], shape[i]);
            offset += index[i] * strides[i];
        }
        return offset;
    }

    /** The element at {@code index}, widened to float. For tests and small programs, not for bulk work. */
    public float getFloat(long... index) {
        return dtype.getFloat(segment, offsetOf(index));
    }

    /** Stores {@code value} (rounded to the view's type) at {@code index}. For tests and small programs. */
    public void setFloat(float value, long... index) {
        dtype.setFloat(segment, offsetOf(index), value);
    }

    /** Copies {@code values}, in row-major order of the shape, into the view (converting to its type). */
    public TensorView copyFrom(float[] values) {
        if (values.length != elementCount) {
            throw new IllegalArgumentException("values: length " + values.length + " does not match the " + elementCount
                    + " elements of shape " + Arrays.toString(shape));
        }
        long[] index = new long[shape.length];
        for (int i = 0; i < values.length; i++) {
            dtype.setFloat(segment, offsetOfUnchecked(index), values[i]);
            increment(index);
        }
        return this;
    }

    /** The view's elements in row-major order of its shape, widened to float. */
    public float[] toFloatArray() {
        if (elementCount > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("the view has " + elementCount + " elements, more than a Java array holds");
        }
        float[] values = new float[(int) elementCount];
        long[] index = new long[shape.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = dtype.getFloat(segment, offsetOfUnchecked(index));
            increment(index);
        }
        return values;
    }

    private long offsetOfUnchecked(long[] index) {
        long offset = 0;
        for (int i = 0; i < index.length; i++) {
            offset += index[i] * strides[i];
        }
        return offset;
    }

    private void increment(long[] index) {
        for (int i = index.length - 1; i >= 0; i--) {
            if (++index[i] < shape[i]) {
                return;
            }
            index[i] = 0;
        }
    }

    @Override
    public String toString() {
        return "TensorView[" + dtype.label() + " " + Arrays.toString(shape) + " strides " + Arrays.toString(strides)
                + (segment.isNative() ? " native@0x" + Long.toHexString(segment.address()) : " heap")
                + " (" + segment.byteSize() + " bytes)]";
    }
}
