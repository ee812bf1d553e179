package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyIO;
import dev.softmax.cli.testing.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code softmax apply} with the attention options, through the real launcher, against a double computation. */
class AttentionApplyIT {

    static final int B = 2, H = 3, Q = 4, K = 10;

    @TempDir
    Path dir;

    private float[] x;
    private float[] bias; // [Q, K] f16 values (exact halves)
    private int[] mask; // [B, 1, Q, K] bool
    private long[] lengths; // [B]
    private float[] sinks; // [H]

    private void writeInputs() throws Exception {
        Random random = new Random(3);
        x = new float[B * H * Q * K];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 3);
        }
        bias = new float[Q * K];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (random.nextInt(9) - 4) * 0.25f;
        }
        mask = new int[B * Q * K];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextInt(4) == 0 ? 0 : 1;
        }
        lengths = new long[] {K, 6};
        sinks = new float[] {0.5f, -1f, 2f};
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {B, H, Q, K}, x);
        NpyIO.write(dir.resolve("b.npy"), NpyDType.F2, new long[] {Q, K}, toDoubles(bias));
        long[] maskLongs = new long[mask.length];
        for (int i = 0; i < mask.length; i++) {
            maskLongs[i] = mask[i];
        }
        NpyIO.write(dir.resolve("m.npy"), NpyDType.B1, new long[] {B, 1, Q, K}, maskLongs);
        NpyIO.write(dir.resolve("l.npy"), NpyDType.I8, new long[] {B}, lengths);
        NpyIO.write(dir.resolve("s.npy"), NpyDType.F4, new long[] {H}, sinks);
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "onednn", "java"})
    void everyOptionMatchesTheReference(String backend) throws Exception {
        writeInputs();
        float scale = 0.5f;
        long offset = 7;
        Launcher.Result result = Launcher.run(
                dir,
                "apply",
                "--op",
                "log-softmax",
                "--backend",
                backend,
                "--scale",
                "0.5",
                "--softcap",
                "4",
                "--bias",
                "b.npy",
                "--mask",
                "m.npy",
                "--causal",
                "--causal-offset",
                String.valueOf(offset),
                "--key-lengths",
                "l.npy",
                "--sinks",
                "s.npy",
                "--lse-out",
                "lse.npy",
                "--in",
                "x.npy",
                "--out",
                "y.npy");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEmpty();
        float[] y = NpyIO.readFloats(dir.resolve("y.npy"));
        float[] lse = NpyIO.readFloats(dir.resolve("lse.npy"));
        assertThat(lse).hasSize(B * H * Q);
        int masked = 0;
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int q = 0; q < Q; q++) {
                    int row = (b * H + h) * Q + q;
                    double[] z = new double[K];
                    double max = sinks[h];
                    for (int j = 0; j < K; j++) {
                        boolean keep = j < lengths[b] && j <= q + offset && mask[(b * Q + q) * K + j] != 0;
                        double v = 4 * Math.tanh(scale * x[row * K + j] / 4) + bias[q * K + j];
                        z[j] = keep ? v : Double.NEGATIVE_INFINITY;
                        max = Math.max(max, z[j]);
                    }
                    double sum = Math.exp(sinks[h] - max);
                    for (int j = 0; j < K; j++) {
                        sum += Math.exp(z[j] - max);
                    }
                    double logSum = max + Math.log(sum);
                    assertThat((double) lse[row])
                            .as("lse row %d", row)
                            .isCloseTo(
                                    logSum,
                                    org.assertj.core.api.Assertions.within(1e-5 * Math.max(1, Math.abs(logSum))));
                    for (int j = 0; j < K; j++) {
                        if (z[j] == Double.NEGATIVE_INFINITY) {
                            masked++;
                            assertThat(y[row * K + j]).isEqualTo(Float.NEGATIVE_INFINITY);
                        } else {
                            assertThat((double) y[row * K + j])
                                    .as("row %d key %d", row, j)
                                    .isCloseTo(z[j] - logSum, org.assertj.core.api.Assertions.within(2e-5));
                        }
                    }
                }
            }
        }
        assertThat(masked).isGreaterThan(20);
    }

    @Test
    void badOptionsGetOneLineExitCodeTwoAndNoOutput() throws Exception {
        writeInputs();
        NpyIO.write(dir.resolve("bad-bias.npy"), NpyDType.F4, new long[] {5, K}, new float[5 * K]);
        NpyIO.write(dir.resolve("long.npy"), NpyDType.I4, new long[] {B}, new int[] {3, 11});
        NpyIO.write(dir.resolve("sinks4.npy"), NpyDType.F4, new long[] {4}, new float[4]);
        NpyIO.write(dir.resolve("fmask.npy"), NpyDType.F4, new long[] {K}, new float[K]);
        String[][] cases = {
            {"--axis 0 --causal", "softmax: --axis: 0 is not the last axis;"},
            {"--causal-offset 3", "softmax: --causal-offset: 3 given without --causal; expected both"},
            {
                "--bias bad-bias.npy",
                "softmax: --bias bad-bias.npy: shape [5, 10] does not broadcast to x shape [2, 3, 4, 10]"
            },
            {"--key-lengths long.npy", "softmax: --key-lengths long.npy: element [1] is 11; expected 0 to 10"},
            {"--sinks sinks4.npy", "softmax: --sinks sinks4.npy: shape [4] does not match; expected [3]"},
            {"--mask fmask.npy", "softmax: --mask fmask.npy: holds <f4; a mask must be |b1 or |u1"},
            {"--scale 0", "softmax: --scale: 0.0 is not allowed"},
            {"--softcap -2", "softmax: --softcap: -2.0 is not allowed"},
            {"--temperature 2 --scale 1", "softmax: --temperature: cannot be combined with the attention options"},
        };
        for (String[] c : cases) {
            String[] options = c[0].split(" ");
            String[] base = {"apply", "--op", "softmax", "--in", "x.npy", "--out", "y.npy", "--lse-out"};
            String[] full = new String[base.length + 1 + options.length];
            System.arraycopy(base, 0, full, 0, base.length);
            full[base.length] = "lse.npy";
            System.arraycopy(options, 0, full, base.length + 1, options.length);
            Launcher.Result result = Launcher.run(dir, full);
            assertThat(result.exitCode()).as(c[0] + ": " + result.stderr()).isEqualTo(2);
            assertThat(result.stderr()).as(c[0]).startsWith(c[1]).endsWith("\n");
            assertThat(result.stderr().strip().lines().count()).as(c[0]).isOne();
            assertThat(dir.resolve("y.npy")).as(c[0]).doesNotExist();
            assertThat(dir.resolve("lse.npy")).as(c[0]).doesNotExist();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("tmp") || n.startsWith(".")))
                    .isEmpty();
        }
    }
}
