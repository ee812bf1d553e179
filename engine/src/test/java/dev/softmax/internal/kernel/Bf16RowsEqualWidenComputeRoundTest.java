package dev.softmax.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardKernel#softmaxRowsBf16} on the kernels of each kernel-variant execution gives, bit for bit, what
 * its contract names: each row widened by the codec into an f32 row, one {@link ForwardKernel#softmax} call there,
 * and the result rounded back by the codec. The vector kernel folds the widening into its maximum pass and the
 * rounding into its scaling pass, and takes short rows two at a time, so this is what keeps a bf16 row's result
 * independent of the path and of its neighbour. Row lengths around every vector width and past the paired and
 * short-row limits; odd and even row counts; fully masked rows, rows of only -inf and NaN, rows with -inf, NaN
 * (quiet and signalling payloads) or +inf; subnormals, zeros of either sign and the largest bf16; padded strides;
 * and in place.
 */
@Tag("kernel-variants")
class Bf16RowsEqualWidenComputeRoundTest {

    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    @Test
    void fusedRowsEqualWidenSoftmaxRoundBitForBit() {
        KernelProvider kernels = KernelProvider.get();
        ForwardKernel forward = kernels.forward();
        Bf16Codec codec = kernels.codec();
        Random random = new Random(41);
        int[] lengths = {
            1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100, 128, 255, 256, 257, 512, 777, 1024, 1025, 1100, 4099, 9000
        };
        int checkedRows = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment referenceRow = arena.allocate(4L * 9000, 64);
            for (int trial = 0; trial < 300; trial++) {
                int n = lengths[random.nextInt(lengths.length)];
                int rows = 1 + random.nextInt(7);
                long stride = 2L * (n + random.nextInt(3) * 16);
                boolean inPlace = random.nextInt(4) == 0;
                boolean zeroMasked = random.nextBoolean();
                MemorySegment x = arena.allocate(stride * rows, 64);
                for (int r = 0; r < rows; r++) {
                    int kind = random.nextInt(12);
                    for (int i = 0; i < n; i++) {
                        x.set(BF16, r * stride + 2L * i, value(kind, random));
                    }
                }
                MemorySegment expected = arena.allocate(stride * rows, 64);
                for (int r = 0; r < rows; r++) {
                    codec.widenBf16(x, r * stride, referenceRow, 0, n);
                    forward.softmax(referenceRow, 0, referenceRow, 0, n, 1f, zeroMasked);
                    codec.narrowBf16(referenceRow, 0, expected, r * stride, n);
                }
                MemorySegment actual = inPlace ? x : arena.allocate(stride * rows, 64);
                MemorySegment work = arena.allocate(4L * forward.bf16WorkFloats(n), 64);
                forward.softmaxRowsBf16(x, 0, stride, actual, 0, stride, n, rows, zeroMasked, codec, work);
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < n; i++) {
                        long at = r * stride + 2L * i;
                        assertThat(normalisedNaN(actual.get(BF16, at)))
                                .as("trial %d n %d rows %d row %d element %d", trial, n, rows, r, i)
                                .isEqualTo(normalisedNaN(expected.get(BF16, at)));
                    }
                    checkedRows++;
                }
            }
        }
        assertThat(checkedRows).isGreaterThan(600);
    }

    private static short value(int kind, Random random) {
        float v = (float) (4 * random.nextGaussian());
        switch (kind) {
            case 0 -> v = Float.NEGATIVE_INFINITY; // fully masked
            case 1 -> v = random.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : v; // partly masked
            case 2 -> {
                if (random.nextInt(50) == 0) {
                    // A quiet or a signalling NaN: rounding must not turn either into an infinity.
                    return random.nextBoolean() ? (short) 0x7FC0 : (short) 0x7F81;
                }
            }
            case 3 -> v = random.nextInt(50) == 0 ? Float.POSITIVE_INFINITY : v;
            case 4 -> v = random.nextInt(8) == 0 ? (random.nextBoolean() ? 0f : -0f) : -30f - random.nextInt(3);
            case 5 -> {
                // Only -inf and NaN: the maximum ignoring NaN is -inf, and the row is NaN, not masked.
                return random.nextInt(10) == 0 ? (short) 0xFFC1 : (short) 0xFF80;
            }
            case 6 -> {
                // Subnormal and tiny values around a large one: outputs round to bf16 subnormals and zeros.
                return random.nextInt(20) == 0 ? (short) 0x42B0 : (short) (random.nextInt(0x0080) | 0x8000);
            }
            case 7 -> v = random.nextInt(30) == 0 ? Float.intBitsToFloat(0x7F7F0000) : v * 1e30f; // largest bf16
            default -> {}
        }
        return FloatConversions.floatToBf16(v);
    }

    /** NaN compared as NaN: its sign and payload come from operand order, which C2 may swap anywhere. */
    private static int normalisedNaN(short bits) {
        return (bits & 0x7FFF) > 0x7F80 ? 0x7FC0 : bits & 0xFFFF;
    }
}
