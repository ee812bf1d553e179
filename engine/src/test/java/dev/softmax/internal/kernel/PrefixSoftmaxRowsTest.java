package dev.softmax.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardKernel#prefixSoftmaxRows} on the kernels of each kernel-variant execution gives, bit for bit, what
 * the unfused causal path gives: {@link AttentionKernel#prepare} of the valid prefix padded with -inf to a multiple
 * of 16, {@link ForwardKernel#softmax} of it, the rest 0 (NaN for a row made NaN), rounded to bf16 for a bf16
 * destination. Covers f32 and bf16 on either side, rows around every vector width and past the pair and short-row
 * limits, limits that start below 0 and end beyond n, NaN, +inf and -inf logits, padded strides and in place.
 */
@Tag("kernel-variants")
class PrefixSoftmaxRowsTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    @Test
    void fusedEqualsPrefixThenSoftmaxBitForBit() {
        KernelProvider kernels = KernelProvider.get();
        ForwardKernel forward = kernels.forward();
        AttentionKernel attention = kernels.attention();
        Random random = new Random(23);
        int[] lengths = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 128, 255, 256, 257, 512, 1024, 1025, 1500};
        int checkedRows = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 300; trial++) {
                int n = lengths[random.nextInt(lengths.length)];
                int rows = 1 + random.nextInt(n <= 256 ? 40 : 4);
                long firstLimit = random.nextInt(n + 8) - 4 - (random.nextInt(4) == 0 ? rows / 2 : 0);
                int pad = random.nextInt(3) * 16;
                boolean bf16Source = random.nextBoolean();
                boolean bf16Destination = random.nextBoolean();
                boolean inPlace = bf16Source == bf16Destination && random.nextInt(4) == 0;
                boolean zeroMasked = random.nextBoolean();
                float scale = random.nextBoolean() ? 0.125f : (float) random.nextGaussian();
                long srcStride = (bf16Source ? 2L : 4L) * (n + pad);
                long dstStride = (bf16Destination ? 2L : 4L) * (n + pad);
                MemorySegment src = arena.allocate(srcStride * rows, 64);
                MemorySegment widened = arena.allocate(4L * n * rows, 64);
                for (int r = 0; r < rows; r++) {
                    boolean allNegativeInfinity = random.nextInt(10) == 0;
                    for (int i = 0; i < n; i++) {
                        float v = (float) (4 * random.nextGaussian());
                        int special = random.nextInt(300);
                        if (allNegativeInfinity || special == 0) {
                            v = Float.NEGATIVE_INFINITY;
                        } else if (special == 1) {
                            v = Float.NaN;
                        } else if (special == 2) {
                            v = Float.POSITIVE_INFINITY;
                        }
                        if (bf16Source) {
                            short bits = (short) (Float.floatToRawIntBits(v) >>> 16);
                            src.set(BF16, r * srcStride + 2L * i, bits);
                            v = FloatConversions.bf16ToFloat(bits);
                        } else {
                            src.set(F32, r * srcStride + 4L * i, v);
                        }
                        widened.set(F32, 4L * (r * n + i), v);
                    }
                }
                float[][] expected = new float[rows][n];
                MemorySegment row = arena.allocate(4L * n, 64);
                for (int r = 0; r < rows; r++) {
                    long limit = Math.min(n, Math.max(0, firstLimit + r));
                    long padded = Math.min(n, (limit + 15) & ~15L);
                    float tail = zeroMasked ? 0f : Float.NaN;
                    if (limit > 0) {
                        attention.prepare(widened, 4L * r * n, null, 0, row, 0, limit, padded, scale, 0f);
                        forward.softmax(row, 0, row, 0, padded, 1f, zeroMasked);
                        tail = Float.isNaN(row.get(F32, 0)) ? Float.NaN : 0f;
                    }
                    for (int i = 0; i < n; i++) {
                        float value = i < padded ? row.get(F32, 4L * i) : tail;
                        expected[r][i] = bf16Destination
                                ? FloatConversions.bf16ToFloat(FloatConversions.floatToBf16(value))
                                : value;
                    }
                }
                MemorySegment dst = inPlace ? src : arena.allocate(dstStride * rows, 64);
                MemorySegment work = arena.allocate(16L * n, 64);
                forward.prefixSoftmaxRows(
                        src,
                        0,
                        srcStride,
                        bf16Source,
                        dst,
                        0,
                        dstStride,
                        bf16Destination,
                        n,
                        rows,
                        firstLimit,
                        scale,
                        zeroMasked,
                        work);
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < n; i++) {
                        float actual = bf16Destination
                                ? FloatConversions.bf16ToFloat(dst.get(BF16, r * dstStride + 2L * i))
                                : dst.get(F32, r * dstStride + 4L * i);
                        // NaN compared as NaN: its sign comes from operand order, which C2 may swap anywhere
                        assertThat(Float.floatToIntBits(actual))
                                .as(
                                        "trial %d n %d row %d element %d (first limit %d, bf16 %s -> %s)",
                                        trial, n, r, i, firstLimit, bf16Source, bf16Destination)
                                .isEqualTo(Float.floatToIntBits(expected[r][i]));
                    }
                    checkedRows++;
                }
            }
        }
        assertThat(checkedRows).isGreaterThan(1000);
    }
}
