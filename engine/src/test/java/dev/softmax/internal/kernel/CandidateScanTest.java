package dev.softmax.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The candidate scan and its two list operations on the kernel of each kernel-variant execution (vector 512/256/128,
 * scalar), against plain loops written here: every length around the vector widths, resumed scans at every
 * alignment, stops at the capacity, NaN, infinities and signed zeros.
 */
@Tag("kernel-variants")
class CandidateScanTest {

    private static final CandidateScan SCAN = KernelProvider.get().scan();

    private static float randomValue(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            case 3 -> -0.0f;
            case 4 -> 0.0f;
            case 5 -> random.nextInt(3) - 1;
            default -> (float) random.nextGaussian();
        };
    }

    private static float randomThreshold(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Float.NEGATIVE_INFINITY;
            case 1 -> 0.0f;
            case 2 -> -0.0f;
            default -> (float) random.nextGaussian();
        };
    }

    @Test
    void collectAppendsExactlyWhatALoopAppendsAndStopsAtTheCapacity() {
        Random random = new Random(11);
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 3000; trial++) {
                int n = random.nextInt(300);
                int shift = random.nextInt(16); // element offset of the row within the segment: every alignment
                float[] row = new float[n];
                for (int i = 0; i < n; i++) {
                    row[i] = randomValue(random);
                }
                MemorySegment segment = arena.allocate(4L * (n + shift), 64);
                MemorySegment.copy(row, 0, segment, ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * shift, n);
                int from = n == 0 ? 0 : random.nextInt(n + 1);
                float threshold = randomThreshold(random);
                int count = random.nextInt(20);
                int capacity = count + random.nextInt(200);
                float[] values = new float[capacity + CandidateScan.SLACK];
                int[] ids = new int[capacity + CandidateScan.SLACK];
                float[] expectedValues = new float[capacity];
                int[] expectedIds = new int[capacity];
                int m = count;
                int stop = n;
                for (int i = from; i < n; i++) {
                    float v = row[i];
                    // qualifies: not below the threshold and not -inf (NaN and +inf always)
                    if (!(v < threshold) && v != Float.NEGATIVE_INFINITY) {
                        if (m == capacity) {
                            stop = i;
                            break;
                        }
                        expectedValues[m] = v;
                        expectedIds[m] = i;
                        m++;
                    }
                }
                long result = SCAN.collect(segment, 4L * shift, from, n, threshold, values, ids, count, capacity);
                String label = "trial " + trial + " n " + n + " from " + from + " threshold " + threshold;
                assertThat(CandidateScan.position(result)).as(label + ": stop").isEqualTo(stop);
                assertThat(CandidateScan.count(result)).as(label + ": count").isEqualTo(m);
                assertThat(Arrays.copyOfRange(ids, count, m))
                        .as(label + ": ids")
                        .containsExactly(Arrays.copyOfRange(expectedIds, count, m));
                for (int i = count; i < m; i++) {
                    assertThat(Float.floatToRawIntBits(values[i]))
                            .as(label + ": value " + i)
                            .isEqualTo(Float.floatToRawIntBits(expectedValues[i]));
                }
            }
        }
    }

    @Test
    void countAndKeepNotBelowMatchALoop() {
        Random random = new Random(12);
        for (int trial = 0; trial < 3000; trial++) {
            int m = random.nextInt(200);
            float[] values = new float[m + CandidateScan.SLACK];
            int[] ids = new int[m + CandidateScan.SLACK];
            for (int i = 0; i < m; i++) {
                values[i] = randomValue(random);
                ids[i] = random.nextInt(1_000_000);
            }
            float threshold = randomThreshold(random);
            int expectedCount = 0;
            float[] keptValues = new float[m];
            int[] keptIds = new int[m];
            for (int i = 0; i < m; i++) {
                if (!(values[i] < threshold)) {
                    keptValues[expectedCount] = values[i];
                    keptIds[expectedCount] = ids[i];
                    expectedCount++;
                }
            }
            String label = "trial " + trial + " m " + m + " threshold " + threshold;
            assertThat(SCAN.countNotBelow(values, m, threshold)).as(label).isEqualTo(expectedCount);
            int kept = SCAN.keepNotBelow(values, ids, m, threshold);
            assertThat(kept).as(label + ": kept").isEqualTo(expectedCount);
            assertThat(Arrays.copyOf(ids, kept))
                    .as(label + ": ids in order")
                    .containsExactly(Arrays.copyOf(keptIds, kept));
            for (int i = 0; i < kept; i++) {
                assertThat(Float.floatToRawIntBits(values[i]))
                        .as(label + ": value " + i)
                        .isEqualTo(Float.floatToRawIntBits(keptValues[i]));
            }
        }
    }
}
