package dev.softmax.cli;

import dev.softmax.Backend;
import dev.softmax.BackendInfo;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code softmax demo}: the next-token example from the design notes, computed on oneDNN. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show what softmax does to next-token logits, computed through oneDNN on this machine.")
final class DemoCommand implements Callable<Integer> {

    /** Next-token candidates after "the cat sat on a" and their logits; "mat" ends up near 48%. */
    static final String[] TOKENS = {"mat", "rug", "chair", "floor", "sofa", "bed", "table", "car"};
    static final float[] LOGITS = {3.2f, 2.3f, 1.8f, 1.5f, 1.0f, 0.5f, 0.1f, -1.0f};

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder().backend(Backend.ONEDNN).build());
             Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, 1, TOKENS.length).copyFrom(LOGITS);
            TensorView probabilities = TensorView.allocate(arena, DType.F32, 1, TOKENS.length);
            engine.softmax(logits, probabilities);
            float[] p = probabilities.toFloatArray();

            BackendInfo info = engine.backend();
            out.println("softmax-engine demo: next token after \"the cat sat on a\" (softmax on oneDNN)");
            out.println();
            out.printf(Locale.ROOT, "  %-6s %7s   %s%n", "token", "logit", "probability");
            for (int i = 0; i < TOKENS.length; i++) {
                out.printf(Locale.ROOT, "  %-6s %7.2f   %-30s %5.1f%%%n", TOKENS[i], LOGITS[i],
                        "#".repeat(Math.round(p[i] * 60)), 100 * p[i]);
            }
            out.println();
            out.println("oneDNN " + info.onednnVersion().orElse("?"));
            out.println("  ISA: dispatched kernel " + String.join(", ", engine.statistics().onednnImplementations())
                    + " (most capable ISA on this CPU: " + info.onednnIsa().orElse("?") + ")");
            out.println("  loaded from " + info.onednnLibrary().orElse("?"));
        }
        return 0;
    }
}
