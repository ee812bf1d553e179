package dev.softmax.internal.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.internal.kernel.KernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link TopKPrefilter#collect} on the scan kernel of each kernel-variant execution (vector 512/256/128, scalar): the candidates are exactly the finite tokens at or above the
 * reported threshold, in id order, at least min(k, finite) of them, few on a normal row; an ascending row is still
 * exact; a row of ties hands back (-1) instead of returning a partial list.
 */
@Tag("kernel-variants")
class TopKPrefilterTest {

    private static int[] collectOn(float[] row, int k, SamplingScratch s) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(4L * row.length + 12, 64);
            // an odd offset: the caller's rows need not be aligned
            MemorySegment.copy(row, 0, segment, ValueLayout.JAVA_FLOAT_UNALIGNED, 12, row.length);
            int m = TopKPrefilter.collect(KernelProvider.get().scan(), segment, 12, row.length, k, s);
            return m < 0 ? null : Arrays.copyOf(s.ids, m);
        }
    }

    @Test
    void candidatesAreEveryFiniteTokenAtOrAboveTheThresholdInIdOrder() {
        Random random = new Random(5);
        for (int n : new int[] {256, 4099, 32000, 128256}) {
            for (int k : new int[] {1, 16, 50, n / 16}) {
                float[] row = new float[n];
                for (int i = 0; i < n; i++) {
                    row[i] = random.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : (float) random.nextGaussian();
                }
                SamplingScratch s = SamplingScratch.get(n);
                int[] ids = collectOn(row, k, s);
                String label = "n " + n + " k " + k;
                assertThat(ids).as(label + ": no overflow on a normal row").isNotNull();
                float threshold = s.prefilterThreshold;
                int[] expected = java.util.stream.IntStream.range(0, n)
                        .filter(i -> row[i] >= threshold && row[i] != Float.NEGATIVE_INFINITY)
                        .toArray();
                assertThat(ids)
                        .as(label + ": the exact set above the threshold")
                        .containsExactly(expected);
                assertThat(ids.length).as(label + ": at least k").isGreaterThanOrEqualTo(k);
                for (int j = 0; j < ids.length; j++) {
                    assertThat(s.values[j]).as(label + ": value of " + ids[j]).isEqualTo(row[ids[j]]);
                }
                if (k == 50 && n >= 32000) {
                    assertThat(ids.length).as(label + ": few candidates").isLessThan(2000);
                }
            }
        }
    }

    @Test
    void ascendingAndTiedRowsStayExactOrHandBack() {
        int n = 32000;
        float[] ascending = new float[n];
        for (int i = 0; i < n; i++) {
            ascending[i] = i * 0.25f;
        }
        SamplingScratch s = SamplingScratch.get(n);
        int[] ids = collectOn(ascending, 50, s);
        assertThat(ids)
                .as("ascending: every token appended, compacted many times, still exact")
                .isNotNull();
        float threshold = s.prefilterThreshold;
        int firstKept = java.util.stream.IntStream.range(0, n)
                .filter(i -> ascending[i] >= threshold)
                .findFirst()
                .orElseThrow();
        assertThat(ids)
                .as("ascending: exactly the tokens at or above the threshold, the top 50 among them")
                .containsExactly(java.util.stream.IntStream.range(firstKept, n).toArray());
        assertThat(firstKept).isLessThanOrEqualTo(n - 50);
        float[] tied = new float[n];
        java.util.Arrays.fill(tied, 1f);
        assertThat(collectOn(tied, 50, s))
                .as("all equal: the list cannot shrink")
                .isNull();
    }

    @Test
    void kthLargestMatchesASort() {
        Random random = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            int m = 1 + random.nextInt(300);
            float[] values = new float[m];
            for (int i = 0; i < m; i++) {
                values[i] = switch (random.nextInt(5)) {
                    case 0 -> random.nextInt(5) - 2; // ties, negatives and zero
                    case 1 -> -0.0f;
                    case 2 -> (float) (1e30 * random.nextGaussian());
                    default -> (float) random.nextGaussian();
                };
            }
            if (trial % 7 == 0) {
                values[random.nextInt(m)] = random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            }
            if (trial % 11 == 0) {
                values[random.nextInt(m)] = Float.NaN; // counts as above +inf
            }
            int k = 1 + random.nextInt(m);
            float[] sorted = values.clone();
            Arrays.sort(sorted); // NaN sorts last, as the largest
            float expected = Float.isNaN(sorted[m - k]) ? Float.POSITIVE_INFINITY : sorted[m - k] + 0.0f;
            float[] before = values.clone();
            assertThat(Selection.kthLargest(KernelProvider.get().scan(), values, m, k))
                    .as("m " + m + " k " + k)
                    .isEqualTo(expected);
            assertThat(values).as("the values are not reordered").containsExactly(before);
        }
    }
}
