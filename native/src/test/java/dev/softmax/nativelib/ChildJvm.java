package dev.softmax.nativelib;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts {@link LoadProbeMain} in a fresh JVM with the given class path, properties and environment. */
final class ChildJvm {

    record Outcome(int exitCode, String output) {}

    private ChildJvm() {}

    static Process start(
            String classPath, List<String> jvmOptions, Map<String, String> environment, List<String> arguments)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(LoadProbeMain.class.getName());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SOFTMAX_DNNL_LIBRARY");
        builder.environment().remove("SOFTMAX_NATIVE_CACHE");
        builder.environment().remove("OMP_WAIT_POLICY");
        builder.environment().putAll(environment);
        return builder.start();
    }

    static Outcome await(Process process) throws IOException, InterruptedException {
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 120 s");
        }
        return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    static Outcome run(String classPath, List<String> jvmOptions, Map<String, String> environment)
            throws IOException, InterruptedException {
        return await(start(classPath, jvmOptions, environment, List.of()));
    }

    static String fullClassPath() {
        return System.getProperty("java.class.path");
    }

    /** The test class path without the dnnl jar: a process that has no oneDNN anywhere. */
    static String classPathWithoutDnnl() {
        List<String> kept = new ArrayList<>();
        for (String entry : fullClassPath().split(java.io.File.pathSeparator)) {
            if (!entry.contains("org/bytedeco/dnnl") && !entry.contains("dnnl-3.")) {
                kept.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, kept);
    }
}
