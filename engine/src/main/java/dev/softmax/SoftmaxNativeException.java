package dev.softmax;

/**
 * A oneDNN call failed. Carries oneDNN's status name (for example {@code dnnl_out_of_memory}) and the C
 * function that returned it.
 */
public final class SoftmaxNativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String statusName;
    private final int statusCode;
    private final String function;

    public SoftmaxNativeException(String function, int statusCode, String statusName, String context) {
        super(function + " failed with " + statusName + " (" + statusCode + ")"
                + (context == null || context.isEmpty() ? "" : ": " + context));
        this.function = function;
        this.statusCode = statusCode;
        this.statusName = statusName;
    }

    /** oneDNN's name for the status, e.g. {@code dnnl_invalid_arguments}. */
    public String statusName() {
        return statusName;
    }

    public int statusCode() {
        return statusCode;
    }

    /** The oneDNN C function that failed. */
    public String function() {
        return function;
    }
}
