package dev.softmax.onnxruntime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lifetime of the bridge's memory, each scenario in a child JVM ({@link LifetimeProbeMain}) so that a crash fails the
 * test instead of killing the test runner: every close order of session, bridge, engine and the caller's arena, with
 * every operation tried after every close (use after close) and every close done twice; and closing the bridge while
 * other threads run the model and the engine on its views. The control shows that the child JVM harness sees a crash:
 * the misuse the bridge prevents, done by hand with ONNX Runtime, kills the JVM with SIGSEGV.
 */
class OrtBridgeLifetimeTest {

    @TempDir
    Path crashFolder;

    private record Outcome(int exitCode, String output) {}

    private Outcome runChild(String scenario) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--add-modules=jdk.incubator.vector");
        // A crash leaves its report in a temporary folder and no core file in the working directory.
        command.add("-XX:ErrorFile=" + crashFolder.resolve("hs_err_%p.log"));
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LifetimeProbeMain.class.getName());
        command.add(scenario);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM (" + scenario + ") did not finish in 180 s");
        }
        return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"close-orders", "concurrent-close"})
    void noCloseOrderAndNoUseAfterCloseCrashesEveryMisuseIsAnException(String scenario) throws Exception {
        Outcome outcome = runChild(scenario);
        assertThat(outcome.exitCode())
                .as(
                        "child JVM exit code (3 = a wrong outcome, any other non-zero = crashed); its output:%n%s",
                        outcome.output())
                .isZero();
        assertThat(outcome.output()).contains("scenario " + scenario + ":").contains(" 0 wrong");
        if (scenario.equals("close-orders")) {
            assertThat(outcome.output()).contains("close orders: 24");
        }
    }

    @Test
    void theControlTheSameMisuseWithoutTheBridgeKillsTheJvm() throws Exception {
        Outcome outcome = runChild("raw-ort-arena-closed-before-run");
        assertThat(outcome.output()).contains("arena closed; running").doesNotContain("survived");
        assertThat(outcome.exitCode()).as("output:%n%s", outcome.output()).isNotZero();
        try (var reports = Files.list(crashFolder)) {
            assertThat(reports.map(Path::getFileName).map(Path::toString))
                    .as("the JVM's crash report")
                    .anyMatch(name -> name.startsWith("hs_err_"));
        }
        assertThat(outcome.output()).contains("SIGSEGV");
    }
}
