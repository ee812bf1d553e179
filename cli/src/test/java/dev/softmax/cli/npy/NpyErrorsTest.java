package dev.softmax.cli.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.cli.testing.NpyBytes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a file can be rejected, and the exact one-line message naming the file. */
class NpyErrorsTest {

    private static final String SUPPORTED = "(supported: <f4, <f2, <f8, <i4, <i8, |b1, |u1)";

    @TempDir
    Path dir;

    private AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path file) {
        return assertThatThrownBy(() -> {
                    try (Arena arena = Arena.ofConfined()) {
                        NpyArray.open(file, arena);
                    }
                })
                .isInstanceOf(NpyFormatException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .doesNotContain("\r")
                        .startsWith(file + ": "));
    }

    private static String dict(String descr, String fortran, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    }

    @Test
    void wrongMagic() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", "PK\u0003\u0004 this is a zip file".getBytes());
        assertOpenFails(file).hasMessage(file + ": not a NumPy .npy file (the first 6 bytes are not \\x93NUMPY)");
    }

    @Test
    void textFileThatHappensToStartWithNumpy() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", "NUMPY arrays are great\n".getBytes());
        assertOpenFails(file).hasMessage(file + ": not a NumPy .npy file (the first 6 bytes are not \\x93NUMPY)");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = NpyBytes.write(dir, "empty.npy", new byte[0]);
        assertOpenFails(file).hasMessage(file + ": not a NumPy .npy file (the file is empty)");
    }

    @Test
    void fileCutInsideTheMagicOrPrefix() throws IOException {
        Path three = NpyBytes.write(dir, "three.npy", new byte[] {(byte) 0x93, 'N', 'U'});
        assertOpenFails(three).hasMessage(three + ": truncated header: the file has only 3 bytes");
        byte[] golden = NpyHeaderTest.GOLDEN_F4_2x3;
        Path nine = NpyBytes.write(dir, "nine.npy", java.util.Arrays.copyOf(golden, 9));
        assertOpenFails(nine).hasMessage(nine + ": truncated header: the file has only 9 bytes");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", java.util.Arrays.copyOf(NpyHeaderTest.GOLDEN_F4_2x3, 60));
        assertOpenFails(file)
                .hasMessage(
                        file
                                + ": truncated header: the 10-byte prefix announces 118 bytes of header, the file has 50 after it");
    }

    @Test
    void unsupportedVersion() throws IOException {
        Path file =
                NpyBytes.write(dir, "X.npy", NpyBytes.npy(4, 0, dict("'<f4'", "False", "(1,)") + "\n", new byte[4]));
        assertOpenFails(file).hasMessage(file + ": unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
        Path minor =
                NpyBytes.write(dir, "Y.npy", NpyBytes.npy(1, 1, dict("'<f4'", "False", "(1,)") + "\n", new byte[4]));
        assertOpenFails(minor).hasMessage(minor + ": unsupported .npy format version 1.1 (supported: 1.0, 2.0, 3.0)");
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.v1(dict("'<u2'", "False", "(3,)"), new byte[3]));
        assertOpenFails(file).hasMessage(file + ": unsupported dtype '<u2' " + SUPPORTED);
    }

    @Test
    void bigEndian() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.v1(dict("'>f4'", "False", "(2,)"), NpyBytes.floatsBE(1, 2)));
        assertOpenFails(file)
                .hasMessage(file + ": big-endian data ('>f4') is not supported; convert it with a.astype('<f4')");
        Path ints = NpyBytes.write(dir, "I.npy", NpyBytes.v1(dict("'>i8'", "False", "()"), new byte[8]));
        assertOpenFails(ints)
                .hasMessage(ints + ": big-endian data ('>i8') is not supported; convert it with a.astype('<i8')");
    }

    static Stream<Arguments> rejectedDescrs() {
        return Stream.of(
                Arguments.of("'|f4'", "unsupported dtype '|f4' " + SUPPORTED),
                Arguments.of("'<f16'", "unsupported dtype '<f16' " + SUPPORTED),
                Arguments.of("'f4'", "unsupported dtype 'f4' " + SUPPORTED),
                Arguments.of("'float32'", "unsupported dtype 'float32' " + SUPPORTED),
                Arguments.of("'|i1'", "unsupported dtype '|i1' " + SUPPORTED),
                Arguments.of("'>u2'", "unsupported dtype '>u2' " + SUPPORTED),
                Arguments.of("'|O'", "unsupported dtype '|O' " + SUPPORTED),
                Arguments.of("''", "unsupported dtype '' " + SUPPORTED),
                Arguments.of("'<f4\\n'", "unsupported dtype '<f4\\n' " + SUPPORTED),
                Arguments.of(
                        "[('x', '<f4'), ('y', '<f4')]", "unsupported dtype [('x', '<f4'), ('y', '<f4')] " + SUPPORTED),
                Arguments.of("None", "unsupported dtype None " + SUPPORTED));
    }

    @ParameterizedTest
    @MethodSource("rejectedDescrs")
    void rejectedDescr(String descr, String message) throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.v1(dict(descr, "False", "(1,)"), new byte[16]));
        assertOpenFails(file).hasMessage(file + ": " + message);
    }

    @Test
    void nativeOrderIsLittleEndianHere() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.v1(dict("'=f4'", "False", "(2,)"), NpyBytes.floatsLE(1, 2)));
        try (NpyArray array = NpyArray.open(file)) {
            assertThat(array.dtype()).isEqualTo(NpyDType.F4);
            assertThat(array.getDouble(1)).isEqualTo(2.0);
        }
    }

    @Test
    void truncatedData() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.concat(NpyHeaderTest.GOLDEN_F4_2x3, new byte[20]));
        assertOpenFails(file)
                .hasMessage(file + ": truncated data: the header's shape (2, 3) of <f4 needs 24 bytes"
                        + " after the 128-byte header, the file has 20");
        assertThatThrownBy(() -> NpyArray.openHeader(file))
                .isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("truncated data");
    }

    @Test
    void truncatedScalar() throws IOException {
        Path file = NpyBytes.write(dir, "s.npy", NpyBytes.v1(dict("'<f8'", "False", "()"), new byte[0]));
        assertOpenFails(file)
                .hasMessage(file + ": truncated data: the header's shape () of <f8 needs 8 bytes"
                        + " after the 128-byte header, the file has 0");
    }

    @Test
    void trailingBytesAreAllowedAndReported() throws IOException {
        Path file = NpyBytes.write(
                dir,
                "X.npy",
                NpyBytes.concat(NpyHeaderTest.GOLDEN_F4_2x3, NpyBytes.floatsLE(1, 2, 3, 4, 5, 6), new byte[7]));
        try (NpyArray array = NpyArray.open(file)) {
            assertThat(array.trailingBytes()).isEqualTo(7);
            assertThat(array.data().byteSize()).isEqualTo(24);
            assertThat(array.getDouble(1, 2)).isEqualTo(6.0);
        }
    }

    static Stream<Arguments> malformedHeaders() {
        return Stream.of(
                Arguments.of("[1, 2, 3]", "expected a dict literal, found [1, 2, 3]"),
                Arguments.of(
                        "{'descr': '<f4', 'fortran_order': False}",
                        "missing key 'shape' in " + "{'descr': '<f4', 'fortran_order': False}"),
                Arguments.of(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}",
                        "unexpected key 'extra' (a .npy header has exactly the keys 'descr', 'fortran_order' and 'shape')"),
                Arguments.of(
                        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}",
                        "the key 'descr' appears twice"),
                Arguments.of("{1: '<f4', 'fortran_order': False, 'shape': (2,)}", "the key 1 is not a string"),
                Arguments.of(dict("'<f4'", "0", "(2,)"), "'fortran_order' must be True or False, not 0"),
                Arguments.of(dict("'<f4'", "'False'", "(2,)"), "'fortran_order' must be True or False, not 'False'"),
                Arguments.of(dict("'<f4'", "False", "[2, 3]"), "'shape' must be a tuple of integers, not [2, 3]"),
                Arguments.of(dict("'<f4'", "False", "(2)"), "'shape' must be a tuple of integers, not (2)"),
                Arguments.of(dict("'<f4'", "False", "(2, 'a')"), "'shape' must be a tuple of integers, not (2, 'a')"),
                Arguments.of(dict("'<f4'", "False", "(2, True)"), "'shape' must be a tuple of integers, not (2, True)"),
                Arguments.of(dict("'<f4'", "False", "(-1, 3)"), "'shape' (-1, 3) has a negative dimension"),
                Arguments.of(
                        dict("'<f4'", "False", "(99999999999999999999,)"),
                        "'shape' (99999999999999999999,) has a dimension larger than 2^63 - 1"),
                Arguments.of(
                        dict("'<f4'", "False", "(4294967296, 4294967296)"),
                        "'shape' (4294967296, 4294967296) describes more than 2^63 bytes of <f4 data"),
                Arguments.of(
                        dict("'<f4'", "False", "(2.0,)"),
                        "unsupported number literal (only decimal integers are allowed) at character 53,"
                                + " near \"...der': False, 'shape': (2.0,), }\\n\""),
                Arguments.of(
                        "{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}",
                        "expected ',' or '}' after the value of 'descr' at character 17,"
                                + " near \"{'descr': '<f4' 'fortran_order': False, ...\""),
                Arguments.of(
                        "{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}",
                        "expected ',' or '}' after the value of 'descr' at character 18,"
                                + " near \"{'descr': '<f4, 'fortran_order': False, '...\""),
                Arguments.of(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)",
                        "expected ',' or '}' after the value of 'shape' at the end,"
                                + " near \"...': False, 'shape': (2,)\\n\""),
                Arguments.of(
                        "{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}",
                        "unexpected name 'false' (only literals are allowed) at character 35,"
                                + " near \"...'<f4', 'fortran_order': false, 'shape': (2,)}\\n\""),
                Arguments.of(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x",
                        "unexpected text after the end of the literal at character 57,"
                                + " near \"...: False, 'shape': (2,)} x\\n\""),
                Arguments.of("", "the header is empty (expected a dict literal)"));
    }

    @ParameterizedTest
    @MethodSource("malformedHeaders")
    void malformedHeader(String text, String what) throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.npy(1, 0, text + "\n", new byte[64]));
        assertOpenFails(file).hasMessage(file + ": malformed header: " + what);
    }

    @Test
    void deeplyNestedHeaderFailsCleanly() throws IOException {
        String text = "{'descr': " + "(".repeat(10_000) + ")".repeat(10_000) + "}";
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.npy(2, 0, text, new byte[0]));
        assertOpenFails(file)
                .message()
                .startsWith(file + ": malformed header: literal nested more than 32 levels deep");
    }

    @Test
    void invalidUtf8InAVersionThreeHeader() throws IOException {
        byte[] text = NpyBytes.concat(dict("'<f4'", "False", "(1,)").getBytes(), new byte[] {(byte) 0xff, '\n'});
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.npyRaw(3, 0, text, new byte[4]));
        assertOpenFails(file)
                .hasMessage(file + ": malformed header: the header is not valid UTF-8 (format 3.0 headers are UTF-8)");
    }

    @Test
    void directoryAndMissingFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub.npy"));
        assertOpenFails(sub).hasMessage(sub + ": is a directory, not a .npy file");
        assertThatThrownBy(() -> NpyArray.open(dir.resolve("missing.npy")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void exceptionExposesSourceAndDetail() throws IOException {
        Path file = NpyBytes.write(dir, "X.npy", NpyBytes.v1(dict("'<u2'", "False", "(3,)"), new byte[3]));
        assertThatThrownBy(() -> NpyArray.openHeader(file)).isInstanceOfSatisfying(NpyFormatException.class, e -> {
            assertThat(e.source()).isEqualTo(file.toString());
            assertThat(e.detail()).isEqualTo("unsupported dtype '<u2' " + SUPPORTED);
        });
    }
}
