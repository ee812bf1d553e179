package dev.softmax.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ForwardKernel#softmaxRows} and {@link ForwardKernel#logSoftmaxRows} on the kernels of each kernel-variant
 * execution give, bit for bit, what one {@link ForwardKernel#softmax} or {@link ForwardKernel#logSoftmax} call per
 * row gives: the rows' kernels take short rows two at a time, and a call's rows are split differently across
 * threads, so a row's result must not depend on whether it was paired. Row lengths around every vector width and
 * past the paired and short-row limits; odd and even row counts; fully masked rows, rows with -inf, NaN or +inf;
 * rows whose maximum is a zero of either sign; padded strides; and in place.
 */
@Tag("kernel-variants")
class RowsEqualRowByRowTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @ParameterizedTest(name = "log={0}")
    @ValueSource(booleans = {false, true})
    void rowsEqualOneCallPerRowBitForBit(boolean log) {
        ForwardKernel forward = KernelProvider.get().forward();
        Random random = new Random(log ? 31 : 30);
        int[] lengths = {
            1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 48, 64, 100, 128, 200, 255, 256, 257, 300, 512, 513, 777, 1024, 1025
        };
        int checkedRows = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 300; trial++) {
                int n = lengths[random.nextInt(lengths.length)];
                int rows = 1 + random.nextInt(7);
                long stride = 4L * (n + random.nextInt(3) * 16);
                boolean inPlace = random.nextInt(4) == 0;
                boolean zeroMasked = random.nextBoolean();
                MemorySegment x = arena.allocate(stride * rows, 64);
                for (int r = 0; r < rows; r++) {
                    int kind = random.nextInt(10);
                    for (int i = 0; i < n; i++) {
                        float v = (float) (4 * random.nextGaussian());
                        if (kind == 0) {
                            v = Float.NEGATIVE_INFINITY; // fully masked
                        } else if (kind == 1 && random.nextInt(4) == 0) {
                            v = Float.NEGATIVE_INFINITY; // partly masked
                        } else if (kind == 2 && random.nextInt(50) == 0) {
                            v = Float.NaN;
                        } else if (kind == 3 && random.nextInt(50) == 0) {
                            v = Float.POSITIVE_INFINITY;
                        } else if (kind == 4) {
                            // The maximum is a zero; both signs may be present, and the sums can be exactly 1.
                            v = random.nextInt(8) == 0 ? (random.nextBoolean() ? 0f : -0f) : -30f - random.nextInt(3);
                        }
                        x.set(F32, r * stride + 4L * i, v);
                    }
                }
                MemorySegment expected = arena.allocate(stride * rows, 64);
                for (int r = 0; r < rows; r++) {
                    if (log) {
                        forward.logSoftmax(x, r * stride, expected, r * stride, n, 1f, zeroMasked);
                    } else {
                        forward.softmax(x, r * stride, expected, r * stride, n, 1f, zeroMasked);
                    }
                }
                MemorySegment actual = inPlace ? x : arena.allocate(stride * rows, 64);
                if (log) {
                    forward.logSoftmaxRows(x, 0, stride, actual, 0, stride, n, rows, zeroMasked);
                } else {
                    forward.softmaxRows(x, 0, stride, actual, 0, stride, n, rows, zeroMasked);
                }
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < n; i++) {
                        long at = r * stride + 4L * i;
                        // NaN compared as NaN: its sign comes from operand order, which C2 may swap anywhere
                        assertThat(Float.floatToIntBits(actual.get(F32, at)))
                                .as("trial %d n %d rows %d row %d element %d", trial, n, rows, r, i)
                                .isEqualTo(Float.floatToIntBits(expected.get(F32, at)));
                    }
                    checkedRows++;
                }
            }
        }
        assertThat(checkedRows).isGreaterThan(600);
    }
}
