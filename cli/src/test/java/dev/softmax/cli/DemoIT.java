package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.cli.testing.Launcher;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code softmax demo} through the real launcher: the walk-through and its charts. */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void theDemoTeachesWithTheNotesExampleAndWritesRealCharts() throws Exception {
        Launcher.Result result = Launcher.run(dir, "demo", "--out-dir", "charts");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).as("no JVM or library warnings").isEmpty();
        assertThat(result.stdout())
                .containsPattern("mat\\s+3\\.20 .* 48\\.[0-9]%")
                .contains("Temperature")
                .containsPattern("0\\.5\\s+7[0-9]\\.[0-9]%")
                .contains("Sampling the next token")
                .contains("the kept set is {mat, rug, chair, floor, sofa}")
                .containsPattern("mat\\s+48\\.[0-9]%\\s+yes\\s+51\\.[0-9]{2}%\\s+5[0-9]\\.[0-9]{2}%")
                .containsPattern("bed\\s+[0-9.]+%\\s+no\\s+0\\.00%\\s+0\\.00%")
                .containsPattern("Largest gap between a kept token's frequency and its probability: [0-4]\\.[0-9] "
                        + "standard errors")
                .contains("tokens outside the kept set drawn: 0.")
                .contains("took more than half")
                .contains("J = diag(s) - s s^T")
                .containsPattern("equal to g\\^T J within [0-9.]+e-0[6-9]")
                .containsPattern("onednn agrees with java within [0-9.]+e-0[5-9] relative")
                .contains("oneDNN 3.13")
                .contains("libdnnl.so.3");
        for (String chart : new String[] {"distribution-shift.png", "temperature-sweep.png", "sampling.png"}) {
            Path png = dir.resolve("charts").resolve(chart);
            assertThat(png).exists();
            byte[] bytes = Files.readAllBytes(png);
            assertThat(bytes).as(chart + " signature").startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
            assertThat(bytes.length).as(chart + " size").isGreaterThan(20_000);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isGreaterThanOrEqualTo(1000);
            assertThat(image.getHeight()).isGreaterThanOrEqualTo(500);
        }
        try (var files = Files.list(dir.resolve("charts"))) {
            assertThat(files).hasSize(3);
        }
    }
}
