package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.KernelAllocationMain;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A loop of repeated forward and backward calls of the Java kernel on the same views allocates nothing once
 * compiled, on every row path, f32 and bf16, measured in a child JVM that runs only that loop
 * ({@link KernelAllocationMain}), as in {@link AttentionAllocationTest}.
 *
 * <p>Regression: when the vector passes first took their segments' exact-class slices (see
 * {@code PanamaVectorConstants}), the short row's scalar tail read through the slice; C2 inlined that pass into
 * {@code softmaxRows} without inlining the tail's VarHandle access, so the slice escaped: 40 B a row on 64x512,
 * 320 B a call on 8x16 (thread-allocated bytes in a probe, 2026-12-06). The attention settings did not reach it.
 */
class KernelAllocationTest {

    @Test
    void repeatedCallsAllocateNothing() throws Exception {
        List<String> command =
                ChildJvm.command(false, List.of("--add-modules", "jdk.incubator.vector"), KernelAllocationMain.class);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("child output: %s", output).isZero();
        assertThat(output).as("the child runs the vector kernel").contains("kernel=vector");
        List<String> lines = output.lines().filter(l -> l.startsWith("bytes=")).toList();
        assertThat(lines).as("child output: %s", output).hasSize(KernelAllocationMain.settings());
        for (String line : lines) {
            assertThat(line).as("bytes per call").startsWith("bytes=0 ");
        }
    }
}
