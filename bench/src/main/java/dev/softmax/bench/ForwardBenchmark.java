package dev.softmax.bench;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
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

/** Per-call time of the public engine API (validation included), out-of-place f32 softmax along the last axis. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class ForwardBenchmark {

    @Param({"8x16", "64x32000", "1024x1024"})
    public String shape;

    @Param({"ONEDNN", "JAVA"})
    public Backend backend;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private SoftmaxEngine engine;
    private TensorView src;
    private TensorView dst;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        long rows = Long.parseLong(dims[0]);
        long columns = Long.parseLong(dims[1]);
        arena = Arena.ofShared();
        src = TensorView.allocate(arena, DType.F32, rows, columns);
        dst = TensorView.allocate(arena, DType.F32, rows, columns);
        SplittableRandom random = new SplittableRandom(1);
        float[] values = new float[(int) (rows * columns)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 8 - 4);
        }
        src.copyFrom(values);
        engine = SoftmaxEngine.create(EngineOptions.builder().backend(backend).threads(threads).build());
    }

    @Benchmark
    public TensorView softmax() {
        engine.softmax(src, dst);
        return dst;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        arena.close();
    }
}
