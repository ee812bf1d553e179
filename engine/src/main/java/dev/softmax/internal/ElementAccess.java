package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.internal.kernel.FloatConversions;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads and writes single elements of any {@link DType} as f32, with the same rounding everywhere. For
 * one-off and strided access; contiguous f32 rows go through the row kernels instead. Unaligned layouts:
 * a view may sit at any byte offset (a mapped file, a heap byte array).
 */
public final class ElementAccess {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private ElementAccess() {
    }

    /** The element at {@code element} (an index in elements, not bytes), widened to f32. */
    public static float get(MemorySegment segment, DType type, long element) {
        return switch (type) {
            case F32 -> segment.get(F32, 4 * element);
            case BF16 -> FloatConversions.bf16ToFloat(segment.get(U16, 2 * element));
            case F16 -> Float.float16ToFloat(segment.get(U16, 2 * element));
            case I32 -> segment.get(I32_LAYOUT, 4 * element);
            case I64 -> segment.get(I64_LAYOUT, 8 * element);
        };
    }

    /** An integer element (labels); floating-point types are truncated toward zero. */
    public static long getLong(MemorySegment segment, DType type, long element) {
        return switch (type) {
            case I32 -> segment.get(I32_LAYOUT, 4 * element);
            case I64 -> segment.get(I64_LAYOUT, 8 * element);
            default -> (long) get(segment, type, element);
        };
    }

    /** Stores {@code value} at {@code element}, rounded to nearest-even in 16-bit types. */
    public static void set(MemorySegment segment, DType type, long element, float value) {
        switch (type) {
            case F32 -> segment.set(F32, 4 * element, value);
            case BF16 -> segment.set(U16, 2 * element, FloatConversions.floatToBf16(value));
            case F16 -> segment.set(U16, 2 * element, Float.floatToFloat16(value));
            case I32 -> segment.set(I32_LAYOUT, 4 * element, (int) value);
            case I64 -> segment.set(I64_LAYOUT, 8 * element, (long) value);
        }
    }
}
