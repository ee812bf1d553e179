package dev.softmax.bench;

import dev.softmax.AttentionOptions;
import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.util.Random;
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

/**
 * The attention softmax beside the plain softmax of the same shape, in the same trial (issue 14's target: each
 * masked variant within 1.15x of {@link #plain}):
 * <ul>
 *   <li>{@code causal}: {@code [8, 32, 128, 128]}, scale 1/sqrt(128), causal;</li>
 *   <li>{@code keyLengths}: {@code [32, 4096]}, scale 1/sqrt(128), ragged key lengths uniform in 1..4096;</li>
 *   <li>{@code bias}: {@code [4, 16, 512, 512]}, scale 1/sqrt(64), an f32 additive bias {@code [4, 1, 512, 512]}
 *       broadcast over the heads.</li>
 * </ul>
 * Before timing, each trial checks the masked result once: rows sum to 1 and masked keys are exactly 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {

    @Param({"causal", "keyLengths", "bias"})
    public String workload;

    @Param({"F32", "BF16"})
    public DType dtype;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private SoftmaxEngine engine;
    private TensorView x;
    private TensorView dst;
    private AttentionOptions options;

    static long[] shapeOf(String workload) {
        return switch (workload) {
            case "causal" -> new long[] {8, 32, 128, 128};
            case "keyLengths" -> new long[] {32, 4096};
            case "bias" -> new long[] {4, 16, 512, 512};
            default -> throw new IllegalArgumentException("workload: '" + workload + "'");
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        engine = SoftmaxEngine.create(EngineOptions.builder()
                .backend(Backend.AUTO)
                .threads(threads)
                .warmUp(true)
                .build());
        long[] shape = shapeOf(workload);
        Random random = new Random(14);
        x = TensorView.allocate(arena, dtype, shape);
        dst = TensorView.allocate(arena, dtype, shape);
        float[] values = new float[(int) x.elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 8);
        }
        x.copyFrom(values);
        options = switch (workload) {
            case "causal" ->
                AttentionOptions.defaults().scale((float) (1 / Math.sqrt(128))).causal();
            case "keyLengths" -> {
                TensorView lengths = TensorView.allocate(arena, DType.I32, shape[0]);
                for (int b = 0; b < shape[0]; b++) {
                    lengths.setFloat(1 + random.nextInt((int) shape[1]), b);
                }
                yield AttentionOptions.defaults()
                        .scale((float) (1 / Math.sqrt(128)))
                        .keyLengths(lengths);
            }
            default -> {
                TensorView bias = TensorView.allocate(arena, DType.F32, shape[0], 1, shape[2], shape[3]);
                float[] b = new float[(int) bias.elementCount()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) random.nextGaussian();
                }
                bias.copyFrom(b);
                yield AttentionOptions.defaults().scale(0.125f).bias(bias);
            }
        };
        check();
    }

    /** Rows of the masked result sum to 1 and hold no NaN (the causal workload: key j > i is exactly 0). */
    private void check() {
        attention();
        long n = dst.dim(dst.rank() - 1);
        long rows = dst.elementCount() / n;
        for (long r = 0; r < rows; r += Math.max(1, rows / 64)) {
            double sum = 0;
            for (long j = 0; j < n; j++) {
                float p = dtype.getFloat(dst.segment(), r * n + j);
                if (Float.isNaN(p) || p < 0) {
                    throw new IllegalStateException(workload + ": row " + r + " key " + j + " is " + p);
                }
                if (workload.equals("causal") && j > r % 128 && p != 0f) {
                    throw new IllegalStateException(workload + ": masked key " + j + " of row " + r + " is " + p);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > (dtype == DType.F32 ? 1e-4 : 2e-2)) {
                throw new IllegalStateException(workload + ": row " + r + " sums to " + sum);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        arena.close();
    }

    /** The masked variant. */
    @Benchmark
    public TensorView attention() {
        engine.attentionSoftmax(x, dst, options);
        return dst;
    }

    /** The plain softmax of the same shape and types, in the same trial. */
    @Benchmark
    public TensorView plain() {
        engine.softmax(x, dst);
        return dst;
    }
}
