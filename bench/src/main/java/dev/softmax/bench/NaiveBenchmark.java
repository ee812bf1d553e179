package dev.softmax.bench;

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
 * What a typical Java developer writes: {@code float[]} in and out, three scalar passes per row (max, then
 * {@code Math.exp} and a float sum, then a divide), no library. f32, one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class NaiveBenchmark extends SummaryShapes {

    private int rows;
    private int columns;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Shape s = Shape.parse(shape);
        rows = s.rows();
        columns = s.columns();
        x = Data.logits(s);
        y = new float[x.length];
        boolean log = Benchmarks.method(params).equals("logSoftmax");
        if (log) {
            logSoftmax();
        } else {
            softmax();
        }
        Reference.Result result = Reference.checkForward(
                log ? Reference.Op.LOG_SOFTMAX : Reference.Op.SOFTMAX,
                s,
                x,
                r -> java.util.Arrays.copyOfRange(y, r * columns, (r + 1) * columns),
                false,
                Reference.Bound.NAIVE,
                Benchmarks.describe(params));
        TrialLog.of(params).check(result).write();
    }

    @Benchmark
    public float[] softmax() {
        softmax(x, y, rows, columns);
        return y;
    }

    @Benchmark
    public float[] logSoftmax() {
        logSoftmax(x, y, rows, columns);
        return y;
    }

    static void softmax(float[] x, float[] y, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[o + i]);
            }
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(x[o + i] - max);
                y[o + i] = e;
                sum += e;
            }
            for (int i = 0; i < n; i++) {
                y[o + i] /= sum;
            }
        }
    }

    static void logSoftmax(float[] x, float[] y, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[o + i]);
            }
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                sum += (float) Math.exp(x[o + i] - max);
            }
            float logSum = max + (float) Math.log(sum);
            for (int i = 0; i < n; i++) {
                y[o + i] = x[o + i] - logSum;
            }
        }
    }
}
