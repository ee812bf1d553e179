package dev.softmax.internal.kernel;

/** Conversions between f32 and the 16-bit types, shared by every kernel so that rounding is identical. */
public final class FloatConversions {

    private FloatConversions() {}

    /**
     * f32 to bfloat16, round to nearest even, NaN kept NaN (a quiet NaN; truncating a NaN's payload could
     * otherwise produce an infinity).
     */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** bfloat16 to f32 (exact). */
    public static float bf16ToFloat(short value) {
        return Float.intBitsToFloat((value & 0xFFFF) << 16);
    }
}
