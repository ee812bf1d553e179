package dev.softmax.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.DType;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;

/** Building views with any layout, filling them, and proving what a call did and did not touch. */
public final class TestTensors {

    /** The element types softmax reads and writes (DType also has integer label types). */
    public static final java.util.List<DType> FLOAT_TYPES = java.util.List.of(DType.F32, DType.BF16, DType.F16);

    /** Byte every fresh test segment is filled with, so unwritten or stray writes are visible. */
    public static final byte PATTERN = (byte) 0x5A;

    private TestTensors() {}

    /** Normal(0, sigma^2) logits. */
    public static float[] normal(Random random, int count, double sigma) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * sigma);
        }
        return values;
    }

    public static long product(long... shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        return count;
    }

    /**
     * Strides for {@code shape} where {@code physicalOrder} lists the dimensions from outermost to innermost in
     * memory, and the innermost physical dimension's rows are padded by {@code pad} elements.
     */
    public static long[] layout(long[] shape, int[] physicalOrder, long pad) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int k = physicalOrder.length - 1; k >= 0; k--) {
            int d = physicalOrder[k];
            strides[d] = stride;
            stride = stride * Math.max(1, shape[d]) + (k == physicalOrder.length - 1 ? pad : 0);
        }
        return strides;
    }

    public static int[] identityOrder(int rank) {
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = i;
        }
        return order;
    }

    /** Bytes a view with this shape and these strides needs. */
    public static long spanBytes(DType type, long[] shape, long[] strides) {
        if (product(shape) == 0) {
            return 0;
        }
        long last = 0;
        for (int d = 0; d < shape.length; d++) {
            last += (shape[d] - 1) * strides[d];
        }
        return (last + 1) * type.byteSize();
    }

    /**
     * A view with the given layout in a fresh native segment (filled with {@link #PATTERN}), starting
     * {@code byteOffset} bytes after a 64-byte boundary, with {@code slackBytes} more bytes after its span.
     */
    public static TensorView allocate(
            Arena arena, DType type, long[] shape, long[] strides, long byteOffset, long slackBytes) {
        long span = spanBytes(type, shape, strides);
        MemorySegment whole = arena.allocate(Math.max(1, byteOffset + span + slackBytes), 64);
        whole.fill(PATTERN);
        MemorySegment segment = whole.asSlice(byteOffset);
        return TensorView.wrap(segment, type, shape, strides);
    }

    public static TensorView allocate(Arena arena, DType type, long[] shape, long[] strides) {
        return allocate(arena, type, shape, strides, 0, 16);
    }

    public static TensorView dense(Arena arena, DType type, long... shape) {
        return allocate(arena, type, shape, TensorView.rowMajorStrides(shape));
    }

    /** A view over a fresh heap {@code float[]} (F32) or {@code short[]} (16-bit) holding the same layout. */
    public static TensorView heap(DType type, long[] shape, long[] strides) {
        long span = spanBytes(type, shape, strides) + 16;
        MemorySegment segment = type == DType.F32
                ? MemorySegment.ofArray(new float[(int) (span / 4) + 1])
                : MemorySegment.ofArray(new short[(int) (span / 2) + 1]);
        segment.fill(PATTERN);
        return TensorView.wrap(segment, type, shape, strides);
    }

    public static byte[] snapshot(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Raw bit patterns of a float array (so NaN payloads and -0 count). */
    public static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    public static void assertBytesUnchanged(String what, byte[] before, MemorySegment segment) {
        byte[] after = snapshot(segment);
        int first = Arrays.mismatch(before, after);
        assertThat(first).as("%s: first changed byte (-1 = unchanged)", what).isEqualTo(-1);
    }

    /** Every byte of {@code view.segment()} that is not an element of the view is as it was. */
    public static void assertOutsideViewUnchanged(String what, byte[] before, TensorView view) {
        MemorySegment segment = view.segment();
        if (segment.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("test segment too large");
        }
        BitSet covered = new BitSet((int) segment.byteSize());
        long[] shape = view.shape();
        long[] strides = view.strides();
        long count = view.elementCount();
        long[] index = new long[shape.length];
        int size = view.dtype().byteSize();
        for (long e = 0; e < count; e++) {
            long offset = 0;
            for (int d = 0; d < shape.length; d++) {
                offset += index[d] * strides[d];
            }
            covered.set((int) (offset * size), (int) (offset * size + size));
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        byte[] after = snapshot(segment);
        for (int b = 0; b < after.length; b++) {
            if (!covered.get(b) && after[b] != before[b]) {
                throw new AssertionError(what + ": byte " + b + " outside the view's elements was changed from "
                        + before[b] + " to " + after[b] + " (" + view + ")");
            }
        }
    }
}
