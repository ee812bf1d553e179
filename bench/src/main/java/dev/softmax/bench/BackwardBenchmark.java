package dev.softmax.bench;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
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
 * Softmax and log-softmax backward through the engine's public API: {@code softmaxBackward(y, dy, dx)} and
 * {@code logSoftmaxBackward(y, dy, dx)}, where y is the forward output of the same engine. Each trial checks its
 * result once against the double-precision backward before it is timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class BackwardBenchmark {

    @Param({"8x16", "1x32000", "64x32000", "1x128256", "256x128256", "4096x128", "1024x1024", "1x1000000"})
    public String shape;

    @Param({"ONEDNN", "JAVA", "AUTO"})
    public Backend backend;

    @Param({"F32", "BF16"})
    public DType dtype;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private SoftmaxEngine engine;
    private TensorView s;
    private TensorView g;
    private TensorView dx;
    private TrialLog log;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        boolean isLog = Benchmarks.method(params).equals("logSoftmaxBackward");
        Shape sh = Shape.parse(shape);
        arena = Arena.ofShared();
        TensorView x = TensorView.allocate(arena, dtype, sh.dims());
        s = TensorView.allocate(arena, dtype, sh.dims());
        g = TensorView.allocate(arena, dtype, sh.dims());
        dx = TensorView.allocate(arena, dtype, sh.dims());
        Data.write(x.segment(), dtype, Data.logits(sh));
        Data.write(g.segment(), dtype, Data.gradient(sh));
        engine = SoftmaxEngine.create(EngineOptions.builder().backend(backend).threads(threads).warmUp(true).build());
        if (isLog) {
            engine.logSoftmax(x, s);
            logSoftmaxBackward();
        } else {
            engine.softmax(x, s);
            softmaxBackward();
        }
        float[] sValues = Data.read(s.segment(), dtype, 0, sh.elements());
        float[] gValues = Data.read(g.segment(), dtype, 0, sh.elements());
        Reference.Result result = Reference.checkBackward(
                isLog ? Reference.Op.LOG_SOFTMAX_BACKWARD : Reference.Op.SOFTMAX_BACKWARD, sh, sValues, gValues,
                r -> Data.read(dx.segment(), dtype, (long) r * sh.columns(), sh.columns()), dtype == DType.BF16,
                Reference.Bound.ENGINE, Benchmarks.describe(params));
        log = TrialLog.of(params).check(result);
    }

    @Benchmark
    public TensorView softmaxBackward() {
        engine.softmaxBackward(s, g, dx);
        return dx;
    }

    @Benchmark
    public TensorView logSoftmaxBackward() {
        engine.logSoftmaxBackward(s, g, dx);
        return dx;
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
