package dev.softmax.cli;

import dev.softmax.Backend;
import dev.softmax.BackendInfo;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code softmax demo}: what softmax does to a distribution, from the design notes' example (next-token
 * candidates after "the cat sat on a"), computed on this machine's oneDNN and Java kernel.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Show what softmax does to next-token logits, computed through oneDNN on this machine, and write charts.")
final class DemoCommand implements Callable<Integer> {

    /** Next-token candidates after "the cat sat on a" and their logits; "mat" ends up near 48%. */
    static final String[] TOKENS = {"mat", "rug", "chair", "floor", "sofa", "bed", "table", "car"};

    static final float[] LOGITS = {3.2f, 2.3f, 1.8f, 1.5f, 1.0f, 0.5f, 0.1f, -1.0f};
    static final float[] TEMPERATURES = {0.5f, 1f, 2f};

    @Spec
    CommandSpec spec;

    @Option(
            names = "--out-dir",
            defaultValue = "softmax-demo",
            paramLabel = "DIR",
            description = "Where the PNG charts go. Default: ${DEFAULT-VALUE}.")
    Path outDir;

    private PrintWriter out;
    private char bar;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        bar = Charset.forName(System.getProperty("stdout.encoding", "UTF-8"), Charset.defaultCharset())
                        .newEncoder()
                        .canEncode('\u2588')
                ? '\u2588'
                : '#';
        try (SoftmaxEngine onednn = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.ONEDNN).build());
                SoftmaxEngine java = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).build());
                Arena arena = Arena.ofShared()) {
            out.println("softmax-engine demo");
            out.println();
            float[] probabilities = distributionShift(onednn, arena);
            float[][] sweep = temperatureSweep(java, arena);
            randomBatch(onednn, arena);
            jacobian(java, onednn, arena);
            Path shift = outDir.resolve("distribution-shift.png");
            Path temperatures = outDir.resolve("temperature-sweep.png");
            DemoCharts.distributionShift(shift, TOKENS, LOGITS, probabilities);
            DemoCharts.temperatureSweep(temperatures, TOKENS, TEMPERATURES, sweep);
            out.println("Charts: " + shift + ", " + temperatures);
            out.println();
            backends(onednn, java, arena);
            BackendInfo info = onednn.backend();
            out.println();
            out.println("oneDNN " + info.onednnVersion().orElse("?") + "; ISA: dispatched kernel "
                    + String.join(", ", onednn.statistics().onednnImplementations())
                    + " (most capable ISA on this CPU: "
                    + info.onednnIsa().orElse("?") + "); loaded from "
                    + info.onednnLibrary().orElse("?"));
            out.println("Java kernel: " + java.backend().javaKernel());
        }
        return 0;
    }

    /** The design notes' example: logits and probabilities side by side. */
    private float[] distributionShift(SoftmaxEngine engine, Arena arena) {
        TensorView logits =
                TensorView.allocate(arena, DType.F32, 1, TOKENS.length).copyFrom(LOGITS);
        TensorView probabilities = TensorView.allocate(arena, DType.F32, 1, TOKENS.length);
        engine.softmax(logits, probabilities);
        float[] p = probabilities.toFloatArray();
        out.println("1. Next token after \"the cat sat on a\" (softmax on oneDNN): the largest logit is amplified,");
        out.println("   the rest are squashed, and the result sums to 1.");
        out.println();
        out.printf(Locale.ROOT, "   %-6s %6s  %-16s %7s  %s%n", "token", "logit", "", "p", "");
        float maxLogit = 0;
        for (float l : LOGITS) {
            maxLogit = Math.max(maxLogit, Math.abs(l));
        }
        for (int i = 0; i < TOKENS.length; i++) {
            int logitBar = Math.round(Math.max(0, LOGITS[i]) / maxLogit * 16);
            out.printf(
                    Locale.ROOT,
                    "   %-6s %6.2f  %-16s %6.1f%%  %s%n",
                    TOKENS[i],
                    LOGITS[i],
                    String.valueOf(bar).repeat(logitBar),
                    100 * p[i],
                    String.valueOf(bar).repeat(Math.round(p[i] * 50)));
        }
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        out.printf(Locale.ROOT, "   sum of probabilities: %.6f%n%n", sum);
        return p;
    }

    /** softmax(x / T) for T = 0.5, 1, 2. */
    private float[][] temperatureSweep(SoftmaxEngine engine, Arena arena) {
        TensorView logits =
                TensorView.allocate(arena, DType.F32, 1, TOKENS.length).copyFrom(LOGITS);
        TensorView probabilities = TensorView.allocate(arena, DType.F32, 1, TOKENS.length);
        float[][] sweep = new float[TEMPERATURES.length][];
        out.println("2. Temperature: softmax(x / T). Low T sharpens the distribution (the winner takes most),");
        out.println("   high T flattens it.");
        out.println();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "   %-6s", "T"));
        for (String token : TOKENS) {
            header.append(String.format(Locale.ROOT, " %6s", token));
        }
        out.println(header);
        for (int t = 0; t < TEMPERATURES.length; t++) {
            engine.softmax(logits, probabilities, -1, TEMPERATURES[t]);
            sweep[t] = probabilities.toFloatArray();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "   %-6.1f", TEMPERATURES[t]));
            for (float v : sweep[t]) {
                line.append(String.format(Locale.ROOT, " %5.1f%%", 100 * v));
            }
            out.println(line);
        }
        out.println();
        return sweep;
    }

    /** How often the largest logit takes more than half the mass, over a batch of random rows. */
    private void randomBatch(SoftmaxEngine engine, Arena arena) {
        int rows = 10_000;
        int candidates = 32;
        double sigma = 2.0;
        SplittableRandom random = new SplittableRandom(2024);
        float[] values = new float[rows * candidates];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (gaussian(random) * sigma);
        }
        TensorView logits =
                TensorView.allocate(arena, DType.F32, rows, candidates).copyFrom(values);
        TensorView probabilities = TensorView.allocate(arena, DType.F32, rows, candidates);
        engine.softmax(logits, probabilities);
        float[] p = probabilities.toFloatArray();
        int majority = 0;
        float[] topShare = new float[rows];
        for (int r = 0; r < rows; r++) {
            float top = 0;
            for (int c = 0; c < candidates; c++) {
                top = Math.max(top, p[r * candidates + c]);
            }
            topShare[r] = top;
            if (top > 0.5f) {
                majority++;
            }
        }
        Arrays.sort(topShare);
        out.printf(
                Locale.ROOT,
                "3. A batch of %d rows of %d random logits, N(0, %.0f^2): the largest logit took more "
                        + "than half%n   of the probability in %.1f%% of rows (median share of the top token: %.1f%%, "
                        + "a uniform row would give %.1f%%).%n%n",
                rows,
                candidates,
                sigma,
                100.0 * majority / rows,
                100 * topShare[rows / 2],
                100.0 / candidates);
    }

    /**
     * The Jacobian diag(s) - s s^T of a 3-token softmax, and the check that the backward pass (which never forms
     * it) equals g^T J.
     */
    private void jacobian(SoftmaxEngine java, SoftmaxEngine onednn, Arena arena) {
        float[] logits = {2.0f, 1.0f, 0.1f};
        float[] upstream = {1.0f, -2.0f, 0.5f};
        TensorView x = TensorView.allocate(arena, DType.F32, 1, 3).copyFrom(logits);
        TensorView s = TensorView.allocate(arena, DType.F32, 1, 3);
        java.softmax(x, s);
        TensorView row = TensorView.wrap(s.segment(), DType.F32, 3);
        TensorView j = TensorView.allocate(arena, DType.F32, 3, 3);
        java.softmaxJacobian(row, j);
        TensorView g = TensorView.allocate(arena, DType.F32, 1, 3).copyFrom(upstream);
        TensorView dx = TensorView.allocate(arena, DType.F32, 1, 3);
        onednn.softmaxBackward(s, g, dx);
        float[] p = s.toFloatArray();
        float[] backward = dx.toFloatArray();
        out.printf(
                Locale.ROOT,
                "4. The Jacobian of softmax is J = diag(s) - s s^T. For logits (2.0, 1.0, 0.1), "
                        + "s = (%.4f, %.4f, %.4f):%n",
                p[0],
                p[1],
                p[2]);
        double maxDifference = 0;
        for (int i = 0; i < 3; i++) {
            double gTj = 0;
            for (int k = 0; k < 3; k++) {
                gTj += upstream[k] * j.getFloat(k, i);
            }
            maxDifference = Math.max(maxDifference, Math.abs(gTj - backward[i]));
            out.printf(Locale.ROOT, "     [%8.4f %8.4f %8.4f]%n", j.getFloat(i, 0), j.getFloat(i, 1), j.getFloat(i, 2));
        }
        out.printf(
                Locale.ROOT,
                "   Its rows sum to 0 (adding a constant to every logit changes nothing). The backward "
                        + "pass s * (g - <s, g>)%n   never forms J: for g = (1, -2, 0.5) oneDNN gives (%.4f, %.4f, %.4f), "
                        + "equal to g^T J within %.1e.%n   At a 128k vocabulary J would be 64 GB per row; the backward pass "
                        + "reads two rows and writes one.%n%n",
                backward[0],
                backward[1],
                backward[2],
                maxDifference);
    }

    /** Agreement of the two backends on a 64x32000 batch, and each one's throughput there. */
    private void backends(SoftmaxEngine onednn, SoftmaxEngine java, Arena arena) {
        int rows = 64;
        int columns = 32000;
        SplittableRandom random = new SplittableRandom(7);
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (gaussian(random) * 3);
        }
        TensorView logits = TensorView.allocate(arena, DType.F32, rows, columns).copyFrom(values);
        TensorView fromOnednn = TensorView.allocate(arena, DType.F32, rows, columns);
        TensorView fromJava = TensorView.allocate(arena, DType.F32, rows, columns);
        onednn.softmax(logits, fromOnednn);
        java.softmax(logits, fromJava);
        float[] a = fromOnednn.toFloatArray();
        float[] b = fromJava.toFloatArray();
        double maxRelative = 0;
        for (int i = 0; i < a.length; i++) {
            double larger = Math.max(Math.abs(a[i]), Math.abs(b[i]));
            if (larger >= 1e-30) {
                maxRelative = Math.max(maxRelative, Math.abs(a[i] - b[i]) / larger);
            }
        }
        out.println("5. The two backends on a 64x32000 batch (a timed loop on this machine, not a benchmark;");
        out.println("   see bench/ for measurements):");
        for (SoftmaxEngine engine : new SoftmaxEngine[] {onednn, java}) {
            String name = engine.options().backend().name().toLowerCase(Locale.ROOT);
            double nanos = time(engine, logits, engine == onednn ? fromOnednn : fromJava);
            double perElement = nanos / ((double) rows * columns);
            out.printf(
                    Locale.ROOT,
                    "   %-6s agrees with %s within %.1e relative (entries >= 1e-30); %.3f ns/element, "
                            + "%.2f GB/s in+out%n",
                    name,
                    engine == onednn ? "java" : "onednn",
                    maxRelative,
                    perElement,
                    8.0 / perElement);
        }
    }

    private static double time(SoftmaxEngine engine, TensorView src, TensorView dst) {
        for (int i = 0; i < 40; i++) {
            engine.softmax(src, dst);
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                engine.softmax(src, dst);
            }
            best = Math.min(best, (System.nanoTime() - start) / 10);
        }
        return best;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
