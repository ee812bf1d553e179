package dev.softmax.dlpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lifetimes of imported, exported and foreign tensors, each scenario in a child JVM ({@link DLPackLifetimeMain}) so
 * that a crash fails the test instead of the test run: close orders (Java owner, C consumer, engine, arena), use
 * after close, double close, a deleter called twice, closing while another thread computes. Deleter calls are
 * counted in C; every scenario ends with nothing leaked and no deleter called for a dead tensor.
 */
class DLPackLifetimeTest {

    private static Path libraries;

    @BeforeAll
    static void compileOnce() {
        libraries = DlpackTestLibrary.get().folder;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "close-twice",
                "use-after-close",
                "export-java-closes-first",
                "export-c-deletes-first",
                "export-deleter-called-twice",
                "engine-closed-first",
                "close-during-calls",
                "engine-tensor-outlives-java",
                "foreign-pointer",
                "foreign-arena"
            })
    void scenario(String scenario) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--illegal-native-access=deny",
                "-D" + DlpackTestLibrary.LIBRARY_FOLDER_PROPERTY + "=" + libraries,
                "-cp",
                System.getProperty("java.class.path"),
                DLPackLifetimeMain.class.getName(),
                scenario));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(process.exitValue())
                .as("child exit code; output:\n%s", output)
                .isZero();
        assertThat(output).contains("OK " + scenario).doesNotContain("hs_err");
    }
}
