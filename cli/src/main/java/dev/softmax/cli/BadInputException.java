package dev.softmax.cli;

/** A problem with the user's input (a file, an option value) that exits with code 2 and one line. */
final class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
        super(message);
    }

    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
