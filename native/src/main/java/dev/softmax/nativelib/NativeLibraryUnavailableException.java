package dev.softmax.nativelib;

import java.util.List;
import java.util.stream.Collectors;

/**
 * oneDNN could not be loaded. The message lists every place that was tried, in order, and why each failed,
 * so that a user can fix the one they meant to use.
 */
public final class NativeLibraryUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<LoadAttempt> attempts;

    NativeLibraryUnavailableException(String summary, List<LoadAttempt> attempts) {
        super(summary + describe(attempts));
        this.attempts = List.copyOf(attempts);
    }

    /** The attempts in the order they were made; never empty. */
    public List<LoadAttempt> attempts() {
        return attempts;
    }

    private static String describe(List<LoadAttempt> attempts) {
        if (attempts.isEmpty()) {
            return "";
        }
        return attempts.stream().map(a -> "  " + a).collect(Collectors.joining("\n", " Tried, in order:\n", ""));
    }
}
