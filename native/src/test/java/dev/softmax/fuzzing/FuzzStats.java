package dev.softmax.fuzzing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts fuzz-target executions and, at JVM exit, appends one line per target to the file named by
 * {@code -Dfuzz.stats.file} (when set): {@code <target> executions=<n>}. ci/fuzz-long.sh reads these lines for
 * RELIABILITY.md, since libFuzzer's own statistics go to the process's native stderr, which Surefire does not keep.
 * One class for every module's fuzz targets: native's test jar carries it to engine and cli.
 */
public final class FuzzStats {

    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    static {
        String file = System.getProperty("fuzz.stats.file");
        if (file != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                StringBuilder lines = new StringBuilder();
                COUNTS.forEach((target, n) -> lines.append(target)
                        .append(" executions=")
                        .append(n.get())
                        .append('\n'));
                try {
                    Files.writeString(
                            Path.of(file),
                            lines,
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    System.err.println("fuzz stats not written: " + e);
                }
            }));
        }
    }

    private FuzzStats() {}

    /** One execution of {@code target}. */
    public static void count(String target) {
        COUNTS.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
    }
}
