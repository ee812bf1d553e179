package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.testing.ReferenceSampler;
import dev.softmax.testing.ReferenceSampler.Settings;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kept sets, tokens and log-probabilities of the decode step and its pieces against the sort-based
 * double-precision {@link ReferenceSampler}: random rows, ties at the k-th and at the top-p boundary, all-equal
 * rows, k >= vocab, p = 1, one-token rows, vocabularies from 1 to 256,000.
 */
@Tag("kernel-variants")
class SamplingExactnessTest {

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

    /** What one fused call produced for its rows. */
    record Outcome(float[][] processed, long[] tokens, float[] logprobs, float[] rawLogprobs) {}

    /** Runs the fused step with in-place processing on a copy of {@code rows}; row r uses settings[r], step r. */
    static Outcome run(float[][] rows, Settings[] settings, DType type) {
        int batch = rows.length;
        int vocab = rows[0].length;
        try (Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, type, batch, vocab);
            float[] flat = new float[batch * vocab];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(rows[r], 0, flat, r * vocab, vocab);
            }
            logits.copyFrom(flat);
            SamplingParameters params = SamplingParameters.allocate(arena, batch);
            for (int r = 0; r < batch; r++) {
                settings[r].applyTo(params.row(r).seed(99).step(r));
            }
            TensorView tokens = TensorView.allocate(arena, DType.I64, batch);
            TensorView lp = TensorView.allocate(arena, DType.F32, batch);
            TensorView raw = TensorView.allocate(arena, DType.F32, batch);
            engine.sample(
                    logits,
                    params,
                    DecodeOutputs.of(tokens)
                            .withLogprobs(lp)
                            .withRawLogprobs(raw)
                            .withLogitsProcessedInPlace(true));
            float[] after = logits.toFloatArray();
            float[][] processed = new float[batch][];
            long[] ids = new long[batch];
            for (int r = 0; r < batch; r++) {
                processed[r] = Arrays.copyOfRange(after, r * vocab, (r + 1) * vocab);
                ids[r] = tokens.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, r);
            }
            return new Outcome(processed, ids, lp.toFloatArray(), raw.toFloatArray());
        }
    }

    /** Checks every row of an outcome against the reference: kept set, token in it, both log-probabilities. */
    static void assertMatchesReference(float[][] rows, Settings[] settings, Outcome outcome, String what) {
        for (int r = 0; r < rows.length; r++) {
            double[] p = ReferenceSampler.distribution(rows[r], settings[r]);
            int[] expected = ReferenceSampler.support(p);
            String label = what + " row " + r + " " + settings[r] + " vocab " + rows[r].length;
            assertThat(ReferenceSampler.support(outcome.processed()[r]))
                    .as(label + ": kept set")
                    .containsExactly(expected);
            int token = (int) outcome.tokens()[r];
            assertThat(p[token]).as(label + ": token " + token + " is kept").isGreaterThan(0);
            assertThat((double) outcome.logprobs()[r])
                    .as(label + ": processed logprob")
                    .isCloseTo(Math.log(p[token]), within(2e-5 + 1e-6 * Math.abs(Math.log(p[token]))));
            double raw = ReferenceSampler.logSoftmax(rows[r])[token];
            assertThat((double) outcome.rawLogprobs()[r])
                    .as(label + ": raw logprob")
                    .isCloseTo(raw, within(2e-5 + 2e-6 * Math.abs(raw)));
        }
    }

    static float[] randomRow(Random random, int vocab, double maskedFraction) {
        float[] row = TestTensors.normal(random, vocab, 3);
        for (int i = 0; i < vocab; i++) {
            if (random.nextDouble() < maskedFraction) {
                row[i] = Float.NEGATIVE_INFINITY;
            }
        }
        row[random.nextInt(vocab)] = (float) random.nextGaussian();
        return row;
    }

    static List<Settings> settingsFor(int vocab) {
        return List.of(
                Settings.of(1f, 0, 1f, 0f),
                Settings.of(1f, 5, 1f, 0f),
                Settings.of(1f, 0, 0.9f, 0f),
                Settings.of(1f, 0, 1f, 0.05f),
                Settings.of(0.5f, 40, 0.8f, 0.02f),
                Settings.of(2f, 0, 0.5f, 0f),
                Settings.of(0.7f, 0, 0.95f, 0.1f),
                new Settings(0.7f, 50, 0.9f, 0.05f, true),
                new Settings(1.5f, 0, 0.6f, 0.2f, true),
                Settings.of(1f, vocab + 3, 1f, 0f),
                Settings.of(1f, vocab, 0.999f, 0f),
                Settings.of(0.8f, 1, 1f, 0f),
                Settings.of(0f, 3, 0.5f, 0.5f));
    }

    static Stream<Arguments> vocabularies() {
        return IntStream.of(1, 2, 3, 5, 17, 31, 32, 33, 100, 1000, 4099, 32000).mapToObj(Arguments::of);
    }

    @ParameterizedTest(name = "vocab {0}")
    @MethodSource("vocabularies")
    void randomRowsMatchTheReference(int vocab) {
        Random random = new Random(vocab * 31L + 7);
        List<Settings> all = settingsFor(vocab);
        int batch = all.size() * 3;
        float[][] rows = new float[batch][];
        Settings[] settings = new Settings[batch];
        for (int r = 0; r < batch; r++) {
            rows[r] = randomRow(random, vocab, r % 3 == 2 ? 0.3 : 0.0);
            settings[r] = all.get(r % all.size());
        }
        assertMatchesReference(rows, settings, run(rows, settings, DType.F32), "f32");
    }

    @Test
    void largeVocabulariesMatchTheReference() {
        Random random = new Random(11);
        for (int vocab : new int[] {128256, 256000}) {
            Settings[] settings = {
                Settings.of(0.8f, 50, 0.9f, 0f),
                Settings.of(1f, 0, 0.95f, 0f),
                Settings.of(1f, 0, 1f, 0.05f),
                Settings.of(0f, 0, 1f, 0f)
            };
            float[][] rows = new float[settings.length][];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = randomRow(random, vocab, 0.05);
            }
            assertMatchesReference(rows, settings, run(rows, settings, DType.F32), "large");
        }
    }

    /** Integer-valued logits: many ties at the k-th value and at the top-p boundary. */
    @Test
    void tiesAtTheKthAndAtTheTopPBoundaryKeepLowerIds() {
        Random random = new Random(5);
        int batch = 300;
        float[][] rows = new float[batch][];
        Settings[] settings = new Settings[batch];
        float[] ps = {0.1f, 0.25f, 0.3f, 0.5f, 0.6f, 0.75f, 0.9f, 0.99f};
        for (int r = 0; r < batch; r++) {
            int vocab = 1 + random.nextInt(60);
            rows[r] = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                rows[r][i] = random.nextInt(4);
            }
            int k = random.nextInt(vocab + 2);
            settings[r] = switch (r % 3) {
                case 0 -> Settings.of(1f, k, 1f, 0f);
                case 1 -> Settings.of(1f, 0, ps[random.nextInt(ps.length)], 0f);
                default -> Settings.of(1f, k, ps[random.nextInt(ps.length)], random.nextInt(2) * 0.3f);
            };
            // one row per call: vocabularies differ
            assertMatchesReference(
                    new float[][] {rows[r]},
                    new Settings[] {settings[r]},
                    run(new float[][] {rows[r]}, new Settings[] {settings[r]}, DType.F32),
                    "ties");
        }
    }

    @Test
    void allEqualRowsKeepTheLowestIds() {
        for (int vocab : new int[] {4, 7, 64, 1000}) {
            float[] row = new float[vocab];
            Arrays.fill(row, 1.5f);
            Settings[] settings = {
                Settings.of(1f, 3, 1f, 0f),
                Settings.of(1f, 0, 0.5f, 0f),
                Settings.of(1f, 0, 0.3f, 0f),
                Settings.of(1f, 0, 1f, 1f),
                Settings.of(0f, 0, 1f, 0f)
            };
            float[][] rows = {row, row, row, row, row};
            Outcome outcome = run(rows, settings, DType.F32);
            assertMatchesReference(rows, settings, outcome, "all equal");
            assertThat(ReferenceSampler.support(outcome.processed()[0])).containsExactly(0, 1, 2);
            assertThat(outcome.tokens()[4]).isZero();
        }
    }

    @Test
    void kAtLeastVocabAndPOneKeepEveryFiniteToken() {
        Random random = new Random(3);
        float[] row = randomRow(random, 300, 0.2);
        Settings[] settings = {Settings.of(1f, 300, 1f, 0f), Settings.of(1f, 1000, 1f, 0f), Settings.of(0.6f, 0, 1f, 0f)
        };
        float[][] rows = {row, row, row};
        Outcome outcome = run(rows, settings, DType.F32);
        for (int r = 0; r < 3; r++) {
            assertThat(ReferenceSampler.support(outcome.processed()[r])).containsExactly(ReferenceSampler.support(row));
        }
        assertMatchesReference(rows, settings, outcome, "keep all");
    }

    @Test
    void oneTokenRowsDrawTheirOnlyToken() {
        float[][] rows = {{-3f}, {0f}, {42f}};
        Settings[] settings = {Settings.of(1f, 1, 0.1f, 0.9f), Settings.of(0f, 0, 1f, 0f), Settings.of(0.3f, 0, 1f, 0f)
        };
        Outcome outcome = run(rows, settings, DType.F32);
        assertThat(outcome.tokens()).containsOnly(0L);
        assertThat(outcome.logprobs()).containsOnly(0f);
        assertThat(outcome.rawLogprobs()).containsOnly(0f);
    }

    @Test
    void greedyAndTopKOneAreTheArgmaxWithLowestIdOnTies() {
        float[] row = {1f, 5f, Float.NEGATIVE_INFINITY, 5f, 2f, 5f};
        float[][] rows = {row, row, row, row};
        Settings[] settings = {
            Settings.of(0f, 0, 1f, 0f),
            Settings.of(1f, 1, 1f, 0f),
            Settings.of(0f, 2, 0.5f, 0.5f),
            Settings.of(3f, 1, 0.9f, 0f)
        };
        Outcome outcome = run(rows, settings, DType.F32);
        assertThat(outcome.tokens()).containsOnly(1L);
        try (Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, 2, 6).copyFrom(new float[] {
                1f, 5f, Float.NEGATIVE_INFINITY, 5f, 2f, 5f, -1f, -2f, -1f, -7f, Float.NEGATIVE_INFINITY, -1.5f
            });
            TensorView tokens = TensorView.allocate(arena, DType.I32, 2);
            engine.argmax(logits, tokens);
            assertThat(tokens.toFloatArray()).containsExactly(1f, 0f);
            // plain greedy rows (no processors, tokens only) take the in-place argmax path
            TensorView greedy = TensorView.allocate(arena, DType.I64, 2);
            engine.sample(
                    logits,
                    SamplingParameters.allocate(arena, 2).forEachRow(r -> r.temperature(0f)),
                    DecodeOutputs.of(greedy));
            assertThat(greedy.toFloatArray()).containsExactly(1f, 0f);
        }
    }

    /** A temperature whose scaled maximum overflows is the greedy limit; a bias overflowing f32 is clamped. */
    @Test
    void extremeTemperaturesAndOverflowingBiasesStillGiveAToken() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, 3, 5)
                    .copyFrom(new float[] {1f, 7f, -2f, 7f, 0.5f, 1f, 2f, -2f, 3f, 0.5f, 1f, 3e38f, -2f, 3e38f, 0.5f});
            TensorView biasIds = TensorView.allocate(arena, DType.I32, 3, 1);
            biasIds.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 2, 3);
            TensorView biasValues = TensorView.allocate(arena, DType.F32, 3, 1).copyFrom(new float[] {0f, 0f, 3e38f});
            SamplingParameters params = SamplingParameters.allocate(arena, 3).logitBias(biasIds, biasValues);
            params.row(0).temperature(1e-39f);
            params.row(1).temperature(1e-39f).temperatureLast(true).topK(2);
            params.row(2).biasCount(1);
            TensorView tokens = TensorView.allocate(arena, DType.I32, 3);
            TensorView lp = TensorView.allocate(arena, DType.F32, 3);
            engine.sample(logits, params, DecodeOutputs.of(tokens).withLogprobs(lp));
            assertThat(tokens.toFloatArray()).containsExactly(1f, 3f, 3f);
            assertThat(lp.toFloatArray()).containsExactly(0f, 0f, 0f);
        }
    }

    @Test
    void sixteenBitAndStridedLogitsMatchTheReferenceOnTheirValues() {
        Random random = new Random(8);
        int vocab = 3000;
        Settings[] settings = {Settings.of(0.9f, 20, 0.9f, 0f), Settings.of(1f, 0, 0.8f, 0.01f)};
        for (DType type : List.of(DType.BF16, DType.F16)) {
            float[][] rows = {randomRow(random, vocab, 0.1), randomRow(random, vocab, 0.0)};
            try (Arena arena = Arena.ofConfined()) {
                // the values the engine sees: rounded to the type
                TensorView rounded = TensorView.allocate(arena, type, 2, vocab);
                float[] flat = new float[2 * vocab];
                System.arraycopy(rows[0], 0, flat, 0, vocab);
                System.arraycopy(rows[1], 0, flat, vocab, vocab);
                float[] seen = rounded.copyFrom(flat).toFloatArray();
                rows = new float[][] {Arrays.copyOfRange(seen, 0, vocab), Arrays.copyOfRange(seen, vocab, 2 * vocab)};
            }
            assertMatchesReference(rows, settings, run(rows, settings, type), type.label());
        }
        // a transposed (strided) f32 view: rows along a stride of 2
        float[][] rows = {randomRow(random, vocab, 0.0), randomRow(random, vocab, 0.1)};
        try (Arena arena = Arena.ofConfined()) {
            TensorView storage = TensorView.allocate(arena, DType.F32, vocab, 2);
            TensorView logits = TensorView.wrap(storage.segment(), DType.F32, new long[] {2, vocab}, new long[] {1, 2});
            for (int r = 0; r < 2; r++) {
                for (int i = 0; i < vocab; i++) {
                    logits.setFloat(rows[r][i], r, i);
                }
            }
            SamplingParameters params = SamplingParameters.allocate(arena, 2);
            settings[0].applyTo(params.row(0));
            settings[1].applyTo(params.row(1).step(1));
            TensorView tokens = TensorView.allocate(arena, DType.I32, 2);
            engine.sample(logits, params, DecodeOutputs.of(tokens).withLogitsProcessedInPlace(true));
            for (int r = 0; r < 2; r++) {
                float[] processed = new float[vocab];
                for (int i = 0; i < vocab; i++) {
                    processed[i] = logits.getFloat(r, i);
                }
                assertThat(ReferenceSampler.support(processed))
                        .as("strided row " + r)
                        .containsExactly(ReferenceSampler.support(ReferenceSampler.distribution(rows[r], settings[r])));
            }
        }
    }

    @Test
    void topLogprobsMatchTheReferenceSortedDescendingTiesByLowerId() {
        Random random = new Random(21);
        int vocab = 500;
        float[] row = randomRow(random, vocab, 0.1);
        row[10] = row[20] = row[30] = 9f; // ties at the top
        Settings settings = Settings.of(0.8f, 0, 0.9f, 0f);
        for (DecodeOutputs.LogprobSource source : DecodeOutputs.LogprobSource.values()) {
            for (int n : new int[] {1, 5, 20}) {
                try (Arena arena = Arena.ofConfined()) {
                    TensorView logits =
                            TensorView.allocate(arena, DType.F32, 1, vocab).copyFrom(row);
                    SamplingParameters params = SamplingParameters.allocate(arena, 1);
                    settings.applyTo(params.row(0));
                    TensorView tokens = TensorView.allocate(arena, DType.I32, 1);
                    TensorView ids = TensorView.allocate(arena, DType.I64, 1, n);
                    TensorView lps = TensorView.allocate(arena, DType.F32, 1, n);
                    engine.sample(logits, params, DecodeOutputs.of(tokens).withTopLogprobs(ids, lps, source));
                    double[] expected = new double[vocab];
                    if (source == DecodeOutputs.LogprobSource.RAW) {
                        expected = ReferenceSampler.logSoftmax(row);
                    } else {
                        double[] p = ReferenceSampler.distribution(row, settings);
                        for (int i = 0; i < vocab; i++) {
                            expected[i] = Math.log(p[i]);
                        }
                    }
                    double[] e = expected;
                    Integer[] order = IntStream.range(0, vocab)
                            .filter(i -> e[i] != Double.NEGATIVE_INFINITY)
                            .boxed()
                            .sorted((a, b) -> e[a] != e[b] ? Double.compare(e[b], e[a]) : Integer.compare(a, b))
                            .toArray(Integer[]::new);
                    for (int j = 0; j < n; j++) {
                        long id = ids.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, j);
                        if (j < order.length) {
                            assertThat(id)
                                    .as(source + " top " + n + " entry " + j)
                                    .isEqualTo((long) order[j]);
                            assertThat((double) lps.getFloat(0, j)).isCloseTo(e[order[j]], within(3e-5));
                        } else {
                            assertThat(id).isEqualTo(-1L);
                            assertThat(lps.getFloat(0, j)).isEqualTo(Float.NEGATIVE_INFINITY);
                        }
                    }
                }
            }
        }
    }

    /** Penalties, bias and bitmask: the processed logits equal the documented f32 formulas, bit for bit. */
    @Test
    void processorsMatchTheReferenceOnTheLogits() {
        Random random = new Random(13);
        int vocab = 200;
        int batch = 4;
        int historyColumns = 30;
        int biasColumns = 6;
        try (Arena arena = Arena.ofConfined()) {
            float[][] rows = new float[batch][];
            float[] flat = new float[batch * vocab];
            for (int r = 0; r < batch; r++) {
                rows[r] = randomRow(random, vocab, 0.05);
                System.arraycopy(rows[r], 0, flat, r * vocab, vocab);
            }
            TensorView logits =
                    TensorView.allocate(arena, DType.F32, batch, vocab).copyFrom(flat);
            TensorView history = TensorView.allocate(arena, DType.I32, batch, historyColumns);
            TensorView biasIds = TensorView.allocate(arena, DType.I64, batch, biasColumns);
            TensorView biasValues = TensorView.allocate(arena, DType.F32, batch, biasColumns);
            TensorView mask = TensorView.allocate(arena, DType.I32, batch, (vocab + 31) / 32 + 1);
            SamplingParameters params = SamplingParameters.allocate(arena, batch)
                    .history(history)
                    .logitBias(biasIds, biasValues)
                    .allowedTokens(mask);
            float[][] expected = new float[batch][];
            for (int r = 0; r < batch; r++) {
                int length = r * 9;
                int[] h = new int[length];
                for (int j = 0; j < length; j++) {
                    h[j] = random.nextInt(20); // repeats
                    history.segment()
                            .setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, (long) r * historyColumns + j, h[j]);
                }
                int count = r + 2;
                int[] ids = new int[count];
                float[] values = new float[count];
                for (int j = 0; j < count; j++) {
                    ids[j] = j == 1 ? ids[0] : random.nextInt(vocab); // an id listed twice
                    values[j] = (float) random.nextGaussian() * 2;
                    biasIds.segment()
                            .setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, (long) r * biasColumns + j, ids[j]);
                    biasValues.setFloat(values[j], r, j);
                }
                int[] words = new int[(vocab + 31) / 32 + 1];
                for (int w = 0; w < words.length; w++) {
                    words[w] = r == 0 ? -1 : random.nextInt() | 1;
                    mask.segment()
                            .setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, (long) r * words.length + w, words[w]);
                }
                float repetition = 1f + 0.3f * r;
                float presence = 0.25f * r;
                float frequency = -0.1f * r;
                params.row(r)
                        .repetitionPenalty(repetition)
                        .presencePenalty(presence)
                        .frequencyPenalty(frequency)
                        .historyLength(length)
                        .biasCount(count);
                expected[r] = ReferenceSampler.process(rows[r], h, repetition, presence, frequency, ids, values, words);
            }
            TensorView tokens = TensorView.allocate(arena, DType.I64, batch);
            engine.sample(logits, params, DecodeOutputs.of(tokens).withLogitsProcessedInPlace(true));
            for (int r = 0; r < batch; r++) {
                float[] actual = Arrays.copyOfRange(logits.toFloatArray(), r * vocab, (r + 1) * vocab);
                assertThat(actual).as("processed row " + r).containsExactly(expected[r]);
            }
        }
    }

    // ---------------------------------------------------------------- the pieces

    @Test
    void topKMaskingMatchesTheReference() {
        Random random = new Random(17);
        for (int vocab : new int[] {1, 9, 64, 5000}) {
            int batch = 6;
            float[] flat = new float[batch * vocab];
            for (int r = 0; r < batch; r++) {
                float[] row = r % 2 == 0 ? randomRow(random, vocab, 0.1) : new float[vocab];
                if (r % 2 == 1) {
                    for (int i = 0; i < vocab; i++) {
                        row[i] = random.nextInt(3);
                    }
                }
                System.arraycopy(row, 0, flat, r * vocab, vocab);
            }
            try (Arena arena = Arena.ofConfined()) {
                TensorView logits =
                        TensorView.allocate(arena, DType.F32, batch, vocab).copyFrom(flat);
                TensorView dst = TensorView.allocate(arena, DType.F32, batch, vocab);
                SamplingParameters params = SamplingParameters.allocate(arena, batch);
                int[] ks = new int[batch];
                for (int r = 0; r < batch; r++) {
                    ks[r] = random.nextInt(vocab + 2);
                    params.row(r).topK(ks[r]);
                }
                engine.topKMaskLogits(logits, params, dst);
                float[] out = dst.toFloatArray();
                for (int r = 0; r < batch; r++) {
                    float[] row = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
                    Integer[] order = ReferenceSampler.sortedCandidates(row);
                    int kept = ks[r] == 0 ? order.length : Math.min(ks[r], order.length);
                    float[] expected = new float[vocab];
                    Arrays.fill(expected, Float.NEGATIVE_INFINITY);
                    for (int j = 0; j < kept; j++) {
                        expected[order[j]] = row[order[j]];
                    }
                    assertThat(Arrays.copyOfRange(out, r * vocab, (r + 1) * vocab))
                            .as("vocab %d row %d k %d", vocab, r, ks[r])
                            .containsExactly(expected);
                }
            }
        }
    }

    @Test
    void topKAndTopPRenormalisedProbabilitiesMatchTheReference() {
        Random random = new Random(19);
        for (int vocab : new int[] {1, 10, 100, 20000}) {
            int batch = 8;
            float[] flat = new float[batch * vocab];
            for (int r = 0; r < batch; r++) {
                double[] p = new double[vocab];
                double sum = 0;
                for (int i = 0; i < vocab; i++) {
                    p[i] = r % 2 == 0 ? Math.exp(random.nextGaussian() * 2) : random.nextInt(3);
                    sum += p[i];
                }
                if (sum == 0) {
                    p[0] = 1;
                    sum = 1;
                }
                for (int i = 0; i < vocab; i++) {
                    flat[r * vocab + i] = (float) (p[i] / sum);
                }
            }
            try (Arena arena = Arena.ofConfined()) {
                TensorView probs =
                        TensorView.allocate(arena, DType.F32, batch, vocab).copyFrom(flat);
                TensorView topK = TensorView.allocate(arena, DType.F32, batch, vocab);
                TensorView topP = TensorView.allocate(arena, DType.F32, batch, vocab);
                SamplingParameters params = SamplingParameters.allocate(arena, batch);
                for (int r = 0; r < batch; r++) {
                    params.row(r).topK(random.nextInt(vocab + 1)).topP(r == 7 ? 1f : 0.05f + 0.9f * random.nextFloat());
                }
                engine.topKRenormProbabilities(probs, params, topK);
                engine.topPRenormProbabilities(probs, params, topP);
                for (int r = 0; r < batch; r++) {
                    float[] row = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
                    float[] positive = row.clone();
                    for (int i = 0; i < vocab; i++) {
                        if (positive[i] <= 0) {
                            positive[i] = Float.NEGATIVE_INFINITY;
                        }
                    }
                    Integer[] order = ReferenceSampler.sortedCandidates(positive);
                    int k = params.topK(r) == 0 ? order.length : Math.min(params.topK(r), order.length);
                    assertRenormalised(
                            row,
                            order,
                            k,
                            Arrays.copyOfRange(topK.toFloatArray(), r * vocab, (r + 1) * vocab),
                            "top-k vocab " + vocab + " row " + r);
                    double total = 0;
                    for (float v : row) {
                        total += v;
                    }
                    double cumulative = 0;
                    int kept = order.length;
                    if (params.topP(r) < 1f) {
                        for (int j = 0; j < order.length; j++) {
                            cumulative += row[order[j]] / total;
                            if (cumulative >= params.topP(r)) {
                                kept = j + 1;
                                break;
                            }
                        }
                    }
                    assertRenormalised(
                            row,
                            order,
                            kept,
                            Arrays.copyOfRange(topP.toFloatArray(), r * vocab, (r + 1) * vocab),
                            "top-p vocab " + vocab + " row " + r);
                }
            }
        }
    }

    private static void assertRenormalised(float[] row, Integer[] order, int kept, float[] actual, String what) {
        double sum = 0;
        for (int j = 0; j < kept; j++) {
            sum += row[order[j]];
        }
        float[] expected = new float[row.length];
        for (int j = 0; j < kept; j++) {
            expected[order[j]] = (float) (row[order[j]] / sum);
        }
        for (int i = 0; i < row.length; i++) {
            if (expected[i] == 0) {
                assertThat(actual[i]).as(what + " token " + i).isZero();
            } else {
                assertThat(actual[i])
                        .as(what + " token " + i)
                        .isCloseTo(expected[i], within(1e-6f * expected[i] + 1e-12f));
            }
        }
    }
}
