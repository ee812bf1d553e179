package dev.softmax.internal.call;

/** The forward operations; the backward ones have their own operand sets. */
public enum Operation {
    SOFTMAX("softmax"),
    LOG_SOFTMAX("log-softmax");

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    public boolean isLog() {
        return this == LOG_SOFTMAX;
    }

    public String label() {
        return label;
    }
}
