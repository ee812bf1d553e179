package dev.softmax.arrow;

import dev.softmax.DType;
import dev.softmax.ForeignTensor;
import dev.softmax.TensorView;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Arrow columns as engine tensors and engine tensors as Arrow columns, without a copy.
 *
 * <ul>
 *   <li>{@link #view(FixedSizeListVector)}: a {@code FixedSizeList<float32>} ({@link Float4Vector} child) or
 *       {@code FixedSizeList<float16>} ({@link Float2Vector} child) of {@code rows} lists of {@code width} values is
 *       a dense {@code [rows, width]} tensor over the child's data buffer. The result holds a reference on that
 *       buffer, so closing the vector first does not free memory under the engine; closing the tensor releases the
 *       reference, once.
 *   <li>{@link #toArrow(ForeignTensor, BufferAllocator, String)}: a dense row-major {@code [rows, width]} F32 or
 *       F16 tensor becomes a {@code FixedSizeListVector} whose child's data buffer is the tensor's memory (wrapped
 *       with {@link BufferAllocator#wrapForeignAllocation}). The vector holds the tensor until the last Arrow
 *       reference is released; the memory is freed once, when both the vector and the tensor's owner are done.
 * </ul>
 *
 * The view is sized from the row count and list width, never from the buffer's {@code capacity()} (which can be
 * larger); Arrow buffers are not 64-byte aligned, which the engine accepts (it reads unaligned).
 */
public final class ArrowTensors {

    private ArrowTensors() {}

    /**
     * The values of {@code vector} as a {@code [rows, width]} tensor, no copy; {@code rows} is the vector's value
     * count and {@code width} its list size.
     *
     * @throws IllegalArgumentException naming the vector when its child is not a Float4Vector or Float2Vector,
     *     when it holds nulls, or when the child holds fewer values than {@code rows * width}
     */
    public static ForeignTensor view(FixedSizeListVector vector) {
        Objects.requireNonNull(vector, "vector");
        FieldVector child = vector.getDataVector();
        DType dtype;
        if (child instanceof Float4Vector) {
            dtype = DType.F32;
        } else if (child instanceof Float2Vector) {
            dtype = DType.F16;
        } else {
            throw new IllegalArgumentException("vector: '" + vector.getName() + "' holds lists of "
                    + child.getClass().getSimpleName() + " (" + child.getField().getType() + "); expected "
                    + "Float4Vector (float32) or Float2Vector (float16)");
        }
        long rows = vector.getValueCount();
        long width = vector.getListSize();
        if (vector.getNullCount() > 0) {
            throw new IllegalArgumentException("vector: '" + vector.getName() + "' has " + vector.getNullCount()
                    + " null lists; expected none (a null list has no values to compute on)");
        }
        if (child.getNullCount() > 0) {
            throw new IllegalArgumentException(
                    "vector: '" + vector.getName() + "' has " + child.getNullCount() + " null values; expected none");
        }
        long values = Math.multiplyExact(rows, width);
        if (child.getValueCount() < values) {
            throw new IllegalArgumentException("vector: '" + vector.getName() + "' has " + rows + " lists of "
                    + width + " but its child holds " + child.getValueCount() + " values; expected at least "
                    + values);
        }
        ArrowBuf data = ((BaseFixedWidthVector) child).getDataBuffer();
        long bytes = values * dtype.byteSize();
        if (bytes > data.capacity()) {
            throw new IllegalArgumentException("vector: '" + vector.getName() + "' data buffer has " + data.capacity()
                    + " bytes; expected at least " + bytes);
        }
        data.getReferenceManager().retain();
        try {
            return ForeignTensor.wrap(
                    MemorySegment.ofAddress(data.memoryAddress()),
                    dtype,
                    new long[] {rows, width},
                    new long[] {width, 1},
                    false,
                    () -> data.getReferenceManager().release());
        } catch (RuntimeException | Error e) {
            data.getReferenceManager().release();
            throw e;
        }
    }

    /**
     * {@code tensor} as a {@code FixedSizeList<float32>} (or float16) vector named {@code name}, no copy: its
     * child's data buffer is the tensor's memory. The vector holds the tensor (a {@link ForeignTensor.Hold}) until
     * Arrow releases the buffer, so the tensor's owner may close it at any time.
     *
     * @throws IllegalArgumentException when the tensor is not a dense row-major {@code [rows, width]} F32 or F16
     *     tensor, or has more than {@code Integer.MAX_VALUE} rows
     * @throws IllegalStateException when the tensor is closed
     */
    public static FixedSizeListVector toArrow(ForeignTensor tensor, BufferAllocator allocator, String name) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(allocator, "allocator");
        Objects.requireNonNull(name, "name");
        TensorView view = tensor.view();
        if (view.rank() != 2 || !view.isRowMajorDense()) {
            throw new IllegalArgumentException("tensor: " + view + " is not a dense row-major [rows, width] "
                    + "tensor; expected rank 2 with strides [width, 1]");
        }
        FloatingPointPrecision precision = switch (view.dtype()) {
            case F32 -> FloatingPointPrecision.SINGLE;
            case F16 -> FloatingPointPrecision.HALF;
            default ->
                throw new IllegalArgumentException("tensor: dtype "
                        + view.dtype().label() + " has no Arrow float vector here; expected F32 or F16");
        };
        long rows = view.dim(0);
        long width = view.dim(1);
        if (rows > Integer.MAX_VALUE || width > Integer.MAX_VALUE || rows * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor: shape [" + rows + ", " + width + "] exceeds Arrow's "
                    + Integer.MAX_VALUE + " values per vector");
        }
        long bytes = rows * width * view.dtype().byteSize();
        ForeignTensor.Hold hold = tensor.acquire();
        ArrowBuf data;
        try {
            data = allocator.wrapForeignAllocation(new HeldAllocation(bytes, tensor.address(), hold));
        } catch (RuntimeException | Error e) {
            hold.close();
            throw e;
        }
        FixedSizeListVector vector = null;
        try {
            vector = FixedSizeListVector.empty(name, (int) width, allocator);
            FieldVector child = vector.<FieldVector>addOrGetVector(
                            FieldType.notNullable(new ArrowType.FloatingPoint(precision)))
                    .getVector();
            int values = (int) (rows * width);
            try (ArrowBuf noValidity = allocator.getEmpty()) {
                // Null count 0: Arrow allocates an all-valid validity buffer (bits, not values) and retains data.
                child.loadFieldBuffers(new ArrowFieldNode(values, 0), List.of(noValidity, data));
                vector.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(noValidity));
            }
            vector.setValueCount((int) rows);
            return vector;
        } catch (RuntimeException | Error e) {
            if (vector != null) {
                vector.close();
            }
            throw e;
        } finally {
            data.getReferenceManager().release(); // the vector's child holds its own reference
        }
    }

    /** Foreign memory accounted by an Arrow allocator; Arrow's last release releases the engine's hold, once. */
    private static final class HeldAllocation extends ForeignAllocation {
        private final ForeignTensor.Hold hold;

        HeldAllocation(long size, long address, ForeignTensor.Hold hold) {
            super(size, address);
            this.hold = hold;
        }

        @Override
        protected void release0() {
            hold.close();
        }
    }
}
