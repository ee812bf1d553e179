package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The explicit Jacobian diag(s) - s s^T and its agreement with the JVP and the backward pass. */
class JacobianTest {

    private static final SoftmaxEngine ENGINE =
            SoftmaxEngine.create(EngineOptions.builder().backend(Backend.JAVA).build());

    @AfterAll
    static void close() {
        ENGINE.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8, 33})
    void jacobianIsSymmetricAnnihilatesOnesAndIsPositiveSemiDefinite(int n) {
        try (Arena arena = Arena.ofConfined()) {
            float[] s = probabilities(arena, n, 11);
            double[][] j = jacobian(arena, s);
            for (int a = 0; a < n; a++) {
                double rowSum = 0;
                for (int b = 0; b < n; b++) {
                    assertThat(j[a][b]).as("J[%d][%d] vs J[%d][%d]", a, b, b, a).isEqualTo(j[b][a]);
                    assertThat(j[a][b]).isCloseTo((a == b ? s[a] : 0) - (double) s[a] * s[b], within(1e-7));
                    rowSum += j[a][b];
                }
                assertThat(rowSum).as("(J 1)[%d]", a).isCloseTo(0, within(1e-6));
            }
            for (double eigenvalue : symmetricEigenvalues(j)) {
                assertThat(eigenvalue).isGreaterThanOrEqualTo(-1e-7);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Backend.class,
            names = {"ONEDNN", "JAVA"})
    void jacobianTimesAVectorIsTheJvpAndGTransposeJIsTheBackward(Backend backend) {
        int n = 24;
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(backend).build());
                Arena arena = Arena.ofConfined()) {
            float[] s = probabilities(arena, n, 5);
            double[][] j = jacobian(arena, s);
            Random random = new Random(9);
            float[] v = TestTensors.normal(random, n, 1);
            TensorView sView = TensorView.allocate(arena, DType.F32, 1, n).copyFrom(s);
            TensorView vView = TensorView.allocate(arena, DType.F32, 1, n).copyFrom(v);
            TensorView jvp = TensorView.allocate(arena, DType.F32, 1, n);
            TensorView backward = TensorView.allocate(arena, DType.F32, 1, n);

            engine.softmaxJvp(sView, vView, jvp, -1);
            engine.softmaxBackward(sView, vView, backward);

            float[] jv = jvp.toFloatArray();
            float[] gj = backward.toFloatArray();
            for (int a = 0; a < n; a++) {
                double times = 0;
                double transposed = 0;
                for (int b = 0; b < n; b++) {
                    times += j[a][b] * v[b];
                    transposed += v[b] * j[b][a];
                }
                assertThat((double) jv[a]).as("(J v)[%d]", a).isCloseTo(times, within(1e-6));
                assertThat((double) gj[a]).as("(g^T J)[%d]", a).isCloseTo(transposed, within(1e-6));
            }
        }
    }

    @Test
    void sizesAboveTheLimitAreRefusedWithAClearMessage() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView s = TensorView.allocate(arena, DType.F32, 5000);
            TensorView out = TensorView.wrap(arena.allocate(4), DType.F32, new long[] {5000, 5000}, new long[] {0, 0});
            assertThatThrownBy(() -> ENGINE.softmaxJacobian(s, out))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("probabilities: a Jacobian of 5000 x 5000 would hold 25000000 elements; expected n <= "
                            + "4096 (use softmaxBackward or softmaxJvp, which apply it without forming the matrix)");
        }
    }

    private static float[] probabilities(Arena arena, int n, long seed) {
        float[] logits = TestTensors.normal(new Random(seed), n, 2);
        TensorView x = TensorView.allocate(arena, DType.F32, n).copyFrom(logits);
        TensorView s = TensorView.allocate(arena, DType.F32, n);
        ENGINE.softmax(x, s);
        return s.toFloatArray();
    }

    private static double[][] jacobian(Arena arena, float[] s) {
        int n = s.length;
        TensorView sView = TensorView.allocate(arena, DType.F32, n).copyFrom(s);
        TensorView out = TensorView.allocate(arena, DType.F32, n, n);
        ENGINE.softmaxJacobian(sView, out);
        double[][] j = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                j[a][b] = out.getFloat(a, b);
            }
        }
        return j;
    }

    /** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations, in double. */
    static double[] symmetricEigenvalues(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = matrix[i].clone();
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double kp = a[k][p];
                        double kq = a[k][q];
                        a[k][p] = c * kp - s * kq;
                        a[k][q] = s * kp + c * kq;
                    }
                    for (int k = 0; k < n; k++) {
                        double pk = a[p][k];
                        double qk = a[q][k];
                        a[p][k] = c * pk - s * qk;
                        a[q][k] = s * pk + c * qk;
                    }
                }
            }
        }
        double[] eigenvalues = new double[n];
        for (int i = 0; i < n; i++) {
            eigenvalues[i] = a[i][i];
        }
        return eigenvalues;
    }
}
