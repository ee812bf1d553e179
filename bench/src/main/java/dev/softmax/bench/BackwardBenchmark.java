package dev.softmax.bench;

import dev.softmax.DType;
import dev.softmax.TensorView;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
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
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class BackwardBenchmark extends EngineTrial {

    private TensorView s;
    private TensorView g;
    private TensorView dx;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        boolean isLog = Benchmarks.method(params).equals("logSoftmaxBackward");
        Shape sh = openTrial();
        TensorView x = TensorView.allocate(arena, dtype, sh.dims());
        s = TensorView.allocate(arena, dtype, sh.dims());
        g = TensorView.allocate(arena, dtype, sh.dims());
        dx = TensorView.allocate(arena, dtype, sh.dims());
        Data.write(x.segment(), dtype, Data.logits(sh));
        Data.write(g.segment(), dtype, Data.gradient(sh));
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
                isLog ? Reference.Op.LOG_SOFTMAX_BACKWARD : Reference.Op.SOFTMAX_BACKWARD,
                sh,
                sValues,
                gValues,
                r -> Data.read(dx.segment(), dtype, (long) r * sh.columns(), sh.columns()),
                dtype == DType.BF16,
                Reference.Bound.ENGINE,
                Benchmarks.describe(params));
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
}
