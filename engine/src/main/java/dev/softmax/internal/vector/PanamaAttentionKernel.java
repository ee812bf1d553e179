package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;

import dev.softmax.internal.kernel.AttentionKernel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The attention passes on the Vector API (see {@link AttentionKernel}): one pass for scale, soft-cap and bias
 * (four loops, so that no branch sits in a loop), and the masks as lane masks: a byte mask is compared with 0 a
 * vector of bytes at a time, a bit-packed mask is read as the lane mask itself ({@code VectorMask.fromLong}).
 * Lanes that stay kept are not rewritten. As in the other kernels, no method takes or returns a vector.
 */
final class PanamaAttentionKernel implements AttentionKernel {

    /** Bytes loaded per byte-mask step: at least as many lanes as {@link PanamaVectorConstants#SPECIES}. */
    private static final VectorSpecies<Byte> BYTES = LANES >= 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

    private static final long LANE_BITS = LANES >= 64 ? -1L : (1L << LANES) - 1;
    private static final ValueLayout.OfShort U16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public void prepare(
            MemorySegment src,
            long srcOffset,
            MemorySegment bias,
            long biasOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            long padTo,
            float scale,
            float softcap) {
        if (softcap <= 0f && bias == null) {
            scaleOnly(src, srcOffset, dst, dstOffset, n, padTo, scale);
            return;
        }
        for (long i = n; i < padTo; i++) {
            dst.set(F32, dstOffset + 4 * i, Float.NEGATIVE_INFINITY);
        }
        if (softcap > 0f) {
            if (bias == null) {
                scaleCap(src, srcOffset, dst, dstOffset, n, scale, softcap);
            } else {
                scaleCapBias(src, srcOffset, bias, biasOffset, dst, dstOffset, n, scale, softcap);
            }
        } else {
            scaleBias(src, srcOffset, bias, biasOffset, dst, dstOffset, n, scale);
        }
    }

    /**
     * The causal and key-length rows' pass: the last partial vector and the padding in masked vector operations,
     * not element loops (up to 15 scalar products and 15 scalar stores a row, on rows of about 64 keys).
     */
    private static void scaleOnly(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, long padTo, float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .mul(scale)
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < padTo; i += LANES) {
            VectorMask<Float> valid = SPECIES.indexInRange(i, n);
            FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER, valid)
                    .mul(scale)
                    .blend(Float.NEGATIVE_INFINITY, valid.not())
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER, SPECIES.indexInRange(i, padTo));
        }
    }

    /**
     * Sets -inf, in place, the values of row {@code dst + offset} whose bias is -inf: the masking that
     * {@link #scaleBias} applies, for logits computed without it (see {@code PanamaForwardKernel}).
     */
    static void maskWhereBiasIsNegativeInfinity(
            MemorySegment dst, long offset, MemorySegment bias, long biasOffset, long n) {
        MemorySegment dstExact = dst.asSlice(0);
        MemorySegment biasExact = bias.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, biasExact, biasOffset + 4 * i, ORDER);
            FloatVector.fromMemorySegment(SPECIES, dstExact, offset + 4 * i, ORDER)
                    .blend(b, b.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY))
                    .intoMemorySegment(dstExact, offset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            if (bias.get(F32, biasOffset + 4 * i) == Float.NEGATIVE_INFINITY) {
                dst.set(F32, offset + 4 * i, Float.NEGATIVE_INFINITY);
            }
        }
    }

    static void scaleBias(
            MemorySegment src,
            long srcOffset,
            MemorySegment bias,
            long biasOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float scale) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment biasExact = bias.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, biasExact, biasOffset + 4 * i, ORDER);
            FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .mul(scale)
                    .add(b)
                    .blend(b, b.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY))
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            float b = bias.get(F32, biasOffset + 4 * i);
            float z = src.get(F32, srcOffset + 4 * i) * scale;
            dst.set(F32, dstOffset + 4 * i, b == Float.NEGATIVE_INFINITY ? b : z + b);
        }
    }

    private static void scaleCap(
            MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n, float scale, float softcap) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        float inverse = 1f / softcap;
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector z = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .mul(scale);
            z.mul(inverse)
                    .lanewise(VectorOperators.TANH)
                    .mul(softcap)
                    .blend(z, z.test(VectorOperators.IS_INFINITE))
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            dst.set(F32, dstOffset + 4 * i, cap(src.get(F32, srcOffset + 4 * i) * scale, softcap));
        }
    }

    private static void scaleCapBias(
            MemorySegment src,
            long srcOffset,
            MemorySegment bias,
            long biasOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float scale,
            float softcap) {
        MemorySegment srcExact = src.asSlice(0);
        MemorySegment biasExact = bias.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        float inverse = 1f / softcap;
        long bound = n - n % LANES;
        long i = 0;
        for (; i < bound; i += LANES) {
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, biasExact, biasOffset + 4 * i, ORDER);
            FloatVector z = FloatVector.fromMemorySegment(SPECIES, srcExact, srcOffset + 4 * i, ORDER)
                    .mul(scale);
            z.mul(inverse)
                    .lanewise(VectorOperators.TANH)
                    .mul(softcap)
                    .blend(z, z.test(VectorOperators.IS_INFINITE))
                    .add(b)
                    .blend(b, b.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY))
                    .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
        }
        for (; i < n; i++) {
            float b = bias.get(F32, biasOffset + 4 * i);
            float z = cap(src.get(F32, srcOffset + 4 * i) * scale, softcap);
            dst.set(F32, dstOffset + 4 * i, b == Float.NEGATIVE_INFINITY ? b : z + b);
        }
    }

    private static float cap(float z, float softcap) {
        return Float.isInfinite(z) ? z : (float) (softcap * Math.tanh(z / softcap));
    }

    @Override
    public void maskBytes(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n) {
        MemorySegment maskExact = mask.asSlice(0);
        MemorySegment dstExact = dst.asSlice(0);
        int span = Math.max(LANES, BYTES.length());
        long i = 0;
        for (; i + span <= n; i += LANES) {
            long keep = ByteVector.fromMemorySegment(BYTES, maskExact, maskOffset + i, ORDER)
                            .compare(VectorOperators.NE, (byte) 0)
                            .toLong()
                    & LANE_BITS;
            if (keep != LANE_BITS) {
                FloatVector.fromMemorySegment(SPECIES, dstExact, dstOffset + 4 * i, ORDER)
                        .blend(Float.NEGATIVE_INFINITY, VectorMask.fromLong(SPECIES, ~keep & LANE_BITS))
                        .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
            }
        }
        for (; i < n; i++) {
            if (mask.get(ValueLayout.JAVA_BYTE, maskOffset + i) == 0) {
                dst.set(F32, dstOffset + 4 * i, Float.NEGATIVE_INFINITY);
            }
        }
    }

    @Override
    public void maskBits(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n) {
        MemorySegment dstExact = dst.asSlice(0);
        long i = 0;
        for (; i + LANES <= n; i += LANES) {
            long keep = laneBits(mask, maskOffset, i);
            if (keep != LANE_BITS) {
                FloatVector.fromMemorySegment(SPECIES, dstExact, dstOffset + 4 * i, ORDER)
                        .blend(Float.NEGATIVE_INFINITY, VectorMask.fromLong(SPECIES, ~keep & LANE_BITS))
                        .intoMemorySegment(dstExact, dstOffset + 4 * i, ORDER);
            }
        }
        for (; i < n; i++) {
            if ((mask.get(ValueLayout.JAVA_BYTE, maskOffset + (i >>> 3)) & (1 << (i & 7))) == 0) {
                dst.set(F32, dstOffset + 4 * i, Float.NEGATIVE_INFINITY);
            }
        }
    }

    /** The {@code LANES} mask bits of keys {@code i .. i + LANES - 1} ({@code i} a multiple of LANES). */
    private static long laneBits(MemorySegment mask, long maskOffset, long i) {
        if (LANES == 16) {
            return mask.get(U16_LE, maskOffset + (i >>> 3)) & 0xFFFFL;
        }
        int b = mask.get(ValueLayout.JAVA_BYTE, maskOffset + (i >>> 3)) & 0xFF;
        return LANES == 8 ? b : (b >>> (i & 7)) & LANE_BITS;
    }
}
