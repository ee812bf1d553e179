package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.HALF;
import static dev.softmax.internal.vector.PanamaVectorConstants.INTS;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;

import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.FloatConversions;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** bf16 conversions on the Vector API, bit-identical to {@link FloatConversions} (the scalar tail uses it). */
final class PanamaBf16Codec implements Bf16Codec {

    /** For kernels that round rows themselves: the codec is stateless. */
    static final PanamaBf16Codec SHARED = new PanamaBf16Codec();

    @Override
    public void widenBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            // Sign-extended to 32 bits, then shifted up 16: the extension's bits fall off the top.
            ShortVector.fromMemorySegment(HALF, srcExact, srcOffset + 2 * i, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)
                    .reinterpretAsInts()
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            short bits = src.get(ValueLayout.JAVA_SHORT_UNALIGNED, srcOffset + 2 * i);
            dst.set(F32, dstOffset + 4 * i, FloatConversions.bf16ToFloat(bits));
        }
    }

    @Override
    public void narrowBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        IntVector absMask = IntVector.broadcast(INTS, 0x7FFF_FFFF);
        IntVector infinity = IntVector.broadcast(INTS, 0x7F80_0000);
        for (; i < bound; i += LANES) {
            IntVector bits = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .reinterpretAsInts();
            IntVector odd = bits.lanewise(VectorOperators.LSHR, 16).and(1);
            IntVector rounded = bits.add(odd.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
            IntVector quietNaN = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
            IntVector result = rounded.blend(quietNaN, bits.and(absMask).compare(VectorOperators.GT, infinity));
            ((ShortVector) result.convertShape(VectorOperators.I2S, HALF, 0))
                    .intoMemorySegment(dstExact, dstOffset + 2 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(
                    ValueLayout.JAVA_SHORT_UNALIGNED,
                    dstOffset + 2 * i,
                    FloatConversions.floatToBf16(src.get(F32, srcOffset + 4 * i)));
        }
    }

    /**
     * The exponentials of a row times {@code factor} (one over their sum), rounded to bf16: bit for bit
     * {@code scaleRow} then {@link #narrowBf16}, in one pass. The exponentials lie in [0, 1] or the row is NaN,
     * and then {@code factor} is NaN too: so with a finite factor no product is NaN and the rounding skips the
     * NaN test (three of its eight integer operations), which is exact for every other value.
     */
    static void scaleNarrowProbabilities(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float factor) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        if (Float.isNaN(factor)) {
            PanamaRowMath.scaleRow(src, srcOffset, n, factor);
            SHARED.narrowBf16(src, srcOffset, dst, dstOffset, n);
            return;
        }
        long bound = n - n % LANES;
        FloatVector factorVector = FloatVector.broadcast(SPECIES, factor);
        long i = 0;
        for (; i < bound; i += LANES) {
            IntVector bits = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .mul(factorVector)
                    .reinterpretAsInts();
            IntVector odd = bits.lanewise(VectorOperators.LSHR, 16).and(1);
            IntVector rounded = bits.add(odd.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
            ((ShortVector) rounded.convertShape(VectorOperators.I2S, HALF, 0))
                    .intoMemorySegment(dstExact, dstOffset + 2 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(
                    ValueLayout.JAVA_SHORT_UNALIGNED,
                    dstOffset + 2 * i,
                    FloatConversions.floatToBf16(src.get(F32, srcOffset + 4 * i) * factor));
        }
    }
}
