package dev.softmax.cli.npy;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The header of a {@code .npy} file: format version, element type, memory order and shape, and where the data
 * starts ({@code dataOffset}, counted from the first byte of the file).
 *
 * <p>Layout (NumPy's {@code numpy.lib.format}): the magic {@code \x93NUMPY}, the major and minor version bytes, a
 * little-endian header length (2 bytes in 1.0, 4 bytes in 2.0 and 3.0), then that many bytes of a Python dict
 * literal ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, latin-1 before 3.0, UTF-8 in 3.0)
 * padded with spaces and ended by {@code '\n'}. The data follows immediately; NumPy pads the header so that it
 * starts on a multiple of 64 bytes, but readers (this one too) do not rely on that.
 *
 * @param versionMajor 1, 2 or 3
 * @param versionMinor always 0 for the supported versions
 * @param dtype the element type
 * @param fortranOrder true when the data is stored column-major (the first index varies fastest)
 * @param shape the dimensions; empty for a 0-d array (one element); a 0 makes the array empty
 * @param dataOffset the byte offset of the first element in the file
 */
public record NpyHeader(
        int versionMajor, int versionMinor, NpyDType dtype, boolean fortranOrder, long[] shape, long dataOffset) {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy's ARRAY_ALIGN: the data of a file NumPy writes starts on a multiple of this. */
    static final int ARRAY_ALIGN = 64;
    /** NumPy's GROWTH_AXIS_MAX_DIGITS: spare spaces after the dict so the growth axis can be rewritten in place. */
    static final int GROWTH_AXIS_MAX_DIGITS = 21;

    public NpyHeader {
        if (NpyVersion.of(versionMajor, versionMinor) == null) {
            throw new IllegalArgumentException("unsupported .npy format version " + versionMajor + "." + versionMinor
                    + " (supported: " + NpyVersion.SUPPORTED + ")");
        }
        Objects.requireNonNull(dtype, "dtype");
        shape = Objects.requireNonNull(shape, "shape").clone();
        if (dataOffset < 0) {
            throw new IllegalArgumentException("dataOffset " + dataOffset + " is negative");
        }
        String problem = shapeProblem(shape, dtype);
        if (problem != null) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " " + problem);
        }
    }

    /** A copy of the dimensions. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions (0 for a scalar). */
    public int ndim() {
        return shape.length;
    }

    /** The product of the dimensions: 1 for a 0-d array, 0 when a dimension is 0. */
    public long elementCount() {
        long count = 1;
        for (long d : shape) {
            count *= d; // cannot overflow: checked at construction
        }
        return count;
    }

    /** Bytes of data the header describes: {@code elementCount() * dtype().itemSize()}. */
    public long dataBytes() {
        return elementCount() * dtype.itemSize();
    }

    /**
     * Element strides: element {@code (i0, ..., ik)} is at element offset {@code sum(i_j * strides[j])} from the
     * start of the data. Row-major for C order ({@code (3, 1)} for shape {@code (2, 3)}) and column-major for
     * {@code fortran_order: True} ({@code (1, 2)}). A dimension of 0 counts as 1, as in NumPy, so the strides are
     * never 0.
     */
    public long[] stridesInElements() {
        return strides(shape, fortranOrder);
    }

    /** The shape as Python writes a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    public String shapeString() {
        return shapeString(shape);
    }

    /**
     * Reads and validates a header from the start of {@code bytes} (the whole file or at least its header). Only
     * the header is checked here, not whether the data is all there: see {@link NpyArray#open}.
     *
     * @param source the file name every error message starts with
     * @throws NpyFormatException if the bytes are not a supported {@code .npy} header
     */
    public static NpyHeader parse(MemorySegment bytes, String source) {
        Objects.requireNonNull(source, "source");
        long size = bytes.byteSize();
        if (size == 0) {
            throw new NpyFormatException(source, "not a NumPy .npy file (the file is empty)");
        }
        for (int i = 0; i < MAGIC.length && i < size; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new NpyFormatException(source, "not a NumPy .npy file (the first 6 bytes are not \\x93NUMPY)");
            }
        }
        if (size < MAGIC.length + 2) {
            throw new NpyFormatException(source, "truncated header: the file has only " + size + " bytes");
        }
        int major = Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, 6));
        int minor = Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, 7));
        NpyVersion version = NpyVersion.of(major, minor);
        if (version == null) {
            throw new NpyFormatException(
                    source,
                    "unsupported .npy format version " + major + "." + minor + " (supported: " + NpyVersion.SUPPORTED
                            + ")");
        }
        int prefix = version.prefixSize();
        if (size < prefix) {
            throw new NpyFormatException(source, "truncated header: the file has only " + size + " bytes");
        }
        long headerLength = version.lengthFieldSize == 2
                ? Short.toUnsignedLong(
                        bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8))
                : Integer.toUnsignedLong(
                        bytes.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
        if (prefix + headerLength > size) {
            throw new NpyFormatException(
                    source,
                    "truncated header: the " + prefix + "-byte prefix announces " + headerLength
                            + " bytes of header, the file has " + (size - prefix) + " after it");
        }
        if (headerLength > Integer.MAX_VALUE - 64) {
            throw NpyFormatException.malformed(source, "the header length " + headerLength + " is implausibly large");
        }
        byte[] raw = bytes.asSlice(prefix, headerLength).toArray(ValueLayout.JAVA_BYTE);
        String text;
        if (version.encoding == StandardCharsets.UTF_8) {
            try {
                text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw))
                        .toString();
            } catch (CharacterCodingException e) {
                throw NpyFormatException.malformed(
                        source, "the header is not valid UTF-8 (format 3.0 headers are UTF-8)");
            }
        } else {
            text = new String(raw, version.encoding);
        }
        return fromDict(text, source, major, minor, prefix + headerLength);
    }

    /**
     * Reads and validates a header from {@code bytes} between its position and limit (the position is not moved).
     *
     * @see #parse(MemorySegment, String)
     */
    public static NpyHeader parse(ByteBuffer bytes, String source) {
        return parse(MemorySegment.ofBuffer(bytes), source);
    }

    private static NpyHeader fromDict(String text, String source, int major, int minor, long dataOffset) {
        PyLiteral.Value parsed = PyLiteral.parse(text, source);
        if (!(parsed instanceof PyLiteral.Dict dict)) {
            throw NpyFormatException.malformed(
                    source, "expected a dict literal, found " + PyLiteral.snippet(parsed.text(), 60));
        }
        Map<String, PyLiteral.Value> entries = new LinkedHashMap<>();
        for (Map.Entry<PyLiteral.Value, PyLiteral.Value> entry : dict.entries()) {
            if (!(entry.getKey() instanceof PyLiteral.Str key)) {
                throw NpyFormatException.malformed(
                        source, "the key " + PyLiteral.snippet(entry.getKey().text(), 40) + " is not a string");
            }
            if (!key.value().equals("descr")
                    && !key.value().equals("fortran_order")
                    && !key.value().equals("shape")) {
                throw NpyFormatException.malformed(
                        source,
                        "unexpected key " + PyLiteral.quote(key.value())
                                + " (a .npy header has exactly the keys 'descr', 'fortran_order' and 'shape')");
            }
            if (entries.put(key.value(), entry.getValue()) != null) {
                throw NpyFormatException.malformed(
                        source, "the key " + PyLiteral.quote(key.value()) + " appears twice");
            }
        }
        for (String required : new String[] {"descr", "fortran_order", "shape"}) {
            if (!entries.containsKey(required)) {
                throw NpyFormatException.malformed(
                        source, "missing key '" + required + "' in " + PyLiteral.snippet(dict.text(), 100));
            }
        }

        NpyDType dtype = switch (entries.get("descr")) {
            case PyLiteral.Str descr -> NpyDType.fromDescr(descr.value(), source);
            case PyLiteral.Value other -> throw NpyDType.unsupported(source, PyLiteral.snippet(other.text(), 80));
        };

        if (!(entries.get("fortran_order") instanceof PyLiteral.Bool fortranOrder)) {
            throw NpyFormatException.malformed(
                    source,
                    "'fortran_order' must be True or False, not "
                            + PyLiteral.snippet(entries.get("fortran_order").text(), 40));
        }

        PyLiteral.Value shapeValue = entries.get("shape");
        if (!(shapeValue instanceof PyLiteral.Seq seq)
                || !seq.tuple()
                || !seq.items().stream().allMatch(PyLiteral.Int.class::isInstance)) {
            throw NpyFormatException.malformed(
                    source, "'shape' must be a tuple of integers, not " + PyLiteral.snippet(shapeValue.text(), 60));
        }
        long[] shape = new long[seq.items().size()];
        for (int i = 0; i < shape.length; i++) {
            BigInteger d = ((PyLiteral.Int) seq.items().get(i)).value();
            if (d.signum() < 0) {
                throw NpyFormatException.malformed(
                        source, "'shape' " + PyLiteral.snippet(seq.text(), 60) + " has a negative dimension");
            }
            if (d.bitLength() > 63) {
                throw NpyFormatException.malformed(
                        source,
                        "'shape' " + PyLiteral.snippet(seq.text(), 60) + " has a dimension larger than 2^63 - 1");
            }
            shape[i] = d.longValue();
        }
        String problem = shapeProblem(shape, dtype);
        if (problem != null) {
            throw NpyFormatException.malformed(source, "'shape' " + shapeString(shape) + " " + problem);
        }
        return new NpyHeader(major, minor, dtype, fortranOrder.value(), shape, dataOffset);
    }

    /**
     * The header bytes current NumPy writes for such an array ({@code np.save}), byte for byte: format 1.0
     * when the header fits in 65535 bytes, 2.0 otherwise; keys sorted; {@code GROWTH_AXIS_MAX_DIGITS} spare spaces
     * after the dict; then spaces and a final {@code '\n'} so that the data starts on a multiple of 64 bytes.
     */
    public static byte[] format(NpyDType dtype, boolean fortranOrder, long[] shape) {
        return format(dtype, fortranOrder, shape, null);
    }

    /**
     * {@link #format(NpyDType, boolean, long[])} in a given version ({@code null}: the oldest that fits, as NumPy).
     *
     * @throws IllegalArgumentException if the header does not fit the version's length field
     */
    static byte[] format(NpyDType dtype, boolean fortranOrder, long[] shape, NpyVersion version) {
        Objects.requireNonNull(dtype, "dtype");
        String problem = shapeProblem(shape, dtype);
        if (problem != null) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " " + problem);
        }
        StringBuilder dict = new StringBuilder()
                .append("{'descr': '")
                .append(dtype.descr())
                .append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False")
                .append(", 'shape': ")
                .append(shapeString(shape))
                .append(", }");
        if (shape.length > 0) {
            long growthAxis = shape[fortranOrder ? shape.length - 1 : 0];
            dict.append(" "
                    .repeat(Math.max(
                            0,
                            GROWTH_AXIS_MAX_DIGITS - Long.toString(growthAxis).length())));
        }
        String text = dict.toString();
        if (version != null) {
            byte[] out = wrap(text, version);
            if (out == null) {
                throw new IllegalArgumentException("a header of " + text.length() + " characters is too long for"
                        + " .npy format version " + version);
            }
            return out;
        }
        byte[] out = wrap(text, NpyVersion.V1_0);
        return out != null ? out : wrap(text, NpyVersion.V2_0);
    }

    /** NumPy's {@code _wrap_header}; null when the length does not fit the version's length field. */
    private static byte[] wrap(String dict, NpyVersion version) {
        byte[] text = dict.getBytes(version.encoding);
        long withNewline = text.length + 1L;
        // As NumPy: when already aligned this pads a whole 64 bytes rather than none.
        long padding = ARRAY_ALIGN - ((MAGIC.length + 2 + version.lengthFieldSize + withNewline) % ARRAY_ALIGN);
        long headerLength = withNewline + padding;
        if (headerLength > version.maxHeaderLength()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (version.prefixSize() + headerLength));
        out.writeBytes(MAGIC);
        out.write(version.major);
        out.write(version.minor);
        for (int i = 0; i < version.lengthFieldSize; i++) {
            out.write((int) (headerLength >>> (8 * i)) & 0xff);
        }
        out.writeBytes(text);
        for (long i = 0; i < padding; i++) {
            out.write(' ');
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Checks that a file of {@code fileSize} bytes holds all the data this header describes.
     *
     * @return the number of bytes after the data (NumPy ignores them; so does this reader)
     * @throws NpyFormatException if the data is truncated
     */
    long checkFileSize(String source, long fileSize) {
        long available = fileSize - dataOffset;
        long needed = dataBytes();
        if (available < needed) {
            throw new NpyFormatException(
                    source,
                    "truncated data: the header's shape " + shapeString() + " of "
                            + dtype.descr() + " needs " + needed + " bytes after the " + dataOffset
                            + "-byte header, the file has "
                            + available);
        }
        return available - needed;
    }

    static long[] strides(long[] shape, boolean fortranOrder) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int k = 0; k < shape.length; k++) {
            int axis = fortranOrder ? k : shape.length - 1 - k;
            strides[axis] = stride;
            stride *= Math.max(1, shape[axis]); // bounded by the element count check, except for 0 dimensions
        }
        return strides;
    }

    static String shapeString(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            out.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return out.append(')').toString();
    }

    /** Null when the shape is valid for the type, otherwise what is wrong with it ("has a negative dimension"). */
    private static String shapeProblem(long[] shape, NpyDType dtype) {
        long count = 1;
        long span = 1; // product with 0 dimensions counted as 1: keeps the strides representable
        boolean overflow = false;
        for (long d : shape) {
            if (d < 0) {
                return "has a negative dimension";
            }
            try {
                count = Math.multiplyExact(count, d);
                span = Math.multiplyExact(span, Math.max(1, d));
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        if (overflow || span > Long.MAX_VALUE / dtype.itemSize()) {
            return "describes more than 2^63 bytes of " + dtype.descr() + " data";
        }
        return null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NpyHeader h
                && versionMajor == h.versionMajor
                && versionMinor == h.versionMinor
                && dtype == h.dtype
                && fortranOrder == h.fortranOrder
                && Arrays.equals(shape, h.shape)
                && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(versionMajor, versionMinor, dtype, fortranOrder, Arrays.hashCode(shape), dataOffset);
    }

    @Override
    public String toString() {
        return "NpyHeader[version " + versionMajor + "." + versionMinor + ", " + dtype.descr() + ", "
                + (fortranOrder ? "fortran_order, " : "") + "shape " + shapeString() + ", data at " + dataOffset + "]";
    }
}
