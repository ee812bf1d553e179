package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyIO;
import dev.softmax.cli.testing.LargeNpyMain;
import dev.softmax.cli.testing.Launcher;
import dev.softmax.cli.testing.TruncatedInputMain;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Injected faults through the real {@code ./softmax} launcher (RELIABILITY.md, "Injected faults, nothing lost"): an
 * output that cannot be written (RLIMIT_FSIZE, a full tmpfs), and an input truncated while it is mapped. Every failure
 * must exit non-zero with exactly one line on stderr, leave no partial file, and leave an existing target byte for
 * byte as it was; never a JVM crash.
 */
class FaultInjectionIT {

    /** What the launcher runs (the jar and its lib/), and this module's test classes for the helper mains. */
    static final String CLASS_PATH = String.join(
            java.io.File.pathSeparator,
            Launcher.ROOT.resolve("cli/target/test-classes").toString(),
            Launcher.ROOT.resolve("cli/target/softmax-cli.jar").toString(),
            Launcher.ROOT.resolve("cli/target/lib/*").toString());

    @TempDir
    Path dir;

    record Outcome(int exitCode, String stdout, String stderr) {
        List<String> errorLines() {
            return stderr.lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("WARNING"))
                    .toList();
        }
    }

    /** Runs the launcher under bash with the given shell prefix (for example a ulimit). */
    Outcome run(String shellPrefix, String... arguments) throws IOException, InterruptedException {
        Launcher.Result result = Launcher.runUnderShell(dir, shellPrefix, arguments);
        return new Outcome(result.exitCode(), result.stdout(), result.stderr());
    }

    private void writeInputs() throws IOException {
        Random random = new Random(17);
        int rows = 20_000;
        float[] x = new float[rows * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 3;
        }
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {rows, 32}, x); // apply output: 2.5 MB
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(32);
        }
        NpyIO.write(dir.resolve("labels.npy"), NpyDType.I4, new long[] {rows}, labels); // loss output: 80 KB
    }

    static String[] command(String which, String out) {
        return switch (which) {
            case "apply" -> new String[] {"apply", "--op", "softmax", "--in", "x.npy", "--out", out};
            case "loss" ->
                new String[] {"loss", "--scores", "x.npy", "--labels", "labels.npy", "--reduction", "none", "--out", out
                };
            case "sample" -> new String[] {"sample", "--in", "x.npy", "--out", out, "--seed", "3"}; // 160 KB of ids
            default -> throw new IllegalArgumentException(which);
        };
    }

    /** The file-size limit (ulimit -f, 1 KiB blocks) below each command's output and above its inputs' needs. */
    static int limitKiB(String which) {
        return switch (which) {
            case "apply" -> 1024;
            case "loss" -> 40;
            default -> 64;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"apply", "loss", "sample"})
    void anOutputBeyondTheFileSizeLimitFailsInOneLineAndLeavesTheTargetAlone(String which) throws Exception {
        writeInputs();
        Outcome warm = run("", command(which, "warm.npy"));
        assertThat(warm.exitCode()).as("without a limit: %s", warm.stderr()).isZero();
        byte[] old = "an existing target that must survive".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("existing.npy"), old);

        Outcome existing = run("ulimit -f " + limitKiB(which) + ";", command(which, "existing.npy"));
        Outcome fresh = run("ulimit -f " + limitKiB(which) + ";", command(which, "fresh.npy"));

        for (Outcome outcome : List.of(existing, fresh)) {
            assertThat(outcome.exitCode()).as(outcome.stderr()).isNotZero();
            assertThat(outcome.errorLines()).as("stderr").hasSize(1);
            assertThat(outcome.errorLines().get(0)).startsWith("softmax: ").contains("File too large");
        }
        assertThat(existing.errorLines().get(0)).contains("existing.npy");
        assertThat(Files.readAllBytes(dir.resolve("existing.npy")))
                .as("the existing target")
                .isEqualTo(old);
        assertThat(dir.resolve("fresh.npy")).doesNotExist();
        assertNoPartialFiles(dir);
    }

    /**
     * A really full file system: two commands race for a 2 MiB tmpfs, each needing 1.6 MB (both pass the up-front
     * free-space check). Before the output was reserved by writing it, the loser died of SIGBUS in its mapping
     * ("Exception in thread main java.lang.InternalError", many lines). Needs permission to mount a tmpfs (root in a
     * container); skipped otherwise.
     */
    @Test
    void twoOutputsRacingForAFullTmpfsEitherCompleteOrFailInOneLine() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small"));
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        boolean mounted = mounting.waitFor(30, TimeUnit.SECONDS) && mounting.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "mounting a tmpfs is not permitted here");
        try {
            new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            CLASS_PATH,
                            LargeNpyMain.class.getName(),
                            dir.resolve("m.npy").toString(),
                            "40",
                            "10000")
                    .inheritIO()
                    .start()
                    .waitFor();
            int failures = 0;
            for (int round = 0; round < 3; round++) {
                List<Thread> threads = new ArrayList<>();
                Outcome[] outcomes = new Outcome[2];
                for (int k = 0; k < 2; k++) {
                    int index = k;
                    String target =
                            mount.resolve("out-" + round + "-" + k + ".npy").toString();
                    Thread thread = new Thread(() -> {
                        try {
                            outcomes[index] = run("", "apply", "--op", "softmax", "--in", "m.npy", "--out", target);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    threads.add(thread);
                    thread.start();
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                for (int k = 0; k < 2; k++) {
                    Path target = mount.resolve("out-" + round + "-" + k + ".npy");
                    Outcome outcome = outcomes[k];
                    if (outcome.exitCode() == 0) {
                        assertThat(Files.size(target)).isEqualTo(Files.size(dir.resolve("m.npy")));
                    } else {
                        failures++;
                        assertThat(outcome.errorLines()).as(outcome.stderr()).hasSize(1);
                        // Refused by the free-space check, or by the reservation when both passed the check.
                        assertThat(outcome.errorLines().get(0))
                                .startsWith("softmax: ")
                                .containsAnyOf("No space left on device", "not enough free space");
                        assertThat(target).doesNotExist();
                    }
                }
                assertNoPartialFiles(mount);
                try (Stream<Path> files = Files.list(mount)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
            }
            assertThat(failures)
                    .as("two 1.6 MB outputs cannot both fit in 2 MiB")
                    .isGreaterThanOrEqualTo(3);
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor();
        }
    }

    /**
     * Deterministic: a child JVM maps a .npy file, truncates it, then runs the engine over the mapping, on each
     * backend. The JDK reports the SIGBUS as an InternalError; the JVM must survive it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"JAVA", "ONEDNN"})
    void anInputTruncatedWhileMappedIsAnErrorNotACrash(String backend) throws Exception {
        Path file = dir.resolve("big.npy");
        java("-cp", CLASS_PATH, LargeNpyMain.class.getName(), file.toString(), "64", "32000");
        String output = java(
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules=jdk.incubator.vector",
                "-cp",
                CLASS_PATH,
                TruncatedInputMain.class.getName(),
                file.toString(),
                backend,
                "4096");
        assertThat(output).contains("RESULT java.lang.InternalError: a fault occurred in an unsafe memory access");
    }

    /**
     * Through the launcher: another process truncates the input at staggered moments (0 to 120 ms after the output
     * file is created, that is while the input is being read) while {@code softmax apply} runs. Whenever the truncation lands, the outcome is one of: success (it landed after the input was read: the
     * output is complete), a refusal at open (exit 2, "truncated"), or the one-line mapped-file fault (exit 1). Never a
     * crash, never a stack trace, never a partial output.
     */
    @Test
    void anInputTruncatedDuringApplyGivesOneOfTheDocumentedOutcomes() throws Exception {
        Path original = dir.resolve("original.npy");
        java("-cp", CLASS_PATH, LargeNpyMain.class.getName(), original.toString(), "512", "16000");
        int[] counts = new int[3];
        for (int delay = 0; delay <= 120; delay += 10) {
            Path input = dir.resolve("in.npy");
            Files.copy(original, input, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(dir.resolve("y.npy"));
            int wait = delay;
            java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
            Thread truncator = new Thread(() -> {
                try {
                    // The output's .partial file appears once the input's header has been checked and just before
                    // its data is read: the truncation lands 0 to 120 ms after that.
                    while (!finished.get() && !hasPartialFile(dir)) {
                        Thread.sleep(1);
                    }
                    Thread.sleep(wait);
                    try (FileChannel channel = FileChannel.open(input, StandardOpenOption.WRITE)) {
                        channel.truncate(4096);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            truncator.start();
            Outcome outcome = run(
                    "",
                    "apply",
                    "--op",
                    "softmax",
                    "--backend",
                    "java",
                    "--threads",
                    "1",
                    "--in",
                    "in.npy",
                    "--out",
                    "y.npy");
            finished.set(true);
            truncator.join();
            switch (outcome.exitCode()) {
                case 0 -> {
                    counts[0]++;
                    assertThat(Files.size(dir.resolve("y.npy"))).isEqualTo(Files.size(original));
                }
                case 2 -> {
                    counts[1]++;
                    assertThat(outcome.errorLines()).as(outcome.stderr()).hasSize(1);
                    assertThat(outcome.errorLines().get(0)).contains("truncated");
                }
                default -> {
                    counts[2]++;
                    assertThat(outcome.exitCode()).as(outcome.stderr()).isEqualTo(1);
                    assertThat(outcome.errorLines()).as(outcome.stderr()).hasSize(1);
                    assertThat(outcome.errorLines().get(0)).contains("memory-mapped file faulted");
                    assertThat(dir.resolve("y.npy")).doesNotExist();
                }
            }
            assertNoPartialFiles(dir);
        }
        System.out.printf(
                "truncation during apply: %d completed, %d refused at open, %d faulted mid-read (one line)%n",
                counts[0], counts[1], counts[2]);
    }

    private static String java(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static boolean hasPartialFile(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".partial"));
        }
    }

    private static void assertNoPartialFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")))
                    .isEmpty();
        }
    }
}
