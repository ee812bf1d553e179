package dev.softmax.cli.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every dtype x every format version x 0-d, 1-d, 3-d and empty shapes, written and read back. */
class NpyRoundTripTest {

    private static final long[][] SHAPES = {{}, {7}, {2, 3, 4}, {0}, {3, 0, 2}, {1, 1}};

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (NpyDType dtype : NpyDType.values()) {
            for (NpyVersion version : NpyVersion.values()) {
                for (long[] shape : SHAPES) {
                    for (boolean fortran : new boolean[] {false, true}) {
                        cases.add(Arguments.of(dtype, version, shape, fortran));
                    }
                }
            }
        }
        return cases.stream();
    }

    /** Distinct values, exact in every type (f2 included: halves up to 1024), with negatives. */
    private static double value(int k) {
        return (k % 2 == 0 ? 1 : -1) * (k * 0.5 + 0.25);
    }

    private static int count(long[] shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        return (int) count;
    }

    @ParameterizedTest(name = "{0} v{1} shape {2} fortran={3}")
    @MethodSource("cases")
    void roundTrip(NpyDType dtype, NpyVersion version, long[] shape, boolean fortran) throws IOException {
        int n = count(shape);
        Path file = dir.resolve("a.npy");
        Object values;
        if (dtype.isFloatingPoint()) {
            double[] v = new double[n];
            for (int k = 0; k < n; k++) {
                v[k] = value(k);
            }
            values = v;
        } else {
            long[] v = new long[n];
            for (int k = 0; k < n; k++) {
                v[k] = switch (dtype) {
                    case I8 -> (k - 3) * 3_000_000_000L;
                    case B1 -> k % 2;
                    case U1 -> (k * 37) % 256;
                    default -> (k - 3) * 100_000_007L;
                };
            }
            values = v;
        }
        NpyIO.write(file, dtype, shape, values, fortran, version);

        try (NpyArray array = NpyArray.open(file)) {
            NpyHeader header = array.header();
            assertThat(header.versionMajor()).isEqualTo(version.major);
            assertThat(header.versionMinor()).isZero();
            assertThat(array.dtype()).isEqualTo(dtype);
            assertThat(array.shape()).isEqualTo(shape);
            assertThat(array.fortranOrder()).isEqualTo(fortran);
            assertThat(array.elementCount()).isEqualTo(n);
            assertThat(header.dataOffset() % 64).isZero();
            assertThat(array.data().byteSize()).isEqualTo((long) n * dtype.itemSize());
            assertThat(array.trailingBytes()).isZero();
            assertThat(Files.size(file)).isEqualTo(header.dataOffset() + (long) n * dtype.itemSize());
            if (n > 0) {
                assertThat(array.data().address() % 64).isZero();
            }
        }

        if (dtype.isFloatingPoint()) {
            assertThat(NpyIO.readDoubles(file)).containsExactly((double[]) values);
            float[] expected = new float[n];
            for (int k = 0; k < n; k++) {
                expected[k] = (float) ((double[]) values)[k];
            }
            assertThat(NpyIO.readFloats(file)).containsExactly(expected);
        } else {
            assertThat(NpyIO.readLongs(file)).containsExactly((long[]) values);
        }
    }

    @Test
    void scalarThroughThePublicWriters() throws IOException {
        Path file = dir.resolve("loss.npy");
        NpyIO.write(file, NpyDType.F8, new long[0], new double[] {0.6931471805599453});
        assertThat(NpyIO.readDoubles(file)).containsExactly(0.6931471805599453);
        try (NpyArray array = NpyArray.open(file)) {
            assertThat(array.shape()).isEmpty();
            assertThat(array.elementCount()).isOne();
            assertThat(array.getDouble()).isEqualTo(0.6931471805599453);
            assertThat(array.header().dataOffset()).isEqualTo(128);
        }
        assertThat(Files.size(file)).isEqualTo(136);
    }

    @Test
    void publicWritersForEachArrayType() throws IOException {
        Path f = dir.resolve("f.npy");
        NpyIO.write(f, NpyDType.F4, new long[] {2, 2}, new float[] {1.5f, -0f, Float.NaN, Float.NEGATIVE_INFINITY});
        assertThat(NpyIO.readFloats(f)).containsExactly(1.5f, -0f, Float.NaN, Float.NEGATIVE_INFINITY);

        Path h = dir.resolve("h.npy");
        NpyIO.write(h, NpyDType.F2, new long[] {3}, new float[] {65504f, 1e-8f, 0.1f});
        assertThat(NpyIO.readFloats(h)).containsExactly(65504f, 0f, Float.float16ToFloat(Float.floatToFloat16(0.1f)));

        Path i = dir.resolve("i.npy");
        NpyIO.write(i, NpyDType.I4, new long[] {3}, new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE});
        assertThat(NpyIO.readInts(i)).containsExactly(Integer.MIN_VALUE, 0, Integer.MAX_VALUE);
        assertThat(NpyIO.readLongs(i)).containsExactly(Integer.MIN_VALUE, 0, Integer.MAX_VALUE);

        Path l = dir.resolve("l.npy");
        NpyIO.write(l, NpyDType.I8, new long[] {2}, new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
        assertThat(NpyIO.readLongs(l)).containsExactly(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThatThrownBy(() -> NpyIO.readInts(l))
                .isInstanceOf(NpyFormatException.class)
                .hasMessage(l + ": value -9223372036854775808 at index 0 does not fit in a 32-bit int");
        assertThatThrownBy(() -> NpyIO.readFloats(l))
                .isInstanceOf(NpyFormatException.class)
                .hasMessage(l + ": expected floating-point data (<f4, <f2, <f8), the file holds <i8");
        assertThatThrownBy(() -> NpyIO.readLongs(f))
                .isInstanceOf(NpyFormatException.class)
                .hasMessage(f + ": expected integer data (<i4, <i8), the file holds <f4");

        Path d = dir.resolve("d.npy");
        NpyIO.write(d, NpyDType.F8, new long[] {1}, new double[] {Math.PI});
        assertThat(NpyIO.readDoubles(d)).containsExactly(Math.PI);
    }

    @Test
    void writersRejectMismatchedInput() {
        Path file = dir.resolve("bad.npy");
        assertThatThrownBy(() -> NpyIO.write(file, NpyDType.F4, new long[] {2, 2}, new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("3 values for shape (2, 2), which has 4 elements");
        assertThatThrownBy(() -> NpyIO.write(file, NpyDType.I4, new long[] {1}, new float[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("float[] values cannot be written as <i4");
        assertThatThrownBy(() -> NpyIO.write(file, NpyDType.I4, new long[] {1}, new long[] {1L << 40}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value 1099511627776 at index 0 does not fit in <i4");
        assertThatThrownBy(() -> NpyIO.write(file, NpyDType.F4, new long[] {-1}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape (-1,) has a negative dimension");
        assertThat(file).doesNotExist();
        assertThat(dir.toFile().list()).isEmpty();
    }
}
