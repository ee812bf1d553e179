package dev.softmax.bench;

import dev.softmax.SoftmaxEngine;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the suite's JMH benchmarks in one of three modes and leaves JSON results (one file per step) and an
 * environment record in the raw folder, for {@link dev.softmax.bench.report.ReportMain}.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *      dev.softmax.bench.SuiteMain --mode quick|full|smoke --raw bench/results/raw [--shapes 8x16,64x32000]
 *      [--steps REGEX]
 * </pre>
 *
 * <ul>
 *   <li>Every mode also runs the decode step ({@link SamplingBenchmark}: four scenarios, with the engine's
 *       softmax of the same batch) and {@link NaiveSamplerBenchmark}, on 1x128256, 64x128256 and 256x32000
 *       (smoke: on 8x16 and 1x32000; {@code --shapes}: on those).</li>
 *   <li>Every mode also runs the zero-copy decode loop ({@link DecodeLoopBenchmark}: V = 32000, batch 16).</li>
 *   <li><b>smoke</b>: every benchmark method once (single shot, no warm-up, in this JVM: {@code -f 0}) over three
 *       small shapes and every parameter, each with its self-check; for CI.</li>
 *   <li><b>quick</b>: all ten shapes for the summary's ratios (engine per backend, ORT, copy, naive; f32 softmax,
 *       1 thread) and for AUTO and ORT with 2 threads, four shapes ({@link #QUICK_SECONDARY}) for log-softmax, in
 *       place, bf16 and backward; 1 fork, 3 x 200 ms warm-up, 5 x 200 ms measurement, {@code -prof gc}: about 14
 *       minutes of JMH on 2 cores, the decode-step and attention steps included (2026-12-06).</li>
 *   <li><b>full</b>: every combination, 2 forks, 4 x 300 ms warm-up, 8 x 300 ms measurement, {@code -prof gc}.</li>
 * </ul>
 * Any benchmark error (a self-check that fails, an exception) stops the run with a non-zero exit status.
 */
public final class SuiteMain {

    /**
     * One JMH invocation: a benchmark-method regex and the parameter values to run it over; timed modes measure
     * {@code measurementScale} times the mode's iteration count.
     */
    record Step(String name, String include, Map<String, String[]> params, int measurementScale) {

        Step withMeasurementScale(int scale) {
            return new Step(name, include, params, scale);
        }
    }

    record Settings(
            Mode mode,
            int forks,
            int warmupIterations,
            int warmupMillis,
            int iterations,
            int iterationMillis,
            boolean gcProfiler) {}

    private static final String[] SMOKE_SHAPES = {"8x16", "4096x128", "1x32000"};
    /** Smoke's decode-step shapes: a tiny batch and one long row (every scenario of each keeps smoke short). */
    private static final String[] SMOKE_SAMPLING_SHAPES = {"8x16", "1x32000"};

    private static final String[] BACKENDS = {"ONEDNN", "JAVA", "AUTO"};
    private static final String[] DTYPES = {"F32", "BF16"};
    private static final String[] THREADS = {"1", "2"};

    private SuiteMain() {}

    public static void main(String[] args) throws IOException {
        String mode = null;
        Path raw = null;
        String[] shapes = null;
        Pattern stepFilter = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--mode" -> mode = value;
                case "--raw" -> raw = Path.of(value);
                case "--shapes" -> shapes = value.split(",");
                case "--steps" -> stepFilter = Pattern.compile(value);
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        if (mode == null || raw == null) {
            usage("--mode and --raw are required");
        }
        Settings settings = switch (mode) {
            case "smoke" -> new Settings(Mode.SingleShotTime, 0, 0, 0, 1, 0, false);
            case "quick" -> new Settings(Mode.AverageTime, 1, 3, 200, 5, 200, true);
            case "full" -> new Settings(Mode.AverageTime, 2, 4, 300, 8, 300, true);
            default -> throw usage("--mode must be smoke, quick or full");
        };
        String[] samplingShapes =
                shapes != null ? shapes : mode.equals("smoke") ? SMOKE_SAMPLING_SHAPES : SamplingBenchmark.SHAPES;
        if (shapes == null) {
            shapes = mode.equals("smoke") ? SMOKE_SHAPES : Shape.ALL;
        }
        List<Step> steps = plan(mode, shapes, samplingShapes);
        List<String> notes = new ArrayList<>();
        if (stepFilter != null) {
            Pattern filter = stepFilter;
            steps.removeIf(step -> !filter.matcher(step.name()).find());
        }

        Path jmhDir = raw.resolve("jmh");
        Files.createDirectories(jmhDir);
        System.setProperty(TrialLog.RAW_PROPERTY, raw.toAbsolutePath().toString());
        Instant start = Instant.now();
        Properties env = environment(mode, settings);
        env.setProperty("loadavg.start", loadAverage());
        env.setProperty("start", start.toString());
        store(env, raw.resolve("env.properties"));
        Files.write(raw.resolve("notes.txt"), notes, StandardCharsets.UTF_8);
        notes.forEach(note -> System.out.println("suite: note: " + note));

        int index = 0;
        for (Step step : steps) {
            index++;
            String file = String.format(Locale.ROOT, "%02d-%s", index, step.name());
            Path json = jmhDir.resolve(file + ".json");
            Path log = jmhDir.resolve(file + ".log");
            int combinations =
                    step.params().values().stream().mapToInt(v -> v.length).reduce(1, (a, b) -> a * b);
            System.out.printf(
                    Locale.ROOT,
                    "suite: [%d/%d] %s: %s, %d parameter combination(s) (log: %s)%n",
                    index,
                    steps.size(),
                    step.name(),
                    step.include(),
                    combinations,
                    log);
            Instant stepStart = Instant.now();
            try {
                new Runner(options(step, settings, raw, json, log).build()).run();
            } catch (RunnerException e) {
                System.err.println("suite: step " + step.name() + " FAILED: " + e.getMessage());
                printTail(log, 80);
                System.exit(1);
            }
            System.out.printf(
                    Locale.ROOT, "suite:        done in %s%n", format(Duration.between(stepStart, Instant.now())));
        }
        env.setProperty("loadavg.end", loadAverage());
        env.setProperty("end", Instant.now().toString());
        env.setProperty(
                "jmh.seconds",
                Long.toString(Duration.between(start, Instant.now()).toSeconds()));
        store(env, raw.resolve("env.properties"));
        System.out.println("suite: JMH finished in " + format(Duration.between(start, Instant.now())));
    }

    /**
     * The steps of a mode. Quick runs what the report's ratios need; full and smoke run every combination. The
     * decode-step benchmarks ({@link SamplingBenchmark}, {@link NaiveSamplerBenchmark}) run on
     * {@code samplingShapes} (by default their own three shapes, or the smoke shapes), with every scenario; the
     * engine's softmax of the same batch, the floor, with one scenario value (it ignores the scenario).
     */
    static List<Step> plan(String mode, String[] shapes, String[] samplingShapes) {
        List<Step> steps = new ArrayList<>();
        String engine = "dev\\.softmax\\.bench\\.EngineBenchmark\\.";
        if (mode.equals("quick")) {
            // Every shape for what the summary and two-thread tables need; four representative shapes for the rest.
            String[] some = secondary(shapes);
            steps.add(step(
                    "engine-softmax",
                    engine + "softmax$",
                    "shape",
                    shapes,
                    "backend",
                    BACKENDS,
                    "dtype",
                    of("F32"),
                    "threads",
                    of("1")));
            steps.add(step(
                    "ort-softmax",
                    "dev\\.softmax\\.bench\\.OrtBenchmark\\.softmax$",
                    "shape",
                    shapes,
                    "threads",
                    of("1")));
            steps.add(
                    step("copy", "dev\\.softmax\\.bench\\.CopyBenchmark\\.copy$", "shape", shapes, "dtype", of("F32")));
            steps.add(step("naive", "dev\\.softmax\\.bench\\.NaiveBenchmark\\.softmax$", "shape", shapes));
            steps.add(step(
                    "engine-logsoftmax",
                    engine + "logSoftmax$",
                    "shape",
                    some,
                    "backend",
                    of("ONEDNN", "JAVA"),
                    "dtype",
                    of("F32"),
                    "threads",
                    of("1")));
            steps.add(step(
                    "ort-logsoftmax",
                    "dev\\.softmax\\.bench\\.OrtBenchmark\\.logSoftmax$",
                    "shape",
                    some,
                    "threads",
                    of("1")));
            steps.add(step(
                    "engine-inplace",
                    engine + "softmaxInPlace$",
                    "shape",
                    some,
                    "backend",
                    of("AUTO"),
                    "dtype",
                    of("F32"),
                    "threads",
                    of("1")));
            steps.add(step(
                    "engine-bf16",
                    engine + "softmax$",
                    "shape",
                    some,
                    "backend",
                    of("AUTO", "ONEDNN", "JAVA"),
                    "dtype",
                    of("BF16"),
                    "threads",
                    of("1")));
            steps.add(step(
                    "engine-2threads",
                    engine + "softmax$",
                    "shape",
                    shapes,
                    "backend",
                    of("AUTO"),
                    "dtype",
                    of("F32"),
                    "threads",
                    of("2")));
            steps.add(step(
                    "ort-2threads",
                    "dev\\.softmax\\.bench\\.OrtBenchmark\\.softmax$",
                    "shape",
                    shapes,
                    "threads",
                    of("2")));
            steps.add(step(
                    "backward",
                    "dev\\.softmax\\.bench\\.BackwardBenchmark\\.softmaxBackward$",
                    "shape",
                    some,
                    "backend",
                    of("ONEDNN", "JAVA"),
                    "dtype",
                    of("F32"),
                    "threads",
                    of("1")));
            steps.add(step(
                    "backward-log",
                    "dev\\.softmax\\.bench\\.BackwardBenchmark\\.logSoftmaxBackward$",
                    "shape",
                    some,
                    "backend",
                    of("ONEDNN", "JAVA"),
                    "dtype",
                    of("F32"),
                    "threads",
                    of("1")));
            samplingSteps(steps, samplingShapes);
            attentionSteps(steps);
            decodeLoopSteps(steps, "1000");
        } else {
            steps.add(
                    step("engine", engine, "shape", shapes, "backend", BACKENDS, "dtype", DTYPES, "threads", THREADS));
            steps.add(step("copy", "dev\\.softmax\\.bench\\.CopyBenchmark\\.", "shape", shapes, "dtype", DTYPES));
            steps.add(step("naive", "dev\\.softmax\\.bench\\.NaiveBenchmark\\.", "shape", shapes));
            steps.add(step("ort", "dev\\.softmax\\.bench\\.OrtBenchmark\\.", "shape", shapes, "threads", THREADS));
            steps.add(step(
                    "backward",
                    "dev\\.softmax\\.bench\\.BackwardBenchmark\\.",
                    "shape",
                    shapes,
                    "backend",
                    BACKENDS,
                    "dtype",
                    DTYPES,
                    "threads",
                    THREADS));
            samplingSteps(steps, samplingShapes);
            attentionSteps(steps);
            decodeLoopSteps(steps, mode.equals("smoke") ? "0" : "1000");
        }
        return steps;
    }

    private static final String[] SCENARIOS =
            Arrays.stream(SamplingWorkload.Scenario.values()).map(Enum::name).toArray(String[]::new);

    /**
     * The attention softmax (issue 14's three workloads) beside the plain softmax of the same shape: one step per
     * workload, type and thread count, so that the two forks whose medians make a ratio run back to back. As one
     * step, JMH ran every configuration's attention first and its plain softmax 24 trials (about two minutes)
     * later; on this shared host the plain bias f32 softmax (2 threads) measured 7.9, 15.7 and 11.2 ms in three
     * reports of one day, and a ratio whose halves are minutes apart carries that drift. ONNX Runtime's graph
     * runs afterwards, in a step of its own. Each engine step measures twice the mode's iterations: a call of the
     * bias workload takes 7-17 ms, so a 200 ms iteration holds only 12-28 calls, and the quick mode's five of them
     * gave medians that moved by 10% between back-to-back runs of one commit.
     */
    private static void attentionSteps(List<Step> steps) {
        for (String workload : of("causal", "keyLengths", "bias")) {
            for (String dtype : of("F32", "BF16")) {
                for (String threads : of("1", "2")) {
                    steps.add(step(
                                    "attention-" + workload + "-" + dtype.toLowerCase(Locale.ROOT) + "-" + threads
                                            + "t",
                                    "dev\\.softmax\\.bench\\.AttentionBenchmark\\.(attention|plain)$",
                                    "workload",
                                    of(workload),
                                    "dtype",
                                    of(dtype),
                                    "threads",
                                    of(threads))
                            .withMeasurementScale(2));
                }
            }
        }
        steps.add(step(
                "attention-ort",
                "dev\\.softmax\\.bench\\.AttentionBenchmark\\.ort$",
                "workload",
                of("causal", "keyLengths", "bias"),
                "dtype",
                of("F32", "BF16"),
                "threads",
                of("1", "2")));
    }

    /** Issue 15's zero-copy decode loop: the engine's step on ORT's memory beside a plain sample, V = 32000, B = 16. */
    private static void decodeLoopSteps(List<Step> steps, String warmUpSteps) {
        steps.add(step(
                "decode-loop",
                "dev\\.softmax\\.bench\\.DecodeLoopBenchmark\\.",
                "batch",
                of("16"),
                "warmUpSteps",
                of(warmUpSteps)));
    }

    /** The decode step (every scenario), the engine's softmax of the same batch, and the naive sampler. */
    private static void samplingSteps(List<Step> steps, String[] shapes) {
        steps.add(step(
                "sampling",
                "dev\\.softmax\\.bench\\.SamplingBenchmark\\.sample$",
                "shape",
                shapes,
                "scenario",
                SCENARIOS));
        steps.add(step(
                "sampling-softmax",
                "dev\\.softmax\\.bench\\.SamplingBenchmark\\.softmax$",
                "shape",
                shapes,
                "scenario",
                of(SCENARIOS[0])));
        steps.add(step(
                "naive-sampler",
                "dev\\.softmax\\.bench\\.NaiveSamplerBenchmark\\.sample$",
                "shape",
                shapes,
                "scenario",
                SCENARIOS));
    }

    /** Shapes of the quick mode's secondary steps: tiny, many short rows, an LLM batch, DRAM-sized. */
    static final List<String> QUICK_SECONDARY = List.of("8x16", "4096x128", "64x32000", "256x128256");

    /** The requested shapes that are secondary shapes; all requested shapes if none is. */
    static String[] secondary(String[] shapes) {
        String[] some = Arrays.stream(shapes).filter(QUICK_SECONDARY::contains).toArray(String[]::new);
        return some.length > 0 ? some : shapes;
    }

    private static String[] of(String... values) {
        return values;
    }

    private static Step step(String name, String include, Object... params) {
        Map<String, String[]> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put((String) params[i], (String[]) params[i + 1]);
        }
        return new Step(name, include, map, 1);
    }

    private static ChainedOptionsBuilder options(Step step, Settings settings, Path raw, Path json, Path log) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(step.include())
                .mode(settings.mode())
                .timeUnit(TimeUnit.NANOSECONDS)
                .forks(settings.forks())
                .warmupIterations(settings.warmupIterations())
                .measurementIterations(
                        settings.mode() == Mode.AverageTime
                                ? settings.iterations() * step.measurementScale()
                                : settings.iterations())
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .output(log.toString())
                .verbosity(VerboseMode.NORMAL)
                .jvmArgsPrepend(
                        "-D" + TrialLog.RAW_PROPERTY + "=" + raw.toAbsolutePath(),
                        "--sun-misc-unsafe-memory-access=allow");
        if (settings.mode() == Mode.AverageTime) {
            options.warmupTime(TimeValue.milliseconds(settings.warmupMillis()))
                    .measurementTime(TimeValue.milliseconds(settings.iterationMillis()));
        }
        if (settings.gcProfiler()) {
            options.addProfiler(GCProfiler.class);
        }
        step.params().forEach(options::param);
        return options;
    }

    private static Properties environment(String mode, Settings settings) {
        Properties env = new Properties();
        env.setProperty("mode", mode);
        env.setProperty("jmh.mode", settings.mode().shortLabel());
        env.setProperty("jmh.forks", Integer.toString(settings.forks()));
        env.setProperty("jmh.warmup", settings.warmupIterations() + " x " + settings.warmupMillis() + " ms");
        env.setProperty("jmh.measurement", settings.iterations() + " x " + settings.iterationMillis() + " ms");
        env.setProperty("jmh.gcProfiler", Boolean.toString(settings.gcProfiler()));
        env.setProperty("java.version", System.getProperty("java.version"));
        env.setProperty("java.vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        env.setProperty(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        env.setProperty("cpu.model", cpuModel());
        env.setProperty("cpu.count", Integer.toString(Runtime.getRuntime().availableProcessors()));
        for (String name : List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OMP_PROC_BIND")) {
            env.setProperty("env." + name, String.valueOf(System.getenv(name)));
        }
        try (SoftmaxEngine engine = SoftmaxEngine.create()) {
            env.setProperty("engine.describe", engine.backend().describe().strip());
        } catch (RuntimeException e) {
            env.setProperty("engine.describe", "engine could not be created: " + e);
        }
        return env;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return String.join(" ", Arrays.copyOf(parts, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void store(Properties properties, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "softmax-engine benchmark environment");
        }
    }

    private static void printTail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.err::println);
        } catch (IOException e) {
            System.err.println("(no JMH log at " + log + ")");
        }
    }

    private static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 60 ? (seconds / 60) + " min " + (seconds % 60) + " s" : seconds + " s";
    }

    private static IllegalArgumentException usage(String problem) {
        System.err.println("SuiteMain: " + problem);
        System.err.println("usage: SuiteMain --mode smoke|quick|full --raw DIR [--shapes 8x16,...] [--steps REGEX]");
        System.exit(64);
        return new IllegalArgumentException(problem);
    }
}
