package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyIO;
import dev.softmax.cli.testing.Launcher;
import dev.softmax.cli.testing.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code softmax apply} through the real launcher, checked against an independent double computation. */
class ApplyIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"auto", "onednn", "java"})
    void softmaxOfAnF32FileMatchesTheReference(String backend) throws Exception {
        double[] x = random(6 * 50, 3, 1);
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {6, 50}, toFloats(x));

        Launcher.Result result =
                Launcher.run(dir, "apply", "--op", "softmax", "--backend", backend, "--in", "x.npy", "--out", "y.npy");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEmpty();
        float[] y = NpyIO.readFloats(dir.resolve("y.npy"));
        double[] expected = Reference.softmax(roundToFloat(x), 50, false);
        for (int i = 0; i < y.length; i++) {
            assertThat((double) y[i]).as("element %d", i).isCloseTo(expected[i], within(2e-6 * expected[i] + 1e-12));
        }
    }

    /**
     * A one-shot apply of an input under {@link OneShotKernel#VECTOR_FROM_ELEMENTS} computes on the scalar Java kernel
     * (it is done before the vector kernel would be compiled): its output is bit for bit that of an explicit
     * {@code -Dsoftmax.kernel=scalar}, and an explicit {@code -Dsoftmax.kernel=vector} is still honoured (its bits
     * differ somewhere in this input, which is what lets the first comparison tell the kernels apart).
     */
    @Test
    void aOneShotApplyOfAFileUnderTheThresholdComputesOnTheScalarKernel() throws Exception {
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {16, 1000}, toFloats(random(16 * 1000, 4, 5)));
        float[] chosen = apply(Map.of(), "chosen.npy");
        float[] scalar = apply(Map.of("SOFTMAX_JAVA_OPTS", "-Dsoftmax.kernel=scalar"), "scalar.npy");
        float[] vector = apply(Map.of("SOFTMAX_JAVA_OPTS", "-Dsoftmax.kernel=vector"), "vector.npy");

        assertThat(chosen).as("default choice against the scalar kernel").isEqualTo(scalar);
        assertThat(vector).as("the vector kernel, where asked for").isNotEqualTo(scalar);
    }

    private float[] apply(Map<String, String> environment, String out) throws Exception {
        Launcher.Result result = Launcher.run(
                dir, environment, "apply", "--op", "softmax", "--backend", "java", "--in", "x.npy", "--out", out);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return NpyIO.readFloats(dir.resolve(out));
    }

    @Test
    void logSoftmaxOfAFloat64FileAlongAxisZeroWritesFloat16AndSaysItConverted() throws Exception {
        double[] x = random(4 * 3, 2, 2);
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F8, new long[] {4, 3}, x);

        Launcher.Result result = Launcher.run(
                dir,
                "apply",
                "--op",
                "log-softmax",
                "--axis",
                "0",
                "--dtype",
                "f16",
                "--in",
                "x.npy",
                "--out",
                "y.npy");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).contains("x.npy is float64; it is converted to float32");
        float[] y = NpyIO.readFloats(dir.resolve("y.npy"));
        // Axis 0 of a [4, 3] array: transpose, reduce the rows of 4, transpose back.
        double[] columns = new double[12];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 3; c++) {
                columns[c * 4 + r] = (float) x[r * 3 + c];
            }
        }
        double[] expected = Reference.softmax(columns, 4, true);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 3; c++) {
                double e = expected[c * 4 + r];
                assertThat((double) y[r * 3 + c]).isCloseTo(e, within(Math.abs(e) * 1e-3 + 1e-3));
            }
        }
    }

    @Test
    void temperatureAndAFortranOrderedInputAreHonoured() throws Exception {
        // A 2x3 Fortran-ordered file: the bytes hold column after column.
        float[] rowMajor = {1f, 2f, 3f, -1f, 0f, 4f};
        float[] columnMajor = {1f, -1f, 2f, 0f, 3f, 4f};
        Path x = dir.resolve("f.npy");
        NpyIO.write(x, NpyDType.F4, new long[] {2, 3}, columnMajor);
        byte[] bytes = Files.readAllBytes(x);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(
                x,
                text.replace("'fortran_order': False", "'fortran_order': True ")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        Launcher.Result result =
                Launcher.run(dir, "apply", "--op", "softmax", "--temperature", "2", "--in", "f.npy", "--out", "y.npy");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        float[] y = NpyIO.readFloats(dir.resolve("y.npy"));
        double[] scaled = new double[6];
        for (int i = 0; i < 6; i++) {
            scaled[i] = rowMajor[i] / 2.0;
        }
        double[] expected = Reference.softmax(scaled, 3, false);
        for (int i = 0; i < 6; i++) {
            assertThat((double) y[i]).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Test
    void aFailedRunLeavesTheExistingOutputUntouchedAndNoPartialFile() throws Exception {
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {2, 2}, new float[] {1f, Float.NaN, 0f, 1f});
        Files.writeString(dir.resolve("y.npy"), "precious");

        Launcher.Result result =
                Launcher.run(dir, "apply", "--op", "softmax", "--policy", "reject", "--in", "x.npy", "--out", "y.npy");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr())
                .isEqualTo("softmax: src: element [0, 1] (row 0, column 1) is NaN; policy REJECT "
                        + "accepts only finite logits and -inf\n");
        assertThat(Files.readString(dir.resolve("y.npy"))).isEqualTo("precious");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("x.npy", "y.npy");
        }
    }

    @Test
    void badFilesAndOptionsGetOneLineAndExitCodeTwo() throws Exception {
        Files.writeString(dir.resolve("junk.npy"), "not numpy at all");
        NpyIO.write(dir.resolve("ints.npy"), NpyDType.I4, new long[] {3}, new int[] {1, 2, 3});
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {2, 2}, new float[] {1, 2, 3, 4});
        Path big = dir.resolve("big.npy");
        NpyIO.write(big, NpyDType.F4, new long[] {2, 2}, new float[] {1, 2, 3, 4});
        byte[] bytes = Files.readAllBytes(big);
        Files.write(
                dir.resolve("be.npy"),
                new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .replace("'<f4'", "'>f4'")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("short.npy"), java.util.Arrays.copyOf(bytes, bytes.length - 3));

        String[][] cases = {
            {"junk.npy", "softmax: junk.npy: not a NumPy .npy file (the first 6 bytes are not \\x93NUMPY)"},
            {"ints.npy", "softmax: ints.npy: holds <i4 integers; logits must be floating point (<f4, <f2 or <f8)"},
            {"be.npy", "softmax: be.npy: big-endian data ('>f4') is not supported; convert it with a.astype('<f4')"},
            {
                "short.npy",
                "softmax: short.npy: truncated data: the header's shape (2, 2) of <f4 needs 16 bytes after"
                        + " the 128-byte header, the file has 13"
            },
            {"missing.npy", "softmax: missing.npy: no such file"},
        };
        for (String[] c : cases) {
            Launcher.Result result = Launcher.run(dir, "apply", "--op", "softmax", "--in", c[0], "--out", "y.npy");
            assertThat(result.exitCode()).as(c[0]).isEqualTo(2);
            assertThat(result.stderr()).as(c[0]).isEqualTo(c[1] + "\n");
        }
        Launcher.Result axis =
                Launcher.run(dir, "apply", "--op", "softmax", "--axis", "2", "--in", "x.npy", "--out", "y.npy");
        assertThat(axis.exitCode()).isEqualTo(2);
        assertThat(axis.stderr()).isEqualTo("softmax: axis: 2 is out of range for rank 2; expected -2 to 1\n");
        Launcher.Result op = Launcher.run(dir, "apply", "--op", "tanh", "--in", "x.npy", "--out", "y.npy");
        assertThat(op.exitCode()).isEqualTo(2);
        assertThat(op.stderr()).contains("--op: 'tanh' is not an operation");
        assertThat(dir.resolve("y.npy")).doesNotExist();
    }

    @Test
    void onlyTheDocumentedOperationSpellingsAreAccepted() throws Exception {
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {2, 2}, new float[] {1, 2, 3, 4});
        for (String spelling : new String[] {"log_softmax", "logsoftmax", "Softmax", "LOG-SOFTMAX"}) {
            Launcher.Result op = Launcher.run(dir, "apply", "--op", spelling, "--in", "x.npy", "--out", "y.npy");
            assertThat(op.exitCode()).as(spelling).isEqualTo(2);
            assertThat(op.stderr())
                    .as(spelling)
                    .isEqualTo(
                            "softmax: --op: '" + spelling + "' is not an operation; expected softmax or log-softmax\n");
            assertThat(dir.resolve("y.npy")).as(spelling).doesNotExist();
        }
    }

    @Test
    void anOutputPathTheFileSystemRefusesGetsOneLineNamingItAndExitCodeTwo() throws Exception {
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {2, 2}, new float[] {1, 2, 3, 4});
        Files.createDirectory(dir.resolve("adir"));
        Files.writeString(dir.resolve("afile"), "a file, not a folder");

        Launcher.Result directory = Launcher.run(dir, "apply", "--op", "softmax", "--in", "x.npy", "--out", "adir");
        // The parent is a file: the error comes from creating the hidden temporary file, but names the path given.
        Launcher.Result underAFile =
                Launcher.run(dir, "apply", "--op", "softmax", "--in", "x.npy", "--out", "afile/y.npy");

        assertThat(directory.exitCode()).as(directory.stderr()).isEqualTo(2);
        assertThat(directory.stderr()).isEqualTo("softmax: adir: is a directory\n");
        assertThat(underAFile.exitCode()).as(underAFile.stderr()).isEqualTo(2);
        assertThat(underAFile.stderr())
                .startsWith("softmax: afile/y.npy: ")
                .doesNotContain(".partial")
                .endsWith("\n")
                .hasLineCount(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("x.npy", "adir", "afile");
        }
        try (var files = Files.list(dir.resolve("adir"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void progressBarOnlyWhenAskedOrOnATerminal() throws Exception {
        NpyIO.write(dir.resolve("x.npy"), NpyDType.F4, new long[] {8, 4}, new float[32]);

        Launcher.Result piped = Launcher.run(dir, "apply", "--op", "softmax", "--in", "x.npy", "--out", "y.npy");
        Launcher.Result forced = Launcher.run(
                dir,
                Map.of("SOFTMAX_PROGRESS", "always"),
                "apply",
                "--op",
                "softmax",
                "--in",
                "x.npy",
                "--out",
                "y.npy");

        assertThat(piped.stderr()).isEmpty();
        assertThat(forced.stderr()).contains("8/8 rows").contains("rows/s").contains("MB/s");
    }

    private static double[] random(int count, double sigma, long seed) {
        Random random = new Random(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextGaussian() * sigma;
        }
        return values;
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    private static double[] roundToFloat(double[] values) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = (float) values[i];
        }
        return rounded;
    }
}
