package dev.softmax.bench;

import dev.softmax.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * {@link MemorySegment#copy} of a tensor's bytes between two 64-byte aligned arena segments, on one thread.
 *
 * <p>Two roles: the bandwidth reference (a softmax reads its input and writes its output once each at best, so
 * "softmax / copy" says how far from memory-bound it is), and the exact copy the in-place benchmarks do inside
 * their measured method to restore their input, so in-place time minus this is the in-place softmax alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class CopyBenchmark extends SummaryShapes {

    @Param({"F32", "BF16"})
    public DType dtype;

    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;
    private long bytes;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Shape s = Shape.parse(shape);
        bytes = (long) s.elements() * dtype.byteSize();
        arena = Arena.ofShared();
        src = arena.allocate(bytes, 64);
        dst = arena.allocate(bytes, 64);
        Data.write(src, dtype, Data.logits(s));
        copy();
        Reference.Result result = Reference.checkIdentical(src, dst, Benchmarks.describe(params));
        TrialLog.of(params).check(result).write();
    }

    @Benchmark
    public MemorySegment copy() {
        MemorySegment.copy(src, 0, dst, 0, bytes);
        return dst;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}
