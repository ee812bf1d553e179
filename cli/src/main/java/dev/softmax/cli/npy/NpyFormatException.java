package dev.softmax.cli.npy;

/**
 * A {@code .npy} file (or header) that cannot be read: the message is one line that starts with the file's name,
 * e.g. {@code X.npy: unsupported dtype '<u2' (supported: <f4, <f2, <f8, <i4, <i8, |b1, |u1)}.
 *
 * <p>{@link #source()} is the file name as the user gave it and {@link #detail()} the text after the colon. Any
 * piece of the header quoted in the detail is escaped so that the message never spans several lines.
 */
public final class NpyFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String detail;

    NpyFormatException(String source, String detail) {
        super(source + ": " + detail);
        this.source = source;
        this.detail = detail;
    }

    NpyFormatException(String source, String detail, Throwable cause) {
        super(source + ": " + detail, cause);
        this.source = source;
        this.detail = detail;
    }

    /** The file (or buffer) name the message starts with. */
    public String source() {
        return source;
    }

    /** The message without the leading {@code "<source>: "}. */
    public String detail() {
        return detail;
    }

    static NpyFormatException malformed(String source, String what) {
        return new NpyFormatException(source, "malformed header: " + what);
    }
}
