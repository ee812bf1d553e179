package dev.softmax;

import dev.softmax.internal.kernel.FloatConversions;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * Element types a {@link TensorView} can hold. Softmax inputs and outputs are the floating-point types; the
 * integer types hold class labels for cross-entropy. Arithmetic is always done in f32 or wider; 16-bit types
 * are widened on load and rounded to nearest-even on store.
 */
public enum DType {
    /** IEEE 754 binary32. */
    F32(4, true),
    /** bfloat16: the upper half of a binary32 (8 exponent bits, 7 fraction bits). */
    BF16(2, true),
    /** IEEE 754 binary16 (5 exponent bits, 10 fraction bits). */
    F16(2, true),
    /** 32-bit signed integer (labels). */
    I32(4, false),
    /** 64-bit signed integer (labels). */
    I64(8, false),
    /**
     * Unsigned 8-bit integer: boolean masks (non-zero = keep; NumPy {@code bool} and {@code uint8} share the
     * layout), one byte per element or bit-packed (see {@link AttentionOptions#packedMask}).
     */
    U8(1, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for F32, BF16 and F16, the types softmax reads and writes. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** Lower-case name as used on the command line and in messages ("f32", "bf16", "f16", "i32", "i64"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final ValueLayout.OfFloat F32_LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort U16_LAYOUT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfByte U8_LAYOUT = ValueLayout.JAVA_BYTE;

    /**
     * The element at index {@code element} (in elements, not bytes) of {@code segment}, widened to f32. Every
     * element read outside the row kernels goes through here, so rounding is the same everywhere. Unaligned
     * layouts: a view may sit at any byte offset (a mapped file, a heap byte array).
     */
    public float getFloat(MemorySegment segment, long element) {
        return switch (this) {
            case F32 -> segment.get(F32_LAYOUT, 4 * element);
            case BF16 -> FloatConversions.bf16ToFloat(segment.get(U16_LAYOUT, 2 * element));
            case F16 -> Float.float16ToFloat(segment.get(U16_LAYOUT, 2 * element));
            case I32 -> segment.get(I32_LAYOUT, 4 * element);
            case I64 -> segment.get(I64_LAYOUT, 8 * element);
            case U8 -> segment.get(U8_LAYOUT, element) & 0xFF;
        };
    }

    /** An integer element (labels, token ids); floating-point types are truncated toward zero. */
    public long getLong(MemorySegment segment, long element) {
        return switch (this) {
            case I32 -> segment.get(I32_LAYOUT, 4 * element);
            case I64 -> segment.get(I64_LAYOUT, 8 * element);
            case U8 -> segment.get(U8_LAYOUT, element) & 0xFF;
            default -> (long) getFloat(segment, element);
        };
    }

    /** Stores {@code value} at index {@code element}, rounded to nearest-even in 16-bit types. */
    public void setFloat(MemorySegment segment, long element, float value) {
        switch (this) {
            case F32 -> segment.set(F32_LAYOUT, 4 * element, value);
            case BF16 -> segment.set(U16_LAYOUT, 2 * element, FloatConversions.floatToBf16(value));
            case F16 -> segment.set(U16_LAYOUT, 2 * element, Float.floatToFloat16(value));
            case I32 -> segment.set(I32_LAYOUT, 4 * element, (int) value);
            case I64 -> segment.set(I64_LAYOUT, 8 * element, (long) value);
            case U8 -> segment.set(U8_LAYOUT, element, (byte) (int) value);
        }
    }
}
