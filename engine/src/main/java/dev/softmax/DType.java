package dev.softmax;

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
    I64(8, false);

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
}
