package dev.softmax.cli.npy;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types the {@code softmax} command reads and writes, all little-endian as NumPy writes them on
 * x86-64 and AArch64. In a header they appear as their {@link #descr() descr} string ({@code '<f4'}).
 */
public enum NpyDType {
    /** IEEE 754 binary32, NumPy {@code float32}. */
    F4("<f4", 4, true),
    /** IEEE 754 binary16, NumPy {@code float16}. */
    F2("<f2", 2, true),
    /** IEEE 754 binary64, NumPy {@code float64}. */
    F8("<f8", 8, true),
    /** 32-bit two's complement, NumPy {@code int32}. */
    I4("<i4", 4, false),
    /** 64-bit two's complement, NumPy {@code int64}. */
    I8("<i8", 8, false),
    /** NumPy {@code bool}: one byte, 0 or 1 (attention masks). */
    B1("|b1", 1, false),
    /** NumPy {@code uint8} (attention masks: non-zero = keep). */
    U1("|u1", 1, false);

    /** {@code "<f4, <f2, <f8, <i4, <i8"}, as listed in error messages. */
    static final String SUPPORTED = Arrays.stream(values()).map(NpyDType::descr).collect(Collectors.joining(", "));

    private final String descr;
    private final int itemSize;
    private final boolean floatingPoint;

    NpyDType(String descr, int itemSize, boolean floatingPoint) {
        this.descr = descr;
        this.itemSize = itemSize;
        this.floatingPoint = floatingPoint;
    }

    /** The header string NumPy writes for this type, e.g. {@code "<f4"}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** True for f2, f4 and f8. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * The little-endian, byte-aligned layout of one element ({@code JAVA_FLOAT_UNALIGNED} for f4,
     * {@code JAVA_SHORT_UNALIGNED} holding binary16 bits for f2, ...). Unaligned because files written by other
     * tools may put the data at any offset; files NumPy writes start the data on a 64-byte boundary.
     */
    public ValueLayout layout() {
        return switch (this) {
            case F4 -> ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            case F2 -> ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            case F8 -> ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            case I4 -> ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            case I8 -> ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            case B1, U1 -> ValueLayout.JAVA_BYTE;
        };
    }

    /**
     * The type a header's {@code descr} string names. Accepts {@code '<'} and, on a little-endian machine,
     * {@code '='} (native order). {@code '>'} is big-endian and rejected with a hint; {@code '|'} ("byte order not
     * applicable") is what NumPy writes for one-byte types only, so {@code '|f4'} is rejected as unsupported.
     */
    static NpyDType fromDescr(String descr, String source) {
        if (descr.length() >= 2) {
            char order = descr.charAt(0);
            String code = descr.substring(1);
            for (NpyDType type : values()) {
                if (!type.descr.substring(1).equals(code)) {
                    continue;
                }
                boolean nativeLittle = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
                // One-byte types have no byte order: NumPy writes '|' for them.
                if (type.itemSize == 1 && (order == '|' || order == '<' || order == '=' || order == '>')) {
                    return type;
                }
                if (order == '<' || (order == '=' && nativeLittle)) {
                    return type;
                }
                if (order == '>' || order == '=') {
                    throw new NpyFormatException(
                            source,
                            "big-endian data (" + PyLiteral.quote(descr)
                                    + ") is not supported; convert it with a.astype(" + PyLiteral.quote(type.descr)
                                    + ")");
                }
                break;
            }
        }
        throw unsupported(source, PyLiteral.quote(descr));
    }

    static NpyFormatException unsupported(String source, String quotedDescr) {
        return new NpyFormatException(source, "unsupported dtype " + quotedDescr + " (supported: " + SUPPORTED + ")");
    }
}
