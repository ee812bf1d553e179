package dev.softmax.nativelib;

/** Reads a setting from a system property, falling back to an environment variable (property wins). */
final class Settings {

    private Settings() {}

    /** The trimmed value, or {@code null} when neither is set to a non-blank value. */
    static String get(String property, String environmentVariable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environmentVariable);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Names the setting as the user gave it, for messages ("-Dx=..." or "ENV=..."). */
    static String describe(String property, String environmentVariable) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            return "-D" + property + "=" + value.strip();
        }
        return environmentVariable + "=" + System.getenv(environmentVariable).strip();
    }
}
