package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.ReferenceSampler;
import dev.softmax.testing.ReferenceSampler.Settings;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Goodness of fit of the draws, with fixed seeds (deterministic): 100,000 requests of one row (seed fixed, step =
 * request index) for each filter alone, the full chain, temperature last, sampling from probabilities and
 * speculative verification, against the exact truncated renormalised distribution of {@link ReferenceSampler}.
 *
 * <p>Bound: Pearson's chi-square statistic over the kept tokens (cells with an expected count below 5 pooled),
 * with (cells - 1) degrees of freedom, must have an upper-tail p-value above {@value #MIN_P_VALUE} (computed here
 * from the regularised incomplete gamma function); a token outside the kept set must never be drawn.
 */
@Tag("kernel-variants")
class SamplingDistributionTest {

    static final int DRAWS = 100_000;
    static final double MIN_P_VALUE = 1e-4;
    static final int VOCAB = 32;

    private static SoftmaxEngine engine;

    @BeforeAll
    static void open() {
        engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.JAVA).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static float[] logits(long seed) {
        float[] row = TestTensors.normal(new Random(seed), VOCAB, 1.5);
        row[VOCAB - 1] = Float.NEGATIVE_INFINITY; // a masked token
        return row;
    }

    /** Extra inputs of the full chain, shared by every request. */
    record Processors(
            int[] history,
            float repetition,
            float presence,
            float frequency,
            int[] biasIds,
            float[] biasValues,
            int[] bitmask) {}

    /** Draws DRAWS tokens: one request per row over a broadcast (stride 0) copy of {@code row}. */
    static long[] draw(float[] row, Settings settings, Processors processors) {
        long[] counts = new long[row.length];
        try (Arena arena = Arena.ofConfined()) {
            TensorView one = TensorView.allocate(arena, DType.F32, row.length).copyFrom(row);
            TensorView logits =
                    TensorView.wrap(one.segment(), DType.F32, new long[] {DRAWS, row.length}, new long[] {0, 1});
            SamplingParameters params = SamplingParameters.allocate(arena, DRAWS);
            if (processors != null) {
                params.history(broadcastIds(arena, processors.history()))
                        .logitBias(
                                broadcastIds(arena, processors.biasIds()),
                                broadcastFloats(arena, processors.biasValues()))
                        .allowedTokens(broadcastIds(arena, processors.bitmask()));
            }
            for (int r = 0; r < DRAWS; r++) {
                SamplingParameters.Row p = params.row(r).seed(2024).step(r);
                settings.applyTo(p);
                if (processors != null) {
                    p.repetitionPenalty(processors.repetition())
                            .presencePenalty(processors.presence())
                            .frequencyPenalty(processors.frequency())
                            .historyLength(processors.history().length)
                            .biasCount(processors.biasIds().length);
                }
            }
            TensorView tokens = TensorView.allocate(arena, DType.I32, DRAWS);
            engine.sample(logits, params, DecodeOutputs.of(tokens));
            for (int r = 0; r < DRAWS; r++) {
                counts[tokens.segment().getAtIndex(ValueLayout.JAVA_INT, r)]++;
            }
        }
        return counts;
    }

    static TensorView broadcastIds(Arena arena, int[] values) {
        TensorView one = TensorView.allocate(arena, DType.I32, values.length);
        for (int i = 0; i < values.length; i++) {
            one.segment().setAtIndex(ValueLayout.JAVA_INT, i, values[i]);
        }
        return TensorView.wrap(one.segment(), DType.I32, new long[] {DRAWS, values.length}, new long[] {0, 1});
    }

    static TensorView broadcastFloats(Arena arena, float[] values) {
        TensorView one = TensorView.allocate(arena, DType.F32, values.length).copyFrom(values);
        return TensorView.wrap(one.segment(), DType.F32, new long[] {DRAWS, values.length}, new long[] {0, 1});
    }

    static void assertFits(long[] counts, double[] expected, String what) {
        double pValue = ReferenceSampler.chiSquarePValue(counts, expected);
        assertThat(pValue)
                .as(what + ": chi-square p-value of " + Arrays.toString(counts) + " against "
                        + Arrays.toString(expected))
                .isGreaterThan(MIN_P_VALUE);
    }

    void check(Settings settings, long seed) {
        float[] row = logits(seed);
        assertFits(draw(row, settings, null), ReferenceSampler.distribution(row, settings), settings.toString());
    }

    @Test
    void temperatureAlone() {
        check(Settings.of(0.7f, 0, 1f, 0f), 1);
    }

    @Test
    void topKAlone() {
        check(Settings.of(1f, 5, 1f, 0f), 2);
    }

    @Test
    void topPAlone() {
        check(Settings.of(1f, 0, 0.8f, 0f), 3);
    }

    @Test
    void minPAlone() {
        check(Settings.of(1f, 0, 1f, 0.1f), 4);
    }

    @Test
    void fullChainWithPenaltiesBiasAndBitmask() {
        float[] row = logits(5);
        Processors processors = new Processors(
                new int[] {3, 3, 7, 1, 3, 20},
                1.3f,
                0.4f,
                0.2f,
                new int[] {0, 12, 12},
                new float[] {1.5f, -0.5f, 0.75f},
                new int[] {0x7FFF_FFEF});
        Settings settings = Settings.of(0.8f, 12, 0.9f, 0.05f);
        float[] processed = ReferenceSampler.process(
                row,
                processors.history(),
                processors.repetition(),
                processors.presence(),
                processors.frequency(),
                processors.biasIds(),
                processors.biasValues(),
                processors.bitmask());
        double[] expected = ReferenceSampler.distribution(processed, settings);
        long[] counts = draw(row, settings, processors);
        assertThat(counts[4]).as("token 4 is not allowed by the bitmask").isZero();
        assertFits(counts, expected, "full chain");
    }

    @Test
    void temperatureLastChain() {
        check(new Settings(1.7f, 10, 0.7f, 0.02f, true), 6);
    }

    @Test
    void sampleFromProbabilities() {
        Random random = new Random(7);
        float[] p = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            p[i] = i % 5 == 0 ? 0f : random.nextFloat();
        }
        double total = 0;
        for (float v : p) {
            total += v;
        }
        double[] expected = new double[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            expected[i] = p[i] / total; // unnormalised input: the engine must not care
        }
        long[] counts = new long[VOCAB];
        try (Arena arena = Arena.ofConfined()) {
            TensorView one = TensorView.allocate(arena, DType.F32, VOCAB).copyFrom(p);
            TensorView probs = TensorView.wrap(one.segment(), DType.F32, new long[] {DRAWS, VOCAB}, new long[] {0, 1});
            SamplingParameters params = SamplingParameters.allocate(arena, DRAWS);
            for (int r = 0; r < DRAWS; r++) {
                params.row(r).seed(77).step(r);
            }
            TensorView tokens = TensorView.allocate(arena, DType.I64, DRAWS);
            engine.sampleFromProbabilities(probs, params, tokens);
            for (int r = 0; r < DRAWS; r++) {
                counts[(int) tokens.segment().getAtIndex(ValueLayout.JAVA_LONG, r)]++;
            }
        }
        assertFits(counts, expected, "sample from probabilities");
    }

    static double[] normalised(double[] w) {
        double s = Arrays.stream(w).sum();
        return Arrays.stream(w).map(v -> v / s).toArray();
    }

    /** Speculative verification reproduces the target distribution whatever the draft distribution. */
    @Test
    void speculativeVerificationReproducesTheTargetForTwoDrafts() {
        int vocab = 16;
        int k = 2;
        Random random = new Random(31);
        double[][] p = new double[k + 1][];
        for (int j = 0; j <= k; j++) {
            double[] w = new double[vocab];
            for (int i = 0; i < vocab; i++) {
                w[i] = Math.exp(random.nextGaussian() * 1.2);
            }
            p[j] = normalised(w);
        }
        double[][] closeDraft = new double[k][];
        double[][] farDraft = new double[k][];
        for (int j = 0; j < k; j++) {
            double[] near = new double[vocab];
            double[] far = new double[vocab];
            for (int i = 0; i < vocab; i++) {
                near[i] = p[j][i] * Math.exp(0.3 * random.nextGaussian());
                far[i] = i < 4 ? 1.0 : 0.05; // mass on a few tokens the target does not favour
            }
            closeDraft[j] = normalised(near);
            farDraft[j] = normalised(far);
        }
        for (double[][] q : new double[][][] {closeDraft, farDraft}) {
            verifyAgainstTarget(p, q, vocab, k, random);
        }
    }

    private static void verifyAgainstTarget(double[][] p, double[][] q, int vocab, int k, Random random) {
        long[] first = new long[vocab];
        long[] second = new long[vocab];
        long acceptedFirst = 0;
        try (Arena arena = Arena.ofConfined()) {
            TensorView targetOne = TensorView.allocate(arena, DType.F32, k + 1, vocab);
            TensorView draftOne = TensorView.allocate(arena, DType.F32, k, vocab);
            for (int j = 0; j <= k; j++) {
                for (int i = 0; i < vocab; i++) {
                    targetOne.setFloat((float) p[j][i], j, i);
                    if (j < k) {
                        draftOne.setFloat((float) q[j][i], j, i);
                    }
                }
            }
            TensorView target = TensorView.wrap(
                    targetOne.segment(), DType.F32, new long[] {DRAWS, k + 1, vocab}, new long[] {0, vocab, 1});
            TensorView draft = TensorView.wrap(
                    draftOne.segment(), DType.F32, new long[] {DRAWS, k, vocab}, new long[] {0, vocab, 1});
            TensorView draftTokens = TensorView.allocate(arena, DType.I32, DRAWS, k);
            SamplingParameters params = SamplingParameters.allocate(arena, DRAWS);
            for (int r = 0; r < DRAWS; r++) {
                params.row(r).seed(5).step(r);
                for (int j = 0; j < k; j++) {
                    draftTokens
                            .segment()
                            .setAtIndex(ValueLayout.JAVA_INT, (long) r * k + j, inverseCdf(q[j], random.nextDouble()));
                }
            }
            TensorView accepted = TensorView.allocate(arena, DType.I32, DRAWS);
            TensorView emitted = TensorView.allocate(arena, DType.I64, DRAWS, k + 1);
            engine.verifySpeculative(target, draft, draftTokens, params, accepted, emitted);
            for (int r = 0; r < DRAWS; r++) {
                int a = accepted.segment().getAtIndex(ValueLayout.JAVA_INT, r);
                assertThat(a).isBetween(0, k);
                for (int j = 0; j <= k; j++) {
                    long t = emitted.segment().getAtIndex(ValueLayout.JAVA_LONG, (long) r * (k + 1) + j);
                    if (j < a) {
                        assertThat(t)
                                .isEqualTo(draftTokens.segment().getAtIndex(ValueLayout.JAVA_INT, (long) r * k + j));
                    } else if (j > a) {
                        assertThat(t).isEqualTo(-1L);
                    }
                }
                first[(int) emitted.segment().getAtIndex(ValueLayout.JAVA_LONG, (long) r * (k + 1))]++;
                if (a >= 1) {
                    acceptedFirst++;
                    second[(int) emitted.segment().getAtIndex(ValueLayout.JAVA_LONG, (long) r * (k + 1) + 1)]++;
                }
            }
        }
        assertFits(first, p[0], "first emitted token");
        assertFits(second, p[1], "second emitted token, given the first draft was accepted");
        // acceptance probability at position 0 is sum_t min(p, q): a 5-sigma band of the binomial
        double acceptance = 0;
        for (int i = 0; i < vocab; i++) {
            acceptance += Math.min(p[0][i], q[0][i]);
        }
        double sigma = Math.sqrt(DRAWS * acceptance * (1 - acceptance));
        assertThat((double) acceptedFirst).isBetween(DRAWS * acceptance - 5 * sigma, DRAWS * acceptance + 5 * sigma);
    }

    private static int inverseCdf(double[] q, double u) {
        double cumulative = 0;
        for (int i = 0; i < q.length; i++) {
            cumulative += q[i];
            if (u < cumulative) {
                return i;
            }
        }
        return q.length - 1;
    }
}
