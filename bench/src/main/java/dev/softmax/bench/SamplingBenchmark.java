package dev.softmax.bench;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.EngineOptions;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.bench.SamplingWorkload.Scenario;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The engine's decode step, {@link SoftmaxEngine#sample}, on a {@code [rows, vocab]} f32 batch with per-row
 * parameters (each row its own seed), 1 thread, backend AUTO, in the four scenarios of {@link SamplingWorkload};
 * and {@link #softmax()}, the engine's softmax of the same batch into an f32 tensor: the floor the report divides
 * by ({@code softmax} ignores the scenario; the suite runs it with one). The logits are not modified.
 *
 * <p>Self-check in {@code @Setup}: the measured method runs once and its tokens are checked
 * ({@link SamplingWorkload#check}); scenario (c) also checks the chosen and top-20 log-probabilities (sorted,
 * at most 0, the chosen one among them or below the 20th).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class SamplingBenchmark {

    /** The decode shapes of issue 12: one long row, an LLM batch at a 128k vocabulary, a big batch at 32k. */
    public static final String[] SHAPES = {"1x128256", "64x128256", "256x32000"};

    @Param({"1x128256", "64x128256", "256x32000"})
    public String shape;

    @Param({"GREEDY", "TOPK_TOPP", "TOPP_LOGPROBS", "PENALTIES_MASK_TOPP"})
    public Scenario scenario;

    private Arena arena;
    private SoftmaxEngine engine;
    private TrialLog log;
    private TensorView logits;
    private TensorView probabilities;
    private SamplingParameters parameters;
    private DecodeOutputs outputs;
    private TensorView tokens;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Shape s = Shape.parse(shape);
        SamplingWorkload workload = new SamplingWorkload(s, scenario);
        arena = Arena.ofShared();
        engine = SoftmaxEngine.create(EngineOptions.builder()
                .backend(Backend.AUTO)
                .threads(1)
                .warmUp(true)
                .build());
        int rows = s.rows();
        logits = TensorView.allocate(arena, DType.F32, s.dims());
        Data.write(logits.segment(), DType.F32, workload.logits);
        probabilities = TensorView.allocate(arena, DType.F32, s.dims());
        parameters = SamplingParameters.allocate(arena, rows);
        workload.configure(parameters);
        if (scenario.penalties()) {
            TensorView history = TensorView.allocate(arena, DType.I32, rows, SamplingWorkload.HISTORY);
            MemorySegment.copy(
                    workload.history, 0, history.segment(), ValueLayout.JAVA_INT, 0, workload.history.length);
            TensorView bitmask = TensorView.allocate(arena, DType.I32, rows, workload.words);
            MemorySegment.copy(
                    workload.bitmask, 0, bitmask.segment(), ValueLayout.JAVA_INT, 0, workload.bitmask.length);
            parameters.history(history).allowedTokens(bitmask);
        }
        tokens = TensorView.allocate(arena, DType.I64, rows);
        TensorView chosen = TensorView.allocate(arena, DType.F32, rows);
        TensorView topIds = TensorView.allocate(arena, DType.I64, rows, SamplingWorkload.TOP);
        TensorView topLogprobs = TensorView.allocate(arena, DType.F32, rows, SamplingWorkload.TOP);
        outputs = DecodeOutputs.of(tokens);
        if (scenario.logprobs()) {
            outputs = outputs.withLogprobs(chosen)
                    .withTopLogprobs(topIds, topLogprobs, DecodeOutputs.LogprobSource.PROCESSED);
        }

        log = TrialLog.of(params);
        String what = Benchmarks.describe(params);
        if (Benchmarks.method(params).equals("softmax")) {
            softmax();
            float[] p = Data.read(probabilities.segment(), DType.F32, 0, s.columns());
            double sum = 0;
            for (float v : p) {
                sum += v;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                throw new IllegalStateException(what + ": row 0 of the softmax sums to " + sum);
            }
            log.put("check.rows", 1).put("check.maxError", Math.abs(sum - 1));
            return;
        }
        sample();
        long[] drawn = new long[rows];
        MemorySegment.copy(tokens.segment(), ValueLayout.JAVA_LONG, 0, drawn, 0, rows);
        int checked = workload.check(drawn, what);
        if (scenario.logprobs()) {
            for (int r = 0; r < rows; r++) {
                float lp = chosen.getFloat(r);
                float previous = 0;
                boolean listed = false;
                for (int j = 0; j < SamplingWorkload.TOP; j++) {
                    float v = topLogprobs.getFloat(r, j);
                    long id = topIds.segment().getAtIndex(ValueLayout.JAVA_LONG, (long) r * SamplingWorkload.TOP + j);
                    if (v > previous + 1e-6f || (id < 0 && v != Float.NEGATIVE_INFINITY)) {
                        throw new IllegalStateException(what + ": row " + r + " top-20 entry " + j + " (" + id + ", "
                                + v + ") is out of order or not a log-probability");
                    }
                    listed |= id == drawn[r];
                    previous = v;
                }
                if (!(lp <= 1e-6f) || (!listed && lp > previous + 1e-6f)) {
                    throw new IllegalStateException(
                            what + ": row " + r + " chosen log-probability " + lp + " is inconsistent with its top-20");
                }
            }
        }
        log.put("check.rows", checked).put("check.maxError", 0);
    }

    /** The decode step: every row drawn with its own parameters. */
    @Benchmark
    public TensorView sample() {
        engine.sample(logits, parameters, outputs);
        return tokens;
    }

    /** The floor: the engine's softmax of the same batch (f32 in, f32 out). */
    @Benchmark
    public TensorView softmax() {
        engine.softmax(logits, probabilities);
        return probabilities;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (engine == null) {
            return;
        }
        try {
            if (log != null) {
                log.engine(engine).write();
            }
        } finally {
            engine.close();
            arena.close();
        }
    }
}
