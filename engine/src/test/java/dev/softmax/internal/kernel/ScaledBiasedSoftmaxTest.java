package dev.softmax.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ForwardKernel#softmaxRowsScaledBiased} on the kernels of each kernel-variant execution gives, bit for bit,
 * what the unfused attention path gives ({@link AttentionKernel#prepare} into dst, then {@link
 * ForwardKernel#softmaxRows} in place; every NaN the same NaN), from f32 or bf16 x, and into a bf16 destination
 * that result rounded: row lengths around every vector width and past the
 * short-row limit, -inf biases, fully masked rows, NaN and +inf logits, padded strides, and in place.
 */
@Tag("kernel-variants")
class ScaledBiasedSoftmaxTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    @Test
    void fusedEqualsPrepareThenSoftmaxBitForBit() {
        KernelProvider kernels = KernelProvider.get();
        ForwardKernel forward = kernels.forward();
        AttentionKernel attention = kernels.attention();
        Random random = new Random(21);
        int[] lengths = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 128, 255, 256, 257, 512, 1000, 1024, 1025, 1500};
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 400; trial++) {
                int n = lengths[random.nextInt(lengths.length)];
                int rows = 1 + random.nextInt(5);
                int pad = random.nextInt(3) * 16;
                long stride = 4L * (n + pad);
                boolean bf16 = random.nextInt(3) == 0; // x as bf16, widened by the kernel
                boolean inPlace = !bf16 && random.nextInt(4) == 0;
                float scale = random.nextBoolean() ? 0.125f : (float) random.nextGaussian();
                MemorySegment x = arena.allocate(stride * rows, 64);
                MemorySegment x16 = arena.allocate(stride / 2 * rows + 2, 64);
                MemorySegment bias = arena.allocate(stride * rows, 64);
                for (int r = 0; r < rows; r++) {
                    boolean masked = random.nextInt(8) == 0;
                    for (int i = 0; i < n; i++) {
                        float v = (float) (4 * random.nextGaussian());
                        int special = random.nextInt(200);
                        if (special == 0) {
                            v = Float.NaN;
                        } else if (special == 1) {
                            v = Float.POSITIVE_INFINITY;
                        }
                        float b = masked || random.nextInt(10) == 0
                                ? Float.NEGATIVE_INFINITY
                                : (float) random.nextGaussian();
                        short bits = (short) (Float.floatToRawIntBits(v) >>> 16);
                        x16.set(ValueLayout.JAVA_SHORT_UNALIGNED, r * (stride / 2) + 2L * i, bits);
                        x.set(F32, r * stride + 4L * i, bf16 ? FloatConversions.bf16ToFloat(bits) : v);
                        bias.set(F32, r * stride + 4L * i, b);
                    }
                }
                MemorySegment expected = arena.allocate(stride * rows, 64);
                for (int r = 0; r < rows; r++) {
                    attention.prepare(x, r * stride, bias, r * stride, expected, r * stride, n, n, scale, 0f);
                }
                boolean zeroMasked = random.nextBoolean();
                forward.softmaxRows(expected, 0, stride, expected, 0, stride, n, rows, zeroMasked);
                MemorySegment actual = inPlace ? x : arena.allocate(stride * rows, 64);
                forward.softmaxRowsScaledBiased(
                        bf16 ? x16 : x,
                        0,
                        bf16 ? stride / 2 : stride,
                        bias,
                        0,
                        stride,
                        actual,
                        0,
                        stride,
                        n,
                        rows,
                        scale,
                        bf16,
                        false,
                        zeroMasked,
                        null);
                // The bf16 destination: the same results, rounded (x is read again, so not after the f32 in place).
                // bf16 to bf16 is also run in place, last, as x16 is not read again.
                MemorySegment rounded = bf16 && random.nextBoolean() ? x16 : arena.allocate(stride / 2 * rows, 64);
                if (!inPlace) {
                    MemorySegment work = arena.allocate(4L * n, 64);
                    forward.softmaxRowsScaledBiased(
                            bf16 ? x16 : x,
                            0,
                            bf16 ? stride / 2 : stride,
                            bias,
                            0,
                            stride,
                            rounded,
                            0,
                            stride / 2,
                            n,
                            rows,
                            scale,
                            bf16,
                            true,
                            zeroMasked,
                            work);
                }
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < n; i++) {
                        long at = r * stride + 4L * i;
                        // NaN compared as NaN: its sign comes from operand order, which C2 may swap anywhere
                        assertThat(Float.floatToIntBits(actual.get(F32, at)))
                                .as("trial %d n %d row %d element %d", trial, n, r, i)
                                .isEqualTo(Float.floatToIntBits(expected.get(F32, at)));
                        if (!inPlace) {
                            float expectedRounded =
                                    FloatConversions.bf16ToFloat(FloatConversions.floatToBf16(expected.get(F32, at)));
                            float actualRounded = FloatConversions.bf16ToFloat(
                                    rounded.get(ValueLayout.JAVA_SHORT_UNALIGNED, r * (stride / 2) + 2L * i));
                            assertThat(Float.floatToIntBits(actualRounded))
                                    .as("bf16 destination: trial %d n %d row %d element %d", trial, n, r, i)
                                    .isEqualTo(Float.floatToIntBits(expectedRounded));
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link ForwardKernel#softmaxRowsScaledBiasedPairs} (two heads sharing their bias rows) gives, bit for bit, the
     * two {@link ForwardKernel#softmaxRowsScaledBiased} calls it stands for, with f32 rows and with bf16 rows: rows
     * around every vector width and past the short-row limit, -inf biases, fully masked rows, NaN and +inf logits in
     * one head or both, padded strides, and in place.
     */
    @ParameterizedTest(name = "bf16={0}")
    @ValueSource(booleans = {false, true})
    void headPairsEqualTwoCallsBitForBit(boolean bf16) {
        ForwardKernel forward = KernelProvider.get().forward();
        Random random = new Random(bf16 ? 23 : 22);
        int[] lengths = {1, 7, 15, 16, 17, 33, 64, 100, 255, 256, 257, 512, 513, 1025};
        long bytes = bf16 ? 2 : 4;
        int checkedRows = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment work = arena.allocate(4L * 2 * 1025, 64);
            for (int trial = 0; trial < 300; trial++) {
                int n = lengths[random.nextInt(lengths.length)];
                int rows = 1 + random.nextInt(6);
                int padded = n + random.nextInt(3) * 16;
                long stride = bytes * padded;
                long biasStride = 4L * padded;
                long headB = stride * rows; // head B's rows follow head A's
                boolean inPlace = random.nextInt(4) == 0;
                boolean zeroMasked = random.nextBoolean();
                float scale = random.nextBoolean() ? 0.125f : (float) random.nextGaussian();
                MemorySegment x = arena.allocate(2 * headB, 64);
                MemorySegment bias = arena.allocate(biasStride * rows, 64);
                for (int r = 0; r < rows; r++) {
                    boolean masked = random.nextInt(8) == 0;
                    for (int i = 0; i < n; i++) {
                        bias.set(
                                F32,
                                r * biasStride + 4L * i,
                                masked || random.nextInt(10) == 0
                                        ? Float.NEGATIVE_INFINITY
                                        : (float) random.nextGaussian());
                        for (long head = 0; head < 2 * headB; head += headB) {
                            int special = random.nextInt(300);
                            float v = special == 0
                                    ? Float.NaN
                                    : special == 1 ? Float.POSITIVE_INFINITY : (float) (4 * random.nextGaussian());
                            long at = head + r * stride + bytes * i;
                            if (bf16) {
                                x.set(BF16, at, FloatConversions.floatToBf16(v));
                            } else {
                                x.set(F32, at, v);
                            }
                        }
                    }
                }
                MemorySegment expected = arena.allocate(2 * headB, 64);
                for (long head = 0; head < 2 * headB; head += headB) {
                    forward.softmaxRowsScaledBiased(
                            x,
                            head,
                            stride,
                            bias,
                            0,
                            biasStride,
                            expected,
                            head,
                            stride,
                            n,
                            rows,
                            scale,
                            bf16,
                            bf16,
                            zeroMasked,
                            work);
                }
                MemorySegment actual = inPlace ? x : arena.allocate(2 * headB, 64);
                forward.softmaxRowsScaledBiasedPairs(
                        x,
                        0,
                        headB,
                        stride,
                        bias,
                        0,
                        biasStride,
                        actual,
                        0,
                        headB,
                        stride,
                        n,
                        rows,
                        scale,
                        zeroMasked,
                        bf16,
                        work);
                for (long head = 0; head < 2 * headB; head += headB) {
                    for (int r = 0; r < rows; r++) {
                        for (int i = 0; i < n; i++) {
                            long at = head + r * stride + bytes * i;
                            // NaN compared as NaN: its sign comes from operand order, which C2 may swap anywhere
                            int actualBits = bf16
                                    ? Float.floatToIntBits(FloatConversions.bf16ToFloat(actual.get(BF16, at)))
                                    : Float.floatToIntBits(actual.get(F32, at));
                            int expectedBits = bf16
                                    ? Float.floatToIntBits(FloatConversions.bf16ToFloat(expected.get(BF16, at)))
                                    : Float.floatToIntBits(expected.get(F32, at));
                            assertThat(actualBits)
                                    .as("trial %d n %d head %d row %d element %d", trial, n, head / headB, r, i)
                                    .isEqualTo(expectedBits);
                        }
                        checkedRows++;
                    }
                }
            }
        }
        assertThat(checkedRows).isGreaterThan(1000);
    }
}
