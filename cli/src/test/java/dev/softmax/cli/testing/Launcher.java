package dev.softmax.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code ./softmax} launcher from the project root, as a user would. */
public final class Launcher {

    public record Result(int exitCode, String stdout, String stderr) {}

    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private Launcher() {}

    public static Result run(Path workingDirectory, Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("softmax").toString());
        command.addAll(List.of(arguments));
        return execute(command, workingDirectory, environment, arguments);
    }

    /**
     * Runs the launcher under {@code bash -c} with {@code shellPrefix} before it (a {@code ulimit}, an environment
     * assignment), so that the limit applies to the launcher and the JVM it starts.
     */
    public static Result runUnderShell(Path workingDirectory, String shellPrefix, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "bash",
                "-c",
                shellPrefix + " exec \"$0\" \"$@\"",
                ROOT.resolve("softmax").toString()));
        command.addAll(List.of(arguments));
        return execute(command, workingDirectory, Map.of(), arguments);
    }

    private static Result execute(
            List<String> command, Path workingDirectory, Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().remove("SOFTMAX_BACKEND");
        builder.environment().remove("SOFTMAX_PROGRESS");
        builder.environment().putAll(environment);
        Path stdout = Files.createTempFile("softmax-out", ".txt");
        Path stderr = Files.createTempFile("softmax-err", ".txt");
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process process = builder.start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./softmax " + String.join(" ", arguments) + " did not finish in 300 s");
        }
        Result result = new Result(
                process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
        Files.delete(stdout);
        Files.delete(stderr);
        return result;
    }

    public static Result run(Path workingDirectory, String... arguments) throws IOException, InterruptedException {
        return run(workingDirectory, Map.of(), arguments);
    }
}
