package dev.softmax.bench;

import dev.softmax.EngineStatistics;
import dev.softmax.SoftmaxEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What one benchmark trial says about itself beyond its timing: the self-check's measured error and, for the
 * engine, its statistics (which backend computed the calls, what oneDNN declined and why, which oneDNN kernel
 * ran). Written as a properties file into {@code <raw>/trials/} for the report generator, where {@code <raw>}
 * is {@code -Dsoftmax.bench.raw} or {@code $SOFTMAX_BENCH_RAW}; with neither set, only printed.
 */
public final class TrialLog {

    /** System property (then environment variable SOFTMAX_BENCH_RAW) naming the raw results folder. */
    public static final String RAW_PROPERTY = "softmax.bench.raw";

    private final Map<String, String> entries = new TreeMap<>();

    private TrialLog() {}

    public static TrialLog of(BenchmarkParams params) {
        TrialLog log = new TrialLog();
        log.entries.put("benchmark", params.getBenchmark());
        log.entries.put("key", key(params.getBenchmark(), paramsOf(params)));
        for (String name : params.getParamsKeys()) {
            log.entries.put("param." + name, params.getParam(name));
        }
        return log;
    }

    /** The key the report matches trials and JMH results by: benchmark name and sorted parameters. */
    public static String key(String benchmark, Map<String, String> params) {
        StringBuilder key = new StringBuilder(benchmark);
        new TreeMap<>(params)
                .forEach((k, v) -> key.append(';').append(k).append('=').append(v));
        return key.toString();
    }

    private static Map<String, String> paramsOf(BenchmarkParams params) {
        Map<String, String> map = new TreeMap<>();
        for (String name : params.getParamsKeys()) {
            map.put(name, params.getParam(name));
        }
        return map;
    }

    public TrialLog put(String name, Object value) {
        entries.put(name, String.valueOf(value));
        return this;
    }

    public TrialLog check(Reference.Result result) {
        put("check.maxError", result.maxError());
        put("check.worstOverBound", result.worstOverBound());
        put("check.rows", result.rowsChecked());
        return this;
    }

    /** Records what the engine did: calls per backend, declines by reason, oneDNN implementations. */
    public TrialLog engine(SoftmaxEngine engine) {
        EngineStatistics stats = engine.statistics();
        put("engine.onednnCalls", stats.onednnCalls());
        put("engine.javaCalls", stats.javaCalls());
        put("engine.onednnDeclined", stats.onednnDeclined());
        stats.declinedByReason().forEach((reason, count) -> put("engine.declined." + reason, count));
        put("engine.onednnImplementations", String.join(",", new java.util.TreeSet<>(stats.onednnImplementations())));
        put("engine.javaKernel", engine.backend().javaKernel());
        engine.backend().onednnVersion().ifPresent(v -> put("engine.onednnVersion", v));
        engine.backend().onednnIsa().ifPresent(v -> put("engine.onednnIsa", v));
        return this;
    }

    /** Writes the record (atomically; forks of the same trial overwrite each other with the same content). */
    public void write() {
        String folder = System.getProperty(RAW_PROPERTY, System.getenv("SOFTMAX_BENCH_RAW"));
        if (folder == null || folder.isBlank()) {
            System.out.println("[trial] " + entries);
            return;
        }
        Properties properties = new Properties();
        properties.putAll(entries);
        try {
            Path dir = Path.of(folder, "trials");
            Files.createDirectories(dir);
            String name =
                    entries.get("key").replaceAll("[^A-Za-z0-9=;._-]", "_").replace("dev.softmax.bench.", "");
            Path file = dir.resolve(name + ".properties");
            Path temp = Files.createTempFile(dir, "trial", ".tmp");
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(out, null);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the trial record into " + folder, e);
        }
    }
}
