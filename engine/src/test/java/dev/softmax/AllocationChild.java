package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an allocation-measuring child JVM ({@code dev.softmax.testing.*AllocationMain}) on the vector kernel and
 * checks that it printed {@code settings} lines {@code bytes=<n> setting=...}, each with n = 0. The arguments go to
 * the child's {@code main}.
 */
final class AllocationChild {

    private AllocationChild() {}

    /** @return the child's output, for further checks */
    static String assertEverySettingAllocatesNothing(
            Class<?> main, int settings, long timeoutSeconds, String... arguments) throws Exception {
        List<String> command =
                ChildJvm.command(false, List.of("--add-modules", "jdk.incubator.vector"), main, arguments);
        // The output goes to a file, so that the timeout holds: reading a pipe to its end would wait for the child
        // however long it runs (a child whose settings all allocate retries each one for 20 s).
        Path log = Files.createTempFile("allocation-child", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished)
                    .as("child finished within %d s; output: %s", timeoutSeconds, output)
                    .isTrue();
            return checked(output, process, settings);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String checked(String output, Process process, int settings) {
        assertThat(process.exitValue()).as("child output: %s", output).isZero();
        assertThat(output).as("the child runs the vector kernel").contains("kernel=vector");
        List<String> lines = output.lines().filter(l -> l.startsWith("bytes=")).toList();
        assertThat(lines).as("child output: %s", output).hasSize(settings);
        for (String line : lines) {
            assertThat(line).as("bytes per call").startsWith("bytes=0 ");
        }
        return output;
    }
}
