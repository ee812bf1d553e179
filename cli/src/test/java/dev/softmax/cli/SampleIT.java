package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.EngineOptions;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyIO;
import dev.softmax.cli.testing.Launcher;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code softmax sample} through the real launcher: tokens equal the engine's own decode step (row r = seed S,
 * step r), every token lies in the kept set of a sort-based double reference, log-probabilities and the top-N
 * match that reference, copies of one row are independent draws, and bad usage exits 2 with one line and no file.
 */
class SampleIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"auto", "onednn", "java"})
    void tokensLogprobsAndTopNMatchTheEngineAndTheReference(String backend) throws Exception {
        int rows = 16;
        int vocab = 300;
        float[] x = random(rows * vocab, 2.5, 11);
        x[3 * vocab + 7] = x[3 * vocab + 9] = 40f; // a tie at the top: ids 7 and 9
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {rows, vocab}, x);

        Launcher.Result result = Launcher.run(
                dir,
                "sample",
                "--in",
                "x.npy",
                "--out",
                "t.npy",
                "--temperature",
                "0.8",
                "--top-k",
                "50",
                "--top-p",
                "0.9",
                "--min-p",
                "0.02",
                "--seed",
                "42",
                "--logprobs-out",
                "lp.npy",
                "--top",
                "5",
                "--top-ids-out",
                "i.npy",
                "--top-logprobs-out",
                "l.npy",
                "--backend",
                backend,
                "--threads",
                "2");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEmpty();
        long[] tokens = NpyIO.readLongs(dir.resolve("t.npy"));
        float[] lp = NpyIO.readFloats(dir.resolve("lp.npy"));
        long[] topIds = NpyIO.readLongs(dir.resolve("i.npy"));
        float[] topLp = NpyIO.readFloats(dir.resolve("l.npy"));
        assertThat(tokens).hasSize(rows);
        assertThat(topIds).hasSize(rows * 5);
        assertThat(tokens).containsExactly(engineTokens(x, rows, vocab, 0.8f, 50, 0.9f, 0.02f, 42));
        for (int r = 0; r < rows; r++) {
            double[] kept = Kept.distribution(Arrays.copyOfRange(x, r * vocab, (r + 1) * vocab), 0.8f, 50, 0.9f, 0.02f);
            int token = (int) tokens[r];
            assertThat(kept[token]).as("row %d: token %d is kept", r, token).isPositive();
            assertThat((double) lp[r]).as("row %d logprob", r).isCloseTo(Math.log(kept[token]), within(1e-4));
            Integer[] order = Kept.order(kept);
            for (int j = 0; j < 5; j++) {
                int expectedId = kept[order[j]] > 0 ? order[j] : -1;
                assertThat(topIds[r * 5 + j]).as("row %d top %d", r, j).isEqualTo(expectedId);
                if (expectedId >= 0) {
                    assertThat((double) topLp[r * 5 + j]).isCloseTo(Math.log(kept[expectedId]), within(1e-4));
                } else {
                    assertThat(topLp[r * 5 + j]).isEqualTo(Float.NEGATIVE_INFINITY);
                }
            }
        }
        assertThat(tokens[3])
                .as("the tie at the top, top-p keeps the lower id first")
                .isIn(7L, 9L);
        assertThat(topIds[3 * 5]).isEqualTo(7L);
        assertThat(topIds[3 * 5 + 1]).isEqualTo(9L);
    }

    @Test
    void float16AndFloat64InputsAndGreedyDefaults() throws Exception {
        int rows = 5;
        int vocab = 40;
        float[] x = random(rows * vocab, 1.0, 5);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(x[i] * 8) / 8f; // exact in f16, and ties for the greedy rule
        }
        x[2 * vocab + 3] = x[2 * vocab + 30] = 9f;
        double[] wide = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            wide[i] = x[i];
        }
        NpyIO.write(dir.resolve("h.npy"), NpyDType.F2, new long[] {rows, vocab}, x);
        NpyIO.write(dir.resolve("d.npy"), NpyDType.F8, new long[] {rows, vocab}, wide);

        Launcher.Result greedy = Launcher.run(
                dir, "sample", "--in", "h.npy", "--out", "g.npy", "--temperature", "0", "--logprobs-out", "glp.npy");
        Launcher.Result defaults = Launcher.run(dir, "sample", "--in", "d.npy", "--out", "s.npy", "--seed", "7");

        assertThat(greedy.exitCode()).as(greedy.stderr()).isZero();
        assertThat(greedy.stderr()).isEmpty();
        long[] argmax = NpyIO.readLongs(dir.resolve("g.npy"));
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (x[r * vocab + i] > x[r * vocab + best]) {
                    best = i;
                }
            }
            assertThat(argmax[r]).as("row %d: argmax, lowest id on ties", r).isEqualTo(best);
        }
        assertThat(argmax[2]).isEqualTo(3L);
        assertThat(NpyIO.readFloats(dir.resolve("glp.npy"))).containsOnly(0f);
        assertThat(defaults.exitCode()).as(defaults.stderr()).isZero();
        assertThat(defaults.stderr())
                .isEqualTo("softmax: note: d.npy is float64; it is converted to float32 for the" + " engine\n");
        assertThat(NpyIO.readLongs(dir.resolve("s.npy")))
                .containsExactly(engineTokens(x, rows, vocab, 1f, 0, 1f, 0f, 7));
    }

    /**
     * 10,000 copies of one row are 10,000 requests (seed S, steps 0..9999): their tokens are independent draws, so
     * every kept token's frequency lies within 5 standard errors, 5 * sqrt(p (1 - p) / n), of its renormalised
     * probability p, and no token outside the top-p set is drawn. (The draws are seeded: the test is deterministic.)
     */
    @Test
    void tenThousandCopiesOfOneRowAreIndependentDraws() throws Exception {
        float[] row = DemoCommand.LOGITS;
        int n = 10_000;
        float[] x = new float[n * row.length];
        for (int r = 0; r < n; r++) {
            System.arraycopy(row, 0, x, r * row.length, row.length);
        }
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {n, row.length}, x);

        Launcher.Result result =
                Launcher.run(dir, "sample", "--in", "x.npy", "--out", "t.npy", "--top-p", "0.9", "--seed", "2024");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        long[] tokens = NpyIO.readLongs(dir.resolve("t.npy"));
        double[] kept = Kept.distribution(row, 1f, 0, 0.9f, 0f);
        int[] counts = new int[row.length];
        for (long t : tokens) {
            counts[(int) t]++;
        }
        int keptCount = 0;
        for (int i = 0; i < row.length; i++) {
            double p = kept[i];
            if (p == 0) {
                assertThat(counts[i]).as("token %d is outside the top-p set", i).isZero();
                continue;
            }
            keptCount++;
            double bound = 5 * Math.sqrt(p * (1 - p) / n);
            assertThat((double) counts[i] / n)
                    .as("token %d frequency vs p = %.4f", i, p)
                    .isCloseTo(p, within(bound));
        }
        assertThat(keptCount)
                .as("top-p 0.9 keeps mat, rug, chair, floor, sofa (88.5% before sofa)")
                .isEqualTo(5);
        // Independence of neighbouring steps: the token at step r does not predict the one at step r + 1.
        long same = 0;
        for (int r = 1; r < n; r++) {
            same += tokens[r] == tokens[r - 1] ? 1 : 0;
        }
        double expectedSame = 0;
        for (double p : kept) {
            expectedSame += p * p;
        }
        assertThat((double) same / (n - 1)).isCloseTo(expectedSame, within(5 * Math.sqrt(expectedSame / n)));
    }

    @Test
    void badUsageExitsTwoWithOneLineNamingTheArgumentAndLeavesNoOutput() throws Exception {
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        NpyIO.write(dir.resolve("v.npy"), NpyDType.F4, new long[] {3}, new float[] {1, 2, 3});
        NpyIO.write(dir.resolve("ints.npy"), NpyDType.I4, new long[] {1, 3}, new int[] {1, 2, 3});
        NpyIO.write(dir.resolve("nan.npy"), NpyDType.F4, new long[] {2, 3}, new float[] {1, 2, 3, 4, Float.NaN, 6});
        List<String> inputs = List.of("x.npy", "v.npy", "ints.npy", "nan.npy");
        String[][] cases = {
            {"--temperature", "-1"},
            {"--temperature", "NaN"},
            {"--top-k", "-2"},
            {"--top-p", "0"},
            {"--top-p", "1.5"},
            {"--min-p", "-0.1"},
            {"--min-p", "2"},
            {"--top", "21", "--top-ids-out", "i.npy", "--top-logprobs-out", "l.npy"},
            {"--top", "3", "--top-ids-out", "i.npy"},
            {"--top-ids-out", "i.npy"},
            {"--backend", "gpu"},
            {"--threads", "0"},
            {"--top", "2", "--top-ids-out", "i.npy", "--top-logprobs-out", "./lp.npy"},
        };
        String[] named = {
            "--temperature",
            "--temperature",
            "--top-k",
            "--top-p",
            "--top-p",
            "--min-p",
            "--min-p",
            "--top",
            "--top",
            "--top-ids-out",
            "--backend",
            "--threads",
            "--top-logprobs-out: ./lp.npy is also --logprobs-out"
        };
        for (int c = 0; c < cases.length; c++) {
            List<String> arguments =
                    new ArrayList<>(List.of("sample", "--in", "x.npy", "--out", "t.npy", "--logprobs-out", "lp.npy"));
            arguments.addAll(List.of(cases[c]));
            Launcher.Result result = Launcher.run(dir, arguments.toArray(String[]::new));
            String label = String.join(" ", cases[c]);
            assertThat(result.exitCode()).as(label + ": " + result.stderr()).isEqualTo(2);
            assertThat(result.stderr()).as(label).hasLineCount(1).contains(named[c]);
            assertOnlyInputs(inputs, label);
        }
        String[][] files = {
            {"v.npy", "softmax: v.npy: shape (3,) is not 2-D; sample needs logits [rows, vocab]"},
            {"ints.npy", "softmax: ints.npy: holds <i4 integers; logits must be floating point (<f4, <f2 or <f8)"},
            {"missing.npy", "softmax: missing.npy: no such file"},
        };
        for (String[] f : files) {
            Launcher.Result result = Launcher.run(dir, "sample", "--in", f[0], "--out", "t.npy");
            assertThat(result.exitCode()).as(f[0]).isEqualTo(2);
            assertThat(result.stderr()).as(f[0]).isEqualTo(f[1] + "\n");
            assertOnlyInputs(inputs, f[0]);
        }
        // A row with no distribution (NaN) is refused by the engine's validation, naming the row; nothing appears.
        Files.writeString(dir.resolve("t.npy"), "precious");
        Launcher.Result nan = Launcher.run(
                dir,
                "sample",
                "--in",
                "nan.npy",
                "--out",
                "t.npy",
                "--logprobs-out",
                "lp.npy",
                "--top",
                "2",
                "--top-ids-out",
                "i.npy",
                "--top-logprobs-out",
                "l.npy");
        assertThat(nan.exitCode()).as(nan.stderr()).isEqualTo(2);
        assertThat(nan.stderr())
                .hasLineCount(1)
                .startsWith("softmax: ")
                .contains("row 1")
                .containsIgnoringCase("nan");
        assertThat(Files.readString(dir.resolve("t.npy"))).isEqualTo("precious");
        Files.delete(dir.resolve("t.npy"));
        assertOnlyInputs(inputs, "NaN row");
    }

    @Test
    void helpDocumentsEveryOption() throws Exception {
        Launcher.Result help = Launcher.run(dir, "sample", "--help");
        assertThat(help.exitCode()).isZero();
        for (String option : new String[] {
            "--in",
            "--out",
            "--temperature",
            "--top-k",
            "--top-p",
            "--min-p",
            "--seed",
            "--logprobs-out",
            "--top",
            "--top-ids-out",
            "--top-logprobs-out",
            "--backend",
            "--threads"
        }) {
            assertThat(help.stdout()).contains(option);
        }
        assertThat(Launcher.run(dir, "--help").stdout()).contains("sample");
    }

    private void assertOnlyInputs(List<String> inputs, String label) throws Exception {
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .as(label)
                    .containsExactlyInAnyOrderElementsOf(inputs);
        }
    }

    /** The engine's decode step in-process, with the CLI's settings: row r is seed S, step r. */
    private static long[] engineTokens(float[] x, int rows, int vocab, float t, int k, float p, float m, long seed) {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).build());
                Arena arena = Arena.ofConfined()) {
            TensorView logits =
                    TensorView.allocate(arena, DType.F32, rows, vocab).copyFrom(x);
            TensorView tokens = TensorView.allocate(arena, DType.I64, rows);
            SamplingParameters parameters = SamplingParameters.allocate(arena, rows);
            for (int r = 0; r < rows; r++) {
                parameters
                        .row(r)
                        .temperature(t)
                        .topK(k)
                        .topP(p)
                        .minP(m)
                        .seed(seed)
                        .step(r);
            }
            engine.sample(logits, parameters, DecodeOutputs.of(tokens));
            long[] result = new long[rows];
            for (int r = 0; r < rows; r++) {
                result[r] = tokens.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, r);
            }
            return result;
        }
    }

    private static float[] random(int count, double sigma, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * sigma);
        }
        return values;
    }

    /** The kept set and its renormalised distribution, by a full sort in double (independent of the engine). */
    static final class Kept {

        private Kept() {}

        /** Temperature (f32 multiply by 1/T, as documented), top-k, top-p, min-p; 0 for tokens not kept. */
        static double[] distribution(float[] logits, float temperature, int topK, float topP, float minP) {
            int n = logits.length;
            float scale = 1f / temperature;
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = logits[i] * scale;
            }
            Integer[] order = order(v);
            boolean[] kept = new boolean[n];
            int count = topK > 0 ? Math.min(topK, n) : n;
            double max = v[order[0]];
            double sum = 0;
            for (int j = 0; j < count; j++) {
                sum += Math.exp(v[order[j]] - max);
            }
            double cumulative = 0;
            int prefix = 0;
            while (prefix < count) {
                cumulative += Math.exp(v[order[prefix]] - max);
                prefix++;
                if (cumulative >= topP * sum) {
                    break;
                }
            }
            double total = 0;
            for (int j = 0; j < prefix; j++) {
                double w = Math.exp(v[order[j]] - max);
                if (w >= minP) { // the largest weight is exp(0) = 1
                    kept[order[j]] = true;
                    total += w;
                }
            }
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = kept[i] ? Math.exp(v[i] - max) / total : 0;
            }
            return p;
        }

        /** Ids by value descending, ties by lower id. */
        static Integer[] order(double[] values) {
            Integer[] ids = new Integer[values.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i;
            }
            Arrays.sort(
                    ids, Comparator.<Integer>comparingDouble(i -> -values[i]).thenComparingInt(i -> i));
            return ids;
        }
    }
}
