package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.KernelProbeMain;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Proves which kernel variant a surefire execution really runs (so the differential suites run on each one):
 * {@code -Dsoftmax.kernel=scalar} gives the scalar kernel, {@code -Dsoftmax.vector.bits=N} an N-bit vector kernel.
 */
@Tag("kernel-variants")
class KernelVariantTest {

    @Test
    void theRequestedKernelVariantIsTheOneInUse() {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.JAVA).build())) {
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

    /**
     * A vector width the kernel cannot serve (64 bits, say on a small NEON or forced by property) must leave a
     * working scalar kernel and a readable reason, not a bare ExceptionInInitializerError.
     */
    @Test
    void anUnsupportedVectorWidthFallsBackToScalarWithAReadableReason() throws Exception {
        List<String> command = ChildJvm.command(
                false,
                List.of("--add-modules", "jdk.incubator.vector", "-Dsoftmax.vector.bits=64"),
                KernelProbeMain.class);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("child output: %s", output).isZero();
        assertThat(output)
                .contains("kernel=scalar")
                .contains("note=the Vector API kernel failed to initialise: float vectors of 64 bits "
                        + "(softmax.vector.bits) are not supported; expected 128, 256 or 512")
                .contains("softmax=0.5,0.5");
    }
}
