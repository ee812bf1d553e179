package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.LazyOnednnMain;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Under AUTO, oneDNN is loaded by the first call that prefers it, not at engine creation (issue 13: the load cost
 * 0.3-0.5 s of every AUTO engine's creation, also when every call went to Java), and {@code backend()} says what
 * is loaded at each moment. Each case runs in a fresh JVM ({@link LazyOnednnMain}), where whether {@code libdnnl} is
 * mapped into the process is read from {@code /proc/self/maps}: other tests of this JVM have loaded it long ago.
 */
@EnabledOnOs(OS.LINUX)
class OnednnLazyLoadTest {

    private static String run(String mode) throws Exception {
        List<String> command = ChildJvm.command(true, List.of(), LazyOnednnMain.class, mode);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("child output:%n%s", output).isZero();
        return output;
    }

    @Test
    void autoLoadsOnednnOnTheFirstCallThatPrefersIt() throws Exception {
        String output = run("calls");

        assertThat(output)
                .as("created: nothing loaded, and backend() says so")
                .contains("CREATED mapped=false available=false onednnCalls=0 declined=not loaded yet");
        assertThat(output)
                .as("f32 calls and a bf16 call under 4096 elements go to Java and load nothing")
                .contains("F32 mapped=false available=false onednnCalls=0 declined=not loaded yet");
        assertThat(output)
                .as("a bf16 softmax of contiguous rows runs on Java under AUTO and loads nothing")
                .contains("BF16_SOFTMAX mapped=false available=false onednnCalls=0 declined=not loaded yet");
        assertThat(output)
                .as(
                        "the first call AUTO prefers oneDNN for, a bf16 log-softmax of 8192 elements, loads it and runs on it")
                .containsPattern("BF16_LOG mapped=true available=true onednnCalls=1 declined=- version=3\\.");
        assertThat(output).contains("HANDLES 0");
    }

    @Test
    void loadOnednnLoadsItUnderAutoAndNothingUnderJava() throws Exception {
        assertThat(run("info"))
                .contains("CREATED mapped=false")
                .containsPattern("LOADED mapped=true available=true onednnCalls=0 declined=- version=3\\.")
                .contains("HANDLES 0");
        assertThat(run("java"))
                .contains("CREATED mapped=false available=false onednnCalls=0 declined=backend JAVA was requested")
                .contains("LOADED mapped=false available=false onednnCalls=0 declined=backend JAVA was requested")
                .contains("HANDLES 0");
    }
}
