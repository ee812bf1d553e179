package dev.softmax;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs a test's {@code main} class on this JVM's class path, for the tests
 * that must watch a fresh JVM (allocation after warm-up, crashes, leaks, process-wide settings).
 */
final class ChildJvm {

    private ChildJvm() {}

    /**
     * {@code java}, this JVM's native-access flags (and, when {@code inheritModules}, its {@code --add-modules}
     * options), then {@code options}, {@code -cp} this class path, {@code main} and {@code arguments}.
     */
    static List<String> command(boolean inheritModules, List<String> options, Class<?> main, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--enable-native-access")
                        || arg.startsWith("--illegal-native-access")
                        || inheritModules && (arg.startsWith("--add-modules") || arg.startsWith("jdk.incubator")))
                .toList());
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(arguments));
        return command;
    }
}
