package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.TensorView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Moves one row between a tensor of any type and layout and a contiguous f32 row. */
final class RowCopy {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private RowCopy() {
    }

    /** Widens {@code n} elements of {@code from}, starting at element {@code offset}, stepping {@code stride}. */
    static void gather(TensorView from, long offset, long stride, long n, MemorySegment to, long toByteOffset) {
        MemorySegment segment = from.segment();
        DType type = from.dtype();
        if (type == DType.F32 && stride == 1) {
            MemorySegment.copy(segment, 4 * offset, to, toByteOffset, 4 * n);
            return;
        }
        for (long i = 0; i < n; i++) {
            to.set(F32, toByteOffset + 4 * i, ElementAccess.get(segment, type, offset + i * stride));
        }
    }

    /** Rounds {@code n} f32 values into {@code to}'s type, starting at element {@code offset}, stepping {@code stride}. */
    static void scatter(MemorySegment from, long fromByteOffset, long n, TensorView to, long offset, long stride) {
        MemorySegment segment = to.segment();
        DType type = to.dtype();
        for (long i = 0; i < n; i++) {
            ElementAccess.set(segment, type, offset + i * stride, from.get(F32, fromByteOffset + 4 * i));
        }
    }
}
