package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Per-row log-sum-exp and entropy against double references, and their edge rows. */
@Tag("kernel-variants")
class RowReductionTest {

    @ParameterizedTest
    @EnumSource(
            value = Backend.class,
            names = {"ONEDNN", "JAVA"})
    void logSumExpAndEntropyMatchTheReferenceOnEveryAxis(Backend backend) {
        long[] shape = {3, 50, 4};
        Random random = new Random(21);
        float[] x = TestTensors.normal(random, 600, 4);
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(backend).build());
                Arena arena = Arena.ofConfined()) {
            TensorView src = TensorView.allocate(arena, DType.F32, shape).copyFrom(x);
            for (int axis = 0; axis < 3; axis++) {
                long[] reduced = new long[2];
                for (int d = 0, at = 0; d < 3; d++) {
                    if (d != axis) {
                        reduced[at++] = shape[d];
                    }
                }
                TensorView lse = TensorView.allocate(arena, DType.F32, reduced);
                TensorView entropy = TensorView.allocate(arena, DType.F32, reduced);
                engine.logSumExp(src, lse, axis);
                engine.entropy(src, entropy, axis);
                float[] gotLse = lse.toFloatArray();
                float[] gotEntropy = entropy.toFloatArray();
                int[] row = {0};
                BackwardTest.forEachRow(shape, axis, indices -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i : indices) {
                        max = Math.max(max, x[i]);
                    }
                    double sum = 0;
                    for (int i : indices) {
                        sum += Math.exp(x[i] - max);
                    }
                    double logSum = max + Math.log(sum);
                    double h = 0;
                    for (int i : indices) {
                        double p = Math.exp(x[i] - logSum);
                        h -= p * Math.log(p);
                    }
                    assertThat((double) gotLse[row[0]]).isCloseTo(logSum, within(1e-5 * Math.max(1, Math.abs(logSum))));
                    assertThat((double) gotEntropy[row[0]]).isCloseTo(h, within(1e-5 * Math.max(1, h)));
                    row[0]++;
                });
            }
        }
    }

    @Test
    void edgeRowsFollowTheDocumentedValues() {
        float inf = Float.POSITIVE_INFINITY;
        float[] rows = {
            -inf, -inf, -inf, // fully masked
            -inf, 0f, 0f, // two equal survivors: entropy ln 2, 0 log 0 = 0
            1f, Float.NaN, 2f, // NaN
            1f, inf, 2f, // +inf
            1e30f, -1e30f, 0f, // huge
        };
        for (EdgePolicy policy : new EdgePolicy[] {EdgePolicy.ZERO, EdgePolicy.NAN}) {
            try (SoftmaxEngine engine = SoftmaxEngine.create(
                            EngineOptions.builder().edgePolicy(policy).build());
                    Arena arena = Arena.ofConfined()) {
                TensorView src = TensorView.allocate(arena, DType.F32, 5, 3).copyFrom(rows);
                TensorView lse = TensorView.allocate(arena, DType.F32, 5);
                TensorView entropy = TensorView.allocate(arena, DType.F32, 5);
                engine.logSumExp(src, lse, -1);
                engine.entropy(src, entropy, -1);
                assertThat(lse.toFloatArray()).containsExactly(-inf, (float) Math.log(2), Float.NaN, inf, 1e30f);
                float[] h = entropy.toFloatArray();
                if (policy == EdgePolicy.ZERO) {
                    assertThat(h[0]).isEqualTo(0f);
                } else {
                    assertThat(h[0]).isNaN();
                }
                assertThat((double) h[1]).isCloseTo(Math.log(2), within(1e-7));
                assertThat(h[2]).isNaN();
                assertThat(h[3]).isNaN();
                assertThat(h[4]).isEqualTo(0f);
            }
        }
    }

    @Test
    void theDestinationShapeIsCheckedAndNamed() {
        try (SoftmaxEngine engine = SoftmaxEngine.create();
                Arena arena = Arena.ofConfined()) {
            TensorView src = TensorView.allocate(arena, DType.F32, 4, 5);
            TensorView wrong = TensorView.allocate(arena, DType.F32, 5);
            assertThatThrownBy(() -> engine.logSumExp(src, wrong, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dst: shape [5] does not match; expected [4] (src [4, 5] without axis 1)");
        }
    }
}
