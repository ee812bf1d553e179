package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an allocation-measuring child JVM ({@code dev.softmax.testing.*AllocationMain}) on the vector kernel and
 * checks that it printed {@code settings} lines {@code bytes=<n> setting=...}, each with n = 0.
 */
final class AllocationChild {

    private AllocationChild() {}

    static void assertEverySettingAllocatesNothing(Class<?> main, int settings, long timeoutSeconds) throws Exception {
        List<String> command = ChildJvm.command(false, List.of("--add-modules", "jdk.incubator.vector"), main);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("child output: %s", output).isZero();
        assertThat(output).as("the child runs the vector kernel").contains("kernel=vector");
        List<String> lines = output.lines().filter(l -> l.startsWith("bytes=")).toList();
        assertThat(lines).as("child output: %s", output).hasSize(settings);
        for (String line : lines) {
            assertThat(line).as("bytes per call").startsWith("bytes=0 ");
        }
    }
}
