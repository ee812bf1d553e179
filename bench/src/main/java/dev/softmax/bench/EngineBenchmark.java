package dev.softmax.bench;

import dev.softmax.DType;
import dev.softmax.TensorView;
import java.lang.foreign.MemorySegment;
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
 * The engine through its public API (validation, dispatch, edge contract included): forward softmax and
 * log-softmax along the last axis of a dense row-major tensor in arena memory, per backend.
 *
 * <p>Out of place: {@code src -> dst}. In place ({@code *InPlace}): as JMH sample 38 advises, the measured
 * method first restores the input with {@link MemorySegment#copy} (the previous call overwrote it) and then
 * computes {@code work -> work}; {@link CopyBenchmark} measures that copy alone so it can be subtracted.
 *
 * <p>{@link Backend#ONEDNN} still computes on Java what oneDNN declines (bf16, for one); the trial record
 * ({@link TrialLog}) keeps the engine's statistics so the report can say which backend actually computed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class EngineBenchmark extends EngineTrial {

    private TensorView src;
    private TensorView dst;
    private TensorView work;
    private MemorySegment pristine;
    private long bytes;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Shape s = openTrial();
        float[] logits = Data.logits(s);
        src = TensorView.allocate(arena, dtype, s.dims());
        dst = TensorView.allocate(arena, dtype, s.dims());
        String method = Benchmarks.method(params);
        // In place works on its own copy (restored from src on every call); out of place never touches it.
        work = method.endsWith("InPlace") ? TensorView.allocate(arena, dtype, s.dims()) : dst;
        Data.write(src.segment(), dtype, logits);
        bytes = src.spanBytes();
        pristine = src.segment();

        // Run the measured method once, then check what it wrote against the double reference.
        Reference.Op op = switch (method) {
            case "softmax" -> {
                softmax();
                yield Reference.Op.SOFTMAX;
            }
            case "logSoftmax" -> {
                logSoftmax();
                yield Reference.Op.LOG_SOFTMAX;
            }
            case "softmaxInPlace" -> {
                softmaxInPlace();
                yield Reference.Op.SOFTMAX;
            }
            case "logSoftmaxInPlace" -> {
                logSoftmaxInPlace();
                yield Reference.Op.LOG_SOFTMAX;
            }
            default -> throw new IllegalStateException("no self-check for " + method);
        };
        TensorView out = method.endsWith("InPlace") ? work : dst;
        Reference.Result result = Reference.checkForward(
                op,
                s,
                Data.asStored(logits, dtype),
                r -> Data.read(out.segment(), dtype, (long) r * s.columns(), s.columns()),
                dtype == DType.BF16,
                Reference.Bound.ENGINE,
                Benchmarks.describe(params));
        log = TrialLog.of(params).check(result);
    }

    @Benchmark
    public TensorView softmax() {
        engine.softmax(src, dst);
        return dst;
    }

    @Benchmark
    public TensorView logSoftmax() {
        engine.logSoftmax(src, dst);
        return dst;
    }

    @Benchmark
    public TensorView softmaxInPlace() {
        MemorySegment.copy(pristine, 0, work.segment(), 0, bytes);
        engine.softmax(work, work);
        return work;
    }

    @Benchmark
    public TensorView logSoftmaxInPlace() {
        MemorySegment.copy(pristine, 0, work.segment(), 0, bytes);
        engine.logSoftmax(work, work);
        return work;
    }
}
