package dev.softmax.testing;

import dev.softmax.Backend;
import dev.softmax.EngineOptions;

/**
 * Run in a child JVM by {@link dev.softmax.EngineOptionsTest}, whose environment sets {@code SOFTMAX_BACKEND} (which a
 * running JVM cannot change for itself). Prints one line per question: "configured=...", "defaults=...", "builder=...".
 */
public final class OptionsProbeMain {

    private OptionsProbeMain() {}

    public static void main(String[] args) {
        print("configured", () -> EngineOptions.configuredBackend().name());
        print("defaults", () -> EngineOptions.defaults().backend().name());
        print(
                "builder",
                () -> EngineOptions.builder()
                        .backend(Backend.AUTO)
                        .build()
                        .backend()
                        .name());
    }

    private static void print(String label, java.util.function.Supplier<String> question) {
        try {
            System.out.println(label + "=" + question.get());
        } catch (RuntimeException e) {
            System.out.println(label + "=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
