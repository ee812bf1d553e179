package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.ReferenceSoftmax;
import dev.softmax.testing.SoftmaxCheck;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of softmax that hold for any input, checked with jqwik on both backends: rows sum to one,
 * adding a constant changes nothing, order is preserved, and log-softmax is x - logsumexp(x).
 *
 * <p>Seeds are fixed so that a run is reproducible; jqwik still mixes in its edge cases.
 */
@Tag("kernel-variants")
class SoftmaxPropertiesTest {

    private static final List<Backend> BACKENDS = List.of(Backend.ONEDNN, Backend.JAVA);
    private static final Map<Backend, SoftmaxEngine> ENGINES = new EnumMap<>(Backend.class);

    @BeforeContainer
    static void openEngines() {
        for (Backend backend : BACKENDS) {
            ENGINES.put(
                    backend,
                    SoftmaxEngine.create(
                            EngineOptions.builder().backend(backend).build()));
        }
    }

    @AfterContainer
    static void closeEngines() {
        ENGINES.values().forEach(SoftmaxEngine::close);
        ENGINES.clear();
    }

    /** Runs softmax or log-softmax of one row on a backend and returns the result. */
    static float[] run(Backend backend, float[] row, boolean log, float temperature) {
        try (Arena arena = Arena.ofConfined()) {
            TensorView src = TestTensors.dense(arena, DType.F32, row.length).copyFrom(row);
            TensorView dst = TestTensors.dense(arena, DType.F32, row.length);
            SoftmaxCheck.invoke(ENGINES.get(backend), log, src, dst, -1, temperature);
            return dst.toFloatArray();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generators.

    /** Rows of 1 to 400 logits: mostly moderate, some -inf masks, some huge; at least one finite entry. */
    @Provide
    Arbitrary<float[]> rows() {
        Arbitrary<Float> value = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.floats().between(-60f, 60f)),
                Tuple.of(3, Arbitraries.floats().between(-3f, 3f)),
                Tuple.of(2, Arbitraries.just(Float.NEGATIVE_INFINITY)),
                Tuple.of(1, Arbitraries.floats().between(-1e30f, 1e30f)));
        return value.array(float[].class)
                .ofMinSize(1)
                .ofMaxSize(400)
                .filter(row -> Arrays.stream(toDoubles(row)).anyMatch(Double::isFinite));
    }

    /**
     * Rows of multiples of 2^-10 within +-64, so that adding an integer constant up to 4000 is exact in f32
     * (at most 22 significant bits): the shifted row is mathematically the same softmax.
     */
    @Provide
    Arbitrary<float[]> exactRows() {
        return Arbitraries.integers()
                .between(-65536, 65536)
                .map(k -> k / 1024f)
                .array(float[].class)
                .ofMinSize(1)
                .ofMaxSize(300);
    }

    /**
     * Rows with many ties and near-ties (a value and the next float up), spread over lengths that put equal
     * values both in the vector body and in the scalar tail of a kernel.
     */
    @Provide
    Arbitrary<float[]> tiedRows() {
        Arbitrary<Float> base = Arbitraries.integers().between(-40, 40).map(k -> k / 4f);
        Arbitrary<Float> value = Arbitraries.frequencyOf(
                Tuple.of(3, base),
                Tuple.of(2, base.map(Math::nextUp)),
                Tuple.of(1, base.map(Math::nextDown)),
                Tuple.of(1, Arbitraries.floats().between(-10f, 10f)));
        return value.array(float[].class).ofMinSize(2).ofMaxSize(200);
    }

    @Provide
    Arbitrary<Float> temperatures() {
        return Arbitraries.of(1f, 0.5f, 0.7f, 2f);
    }

    private static double[] toDoubles(float[] row) {
        double[] values = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            values[i] = row[i];
        }
        return values;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Properties.

    @Property(tries = 300, seed = "20240611")
    void rowsSumToOne(@ForAll("rows") float[] row, @ForAll("temperatures") float temperature) {
        for (Backend backend : BACKENDS) {
            float[] p = run(backend, row, false, temperature);
            double sum = 0;
            for (float v : p) {
                assertThat(v).as("%s: probabilities are in [0, 1]", backend).isBetween(0f, 1f);
                sum += v;
            }
            assertThat(Math.abs(sum - 1.0))
                    .as("%s: |sum - 1| for a row of %d (T=%s)", backend, row.length, temperature)
                    .isLessThanOrEqualTo(ReferenceSoftmax.ROW_SUM_TOLERANCE);
        }
    }

    @Property(tries = 300, seed = "31415926")
    void addingAConstantChangesNothing(
            @ForAll("exactRows") float[] row,
            @ForAll @IntRange(min = -4000, max = 4000) int constant,
            @ForAll("temperatures") float temperature) {
        float[] shifted = new float[row.length];
        for (int i = 0; i < row.length; i++) {
            shifted[i] = row[i] + constant;
            assertThat((double) shifted[i]).as("test premise: exact shift").isEqualTo((double) row[i] + constant);
        }
        ReferenceSoftmax.Spec softmax =
                new ReferenceSoftmax.Spec(new long[] {row.length}, 0, false, temperature, EdgePolicy.ZERO);
        ReferenceSoftmax.Spec logSoftmax =
                new ReferenceSoftmax.Spec(new long[] {row.length}, 0, true, temperature, EdgePolicy.ZERO);
        double[] p = ReferenceSoftmax.compute(row, softmax);
        double[] lp = ReferenceSoftmax.compute(row, logSoftmax);
        for (Backend backend : BACKENDS) {
            float[] a = run(backend, row, false, temperature);
            float[] b = run(backend, shifted, false, temperature);
            float[] la = run(backend, row, true, temperature);
            float[] lb = run(backend, shifted, true, temperature);
            for (int i = 0; i < row.length; i++) {
                double bound = 2 * ReferenceSoftmax.probabilityBound(p[i]);
                assertThat(Math.abs((double) a[i] - b[i]))
                        .as(
                                "%s softmax element %d of %d, +%d (T=%s): %s vs %s",
                                backend, i, row.length, constant, temperature, a[i], b[i])
                        .isLessThanOrEqualTo(bound);
                double logBound = 2 * ReferenceSoftmax.logBound(lp[i]);
                assertThat(Math.abs((double) la[i] - lb[i]))
                        .as("%s log-softmax element %d, +%d: %s vs %s", backend, i, constant, la[i], lb[i])
                        .isLessThanOrEqualTo(logBound);
            }
        }
    }

    @Property(tries = 300, seed = "27182818")
    void orderIsPreserved(@ForAll("tiedRows") float[] row, @ForAll("temperatures") float temperature) {
        Integer[] order = new Integer[row.length];
        for (int i = 0; i < row.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Float.compare(row[i], row[j]));
        for (Backend backend : BACKENDS) {
            for (boolean log : new boolean[] {false, true}) {
                float[] out = run(backend, row, log, temperature);
                // Walk groups of equal logits in increasing order: every output of a group must be >= every output
                // of all smaller logits (x_i < x_j => p_i <= p_j).
                float maxSoFar = Float.NEGATIVE_INFINITY;
                int previousIndex = -1;
                int k = 0;
                while (k < order.length) {
                    int end = k;
                    while (end < order.length && row[order[end]] == row[order[k]]) {
                        end++;
                    }
                    float groupMax = Float.NEGATIVE_INFINITY;
                    for (int g = k; g < end; g++) {
                        int i = order[g];
                        if (out[i] < maxSoFar) {
                            throw new AssertionError(String.format(
                                    Locale.ROOT,
                                    "%s %s (T=%s, n=%d): x[%d]=%s > x[%d]=%s but out[%d]=%s < out[%d]=%s",
                                    backend,
                                    log ? "log-softmax" : "softmax",
                                    temperature,
                                    row.length,
                                    i,
                                    row[i],
                                    previousIndex,
                                    row[previousIndex],
                                    i,
                                    out[i],
                                    previousIndex,
                                    out[previousIndex]));
                        }
                        groupMax = Math.max(groupMax, out[i]);
                    }
                    for (int g = k; g < end; g++) {
                        if (out[order[g]] == groupMax) {
                            previousIndex = order[g];
                        }
                    }
                    maxSoFar = Math.max(maxSoFar, groupMax);
                    k = end;
                }
            }
        }
    }

    @Property(tries = 300, seed = "16180339")
    void logSoftmaxIsXMinusLogSumExp(@ForAll("rows") float[] row, @ForAll("temperatures") float temperature) {
        double t = temperature;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp((v - max) / t);
        }
        // x/T - logsumexp(x/T), written as (x - max)/T - log(sum exp((x - max)/T)) so that double keeps it exact.
        for (Backend backend : BACKENDS) {
            float[] lp = run(backend, row, true, temperature);
            float[] p = run(backend, row, false, temperature);
            for (int i = 0; i < row.length; i++) {
                double expected = row[i] == Float.NEGATIVE_INFINITY
                        ? Double.NEGATIVE_INFINITY
                        : (row[i] - max) / t - Math.log(sum);
                if (expected == Double.NEGATIVE_INFINITY) {
                    assertThat(lp[i]).as("%s: masked entry %d", backend, i).isEqualTo(Float.NEGATIVE_INFINITY);
                    continue;
                }
                double bound = ReferenceSoftmax.logBound(expected);
                assertThat(Math.abs(lp[i] - expected))
                        .as(
                                "%s: log-softmax element %d of %d (T=%s): got %s, " + "x - logsumexp(x) = %s",
                                backend, i, row.length, temperature, lp[i], expected)
                        .isLessThanOrEqualTo(bound);
                // exp(log-softmax) and softmax describe the same probabilities.
                double fromLog = Math.exp(lp[i]);
                double pBound =
                        ReferenceSoftmax.probabilityBound(Math.exp(expected)) + Math.exp(expected) * bound * 1.01;
                assertThat(Math.abs(fromLog - p[i]))
                        .as("%s: exp(logSoftmax) vs softmax at %d", backend, i)
                        .isLessThanOrEqualTo(pBound + ReferenceSoftmax.probabilityBound(Math.exp(expected)));
            }
        }
    }
}
