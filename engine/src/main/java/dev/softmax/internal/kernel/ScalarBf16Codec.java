package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** bf16 conversions one element at a time, through {@link FloatConversions}. */
final class ScalarBf16Codec implements Bf16Codec {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public void widenBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        for (long i = 0; i < n; i++) {
            short bits = src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcOffset + 2 * i);
            dst.set(F32, dstOffset + 4 * i, FloatConversions.bf16ToFloat(bits));
        }
    }

    @Override
    public void narrowBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        for (long i = 0; i < n; i++) {
            dst.set(
                    ValueLayout.JAVA_SHORT_UNALIGNED,
                    dstOffset + 2 * i,
                    FloatConversions.floatToBf16(src.get(F32, srcOffset + 4 * i)));
        }
    }
}
