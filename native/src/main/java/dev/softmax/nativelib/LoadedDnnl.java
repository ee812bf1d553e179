package dev.softmax.nativelib;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The oneDNN this process loaded.
 *
 * @param source             which rule of the search order found it
 * @param dnnlLibrary        absolute path of the loaded {@code libdnnl}
 * @param gompLibrary        absolute path of the OpenMP runtime loaded beside it, or {@code null} when the
 *                           dynamic linker resolved it on its own
 * @param platform           the platform the binaries were chosen for
 * @param attempts           every place tried, in order, the last one being the success
 * @param environmentApplied OpenMP variables this loader set in the C environment before loading (variables
 *                           the user had already set are left alone and not listed)
 */
public record LoadedDnnl(
        LibrarySource source,
        Path dnnlLibrary,
        Path gompLibrary,
        Platform platform,
        List<LoadAttempt> attempts,
        Map<String, String> environmentApplied) {

    public LoadedDnnl {
        attempts = List.copyOf(attempts);
        environmentApplied = Map.copyOf(environmentApplied);
    }

    /** One line for logs and {@code softmax info}: "bundled: /home/u/.cache/softmax-engine/…/libdnnl.so.3". */
    public String describe() {
        return source.name().toLowerCase(java.util.Locale.ROOT) + ": " + dnnlLibrary;
    }
}
