package dev.softmax;

import java.util.Locale;

/** Which implementation computes the results. */
public enum Backend {
    /**
     * Per call, the faster of the two for that call's shape and placement (see the README's dispatch table);
     * the Java kernel whenever oneDNN is unavailable or declines a case.
     */
    AUTO,
    /** oneDNN's softmax primitives through FFM; cases oneDNN refuses are computed by Java and counted. */
    ONEDNN,
    /** The pure-Java kernel (Vector API when {@code jdk.incubator.vector} is enabled, scalar otherwise). */
    JAVA;

    /** Parses "auto", "onednn" or "java" (any case); the message names the setting that held the value. */
    public static Backend parse(String value, String settingName) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    settingName + ": '" + value + "' is not a backend; expected auto, onednn or java", e);
        }
    }
}
