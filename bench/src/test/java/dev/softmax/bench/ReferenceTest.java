package dev.softmax.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.DType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The self-check accepts right answers, rejects wrong ones, and the naive loop is what it claims to be. */
class ReferenceTest {

    private static final Shape SHAPE = new Shape(40, 300);

    @Test
    void naiveSoftmaxPassesAndIsMeasured() {
        float[] x = Data.logits(SHAPE);
        float[] y = new float[x.length];
        NaiveBenchmark.softmax(x, y, SHAPE.rows(), SHAPE.columns());
        Reference.Result result =
                Reference.checkForward(Reference.Op.SOFTMAX, SHAPE, x, row(y), false, Reference.Bound.PEER, "naive");
        assertThat(result.rowsChecked()).isEqualTo(17);
        assertThat(result.maxError()).isPositive().isLessThan(1e-5);
    }

    @Test
    void naiveLogSoftmaxPasses() {
        float[] x = Data.logits(SHAPE);
        float[] y = new float[x.length];
        NaiveBenchmark.logSoftmax(x, y, SHAPE.rows(), SHAPE.columns());
        Reference.checkForward(Reference.Op.LOG_SOFTMAX, SHAPE, x, row(y), false, Reference.Bound.ENGINE, "naive");
    }

    @Test
    void aWrongElementFailsLoudly() {
        float[] x = Data.logits(SHAPE);
        float[] y = new float[x.length];
        NaiveBenchmark.softmax(x, y, SHAPE.rows(), SHAPE.columns());
        y[SHAPE.columns() * 39 + 7] *= 1.001f; // last row, always checked
        assertThatThrownBy(() -> Reference.checkForward(
                        Reference.Op.SOFTMAX, SHAPE, x, row(y), false, Reference.Bound.PEER, "tampered"))
                .isInstanceOf(Reference.SelfCheckFailed.class)
                .hasMessageContaining("SELF-CHECK FAILED: tampered")
                .hasMessageContaining("[39, 7]");
    }

    @Test
    void aNanFails() {
        float[] x = Data.logits(SHAPE);
        float[] y = new float[x.length];
        NaiveBenchmark.logSoftmax(x, y, SHAPE.rows(), SHAPE.columns());
        y[0] = Float.NaN;
        assertThatThrownBy(() -> Reference.checkForward(
                        Reference.Op.LOG_SOFTMAX, SHAPE, x, row(y), false, Reference.Bound.NAIVE, "nan"))
                .isInstanceOf(Reference.SelfCheckFailed.class);
    }

    @Test
    void backwardReferenceMatchesTheFormula() {
        Shape shape = new Shape(3, 50);
        float[] x = Data.logits(shape);
        float[] s = new float[x.length];
        NaiveBenchmark.softmax(x, s, shape.rows(), shape.columns());
        float[] g = Data.gradient(shape);
        float[] dx = new float[x.length];
        for (int r = 0; r < shape.rows(); r++) {
            double dot = 0;
            for (int c = 0; c < shape.columns(); c++) {
                dot += (double) s[r * 50 + c] * g[r * 50 + c];
            }
            for (int c = 0; c < shape.columns(); c++) {
                dx[r * 50 + c] = (float) (s[r * 50 + c] * (g[r * 50 + c] - dot));
            }
        }
        Reference.checkBackward(
                Reference.Op.SOFTMAX_BACKWARD, shape, s, g, row(dx, shape), false, Reference.Bound.ENGINE, "backward");
        dx[10] = -dx[10] + 1e-3f;
        assertThatThrownBy(() -> Reference.checkBackward(
                        Reference.Op.SOFTMAX_BACKWARD,
                        shape,
                        s,
                        g,
                        row(dx, shape),
                        false,
                        Reference.Bound.ENGINE,
                        "backward"))
                .isInstanceOf(Reference.SelfCheckFailed.class);
    }

    @Test
    void bf16StorageRoundTrips() {
        float[] x = Data.logits(new Shape(1, 64));
        float[] stored = Data.asStored(x, DType.BF16);
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var segment = arena.allocate(64 * 2);
            Data.write(segment, DType.BF16, x);
            assertThat(Data.read(segment, DType.BF16, 0, 64)).containsExactly(stored);
        }
        assertThat(Arrays.equals(stored, x)).isFalse();
    }

    @Test
    void rowsToCheckSpreadsAndIncludesTheLast() {
        assertThat(Reference.rowsToCheck(3)).containsExactly(0, 1, 2);
        assertThat(Reference.rowsToCheck(4096)).hasSize(17).startsWith(0, 256).endsWith(4095);
    }

    private static Reference.Rows row(float[] values) {
        return row(values, SHAPE);
    }

    private static Reference.Rows row(float[] values, Shape shape) {
        return r -> Arrays.copyOfRange(values, r * shape.columns(), (r + 1) * shape.columns());
    }
}
