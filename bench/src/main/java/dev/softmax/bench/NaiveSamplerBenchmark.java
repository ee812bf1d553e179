package dev.softmax.bench;

import dev.softmax.bench.SamplingWorkload.Scenario;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The straightforward Java sampler the engine is compared with: {@code float[]} logits on the heap, and per row
 * the textbook algorithm: penalties, bitmask and temperature on a copy; softmax (double exp and sum); a full sort
 * of (probability, id) pairs, descending (ties by lower id); top-k as a prefix, top-p as the shortest prefix whose
 * cumulative sum reaches p; then the inverse CDF of one uniform over that prefix. Greedy is a plain argmax pass
 * (nobody sorts for it). The pairs are packed into a {@code long[]} (float bits, then the id) and sorted with
 * {@link Arrays#sort(long[])}: already the quick way to write it (an {@code Integer[]} with a comparator is
 * several times slower), so the ratio to the engine is conservative. Same workload as {@link SamplingBenchmark}.
 * The uniform is a 64-bit hash of (seed, step): this sampler does not reproduce the engine's tokens, only its
 * distribution.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class NaiveSamplerBenchmark {

    @Param({"1x128256", "64x128256", "256x32000"})
    public String shape;

    @Param({"GREEDY", "TOPK_TOPP", "TOPP_LOGPROBS", "PENALTIES_MASK_TOPP"})
    public Scenario scenario;

    private SamplingWorkload workload;
    private int rows;
    private int vocab;
    private float[] work;
    private double[] probabilities;
    private long[] pairs;
    private int[] counts;
    private long[] tokens;
    private float[] chosen;
    private long[] topIds;
    private float[] topLogprobs;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Shape s = Shape.parse(shape);
        workload = new SamplingWorkload(s, scenario);
        rows = s.rows();
        vocab = s.columns();
        work = new float[vocab];
        probabilities = new double[vocab];
        pairs = new long[vocab];
        counts = new int[vocab];
        tokens = new long[rows];
        chosen = new float[rows];
        topIds = new long[rows * SamplingWorkload.TOP];
        topLogprobs = new float[rows * SamplingWorkload.TOP];
        sample();
        int checked = workload.check(tokens, Benchmarks.describe(params));
        TrialLog.of(params).put("check.rows", checked).put("check.maxError", 0).write();
    }

    @Benchmark
    public long[] sample() {
        for (int r = 0; r < rows; r++) {
            tokens[r] = sampleRow(r);
        }
        return tokens;
    }

    private int sampleRow(int r) {
        Scenario sc = workload.scenario;
        System.arraycopy(workload.logits, r * vocab, work, 0, vocab);
        if (sc.penalties()) {
            int base = r * SamplingWorkload.HISTORY;
            for (int j = 0; j < SamplingWorkload.HISTORY; j++) {
                counts[workload.history[base + j]]++;
            }
            for (int j = 0; j < SamplingWorkload.HISTORY; j++) {
                int t = workload.history[base + j];
                int c = counts[t];
                if (c == 0) {
                    continue; // already penalised (a repeated id)
                }
                float v = work[t];
                v = v > 0 ? v / SamplingWorkload.REPETITION : v * SamplingWorkload.REPETITION;
                work[t] = v - (SamplingWorkload.FREQUENCY * c + SamplingWorkload.PRESENCE);
                counts[t] = 0;
            }
            for (int t = 0; t < vocab; t++) {
                if (!workload.allowed(r, t)) {
                    work[t] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        if (sc.temperature() == 0) {
            int best = 0;
            for (int t = 1; t < vocab; t++) {
                if (work[t] > work[best]) {
                    best = t;
                }
            }
            return best;
        }
        float scale = 1f / sc.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < vocab; t++) {
            work[t] *= scale;
            max = Math.max(max, work[t]);
        }
        double sum = 0;
        for (int t = 0; t < vocab; t++) {
            double p = Math.exp((double) work[t] - max);
            probabilities[t] = p;
            sum += p;
        }
        for (int t = 0; t < vocab; t++) {
            double p = probabilities[t] / sum;
            probabilities[t] = p;
            // Ascending sort of (float bits, then the complement of the id): read backwards, probability
            // descending and, among equal probabilities, lower id first.
            pairs[t] = ((long) Float.floatToRawIntBits((float) p) << 32) | (0xFFFFFFFFL - t);
        }
        Arrays.sort(pairs);
        int kept = sc.topK() > 0 ? Math.min(sc.topK(), vocab) : vocab;
        double total = 0;
        for (int j = 0; j < kept; j++) {
            total += probabilities[id(vocab - 1 - j)];
        }
        double target = sc.topP() * total;
        double cumulative = 0;
        int prefix = 0;
        while (prefix < kept) {
            cumulative += probabilities[id(vocab - 1 - prefix)];
            prefix++;
            if (cumulative >= target) {
                break;
            }
        }
        double u = uniform(SamplingWorkload.seed(r), SamplingWorkload.STEP) * cumulative;
        int token = id(vocab - prefix);
        double running = 0;
        for (int j = 0; j < prefix; j++) {
            int t = id(vocab - 1 - j);
            running += probabilities[t];
            if (u < running) {
                token = t;
                break;
            }
        }
        if (sc.logprobs()) {
            chosen[r] = (float) Math.log(probabilities[token] / cumulative);
            for (int j = 0; j < SamplingWorkload.TOP; j++) {
                int at = r * SamplingWorkload.TOP + j;
                if (j < prefix) {
                    int t = id(vocab - 1 - j);
                    topIds[at] = t;
                    topLogprobs[at] = (float) Math.log(probabilities[t] / cumulative);
                } else {
                    topIds[at] = -1;
                    topLogprobs[at] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return token;
    }

    private int id(int sortedIndex) {
        return (int) (0xFFFFFFFFL - (pairs[sortedIndex] & 0xFFFFFFFFL));
    }

    /** A uniform double in [0, 1) from (seed, step): SplitMix64's finaliser, no allocation. */
    static double uniform(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
