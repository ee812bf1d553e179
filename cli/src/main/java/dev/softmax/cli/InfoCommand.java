package dev.softmax.cli;

import dev.softmax.SoftmaxEngine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code softmax info}: what this machine runs the engine on. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Load oneDNN (unless --backend java) and print the JDK, the backend chosen and why, oneDNN's"
                + " version, ISA and location, and the Java kernel.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The options apply and loss take, so info describes the engine they would create. */
    @Mixin
    EngineChoice engineChoice;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("JDK: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.home") + ")");
        out.println("CPUs available: " + Runtime.getRuntime().availableProcessors());
        try (SoftmaxEngine engine = SoftmaxEngine.create(engineChoice.options())) {
            // info is a diagnostic: it loads oneDNN (which AUTO would load on the first call preferring it) to
            // say whether it works here.
            out.print(engine.loadOnednn().describe());
        }
        return 0;
    }
}
