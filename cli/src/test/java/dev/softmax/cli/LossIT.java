package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.cli.npy.NpyArray;
import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyHeader;
import dev.softmax.cli.npy.NpyIO;
import dev.softmax.cli.testing.Launcher;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code softmax loss} through the real launcher, against ONNX SoftmaxCrossEntropyLoss computed by hand. */
class LossIT {

    @TempDir
    Path dir;

    /** scores [2, 3, 2] (N=2, C=3, d1=2), labels [2, 2]. */
    private static final float[] SCORES = {1f, 0f, 2f, 1f, 3f, -1f, 0.5f, 2f, 0f, 2f, 1f, 0f};

    private static final long[] LABELS = {2, 0, 1, -5};
    private static final float[] WEIGHTS = {1f, 2f, 0.5f};

    @Test
    void meanWithWeightsAndANegativeIgnoreIndexWritesAZeroDimensionalLossAndLogProbabilities() throws Exception {
        write();

        Launcher.Result result = Launcher.run(
                dir,
                "loss",
                "--scores",
                "s.npy",
                "--labels",
                "l.npy",
                "--weights",
                "w.npy",
                "--ignore-index",
                "-5",
                "--reduction",
                "mean",
                "--out",
                "loss.npy",
                "--log-prob",
                "p.npy");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        NpyHeader header = NpyArray.openHeader(dir.resolve("loss.npy"));
        assertThat(header.shape()).isEmpty();
        double[] perTarget = perTargetLoss();
        double expected = (WEIGHTS[2] * perTarget[0] + WEIGHTS[0] * perTarget[1] + WEIGHTS[1] * perTarget[2])
                / (WEIGHTS[2] + WEIGHTS[0] + WEIGHTS[1]);
        assertThat((double) NpyIO.readFloats(dir.resolve("loss.npy"))[0]).isCloseTo(expected, within(1e-6));
        float[] logProb = NpyIO.readFloats(dir.resolve("p.npy"));
        assertThat(NpyArray.openHeader(dir.resolve("p.npy")).shape()).containsExactly(2, 3, 2);
        assertThat((double) logProb[4]).isCloseTo(logProbability(0, 2, 0), within(1e-6));
    }

    @Test
    void noneKeepsOneLossPerTargetAndSumAddsThem() throws Exception {
        write();
        double[] perTarget = perTargetLoss();

        Launcher.Result none = Launcher.run(
                dir,
                "loss",
                "--scores",
                "s.npy",
                "--labels",
                "l.npy",
                "--ignore-index",
                "-5",
                "--reduction",
                "none",
                "--out",
                "none.npy");
        Launcher.Result sum = Launcher.run(
                dir,
                "loss",
                "--scores",
                "s.npy",
                "--labels",
                "l.npy",
                "--ignore-index",
                "-5",
                "--reduction",
                "sum",
                "--out",
                "sum.npy");

        assertThat(none.exitCode()).as(none.stderr()).isZero();
        assertThat(NpyArray.openHeader(dir.resolve("none.npy")).shape()).containsExactly(2, 2);
        float[] losses = NpyIO.readFloats(dir.resolve("none.npy"));
        for (int t = 0; t < 4; t++) {
            assertThat((double) losses[t]).as("target %d", t).isCloseTo(perTarget[t], within(1e-6));
        }
        assertThat(sum.exitCode()).as(sum.stderr()).isZero();
        assertThat((double) NpyIO.readFloats(dir.resolve("sum.npy"))[0])
                .isCloseTo(perTarget[0] + perTarget[1] + perTarget[2], within(1e-5));
    }

    @Test
    void mismatchedShapesAndOutOfRangeLabelsAreOneLineErrors() throws Exception {
        write();
        NpyIO.write(dir.resolve("l3.npy"), NpyDType.I4, new long[] {3}, new int[] {0, 1, 2});
        NpyIO.write(dir.resolve("bad.npy"), NpyDType.I8, new long[] {2, 2}, new long[] {0, 3, 1, 1});

        Launcher.Result shape = Launcher.run(dir, "loss", "--scores", "s.npy", "--labels", "l3.npy", "--out", "x.npy");
        Launcher.Result range = Launcher.run(dir, "loss", "--scores", "s.npy", "--labels", "bad.npy", "--out", "x.npy");

        assertThat(shape.exitCode()).isEqualTo(2);
        assertThat(shape.stderr())
                .isEqualTo("softmax: labels: shape [3] does not match scores [2, 3, 2]; expected "
                        + "[2, 2] (scores without the class axis 1)\n");
        assertThat(range.exitCode()).isEqualTo(2);
        assertThat(range.stderr()).isEqualTo("softmax: labels: element [0, 1] is 3; expected a class in 0..2\n");
        assertThat(dir.resolve("x.npy")).doesNotExist();
    }

    private void write() throws Exception {
        NpyIO.write(dir.resolve("s.npy"), NpyDType.F4, new long[] {2, 3, 2}, SCORES);
        NpyIO.write(dir.resolve("l.npy"), NpyDType.I8, new long[] {2, 2}, LABELS);
        NpyIO.write(dir.resolve("w.npy"), NpyDType.F4, new long[] {3}, WEIGHTS);
    }

    /** -log softmax over the class axis at the label, per target; 0 for the ignored target. */
    private static double[] perTargetLoss() {
        double[] loss = new double[4];
        for (int n = 0; n < 2; n++) {
            for (int d = 0; d < 2; d++) {
                long label = LABELS[n * 2 + d];
                loss[n * 2 + d] = label < 0 ? 0 : -logProbability(n, (int) label, d);
            }
        }
        return loss;
    }

    private static double logProbability(int n, int c, int d) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
            max = Math.max(max, SCORES[(n * 3 + k) * 2 + d]);
        }
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            sum += Math.exp(SCORES[(n * 3 + k) * 2 + d] - max);
        }
        return SCORES[(n * 3 + c) * 2 + d] - max - Math.log(sum);
    }
}
