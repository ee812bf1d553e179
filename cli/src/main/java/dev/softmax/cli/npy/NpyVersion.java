package dev.softmax.cli.npy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The three {@code .npy} format versions: they differ only in the header-length field and the header's encoding. */
enum NpyVersion {
    /** 2-byte little-endian header length, latin-1 header: what NumPy writes whenever the header fits. */
    V1_0(1, 0, 2, StandardCharsets.ISO_8859_1),
    /** 4-byte header length, latin-1 header (NumPy 1.9+): for headers longer than 65535 bytes. */
    V2_0(2, 0, 4, StandardCharsets.ISO_8859_1),
    /** 4-byte header length, UTF-8 header (NumPy 1.17+): for non-latin-1 structured field names. */
    V3_0(3, 0, 4, StandardCharsets.UTF_8);

    static final String SUPPORTED = "1.0, 2.0, 3.0";

    final int major;
    final int minor;
    /** Bytes of the little-endian header-length field after the magic and the version. */
    final int lengthFieldSize;

    final Charset encoding;

    NpyVersion(int major, int minor, int lengthFieldSize, Charset encoding) {
        this.major = major;
        this.minor = minor;
        this.lengthFieldSize = lengthFieldSize;
        this.encoding = encoding;
    }

    /** Magic (6) + version (2) + header-length field. */
    int prefixSize() {
        return NpyHeader.MAGIC.length + 2 + lengthFieldSize;
    }

    /** Largest header length (padding and newline included) the length field can hold. */
    long maxHeaderLength() {
        return lengthFieldSize == 2 ? 0xFFFFL : 0xFFFF_FFFFL;
    }

    static NpyVersion of(int major, int minor) {
        for (NpyVersion version : values()) {
            if (version.major == major && version.minor == minor) {
                return version;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
