package dev.softmax.cli;

import dev.softmax.Backend;
import dev.softmax.EdgePolicy;
import dev.softmax.EngineOptions;
import picocli.CommandLine.Option;

/** The engine options every computing command accepts (a picocli mixin). */
final class EngineChoice {

    @Option(
            names = "--backend",
            paramLabel = "auto|onednn|java",
            description = "Backend (default: -Dsoftmax.backend, SOFTMAX_BACKEND, else auto).")
    String backend;

    @Option(
            names = "--policy",
            paramLabel = "zero|nan|reject",
            defaultValue = "zero",
            description =
                    "Fully masked rows give 0 (zero) or NaN (nan); reject refuses NaN/+inf input. Default: ${DEFAULT-VALUE}.")
    String policy;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads per call (default: the number of available processors).")
    Integer threads;

    EngineOptions options() {
        EngineOptions.Builder builder = EngineOptions.builder()
                .threads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        if (backend != null) {
            builder.backend(Backend.parse(backend, "--backend"));
        }
        builder.edgePolicy(
                switch (policy.toLowerCase(java.util.Locale.ROOT)) {
                    case "zero" -> EdgePolicy.ZERO;
                    case "nan" -> EdgePolicy.NAN;
                    case "reject" -> EdgePolicy.REJECT;
                    default ->
                        throw new BadInputException(
                                "--policy: '" + policy + "' is not a policy; expected zero, nan or reject");
                });
        return builder.build();
    }
}
