package dev.softmax;

/**
 * Under {@link EdgePolicy#REJECT}, the input held a NaN or +inf. Thrown before anything is written.
 */
public final class NonFiniteInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final long row;
    private final long column;

    public NonFiniteInputException(String message, long row, long column) {
        super(message);
        this.row = row;
        this.column = column;
    }

    /** Index of the offending row, counting rows in row-major order of the dimensions other than the axis. */
    public long row() {
        return row;
    }

    /** Position of the offending element along the softmax axis. */
    public long column() {
        return column;
    }
}
