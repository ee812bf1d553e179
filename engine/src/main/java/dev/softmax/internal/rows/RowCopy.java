package dev.softmax.internal.rows;

import dev.softmax.DType;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.Bf16Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Moves one row between a tensor of any type and layout and a contiguous f32 row. Contiguous bf16 goes through
 * the kernel's vector conversion; contiguous f16 through a tight loop over the intrinsified conversions.
 */
public final class RowCopy {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private RowCopy() {}

    /** Widens {@code n} elements of {@code from}, starting at element {@code offset}, stepping {@code stride}. */
    public static void gather(
            Bf16Codec codec, TensorView from, long offset, long stride, long n, MemorySegment to, long toByteOffset) {
        MemorySegment segment = from.segment();
        DType type = from.dtype();
        if (stride == 1 || n == 1) {
            switch (type) {
                case F32 -> {
                    MemorySegment.copy(segment, 4 * offset, to, toByteOffset, 4 * n);
                    return;
                }
                case BF16 -> {
                    codec.widenBf16(segment, 2 * offset, to, toByteOffset, n);
                    return;
                }
                case F16 -> {
                    for (long i = 0; i < n; i++) {
                        to.set(F32, toByteOffset + 4 * i, Float.float16ToFloat(segment.get(U16, 2 * (offset + i))));
                    }
                    return;
                }
                default -> {}
            }
        }
        for (long i = 0; i < n; i++) {
            to.set(F32, toByteOffset + 4 * i, type.getFloat(segment, offset + i * stride));
        }
    }

    /** Rounds {@code n} f32 values into {@code to}'s type, starting at element {@code offset}, stepping {@code stride}. */
    public static void scatter(
            Bf16Codec codec, MemorySegment from, long fromByteOffset, long n, TensorView to, long offset, long stride) {
        MemorySegment segment = to.segment();
        DType type = to.dtype();
        if (stride == 1 || n == 1) {
            switch (type) {
                case F32 -> {
                    MemorySegment.copy(from, fromByteOffset, segment, 4 * offset, 4 * n);
                    return;
                }
                case BF16 -> {
                    codec.narrowBf16(from, fromByteOffset, segment, 2 * offset, n);
                    return;
                }
                case F16 -> {
                    for (long i = 0; i < n; i++) {
                        segment.set(U16, 2 * (offset + i), Float.floatToFloat16(from.get(F32, fromByteOffset + 4 * i)));
                    }
                    return;
                }
                default -> {}
            }
        }
        for (long i = 0; i < n; i++) {
            type.setFloat(segment, offset + i * stride, from.get(F32, fromByteOffset + 4 * i));
        }
    }
}
