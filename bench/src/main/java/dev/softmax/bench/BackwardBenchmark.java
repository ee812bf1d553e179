package dev.softmax.bench;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
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
 * Softmax and log-softmax BACKWARD through the engine, ready for issue 7, which adds them to the engine.
 *
 * <p>Until {@link SoftmaxEngine} has public {@code softmaxBackward} and {@code logSoftmaxBackward} methods taking
 * three {@link TensorView}s, these benchmarks cannot run: {@link SuiteMain} leaves them out (and says so), and
 * the report prints "n/a" with {@link #unavailableReason()}; no number is ever made up. The methods are found by
 * reflection so this class compiles against an engine without them.
 *
 * <p>Assumed argument order: {@code (s, g, dx)}, i.e. (forward output, upstream gradient, result), oneDNN's
 * (dst, diff_dst, diff_src). If issue 7 chooses another order the self-check below fails loudly rather than
 * timing a wrong call; adjust {@link #find} then.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class BackwardBenchmark {

    private static final MethodType CALL = MethodType.methodType(void.class, SoftmaxEngine.class, TensorView.class,
            TensorView.class, TensorView.class);
    private static final MethodHandle SOFTMAX_BACKWARD = find("softmaxBackward");
    private static final MethodHandle LOG_SOFTMAX_BACKWARD = find("logSoftmaxBackward");

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

    /** {@code null} when the engine has both backward methods; otherwise why these benchmarks cannot run. */
    public static String unavailableReason() {
        if (SOFTMAX_BACKWARD != null && LOG_SOFTMAX_BACKWARD != null) {
            return null;
        }
        return "SoftmaxEngine has no public softmaxBackward/logSoftmaxBackward(TensorView, TensorView, TensorView)"
                + " yet (issue 7); backward is measured from C only";
    }

    private static MethodHandle find(String name) {
        for (Method method : SoftmaxEngine.class.getMethods()) {
            if (method.getName().equals(name) && !Modifier.isStatic(method.getModifiers())
                    && Arrays.equals(method.getParameterTypes(),
                            new Class<?>[] {TensorView.class, TensorView.class, TensorView.class})) {
                try {
                    return MethodHandles.publicLookup().unreflect(method).asType(CALL);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("not applicable: " + reason);
        }
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
        invoke(SOFTMAX_BACKWARD);
        return dx;
    }

    @Benchmark
    public TensorView logSoftmaxBackward() {
        invoke(LOG_SOFTMAX_BACKWARD);
        return dx;
    }

    private void invoke(MethodHandle handle) {
        try {
            handle.invokeExact(engine, s, g, dx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
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
