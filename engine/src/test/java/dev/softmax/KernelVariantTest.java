package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Proves which kernel variant a surefire execution really runs (so the differential suites run on each one):
 * {@code -Dsoftmax.kernel=scalar} gives the scalar kernel, {@code -Dsoftmax.vector.bits=N} an N-bit vector kernel.
 */
class KernelVariantTest {

    @Test
    void theRequestedKernelVariantIsTheOneInUse() {
        try (SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder().backend(Backend.JAVA).build())) {
            String kernel = engine.backend().javaKernel();
            String requestedKernel = System.getProperty("softmax.kernel", "auto");
            String bits = System.getProperty("softmax.vector.bits");
            if (requestedKernel.equals("scalar")) {
                assertThat(kernel).isEqualTo("scalar");
            } else if (bits != null) {
                assertThat(kernel).startsWith("vector (" + bits + "-bit");
            } else {
                assertThat(kernel).startsWith("vector (");
            }
        }
    }
}
