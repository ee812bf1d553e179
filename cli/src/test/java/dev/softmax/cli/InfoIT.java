package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.cli.testing.Launcher;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code softmax info} through the real launcher: it takes the same engine options as apply and loss. */
class InfoIT {

    @TempDir
    Path dir;

    @Test
    void infoAcceptsTheBackendOptionAndReportsTheJavaBackend() throws Exception {
        Launcher.Result result = Launcher.run(dir, "info", "--backend", "java", "--threads", "3");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout())
                .contains("backend requested: java\n")
                .contains("oneDNN: not in use: backend JAVA was requested\n")
                .contains("Java kernel: ")
                .contains("threads per call: 3\n");
    }

    @Test
    void infoShowsTheThreadsApplyWouldUseByDefault() throws Exception {
        Launcher.Result result = Launcher.run(dir, "info");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Matcher cpus = Pattern.compile("(?m)^CPUs available: (\\d+)$").matcher(result.stdout());
        assertThat(cpus.find()).as(result.stdout()).isTrue();
        // apply and loss use one thread per available processor unless --threads says otherwise
        assertThat(result.stdout()).contains("threads per call: " + cpus.group(1) + "\n");
    }

    /**
     * Under AUTO an engine loads oneDNN only when a call first prefers it; info is the diagnostic, so it loads it
     * and says which version and ISA it found, not "not loaded yet".
     */
    @Test
    void infoLoadsOnednnUnderAutoAndShowsItsVersion() throws Exception {
        Launcher.Result result = Launcher.run(dir, "info", "--backend", "auto");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout())
                .contains("backend requested: auto\n")
                .containsPattern("(?m)^oneDNN: 3\\.\\d+.*, ISA .+$")
                .doesNotContain("not loaded yet");
    }
}
