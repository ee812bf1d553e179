package dev.softmax.cli.npy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.cli.testing.NpyBytes;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyHeaderTest {

    /**
     * np.save("x.npy", np.zeros((2, 3), np.float32)), written out by hand from the format spec: magic, version
     * 1.0, header length 118 (0x76) little-endian, the dict (59 characters), 58 spaces, '\n': 10 + 118 = 128
     * bytes, a multiple of 64. (Current NumPy writes the dict, 20 spare spaces for the growth axis, then 38 spaces
     * of alignment padding; older NumPy wrote 58 spaces of padding: the bytes are the same.)
     */
    static final byte[] GOLDEN_F4_2x3 = NpyBytes.concat(
            new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 0x01, 0x00, 0x76, 0x00},
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(58) + "\n")
                    .getBytes(ISO_8859_1));

    @Test
    void goldenHeaderIsWellFormedByItself() {
        assertThat(GOLDEN_F4_2x3).hasSize(128);
        assertThat("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }")
                .hasSize(59);
        assertThat(GOLDEN_F4_2x3[127]).isEqualTo((byte) '\n');
        assertThat(GOLDEN_F4_2x3[126]).isEqualTo((byte) ' ');
    }

    @Test
    void goldenHeaderParses() {
        NpyHeader header = NpyHeader.parse(MemorySegment.ofArray(GOLDEN_F4_2x3), "golden.npy");
        assertThat(header.versionMajor()).isEqualTo(1);
        assertThat(header.versionMinor()).isEqualTo(0);
        assertThat(header.dtype()).isEqualTo(NpyDType.F4);
        assertThat(header.fortranOrder()).isFalse();
        assertThat(header.shape()).containsExactly(2, 3);
        assertThat(header.dataOffset()).isEqualTo(128);
        assertThat(header.elementCount()).isEqualTo(6);
        assertThat(header.dataBytes()).isEqualTo(24);
        assertThat(header.stridesInElements()).containsExactly(3, 1);
        assertThat(header.shapeString()).isEqualTo("(2, 3)");
    }

    @Test
    void writerProducesNumpysExactBytes() {
        assertThat(NpyHeader.format(NpyDType.F4, false, new long[] {2, 3})).isEqualTo(GOLDEN_F4_2x3);
    }

    @Test
    void parsesFromAByteBufferAtItsPosition() {
        ByteBuffer buffer = ByteBuffer.allocate(GOLDEN_F4_2x3.length + 5);
        buffer.put(new byte[5]).put(GOLDEN_F4_2x3).position(5);
        NpyHeader header = NpyHeader.parse(buffer, "buffer");
        assertThat(header.shape()).containsExactly(2, 3);
        assertThat(buffer.position()).isEqualTo(5);
    }

    /** 1-d: the 1-tuple is written (3,), and the growth padding counts the digits of shape[0]. */
    @Test
    void goldenOneDimensional() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"; // 57 characters
        byte[] expected = NpyBytes.concat(
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0},
                (dict + " ".repeat(20) + " ".repeat(40) + "\n").getBytes(ISO_8859_1));
        assertThat(dict).hasSize(57);
        assertThat(NpyHeader.format(NpyDType.F4, false, new long[] {3})).isEqualTo(expected);
    }

    /** 0-d: shape () and no growth padding at all (NumPy adds it only when there is an axis). */
    @Test
    void goldenZeroDimensional() {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"; // 55 characters
        byte[] expected = NpyBytes.concat(
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0},
                (dict + " ".repeat(62) + "\n").getBytes(ISO_8859_1));
        assertThat(dict).hasSize(55);
        assertThat(NpyHeader.format(NpyDType.F8, false, new long[0])).isEqualTo(expected);
    }

    /**
     * 16 dimensions of 1: the 101-character dict alone would fit a 128-byte header (as older NumPy wrote it), but
     * current NumPy's 20 spare growth-axis spaces (GROWTH_AXIS_MAX_DIGITS) push it to 192 bytes.
     */
    @Test
    void growthAxisSpacesCanCostAnotherSixtyFourBytes() {
        long[] shape = new long[16];
        Arrays.fill(shape, 1);
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (1" + ", 1".repeat(15) + "), }";
        assertThat(dict).hasSize(101);
        assertThat(10 + dict.length() + 1).isLessThanOrEqualTo(128).isGreaterThan(128 - 20);
        byte[] header = NpyHeader.format(NpyDType.I8, false, shape);
        assertThat(header).hasSize(192);
        assertThat(new String(header, 10, 182, ISO_8859_1)).isEqualTo(dict + " ".repeat(80) + "\n");
        assertThat(header[8]).isEqualTo((byte) 182);
        assertThat(header[9]).isEqualTo((byte) 0);

        byte[] olderNumpy = NpyBytes.v1(dict, new byte[0]);
        assertThat(olderNumpy).hasSize(128);
        assertThat(NpyHeader.parse(MemorySegment.ofArray(olderNumpy), "old.npy").shape())
                .isEqualTo(shape);
    }

    /**
     * NumPy pads with {@code 64 - (length % 64)} spaces, so a header that is already aligned gets 64 more spaces,
     * not none. Shape (1, 1 x 12, 100): prefix (10) + dict (97) + growth spaces (20) + '\n' (1) = 128 exactly.
     */
    @Test
    void alreadyAlignedHeaderGetsAFullSixtyFourBytesOfPadding() {
        long[] shape = new long[14];
        Arrays.fill(shape, 1);
        shape[13] = 100;
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1" + ", 1".repeat(12) + ", 100), }";
        // 10 + len(dict) + 20 growth spaces + '\n' is exactly 128: NumPy still appends 64 spaces.
        assertThat(10 + dict.length() + 20 + 1).isEqualTo(128);
        byte[] header = NpyHeader.format(NpyDType.F4, false, shape);
        assertThat(header).hasSize(192);
        assertThat(new String(header, 10, 182, ISO_8859_1)).isEqualTo(dict + " ".repeat(20 + 64) + "\n");
    }

    /**
     * The growth axis is shape[0] in C order and shape[-1] in Fortran order. Shape (1 x 10, 10^18): a 1-digit
     * growth axis gets 20 spare spaces, the 19-digit one 2, which decides between a 192- and a 128-byte header.
     */
    @Test
    void fortranOrderGrowthAxisIsTheLastDimension() {
        long[] shape = new long[11];
        Arrays.fill(shape, 1);
        shape[10] = 1_000_000_000_000_000_000L;
        String fortranDict =
                "{'descr': '<f4', 'fortran_order': True, 'shape': (" + "1, ".repeat(10) + "1000000000000000000), }";
        byte[] fortran = NpyHeader.format(NpyDType.F4, true, shape);
        assertThat(10 + fortranDict.length() + 2 + 1).isLessThanOrEqualTo(128);
        assertThat(fortran).hasSize(128);
        assertThat(new String(fortran, 10, 118, ISO_8859_1))
                .isEqualTo(fortranDict + " ".repeat(118 - 1 - fortranDict.length()) + "\n");

        byte[] c = NpyHeader.format(NpyDType.F4, false, shape);
        assertThat(10 + fortranDict.length() + 1 + 20 + 1).isGreaterThan(128); // "False" is one longer than "True"
        assertThat(c).hasSize(192);

        NpyHeader parsed = NpyHeader.parse(MemorySegment.ofArray(fortran), "f.npy");
        assertThat(parsed.fortranOrder()).isTrue();
        assertThat(parsed.shape()).isEqualTo(shape);
        assertThat(NpyHeader.parse(
                                MemorySegment.ofArray(NpyHeader.format(NpyDType.F4, true, new long[] {3, 7})), "f.npy")
                        .stridesInElements())
                .containsExactly(1, 3);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
                "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }",
                "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L, 3L)}",
                "{u'descr': u'<f4', 'fortran_order': False, 'shape': (2, 3,)}",
                "{'descr': '<f4',\n 'fortran_order': False,\n 'shape': (2, 3)}\n",
                "{'descr':'=f4','fortran_order':False,'shape':(2,3)}",
                "\t{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\t \n",
                "{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': (+2, 3)}",
            })
    void parsesHeadersNumpyCouldHaveWritten(String dict) {
        NpyHeader header = NpyHeader.parse(MemorySegment.ofArray(NpyBytes.v1(dict, new byte[0])), "x.npy");
        assertThat(header.dtype()).isEqualTo(NpyDType.F4);
        assertThat(header.fortranOrder()).isFalse();
        assertThat(header.shape()).containsExactly(2, 3);
    }

    @Test
    void parsesTuplesOfEveryLength() {
        assertThat(parseShape("()")).isEmpty();
        assertThat(parseShape("(5,)")).containsExactly(5);
        assertThat(parseShape("(5L,)")).containsExactly(5);
        assertThat(parseShape("(0, 3)")).containsExactly(0, 3);
        assertThat(parseShape("(1152921504606846975,)")).containsExactly((1L << 60) - 1); // (2^60 - 1) * 8 bytes
        assertThat(parseShape("(1152921504606846976,)")).isNull(); // 2^63 bytes of <i8
        assertThat(parseShape("(5)")).isNull(); // (5) is the integer 5 in Python, not a tuple
        assertThat(parseShape("[2, 3]")).isNull();
    }

    private static long[] parseShape(String tuple) {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': " + tuple + ", }";
        try {
            return NpyHeader.parse(MemorySegment.ofArray(NpyBytes.v1(dict, new byte[0])), "s.npy")
                    .shape();
        } catch (NpyFormatException e) {
            return null;
        }
    }

    @Test
    void dataNeedNotBeSixtyFourByteAligned() {
        // An old or foreign writer: no padding at all, data right after the dict.
        byte[] file = NpyBytes.npy(
                1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", NpyBytes.floatsLE(1.5f, -2f));
        NpyHeader header = NpyHeader.parse(MemorySegment.ofArray(file), "odd.npy");
        assertThat(header.dataOffset()).isEqualTo(10 + 55);
        assertThat(header.checkFileSize("odd.npy", file.length)).isZero();
    }

    @Test
    void choosesVersionTwoOnlyWhenTheHeaderDoesNotFitSixtyFourKilobytes() {
        long[] small = new long[21_000];
        Arrays.fill(small, 1);
        byte[] v1 = NpyHeader.format(NpyDType.F4, false, small);
        assertThat(v1[6]).isEqualTo((byte) 1);
        assertThat(v1.length).isLessThanOrEqualTo(10 + 65535);

        long[] large = new long[22_000]; // "1, " x 22000 = 66000 characters: too long for a 2-byte length
        Arrays.fill(large, 1);
        byte[] v2 = NpyHeader.format(NpyDType.F4, false, large);
        assertThat(v2[6]).isEqualTo((byte) 2);
        assertThat(v2.length % 64).isZero();
        NpyHeader parsed = NpyHeader.parse(MemorySegment.ofArray(v2), "big.npy");
        assertThat(parsed.versionMajor()).isEqualTo(2);
        assertThat(parsed.shape()).isEqualTo(large);
        assertThat(parsed.dataOffset()).isEqualTo(v2.length);

        assertThatThrownBy(() -> NpyHeader.format(NpyDType.F4, false, large, NpyVersion.V1_0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long for .npy format version 1.0");
    }

    @Test
    void forcedVersionsDifferOnlyInTheLengthField() {
        long[] shape = {2, 3};
        byte[] v1 = NpyHeader.format(NpyDType.F4, false, shape, NpyVersion.V1_0);
        byte[] v2 = NpyHeader.format(NpyDType.F4, false, shape, NpyVersion.V2_0);
        byte[] v3 = NpyHeader.format(NpyDType.F4, false, shape, NpyVersion.V3_0);
        assertThat(v1).isEqualTo(GOLDEN_F4_2x3);
        // 12-byte prefix: the dict plus padding to 128 is 116 bytes.
        assertThat(v2).hasSize(128);
        assertThat(Arrays.copyOfRange(v2, 6, 12)).containsExactly(2, 0, 116, 0, 0, 0);
        assertThat(Arrays.copyOfRange(v3, 6, 12)).containsExactly(3, 0, 116, 0, 0, 0);
        assertThat(Arrays.copyOfRange(v2, 12, 128)).isEqualTo(Arrays.copyOfRange(v3, 12, 128));
        assertThat(NpyHeader.parse(MemorySegment.ofArray(v3), "v3.npy").versionMajor())
                .isEqualTo(3);
    }

    @Test
    void versionThreeHeadersAreUtf8AndOlderOnesLatin1() {
        // A non-ASCII character in the descr shows which decoding was used: the error message quotes it.
        String dict = "{'descr': '<f4\u00e9', 'fortran_order': False, 'shape': (1,)}\n";
        assertThatThrownBy(() -> NpyHeader.parse(MemorySegment.ofArray(NpyBytes.npy(3, 0, dict, new byte[4])), "u.npy"))
                .hasMessage("u.npy: unsupported dtype '<f4\u00e9' (supported: <f4, <f2, <f8, <i4, <i8, |b1, |u1)");
        assertThatThrownBy(() -> NpyHeader.parse(MemorySegment.ofArray(NpyBytes.npy(1, 0, dict, new byte[4])), "l.npy"))
                .hasMessage("l.npy: unsupported dtype '<f4\u00e9' (supported: <f4, <f2, <f8, <i4, <i8, |b1, |u1)");
        // The same UTF-8 bytes read as latin-1 in a 2.0 file are two characters.
        byte[] utf8 = dict.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(
                        () -> NpyHeader.parse(MemorySegment.ofArray(NpyBytes.npyRaw(2, 0, utf8, new byte[4])), "m.npy"))
                .hasMessage(
                        "m.npy: unsupported dtype '<f4\u00c3\u00a9' (supported: <f4, <f2, <f8, <i4, <i8, |b1, |u1)");
    }

    @Test
    void recordRejectsInvalidComponentsAndCopiesTheShape() {
        long[] shape = {2, 3};
        NpyHeader header = new NpyHeader(1, 0, NpyDType.F4, false, shape, 128);
        shape[0] = 99;
        assertThat(header.shape()).containsExactly(2, 3);
        header.shape()[0] = 42;
        assertThat(header.shape()).containsExactly(2, 3);
        assertThat(header).isEqualTo(new NpyHeader(1, 0, NpyDType.F4, false, new long[] {2, 3}, 128));
        assertThat(header.hashCode())
                .isEqualTo(new NpyHeader(1, 0, NpyDType.F4, false, new long[] {2, 3}, 128).hashCode());
        assertThatThrownBy(() -> new NpyHeader(4, 0, NpyDType.F4, false, shape, 128))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NpyHeader(1, 0, NpyDType.F4, false, new long[] {-1}, 128))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NpyHeader(1, 0, NpyDType.F8, false, new long[] {1L << 40, 1L << 21}, 128))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 2^63 bytes");
    }

    @Test
    void stridesCountZeroDimensionsAsOne() {
        assertThat(new NpyHeader(1, 0, NpyDType.F4, false, new long[] {3, 0, 2}, 128).stridesInElements())
                .containsExactly(2, 2, 1);
        assertThat(new NpyHeader(1, 0, NpyDType.F4, true, new long[] {3, 0, 2}, 128).stridesInElements())
                .containsExactly(1, 3, 3);
        assertThat(new NpyHeader(1, 0, NpyDType.F4, true, new long[] {2, 3, 4}, 128).stridesInElements())
                .containsExactly(1, 2, 6);
        assertThat(new NpyHeader(1, 0, NpyDType.F4, false, new long[] {2, 3, 4}, 128).stridesInElements())
                .containsExactly(12, 4, 1);
        assertThat(new NpyHeader(1, 0, NpyDType.F4, false, new long[0], 128).stridesInElements())
                .isEmpty();
    }
}
