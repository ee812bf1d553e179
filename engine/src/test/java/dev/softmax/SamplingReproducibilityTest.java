package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.ReferenceSampler.Settings;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request's token depends only on its own logits, settings and (seed, step): the same for 1 and 2 engine
 * threads, for JAVA and AUTO, on repeated runs, and for a row alone or inside any batch.
 */
class SamplingReproducibilityTest {

    static final int VOCAB = 40_000;
    static final int HISTORY = 16;
    static final int BIASES = 4;

    private static final List<SoftmaxEngine> ENGINES = new ArrayList<>();

    @BeforeAll
    static void open() {
        for (Backend backend : List.of(Backend.JAVA, Backend.AUTO)) {
            for (int threads : new int[] {1, 2}) {
                ENGINES.add(SoftmaxEngine.create(EngineOptions.builder()
                        .backend(backend)
                        .threads(threads)
                        .build()));
            }
        }
    }

    @AfterAll
    static void close() {
        ENGINES.forEach(SoftmaxEngine::close);
    }

    /** One request: its logits and everything that decides its token. */
    record Request(
            float[] logits,
            Settings settings,
            long seed,
            long step,
            int[] history,
            float repetition,
            float presence,
            float frequency,
            int[] biasIds,
            float[] biasValues,
            int[] bitmask) {}

    static List<Request> requests(int count, long seed) {
        Random random = new Random(seed);
        List<Request> requests = new ArrayList<>();
        Settings[] settings = {
            Settings.of(1f, 0, 1f, 0f),
            Settings.of(0.8f, 50, 0.9f, 0f),
            Settings.of(1f, 0, 0.95f, 0f),
            Settings.of(0f, 0, 1f, 0f),
            Settings.of(1.3f, 0, 1f, 0.05f),
            new Settings(0.7f, 40, 0.8f, 0.02f, true),
            Settings.of(0.5f, 1000, 0.99f, 0.001f)
        };
        for (int i = 0; i < count; i++) {
            float[] logits = TestTensors.normal(random, VOCAB, 2.5);
            int[] history = new int[random.nextInt(HISTORY + 1)];
            for (int j = 0; j < history.length; j++) {
                history[j] = random.nextInt(VOCAB);
            }
            int[] biasIds = new int[random.nextInt(BIASES + 1)];
            float[] biasValues = new float[biasIds.length];
            for (int j = 0; j < biasIds.length; j++) {
                biasIds[j] = random.nextInt(VOCAB);
                biasValues[j] = (float) random.nextGaussian() * 3;
            }
            int[] bitmask = new int[(VOCAB + 31) / 32];
            for (int w = 0; w < bitmask.length; w++) {
                bitmask[w] = i % 3 == 0 ? -1 : random.nextInt();
            }
            requests.add(new Request(
                    logits,
                    settings[i % settings.length],
                    random.nextLong(),
                    random.nextInt(1000),
                    history,
                    1f + random.nextFloat(),
                    random.nextFloat(),
                    random.nextFloat() * 0.5f,
                    biasIds,
                    biasValues,
                    bitmask));
        }
        return requests;
    }

    /** What the engine wrote for a batch: per row the token, its logprob, and the top-5 ids. */
    record Result(long[] tokens, float[] logprobs, long[] topIds) {
        long[] row(int r) {
            return new long[] {tokens[r], Float.floatToIntBits(logprobs[r]), topIds[5 * r], topIds[5 * r + 4]};
        }
    }

    /** Whatever computes a decode step: an engine, or the computation over a chosen kernel. */
    interface Sampler {
        void sample(TensorView logits, SamplingParameters parameters, DecodeOutputs outputs);
    }

    static Result run(SoftmaxEngine engine, List<Request> batch) {
        return run((Sampler) engine::sample, batch);
    }

    static Result run(Sampler engine, List<Request> batch) {
        int rows = batch.size();
        try (Arena arena = Arena.ofShared()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, rows, VOCAB);
            TensorView history = TensorView.allocate(arena, DType.I32, rows, HISTORY);
            TensorView biasIds = TensorView.allocate(arena, DType.I32, rows, BIASES);
            TensorView biasValues = TensorView.allocate(arena, DType.F32, rows, BIASES);
            TensorView mask = TensorView.allocate(arena, DType.I32, rows, (VOCAB + 31) / 32);
            SamplingParameters params = SamplingParameters.allocate(arena, rows)
                    .history(history)
                    .logitBias(biasIds, biasValues)
                    .allowedTokens(mask);
            for (int r = 0; r < rows; r++) {
                Request q = batch.get(r);
                java.lang.foreign.MemorySegment.copy(
                        q.logits(), 0, logits.segment(), ValueLayout.JAVA_FLOAT, 4L * r * VOCAB, VOCAB);
                for (int j = 0; j < q.history().length; j++) {
                    history.segment().setAtIndex(ValueLayout.JAVA_INT, (long) r * HISTORY + j, q.history()[j]);
                }
                for (int j = 0; j < q.biasIds().length; j++) {
                    biasIds.segment().setAtIndex(ValueLayout.JAVA_INT, (long) r * BIASES + j, q.biasIds()[j]);
                    biasValues.setFloat(q.biasValues()[j], r, j);
                }
                java.lang.foreign.MemorySegment.copy(
                        q.bitmask(),
                        0,
                        mask.segment(),
                        ValueLayout.JAVA_INT,
                        4L * r * q.bitmask().length,
                        q.bitmask().length);
                SamplingParameters.Row row = params.row(r)
                        .seed(q.seed())
                        .step(q.step())
                        .historyLength(q.history().length)
                        .repetitionPenalty(q.repetition())
                        .presencePenalty(q.presence())
                        .frequencyPenalty(q.frequency())
                        .biasCount(q.biasIds().length);
                q.settings().applyTo(row);
            }
            TensorView tokens = TensorView.allocate(arena, DType.I64, rows);
            TensorView logprobs = TensorView.allocate(arena, DType.F32, rows);
            TensorView topIds = TensorView.allocate(arena, DType.I64, rows, 5);
            TensorView topLogprobs = TensorView.allocate(arena, DType.F32, rows, 5);
            engine.sample(
                    logits,
                    params,
                    DecodeOutputs.of(tokens)
                            .withLogprobs(logprobs)
                            .withTopLogprobs(topIds, topLogprobs, DecodeOutputs.LogprobSource.PROCESSED));
            return new Result(
                    tokens.segment().toArray(ValueLayout.JAVA_LONG),
                    logprobs.toFloatArray(),
                    topIds.segment().toArray(ValueLayout.JAVA_LONG));
        }
    }

    @Test
    void sameTokensForOneAndTwoThreadsJavaAndAutoAndRepeatedRuns() {
        List<Request> batch = requests(14, 1);
        Result first = run(ENGINES.get(0), batch);
        for (SoftmaxEngine engine : ENGINES) {
            for (int repeat = 0; repeat < 2; repeat++) {
                Result again = run(engine, batch);
                assertThat(again.tokens())
                        .as(engine.options() + " run " + repeat)
                        .containsExactly(first.tokens());
                assertThat(again.logprobs())
                        .as(engine.options() + " run " + repeat)
                        .containsExactly(first.logprobs());
                assertThat(again.topIds())
                        .as(engine.options() + " run " + repeat)
                        .containsExactly(first.topIds());
            }
        }
        // the batch is not degenerate: rows draw different tokens
        assertThat(Arrays.stream(first.tokens()).distinct().count()).isGreaterThan(5);
    }

    @Test
    void aRowGetsTheSameTokenAloneOrInsideAnyBatch() {
        List<Request> batch = requests(10, 2);
        Result together = run(ENGINES.get(1), batch);
        for (int r = 0; r < batch.size(); r++) {
            Result alone = run(ENGINES.get(0), List.of(batch.get(r)));
            assertThat(alone.row(0)).as("row " + r + " alone").containsExactly(together.row(r));
        }
        // among other requests with other settings, in another order
        List<Request> others = requests(6, 3);
        List<Request> mixed = new ArrayList<>(others);
        mixed.addAll(batch);
        Collections.reverse(mixed);
        Result inMixed = run(ENGINES.get(3), mixed);
        for (int r = 0; r < batch.size(); r++) {
            int at = mixed.indexOf(batch.get(r));
            assertThat(inMixed.row(at))
                    .as("row " + r + " at " + at + " of a mixed batch")
                    .containsExactly(together.row(r));
        }
    }

    /** The kernels serve only exact steps (maximum, f32 scaling): the scalar kernel gives the same tokens. */
    @Test
    void sameTokensOnTheScalarKernelAsOnTheActiveKernel() {
        List<Request> batch = requests(14, 5);
        dev.softmax.internal.kernel.KernelProvider active = dev.softmax.internal.kernel.KernelProvider.get();
        dev.softmax.internal.kernel.KernelProvider scalar = dev.softmax.internal.kernel.KernelProvider.lookup("scalar");
        try (dev.softmax.internal.rows.RowParallelism one = new dev.softmax.internal.rows.RowParallelism(1)) {
            Result[] results = new Result[2];
            int i = 0;
            for (dev.softmax.internal.kernel.KernelProvider kernel : List.of(active, scalar)) {
                var computation = new dev.softmax.internal.sampling.SamplingComputation(kernel, one);
                results[i++] = run(
                        (logits, params, outputs) ->
                                computation.sample(dev.softmax.internal.sampling.SamplingValidation.validateSample(
                                        logits, params, outputs, kernel)),
                        batch);
            }
            assertThat(results[1].tokens()).as(active + " vs scalar").containsExactly(results[0].tokens());
            assertThat(results[1].topIds()).containsExactly(results[0].topIds());
        }
    }

    /** Without filters the step draws in one pass; asking for top-N takes the general path: the same tokens. */
    @Test
    void theSinglePassDrawAgreesWithTheGeneralPath() {
        int rows = 64;
        try (Arena arena = Arena.ofShared()) {
            float[] flat = TestTensors.normal(new Random(12), rows * 3000, 3);
            for (int i = 0; i < flat.length; i += 7) {
                flat[i] = Float.NEGATIVE_INFINITY;
            }
            TensorView logits =
                    TensorView.allocate(arena, DType.F32, rows, 3000).copyFrom(flat);
            SamplingParameters params = SamplingParameters.allocate(arena, rows);
            for (int r = 0; r < rows; r++) {
                params.row(r)
                        .seed(r)
                        .step(r * 3L)
                        .temperature(r % 2 == 0 ? 1f : 0.6f)
                        .temperatureLast(r % 4 == 1)
                        .topK(r % 3 == 0 ? 0 : 3000);
            }
            TensorView single = TensorView.allocate(arena, DType.I64, rows);
            TensorView singleLp = TensorView.allocate(arena, DType.F32, rows);
            TensorView general = TensorView.allocate(arena, DType.I64, rows);
            TensorView generalLp = TensorView.allocate(arena, DType.F32, rows);
            TensorView ids = TensorView.allocate(arena, DType.I64, rows, 2);
            TensorView lps = TensorView.allocate(arena, DType.F32, rows, 2);
            SoftmaxEngine engine = ENGINES.get(0);
            engine.sample(logits, params, DecodeOutputs.of(single).withLogprobs(singleLp));
            engine.sample(
                    logits,
                    params,
                    DecodeOutputs.of(general)
                            .withLogprobs(generalLp)
                            .withTopLogprobs(ids, lps, DecodeOutputs.LogprobSource.PROCESSED));
            assertThat(single.segment().toArray(ValueLayout.JAVA_LONG))
                    .containsExactly(general.segment().toArray(ValueLayout.JAVA_LONG));
            assertThat(singleLp.toFloatArray()).containsExactly(generalLp.toFloatArray());
        }
    }

    @Test
    void aNewStepOrSeedGivesNewDraws() {
        Request base = requests(1, 4).get(0);
        Request plain = new Request(
                base.logits(),
                Settings.of(1f, 0, 1f, 0f),
                9,
                0,
                new int[0],
                1f,
                0f,
                0f,
                new int[0],
                new float[0],
                base.bitmask());
        List<Request> steps = new ArrayList<>();
        for (int step = 0; step < 24; step++) {
            steps.add(new Request(
                    plain.logits(),
                    plain.settings(),
                    9,
                    step,
                    plain.history(),
                    1f,
                    0f,
                    0f,
                    plain.biasIds(),
                    plain.biasValues(),
                    plain.bitmask()));
        }
        assertThat(Arrays.stream(run(ENGINES.get(0), steps).tokens()).distinct().count())
                .isGreaterThan(12);
    }

    @Test
    void speculativeVerificationIsTheSameForOneAndTwoThreads() {
        int rows = 64;
        int k = 3;
        int vocab = 600;
        Random random = new Random(6);
        long[][] results = new long[2][];
        for (int e = 0; e < 2; e++) {
            random.setSeed(6);
            try (Arena arena = Arena.ofShared()) {
                TensorView target = TensorView.allocate(arena, DType.F32, rows, k + 1, vocab);
                TensorView draft = TensorView.allocate(arena, DType.F32, rows, k, vocab);
                float[] t = new float[rows * (k + 1) * vocab];
                for (int i = 0; i < t.length; i++) {
                    t[i] = random.nextFloat();
                }
                float[] d = new float[rows * k * vocab];
                for (int i = 0; i < d.length; i++) {
                    d[i] = random.nextFloat();
                }
                target.copyFrom(t);
                draft.copyFrom(d);
                TensorView draftTokens = TensorView.allocate(arena, DType.I32, rows, k);
                for (int i = 0; i < rows * k; i++) {
                    draftTokens.segment().setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(vocab));
                }
                SamplingParameters params = SamplingParameters.allocate(arena, rows);
                for (int r = 0; r < rows; r++) {
                    params.row(r).seed(r * 7919L).step(3);
                }
                TensorView accepted = TensorView.allocate(arena, DType.I32, rows);
                TensorView emitted = TensorView.allocate(arena, DType.I32, rows, k + 1);
                ENGINES.get(e).verifySpeculative(target, draft, draftTokens, params, accepted, emitted);
                long[] all = new long[rows * (k + 2)];
                for (int i = 0; i < rows; i++) {
                    all[i] = accepted.segment().getAtIndex(ValueLayout.JAVA_INT, i);
                }
                for (int i = 0; i < rows * (k + 1); i++) {
                    all[rows + i] = emitted.segment().getAtIndex(ValueLayout.JAVA_INT, i);
                }
                results[e] = all;
            }
        }
        assertThat(results[1]).containsExactly(results[0]);
    }
}
