package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The existing backward passes on masked attention outputs: a masked position's output is exactly 0 (log: -inf),
 * so the softmax backward {@code y (dy - <y, dy>)} gives exactly 0 there for any dy, and the log-softmax backward
 * {@code dy - exp(y) sum(dy)} gives exactly 0 for a dy that is 0 there (any loss of the finite log-probabilities).
 */
class AttentionBackwardTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void maskedPositionsGetExactlyZeroGradient(Backend backend) {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(backend).build());
                Arena arena = Arena.ofConfined()) {
            Random random = new Random(7);
            long[] shape = {2, 4, 16, 64};
            int n = (int) TestTensors.product(shape);
            TensorView x = TestTensors.dense(arena, DType.F32, shape).copyFrom(TestTensors.normal(random, n, 3));
            TensorView mask = TestTensors.dense(arena, DType.U8, 16, 64);
            float[] maskValues = new float[16 * 64];
            for (int i = 0; i < maskValues.length; i++) {
                maskValues[i] = random.nextInt(3) == 0 ? 0 : 1;
            }
            mask.copyFrom(maskValues);
            TensorView lengths = TestTensors.dense(arena, DType.I32, 2);
            lengths.setFloat(40, 0);
            lengths.setFloat(0, 1); // batch entry 1 fully masked
            AttentionOptions options = AttentionOptions.defaults()
                    .scale(0.125f)
                    .mask(mask)
                    .causal(48)
                    .keyLengths(lengths);
            for (boolean log : new boolean[] {false, true}) {
                TensorView y = TestTensors.dense(arena, DType.F32, shape);
                engine.attentionSoftmax(x, y, options.logSoftmax(log));
                float[] yValues = y.toFloatArray();
                float[] dyValues = TestTensors.normal(random, n, 1);
                int masked = 0;
                for (int i = 0; i < n; i++) {
                    boolean isMasked = log ? yValues[i] == Float.NEGATIVE_INFINITY : yValues[i] == 0f;
                    if (isMasked) {
                        masked++;
                        if (log) {
                            dyValues[i] = 0f;
                        }
                    }
                }
                assertThat(masked).as("masked positions").isGreaterThan(n / 3);
                TensorView dy = TestTensors.dense(arena, DType.F32, shape).copyFrom(dyValues);
                TensorView dx = TestTensors.dense(arena, DType.F32, shape);
                if (log) {
                    engine.logSoftmaxBackward(y, dy, dx);
                } else {
                    engine.softmaxBackward(y, dy, dx);
                }
                float[] dxValues = dx.toFloatArray();
                int nonZeroUnmasked = 0;
                for (int i = 0; i < n; i++) {
                    boolean isMasked = log ? yValues[i] == Float.NEGATIVE_INFINITY : yValues[i] == 0f;
                    if (isMasked) {
                        assertThat(dxValues[i] == 0f)
                                .as("%s log=%s: dx at masked position %d is %s", backend, log, i, dxValues[i])
                                .isTrue();
                    } else if (dxValues[i] != 0f) {
                        nonZeroUnmasked++;
                    }
                }
                assertThat(nonZeroUnmasked)
                        .as("unmasked positions carry gradient")
                        .isGreaterThan(n / 10);
            }
        }
    }
}
