package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs in a surefire execution whose JVM has no {@code --add-modules jdk.incubator.vector}: the engine must
 * still work, on the scalar kernel, and say why.
 */
@EnabledIfSystemProperty(named = "softmax.test.noVectorModule", matches = "true")
class WithoutVectorModuleTest {

    @Test
    void theVectorModuleIsReallyAbsentInThisJvm() {
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isEmpty();
    }

    @Test
    void javaBackendFallsBackToTheScalarKernelAndSaysWhy() {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.JAVA).build())) {
            assertThat(engine.backend().javaKernel()).isEqualTo("scalar");
            assertThat(engine.backend().javaKernelNote())
                    .hasValueSatisfying(note -> assertThat(note).contains("jdk.incubator.vector is not enabled"));
        }
    }

    /**
     * AUTO sends a bf16 softmax of contiguous rows to Java only where the vector kernel widens and rounds inside
     * its passes; the scalar kernel gathers and scatters each row, so such calls stay with oneDNN.
     */
    @Test
    void autoKeepsBf16SoftmaxOnOnednnWhenTheKernelIsScalar() {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.AUTO).build());
                Arena arena = Arena.ofConfined()) {
            TensorView x = TensorView.allocate(arena, DType.BF16, 64, 128);
            float[] logits = new float[64 * 128];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) Math.sin(i * 0.37) * 6;
            }
            x.copyFrom(logits);
            TensorView y = TensorView.allocate(arena, DType.BF16, 64, 128);
            engine.softmax(x, y);
            assertThat(engine.backend().dispatchRule()).doesNotContain("except a bf16 softmax");
            org.junit.jupiter.api.Assumptions.assumeTrue(engine.backend().onednnAvailable(), "needs oneDNN");
            assertThat(engine.statistics().onednnCalls()).isEqualTo(1);
            assertThat(engine.statistics().javaCalls()).isZero();
        }
    }

    @Test
    void bothBackendsStillComputeCorrectly() {
        float[] logits = new float[3 * 37];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i * 0.37) * 6;
        }
        for (Backend backend : new Backend[] {Backend.JAVA, Backend.ONEDNN}) {
            try (SoftmaxEngine engine = SoftmaxEngine.create(
                            EngineOptions.builder().backend(backend).build());
                    Arena arena = Arena.ofConfined()) {
                TensorView src = TensorView.allocate(arena, DType.F32, 3, 37).copyFrom(logits);
                TensorView dst = TensorView.allocate(arena, DType.F32, 3, 37);
                engine.logSoftmax(src, dst);
                float[] result = dst.toFloatArray();
                for (int row = 0; row < 3; row++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < 37; i++) {
                        max = Math.max(max, logits[37 * row + i]);
                    }
                    double sum = 0;
                    for (int i = 0; i < 37; i++) {
                        sum += Math.exp(logits[37 * row + i] - max);
                    }
                    for (int i = 0; i < 37; i++) {
                        double expected = logits[37 * row + i] - max - Math.log(sum);
                        assertThat((double) result[37 * row + i])
                                .as("%s row %d col %d", backend, row, i)
                                .isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                    }
                }
            }
        }
    }
}
