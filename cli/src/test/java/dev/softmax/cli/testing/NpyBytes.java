package dev.softmax.cli.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-assembled .npy bytes for tests: nothing here uses the code under test. */
public final class NpyBytes {

    public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private NpyBytes() {}

    /**
     * Magic, version, the header length field (2 bytes for major 1, else 4), the header text exactly as given
     * (latin-1 for versions 1 and 2, UTF-8 otherwise), then the data.
     */
    public static byte[] npy(int major, int minor, String headerText, byte[] data) {
        byte[] text = headerText.getBytes(major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return npyRaw(major, minor, text, data);
    }

    public static byte[] npyRaw(int major, int minor, byte[] text, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(major);
        out.write(minor);
        out.write(text.length & 0xff);
        out.write((text.length >>> 8) & 0xff);
        if (major != 1) {
            out.write((text.length >>> 16) & 0xff);
            out.write((text.length >>> 24) & 0xff);
        }
        out.writeBytes(text);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** A v1.0 file whose header is {@code dict} padded with spaces and a newline to a 64-byte boundary. */
    public static byte[] v1(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        return npy(1, 0, dict + " ".repeat(padding) + "\n", data);
    }

    public static byte[] floatsLE(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    public static byte[] floatsBE(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.BIG_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    public static Path write(Path directory, String name, byte[] bytes) throws IOException {
        return Files.write(directory.resolve(name), bytes);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
