package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.ReferenceSampler;
import dev.softmax.testing.ReferenceSampler.Settings;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The top-k prefilter (candidates collected from the caller's row at a sampled threshold, no working copy) gives
 * bit for bit the tokens, log-probabilities and top-N lists of the general path, which the exactness tests check
 * against the double reference. The general path is forced on the same rows by an allowed-token bitmask with
 * every bit set (the prefilter does not take bitmasked calls), so only the route differs.
 *
 * <p>The rows are chosen to stress a rising threshold: ties at the k-th value, few distinct values that the
 * temperature's f32 product merges, ascending runs and rare large values (many compactions), mostly masked rows
 * and rows with fewer finite tokens than k, and plain normal rows as the common case.
 */
@Tag("kernel-variants")
class TopKPrefilterEquivalenceTest {

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

    private record Result(long[] tokens, float[] logprobs, long[] topIds, float[] topLogprobs) {}

    private static final int TOP = 5;

    private static Result run(float[][] rows, Settings[] settings, boolean forceGeneral) {
        int batch = rows.length;
        int vocab = rows[0].length;
        try (Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, batch, vocab);
            for (int r = 0; r < batch; r++) {
                copyRow(rows[r], logits, r);
            }
            SamplingParameters params = SamplingParameters.allocate(arena, batch);
            for (int r = 0; r < batch; r++) {
                settings[r].applyTo(params.row(r).seed(1234 + r).step(7));
            }
            if (forceGeneral) {
                int words = (vocab + 31) / 32;
                TensorView mask = TensorView.allocate(arena, DType.I32, batch, words);
                mask.segment().fill((byte) -1);
                params.allowedTokens(mask);
            }
            TensorView tokens = TensorView.allocate(arena, DType.I64, batch);
            TensorView lp = TensorView.allocate(arena, DType.F32, batch);
            TensorView topIds = TensorView.allocate(arena, DType.I64, batch, TOP);
            TensorView topLp = TensorView.allocate(arena, DType.F32, batch, TOP);
            engine.sample(
                    logits,
                    params,
                    DecodeOutputs.of(tokens)
                            .withLogprobs(lp)
                            .withTopLogprobs(topIds, topLp, DecodeOutputs.LogprobSource.PROCESSED));
            return new Result(
                    tokens.segment().toArray(ValueLayout.JAVA_LONG),
                    lp.toFloatArray(),
                    topIds.segment().toArray(ValueLayout.JAVA_LONG),
                    topLp.toFloatArray());
        }
    }

    private static void assertSameAsGeneralPath(float[][] rows, Settings[] settings, String what) {
        Result fast = run(rows, settings, false);
        Result general = run(rows, settings, true);
        for (int r = 0; r < rows.length; r++) {
            String label = what + " row " + r + " " + settings[r];
            assertThat(fast.tokens()[r]).as(label + ": token").isEqualTo(general.tokens()[r]);
            assertThat(Float.floatToRawIntBits(fast.logprobs()[r]))
                    .as(label + ": logprob bits")
                    .isEqualTo(Float.floatToRawIntBits(general.logprobs()[r]));
            double[] p = ReferenceSampler.distribution(rows[r], settings[r]);
            assertThat(p[(int) fast.tokens()[r]])
                    .as(label + ": token kept by the reference")
                    .isGreaterThan(0);
        }
        assertThat(fast.topIds()).as(what + ": top ids").containsExactly(general.topIds());
        for (int i = 0; i < fast.topLogprobs().length; i++) {
            assertThat(Float.floatToRawIntBits(fast.topLogprobs()[i]))
                    .as(what + ": top logprob " + i)
                    .isEqualTo(Float.floatToRawIntBits(general.topLogprobs()[i]));
        }
    }

    private static List<Settings> settings() {
        return List.of(
                Settings.of(0.8f, 50, 0.9f, 0f),
                Settings.of(1f, 50, 1f, 0f),
                Settings.of(0.7f, 20, 1f, 0.05f),
                Settings.of(1.3f, 1, 1f, 0f),
                Settings.of(0.9f, 200, 0.95f, 0f),
                new Settings(0.8f, 50, 0.9f, 0.02f, true),
                Settings.of(1e-30f, 40, 1f, 0f));
    }

    private static void check(int vocab, java.util.function.Function<Random, float[]> rowMaker, String what) {
        Random random = new Random(vocab * 977L + what.hashCode());
        List<Settings> all = settings();
        int batch = all.size() * 2;
        float[][] rows = new float[batch][];
        Settings[] chosen = new Settings[batch];
        for (int r = 0; r < batch; r++) {
            rows[r] = rowMaker.apply(random);
            chosen[r] = all.get(r % all.size());
        }
        assertSameAsGeneralPath(rows, chosen, what + " vocab " + vocab);
    }

    @Test
    void normalRowsGiveTheGeneralPathsResults() {
        for (int vocab : new int[] {3200, 32000, 128256}) {
            check(vocab, random -> normal(random, vocab, 2), "normal");
        }
    }

    @Test
    void fewDistinctValuesMergedByTheTemperatureGiveTheGeneralPathsResults() {
        // Adjacent floats: the product by 1/T rounds neighbours together, so the scaled k-th value ties with
        // values below the sampled threshold, the case the prefilter must hand back to the general path.
        for (int vocab : new int[] {4000, 32000}) {
            check(
                    vocab,
                    random -> {
                        float[] row = new float[vocab];
                        for (int i = 0; i < vocab; i++) {
                            float v = 3.0f;
                            for (int up = random.nextInt(6); up > 0; up--) {
                                v = Math.nextUp(v);
                            }
                            row[i] = random.nextInt(50) == 0 ? v : v - 1f - random.nextInt(3);
                        }
                        return row;
                    },
                    "adjacent");
        }
    }

    @Test
    void integerRowsWithTiesAtTheKthGiveTheGeneralPathsResults() {
        check(
                32000,
                random -> {
                    float[] row = new float[32000];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = random.nextInt(12);
                    }
                    return row;
                },
                "integer");
    }

    @Test
    void structuredRowsGiveTheGeneralPathsResults() {
        // Every other token tiny, then a few large values placed late: the threshold rises in steps.
        int vocab = 32000;
        check(
                vocab,
                random -> {
                    float[] row = normal(random, vocab, 1);
                    for (int i = 0; i < vocab; i += 2) {
                        row[i] = -50f + random.nextFloat();
                    }
                    return row;
                },
                "alternating");
        check(
                vocab,
                random -> {
                    float[] row = normal(random, vocab, 1);
                    for (int i = 0; i < vocab; i += 64) {
                        row[i] = -30f;
                    }
                    for (int i = 0; i < 40; i++) {
                        row[1 + 64 * random.nextInt(vocab / 64 - 1)] = 20f + i;
                    }
                    return row;
                },
                "rare-large");
    }

    @Test
    void ascendingRowsGiveTheGeneralPathsResults() {
        int vocab = 32000;
        check(
                vocab,
                random -> {
                    float[] row = new float[vocab];
                    for (int i = 0; i < vocab; i++) {
                        row[i] = i * 1e-3f + random.nextFloat() * 1e-2f;
                    }
                    return row;
                },
                "ascending");
    }

    @Test
    void repeatedMaximaAndMaskedRowsGiveTheGeneralPathsResults() {
        int vocab = 32000;
        check(
                vocab,
                random -> {
                    float[] row = normal(random, vocab, 1);
                    for (int i = 0; i < vocab; i += 64) {
                        row[i] = 9f;
                    }
                    return row;
                },
                "repeated-max");
        check(
                vocab,
                random -> {
                    float[] row = normal(random, vocab, 1);
                    for (int i = 0; i < vocab; i++) {
                        if (i % 64 == 0 || random.nextInt(4) != 0) {
                            row[i] = Float.NEGATIVE_INFINITY;
                        }
                    }
                    return row;
                },
                "mostly-masked");
        check(
                vocab,
                random -> {
                    float[] row = new float[vocab];
                    java.util.Arrays.fill(row, Float.NEGATIVE_INFINITY);
                    List<Integer> spots = new ArrayList<>();
                    for (int i = 0; i < 30; i++) {
                        spots.add(random.nextInt(vocab));
                    }
                    for (int spot : spots) {
                        row[spot] = (float) random.nextGaussian();
                    }
                    return row;
                },
                "fewer-finite-than-k");
    }

    @Test
    void aTokenBelowTheThresholdThatTheTemperatureTiesWithTheKthIsKept() {
        // k = 16 gives the prefilter a list of 512 entries, so the scan compacts at the 513th token: b sits at 16
        // tokens among the first 512, so the threshold rises to b and drops a = nextDown(b) at token 1. Yet
        // 1.25f * a == 1.25f * b in f32: the 16 largest scaled values are 17 ties and the lowest ids win, so token 1
        // is kept and the highest b is not. A prefilter that trusted its list alone would keep the other set.
        int vocab = 4096;
        float a = Math.nextUp(1.75f);
        float b = Math.nextUp(a);
        assertThat(a * (1f / 0.8f))
                .as("the construction: the product ties a with b")
                .isEqualTo(b * (1f / 0.8f));
        float[] row = new float[vocab];
        for (int i = 0; i < 16; i++) {
            row[100 + 20 * i] = b;
        }
        row[1] = a;
        Settings settings = Settings.of(0.8f, 16, 1f, 0f);
        float[][] rows = new float[8][];
        Settings[] chosen = new Settings[rows.length];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = row;
            chosen[r] = settings;
        }
        assertSameAsGeneralPath(rows, chosen, "scaled tie below the threshold");
        long keptLowId = run(rows, chosen, false).topIds()[0];
        assertThat(keptLowId)
                .as("the top list (ties by lower id) starts with token 1")
                .isEqualTo(1);
    }

    /**
     * The prefilter's scan is the row's check: NaN, +inf or a row of -inf on that path fail the call with the
     * error a row-by-row check gives (the lowest failing row), on 1 and 2 threads, and nothing is written.
     */
    @Test
    void rowsFailingTheCheckOnThePrefilterPathWriteNothing() {
        int vocab = 32000;
        int batch = 6;
        for (int threads : new int[] {1, 2}) {
            try (SoftmaxEngine local = SoftmaxEngine.create(EngineOptions.builder()
                            .backend(Backend.JAVA)
                            .threads(threads)
                            .build());
                    Arena arena = Arena.ofShared()) {
                Random random = new Random(21);
                TensorView logits = TensorView.allocate(arena, DType.F32, batch, vocab);
                for (int r = 0; r < batch; r++) {
                    copyRow(normal(random, vocab, 2), logits, r);
                }
                SamplingParameters params = SamplingParameters.allocate(arena, batch);
                for (int r = 0; r < batch; r++) {
                    params.row(r).temperature(0.8f).topK(50).topP(0.9f).seed(r).step(1);
                }
                TensorView tokens = TensorView.allocate(arena, DType.I64, batch);
                TensorView lp = TensorView.allocate(arena, DType.F32, batch);
                DecodeOutputs outputs = DecodeOutputs.of(tokens).withLogprobs(lp);
                Object[][] cases = {
                    {2, 31000, Float.NaN, "logits: row 2 holds NaN at token 31000"},
                    {1, 5, Float.POSITIVE_INFINITY, "logits: row 1 holds Infinity at token 5"},
                    {4, -1, Float.NEGATIVE_INFINITY, "logits: row 4 has no token that is both allowed and above -inf"}
                };
                for (Object[] c : cases) {
                    int row = (Integer) c[0];
                    int token = (Integer) c[1];
                    float value = (Float) c[2];
                    float[] saved = new float[vocab];
                    java.lang.foreign.MemorySegment.copy(
                            logits.segment(), ValueLayout.JAVA_FLOAT, 4L * row * vocab, saved, 0, vocab);
                    if (token >= 0) {
                        logits.segment().setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * vocab + token, value);
                        // a later row failing too: the lowest failing row is the one reported
                        logits.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 5L * vocab + 7, Float.NaN);
                    } else {
                        logits.segment()
                                .asSlice(4L * row * vocab, 4L * vocab)
                                .elements(ValueLayout.JAVA_FLOAT)
                                .forEach(e -> e.set(ValueLayout.JAVA_FLOAT, 0, Float.NEGATIVE_INFINITY));
                    }
                    tokens.segment().fill((byte) 0x5A);
                    lp.segment().fill((byte) 0x5A);
                    String label = threads + " threads, " + c[3];
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> local.sample(logits, params, outputs))
                            .as(label)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageStartingWith((String) c[3]);
                    assertThat(tokens.segment()
                                    .elements(ValueLayout.JAVA_BYTE)
                                    .allMatch(e -> e.get(ValueLayout.JAVA_BYTE, 0) == 0x5A))
                            .as(label + ": tokens unchanged")
                            .isTrue();
                    assertThat(lp.segment()
                                    .elements(ValueLayout.JAVA_BYTE)
                                    .allMatch(e -> e.get(ValueLayout.JAVA_BYTE, 0) == 0x5A))
                            .as(label + ": logprobs unchanged")
                            .isTrue();
                    java.lang.foreign.MemorySegment.copy(
                            saved, 0, logits.segment(), ValueLayout.JAVA_FLOAT, 4L * row * vocab, vocab);
                    logits.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 5L * vocab + 7, 0f);
                }
                local.sample(logits, params, outputs);
                assertThat(tokens.segment().getAtIndex(ValueLayout.JAVA_LONG, 0))
                        .as("the restored batch samples")
                        .isBetween(0L, (long) vocab - 1);
            }
        }
    }

    private static void copyRow(float[] row, TensorView view, int r) {
        java.lang.foreign.MemorySegment.copy(
                row, 0, view.segment(), ValueLayout.JAVA_FLOAT, 4L * r * row.length, row.length);
    }

    private static float[] normal(Random random, int n, double sigma) {
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            row[i] = (float) (sigma * random.nextGaussian());
        }
        return row;
    }
}
