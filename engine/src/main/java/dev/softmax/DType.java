package dev.softmax;

/**
 * Element types a {@link TensorView} can hold. Arithmetic is always done in f32; 16-bit types are widened on
 * load and rounded to nearest-even on store.
 */
public enum DType {
    /** IEEE 754 binary32. */
    F32(4),
    /** bfloat16: the upper half of a binary32 (8 exponent bits, 7 fraction bits). */
    BF16(2),
    /** IEEE 754 binary16 (5 exponent bits, 10 fraction bits). */
    F16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Lower-case name as used on the command line and in messages ("f32", "bf16", "f16"). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
