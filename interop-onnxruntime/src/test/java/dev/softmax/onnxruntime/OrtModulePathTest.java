package dev.softmax.onnxruntime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import dev.softmax.SoftmaxEngine;
import dev.softmax.nativelib.DnnlLibrary;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dev.softmax.onnxruntime} on the module path, in a child JVM: an application module ({@code requires
 * dev.softmax.onnxruntime}) with ONNX Runtime's jar as its automatic module {@code com.microsoft.onnxruntime} runs
 * the tiny model through an {@link OrtBridge}, with native access granted to the named modules only and illegal
 * native access denied; ONNX Runtime's data pointer is the engine segment's address there too, and the engine
 * samples the logits. The same program runs from the class path.
 */
class OrtModulePathTest {

    private static final String NATIVE_ACCESS = "--enable-native-access=dev.softmax.engine,dev.softmax.bindings,"
            + "dev.softmax.nativelib,dev.softmax.onnxruntime,com.microsoft.onnxruntime";

    private static final String MAIN = """
            package app;

            import ai.onnxruntime.OrtEnvironment;
            import ai.onnxruntime.OrtSession;
            import dev.softmax.DecodeOutputs;
            import dev.softmax.SamplingParameters;
            import dev.softmax.SoftmaxEngine;
            import dev.softmax.TensorView;
            import dev.softmax.onnxruntime.OrtBridge;
            import java.lang.foreign.Arena;
            import java.lang.foreign.ValueLayout;
            import java.nio.file.Files;
            import java.nio.file.Path;

            public class Main {
                public static void main(String[] args) throws Exception {
                    System.out.println("module=" + OrtBridge.class.getModule().getName());
                    byte[] model = Files.readAllBytes(Path.of(args[0]));
                    try (OrtSession session = OrtEnvironment.getEnvironment()
                                    .createSession(model, new OrtSession.SessionOptions());
                            OrtBridge bridge = OrtBridge.create(session);
                            SoftmaxEngine engine = SoftmaxEngine.create();
                            Arena arena = Arena.ofConfined()) {
                        TensorView ids = bridge.input("token_ids", 2);
                        TensorView logits = bridge.output("logits", 2, 8);
                        ids.segment().setAtIndex(ValueLayout.JAVA_LONG, 0, 5);
                        ids.segment().setAtIndex(ValueLayout.JAVA_LONG, 1, 7);
                        bridge.run();
                        System.out.println("same.address="
                                + (bridge.ortDataAddress("logits") == logits.segment().address()));
                        SamplingParameters params = SamplingParameters.allocate(arena, 2);
                        params.row(0).temperature(0f);
                        params.row(1).temperature(0f);
                        engine.sample(logits, params, DecodeOutputs.of(ids));
                        long argmax = 0;
                        for (int j = 1; j < 8; j++) {
                            if (logits.getFloat(0, j) > logits.getFloat(0, (int) argmax)) {
                                argmax = j;
                            }
                        }
                        System.out.println("greedy.matches="
                                + (ids.segment().getAtIndex(ValueLayout.JAVA_LONG, 0) == argmax));
                    }
                }
            }
            """;

    @TempDir
    static Path work;

    private record Run(int exitCode, String output) {}

    @Test
    void onTheModulePathAndFromTheClassPath() throws Exception {
        List<Path> modules = List.of(
                location(OrtBridge.class),
                location(SoftmaxEngine.class),
                onClassPath("softmax-bindings-.*\\.jar|.*bindings[/\\\\]target[/\\\\]classes"),
                location(DnnlLibrary.class),
                location(OrtSession.class));
        Path dnnlJar = onClassPath("dnnl-.*-linux-x86_64\\.jar");
        Path model = work.resolve("tiny_lm.onnx");
        Files.write(model, TinyLm.model("tiny_lm.onnx"));

        Path sources = Files.createDirectories(work.resolve("src/app/app"));
        Files.writeString(sources.resolve("Main.java"), MAIN);
        Files.writeString(
                work.resolve("src/app/module-info.java"), "module app { requires dev.softmax.onnxruntime; }\n");
        Path appModule = work.resolve("mods/app");
        run(
                "javac",
                "--module-path",
                join(modules),
                "-d",
                appModule.toString(),
                work.resolve("src/app/module-info.java").toString(),
                sources.resolve("Main.java").toString());
        Path appClasses = work.resolve("classes");
        run(
                "javac",
                "-cp",
                join(modules),
                "-d",
                appClasses.toString(),
                sources.resolve("Main.java").toString());

        List<Path> modulePath = new ArrayList<>(modules);
        modulePath.addFirst(appModule);
        Run onModulePath = java(List.of(
                NATIVE_ACCESS,
                "--illegal-native-access=deny",
                "--add-modules",
                "jdk.incubator.vector",
                "--module-path",
                join(modulePath),
                "-cp",
                dnnlJar.toString(),
                "-m",
                "app/app.Main",
                model.toString()));
        assertThat(onModulePath.exitCode()).as(onModulePath.output()).isZero();
        assertThat(onModulePath.output())
                .contains("module=dev.softmax.onnxruntime")
                .contains("same.address=true")
                .contains("greedy.matches=true");

        List<Path> classPath = new ArrayList<>(modules);
        classPath.addFirst(appClasses);
        classPath.add(dnnlJar);
        Run onClassPath = java(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                join(classPath),
                "app.Main",
                model.toString()));
        assertThat(onClassPath.exitCode()).as(onClassPath.output()).isZero();
        assertThat(onClassPath.output())
                .contains("module=null")
                .contains("same.address=true")
                .contains("greedy.matches=true");
    }

    /** The class-path entry whose file name (or, for a folder, whose path) matches {@code pattern}. */
    private static Path onClassPath(String pattern) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(p -> p.getFileName().toString().matches(pattern)
                        || p.toString().matches(pattern))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(pattern + " is not on the class path"));
    }

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String join(List<Path> paths) {
        return String.join(
                File.pathSeparator, paths.stream().map(Path::toString).toList());
    }

    private static void run(String tool, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", tool).toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", tool, output).isZero();
    }

    private static Run java(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
