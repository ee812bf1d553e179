package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.bindings.dnnl.dnnl_h;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The named modules on the module path, in a child JVM: a small application module ({@code requires
 * dev.softmax.engine}) is compiled against the engine, bindings and native modules and run with native access
 * granted to exactly {@code dev.softmax.engine,dev.softmax.bindings,dev.softmax.nativelib} and illegal native
 * access denied: oneDNN loads and computes, the Vector API kernel is used when {@code jdk.incubator.vector} is
 * added and the scalar kernel when it is not, only the API packages are exported, and withholding native access
 * from the softmax modules fails. The same program also runs from the class path. (The rest of the suite runs on
 * the class path.)
 */
class ModulePathTest {

    private static final String NATIVE_ACCESS =
            "--enable-native-access=dev.softmax.engine,dev.softmax.bindings," + "dev.softmax.nativelib";

    private static final String MAIN = """
            package app;

            import dev.softmax.Backend;
            import dev.softmax.DType;
            import dev.softmax.EngineOptions;
            import dev.softmax.ForeignTensor;
            import dev.softmax.SoftmaxEngine;
            import dev.softmax.TensorView;
            import java.lang.foreign.Arena;

            public class Main {
                public static void main(String[] args) {
                    Module engineModule = SoftmaxEngine.class.getModule();
                    System.out.println("module=" + engineModule.getName());
                    System.out.println("app.module=" + Main.class.getModule().getName());
                    System.out.println("exported.api=" + engineModule.isExported("dev.softmax"));
                    System.out.println("exported.dlpack=" + engineModule.isExported("dev.softmax.dlpack"));
                    System.out.println("exported.internal=" + engineModule.isExported("dev.softmax.internal"));
                    try (SoftmaxEngine engine = SoftmaxEngine.create(
                                    EngineOptions.builder().backend(Backend.ONEDNN).build());
                            Arena arena = Arena.ofConfined();
                            ForeignTensor probabilities = ForeignTensor.allocate(DType.BF16, 2, 4)) {
                        TensorView logits = TensorView.allocate(arena, DType.F32, 2, 4)
                                .copyFrom(new float[] {1, 2, 3, 4, 0, 0, 0, 0});
                        engine.softmax(logits, probabilities.view());
                        System.out.println("onednn=" + engine.backend().onednnAvailable());
                        System.out.println("onednn.calls=" + engine.statistics());
                        System.out.println("p=" + probabilities.view().getFloat(1, 0));
                        System.out.println("kernel=" + engine.backend().javaKernel());
                    }
                    try (SoftmaxEngine engine = SoftmaxEngine.create(
                            EngineOptions.builder().backend(Backend.JAVA).build())) {
                        TensorView x = TensorView.of(new float[] {0, 0}, 2);
                        engine.softmax(x, x);
                        System.out.println("java.p=" + x.getFloat(0));
                    }
                }
            }
            """;

    @TempDir
    static Path work;

    private static List<Path> modules;
    private static Path dnnlJar;
    private static Path appModule;
    private static Path appClasses;

    @BeforeAll
    static void compileTheApplication() throws IOException {
        modules = List.of(location(SoftmaxEngine.class), location(dnnl_h.class), location(DnnlLibrary.class));
        dnnlJar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(p -> p.getFileName().toString().matches("dnnl-.*-linux-x86_64\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the org.bytedeco:dnnl jar is not on the class path"));
        for (Path module : modules) {
            assertThat(module.resolve("module-info.class").toFile().exists()
                            || module.toString().endsWith(".jar"))
                    .as("%s is a module", module)
                    .isTrue();
        }

        Path sources = Files.createDirectories(work.resolve("src/app/app"));
        Files.writeString(sources.resolve("Main.java"), MAIN);
        Files.writeString(work.resolve("src/app/module-info.java"), "module app { requires dev.softmax.engine; }\n");
        appModule = work.resolve("mods/app");
        javac(
                "--module-path",
                join(modules),
                "-d",
                appModule.toString(),
                work.resolve("src/app/module-info.java").toString(),
                sources.resolve("Main.java").toString());
        appClasses = work.resolve("classes");
        javac(
                "-cp",
                join(modules),
                "-d",
                appClasses.toString(),
                sources.resolve("Main.java").toString());
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String join(List<Path> paths) {
        return String.join(
                File.pathSeparator, paths.stream().map(Path::toString).toList());
    }

    /** The JDK's javac as a process (javax.tools would make the test code, patched into the module, read java.compiler). */
    private static void javac(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "javac").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(process.exitValue()).as("javac: %s", output).isZero();
    }

    private record Run(int exitCode, String output) {}

    private static Run java(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static List<String> modulePath(String... options) {
        List<String> arguments = new ArrayList<>(List.of(options));
        List<Path> path = new ArrayList<>(modules);
        path.addFirst(appModule);
        // The dnnl jar stays on the class path: its module descriptor requires JavaCPP's org.bytedeco.dnnl.
        arguments.addAll(List.of("--module-path", join(path), "-cp", dnnlJar.toString(), "-m", "app/app.Main"));
        return arguments;
    }

    @Test
    void onTheModulePathWithTheVectorModule() throws Exception {
        Run run = java(
                modulePath(NATIVE_ACCESS, "--illegal-native-access=deny", "--add-modules", "jdk.incubator.vector"));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("module=dev.softmax.engine")
                .contains("app.module=app")
                .contains("exported.api=true")
                .contains("exported.dlpack=true")
                .contains("exported.internal=false")
                .contains("onednn=true")
                .contains("p=0.25")
                .contains("kernel=vector")
                .contains("java.p=0.5");
    }

    @Test
    void onTheModulePathWithoutTheVectorModuleTheScalarKernelServes() throws Exception {
        Run run = java(modulePath(NATIVE_ACCESS, "--illegal-native-access=deny"));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("onednn=true")
                .contains("kernel=scalar")
                .contains("java.p=0.5");
    }

    @Test
    void nativeAccessMustBeGrantedToTheSoftmaxModules() throws Exception {
        Run run = java(modulePath("--enable-native-access=app", "--illegal-native-access=deny"));
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).containsPattern("module dev\\.softmax\\.(nativelib|bindings|engine)");
    }

    @Test
    void theSameProgramRunsFromTheClassPath() throws Exception {
        List<Path> classPath = new ArrayList<>(modules);
        classPath.addFirst(appClasses);
        classPath.add(dnnlJar);
        Run run = java(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--illegal-native-access=deny",
                "--add-modules",
                "jdk.incubator.vector",
                "-cp",
                join(classPath),
                "app.Main"));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("module=null")
                .contains("onednn=true")
                .contains("p=0.25")
                .contains("kernel=vector");
    }
}
