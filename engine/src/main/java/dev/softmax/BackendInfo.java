package dev.softmax;

import java.util.Optional;

/**
 * Which backend an engine uses and why, and what it runs on.
 *
 * @param requested        the backend asked for in {@link EngineOptions}
 * @param onednnAvailable  whether oneDNN is loaded and has opened an engine (under AUTO, only once a call has
 *                         preferred it, or {@link SoftmaxEngine#loadOnednn()} was called)
 * @param onednnDeclined   for {@link Backend#AUTO}/{@link Backend#JAVA}: why oneDNN is not in use, if it is not:
 *                         "not loaded yet: ..." before AUTO's first call that prefers it, the loader's message
 *                         when it could not be loaded, or that JAVA was requested; empty when it is in use
 * @param onednnVersion    "3.13.0 (hash)", or empty
 * @param onednnIsa        most capable ISA oneDNN may dispatch to on this CPU, or empty
 * @param onednnLibrary    where the library came from ("bundled: /path/libdnnl.so.3"), or empty
 * @param javaKernel       the Java kernel in use, e.g. "vector (512-bit, 16 float lanes)" or "scalar"
 * @param javaKernelNote   why the Java kernel is scalar, if it is because of the JVM
 * @param threads          threads one call may use
 * @param dispatchRule     how AUTO splits work between the two, in one sentence
 */
public record BackendInfo(
        Backend requested,
        boolean onednnAvailable,
        Optional<String> onednnDeclined,
        Optional<String> onednnVersion,
        Optional<String> onednnIsa,
        Optional<String> onednnLibrary,
        String javaKernel,
        Optional<String> javaKernelNote,
        int threads,
        String dispatchRule) {

    /** Multi-line human-readable summary. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("backend requested: ")
                .append(requested.name().toLowerCase(java.util.Locale.ROOT))
                .append('\n');
        text.append("dispatch: ").append(dispatchRule).append('\n');
        if (onednnAvailable) {
            text.append("oneDNN: ")
                    .append(onednnVersion.orElse("?"))
                    .append(", ISA ")
                    .append(onednnIsa.orElse("?"))
                    .append('\n');
            text.append("oneDNN library: ").append(onednnLibrary.orElse("?")).append('\n');
        } else {
            text.append("oneDNN: not in use: ")
                    .append(onednnDeclined.orElse("?"))
                    .append('\n');
        }
        text.append("Java kernel: ").append(javaKernel);
        javaKernelNote.ifPresent(note -> text.append(" (").append(note).append(')'));
        text.append('\n').append("threads per call: ").append(threads).append('\n');
        return text.toString();
    }
}
