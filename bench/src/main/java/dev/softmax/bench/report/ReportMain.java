package dev.softmax.bench.report;

import dev.softmax.bench.Shape;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes {@code REPORT.md} and a PNG chart from one run's raw folder (JMH JSON, trial records, the C program's
 * output, the environment record).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.softmax.bench.report.ReportMain \
 *      --raw bench/results/raw --out bench/results/REPORT.md --chart bench/results/chart.png
 * </pre>
 *
 * Every figure is a median over samples (JMH iterations of all forks; the C program's samples), "best" the
 * fastest sample; every ratio is between two results of the same run.
 */
public final class ReportMain {

    private static final Map<String, String> NAMES = Map.of(
            Result.ONEDNN_C, "oneDNN from C",
            Result.ENGINE_ONEDNN, "engine ONEDNN (FFM)",
            Result.ENGINE_JAVA, "engine JAVA",
            Result.ENGINE_AUTO, "engine AUTO",
            Result.ORT, "ONNX Runtime",
            Result.NAIVE, "naive Java loop",
            Result.COPY, "MemorySegment.copy");

    private static final List<String> OPS = List.of("softmax", "logsoftmax", "softmax_bwd", "logsoftmax_bwd", "copy");

    private final Results results;
    private final Properties env;
    private final Properties timing;
    private final List<String> notes;
    private final List<Shape> shapes;
    private final StringBuilder md = new StringBuilder();

    private ReportMain(Results results, Properties env, Properties timing, List<String> notes) {
        this.results = results;
        this.env = env;
        this.timing = timing;
        this.notes = notes;
        Set<Shape> present = new LinkedHashSet<>();
        for (String s : Shape.ALL) {
            Shape shape = Shape.parse(s);
            if (!results.forShape(shape).isEmpty()) {
                present.add(shape);
            }
        }
        results.all().stream().map(Result::shape).forEach(present::add);
        this.shapes = List.copyOf(present);
    }

    public static void main(String[] args) throws IOException {
        Path raw = null;
        Path out = null;
        Path chart = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--raw" -> raw = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--chart" -> chart = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (raw == null || out == null) {
            System.err.println("usage: ReportMain --raw DIR --out REPORT.md [--chart chart.png]");
            System.exit(64);
        }
        Results results = Results.load(raw);
        if (results.all().isEmpty()
                && results.sampling().isEmpty()
                && !results.hasAttention()
                && !results.hasDecodeLoop()) {
            System.err.println("ReportMain: no results in " + raw);
            System.exit(1);
        }
        Path notesFile = raw.resolve("notes.txt");
        List<String> notes = Files.exists(notesFile) ? Files.readAllLines(notesFile) : List.of();
        ReportMain report = new ReportMain(
                results,
                properties(raw.resolve("env.properties")),
                properties(raw.resolve("timing.properties")),
                notes);
        String chartName = null;
        if (chart != null) {
            Chart.write(results, report.shapes, chart);
            Path parent = out.toAbsolutePath().getParent();
            chartName = parent.relativize(chart.toAbsolutePath()).toString();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.render(chartName), StandardCharsets.UTF_8);
        System.out.println("ReportMain: wrote " + out + (chart != null ? " and " + chart : "") + " from "
                + results.all().size() + " results");
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
        }
        return properties;
    }

    // ---- rendering -------------------------------------------------------------------------------------------

    String render(String chartName) {
        header();
        summary();
        allocations();
        logSummary();
        threads();
        bf16();
        inPlace();
        backward();
        decodeStep();
        attentionRows();
        decodeLoop();
        if (chartName != null) {
            md.append("\n## Chart\n\n![ns per element, f32 softmax, 1 thread, out of place](")
                    .append(chartName)
                    .append(")\n\n")
                    .append("Median ns per element (log scale) per shape and implementation; f32 softmax along the")
                    .append(" last axis, 1 thread, out of place.\n");
        }
        perShape();
        method();
        return md.toString();
    }

    private void header() {
        md.append("# softmax-engine benchmark report\n\n");
        md.append("Generated by `bench/run.sh");
        if ("quick".equals(env.getProperty("mode"))) {
            md.append(" --quick");
        }
        md.append("` (mode **")
                .append(env.getProperty("mode", "?"))
                .append("**), ")
                .append(env.getProperty("start", "?"))
                .append(" to ")
                .append(env.getProperty("end", "?"))
                .append(". Do not edit by hand.\n\n");
        md.append("- Host: ")
                .append(env.getProperty("cpu.model", "?"))
                .append(", ")
                .append(env.getProperty("cpu.count", "?"))
                .append(" vCPUs; load average (1/5/15 min) ")
                .append(env.getProperty("loadavg.start", "?"))
                .append(" at the start, ")
                .append(env.getProperty("loadavg.end", "?"))
                .append(" at the end of JMH.\n");
        md.append("- JDK: ")
                .append(env.getProperty("java.vm", "?"))
                .append(" (")
                .append(env.getProperty("os", "?"))
                .append(").\n");
        String describe = env.getProperty("engine.describe", "");
        for (String line : describe.split("\n")) {
            if (line.startsWith("oneDNN") || line.startsWith("Java kernel")) {
                md.append("- Engine: ").append(line.strip()).append(".\n");
            }
        }
        results.all().stream()
                .map(r -> r.info().get("ort.version"))
                .filter(v -> v != null)
                .findFirst()
                .ifPresent(v -> md.append("- ONNX Runtime ").append(v).append(" (Java API, CPU provider).\n"));
        md.append("- JMH 1.37: ")
                .append(env.getProperty("jmh.forks", "?"))
                .append(" fork(s), warm-up ")
                .append(env.getProperty("jmh.warmup", "?"))
                .append(", measurement ")
                .append(env.getProperty("jmh.measurement", "?"))
                .append(", mode ")
                .append(env.getProperty("jmh.mode", "?"))
                .append("true".equals(env.getProperty("jmh.gcProfiler")) ? ", `-prof gc`" : "")
                .append(".\n");
        for (String line : new LinkedHashSet<>(results.cHeader())) {
            md.append("- C reference: `").append(line).append("`.\n");
        }
        md.append("- Environment of the native peers: OMP_NUM_THREADS=")
                .append(env.getProperty("env.OMP_NUM_THREADS"))
                .append(", OMP_WAIT_POLICY=")
                .append(env.getProperty("env.OMP_WAIT_POLICY"))
                .append(", OMP_PROC_BIND=")
                .append(env.getProperty("env.OMP_PROC_BIND"))
                .append(".\n");
        if (!timing.isEmpty()) {
            md.append("- Wall time: ");
            List<String> parts = new ArrayList<>();
            for (String key : List.of("build", "c", "jmh", "torch", "report", "total")) {
                if (timing.getProperty(key) != null) {
                    parts.add(key + " " + seconds(Long.parseLong(timing.getProperty(key))));
                }
            }
            md.append(String.join(", ", parts)).append(".\n");
            if (timing.getProperty("git") != null) {
                md.append("- Source: commit ").append(timing.getProperty("git")).append(".\n");
            }
        }
        md.append("\n> **Noise.** This is a shared, noisy 2-vCPU virtual machine; other engineers were building on")
                .append(" it during the run. Every figure is a median over samples with its spread beside it, and")
                .append(" every ratio compares two results of this one run. ");
        if ("quick".equals(env.getProperty("mode"))) {
            md.append("The quick mode takes one fork and five 200 ms samples per configuration, so read")
                    .append(" differences under about 10-15% as noise unless the spreads are small.");
        }
        double load = Math.max(firstLoad(env.getProperty("loadavg.start")), firstLoad(env.getProperty("loadavg.end")));
        if (load > 1.0) {
            md.append(String.format(
                    Locale.ROOT,
                    " The 1-minute load average reached %.2f (the benchmark itself"
                            + " accounts for about 1): two-thread results in particular competed with other processes for the"
                            + " two vCPUs.",
                    load));
        }
        md.append("\n");
        List<String> all = new ArrayList<>(notes);
        all.addAll(results.problems());
        if (!all.isEmpty()) {
            md.append("\nNotes from the run:\n\n");
            all.stream()
                    .filter(n -> !n.isBlank())
                    .forEach(n -> md.append("- ").append(n).append('\n'));
        }
    }

    private void summary() {
        md.append("\n## Summary: f32 softmax along the last axis, 1 thread, out of place\n\n");
        md.append("Ratios of medians, with the ratio of the best samples in parentheses; below 1 the first named is")
                .append(" faster. *oneDNN via FFM* is the engine with backend ONEDNN, *Java kernel* the engine with")
                .append(" backend JAVA, *AUTO* the engine's default dispatch, *ORT* ONNX Runtime with a pinned")
                .append(" output and 1 intra-op thread, *copy* `MemorySegment.copy` of the same bytes. Where AUTO")
                .append(" ran on oneDNN it executes the same code as oneDNN via FFM, measured in another fork: the")
                .append(" gap between those two is a direct reading of this run's noise.\n\n");
        md.append("| shape | AUTO ns/elem | oneDNN via FFM / oneDNN from C | Java kernel / oneDNN | AUTO / ORT |")
                .append(" softmax (AUTO) / copy | naive Java / AUTO | AUTO ran on |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|---|\n");
        for (Shape shape : shapes) {
            Optional<Result> c = find(Result.ONEDNN_C, "softmax", "f32", "out", 1, shape);
            Optional<Result> onednn = find(Result.ENGINE_ONEDNN, "softmax", "f32", "out", 1, shape);
            Optional<Result> java = find(Result.ENGINE_JAVA, "softmax", "f32", "out", 1, shape);
            Optional<Result> auto = find(Result.ENGINE_AUTO, "softmax", "f32", "out", 1, shape);
            Optional<Result> ort = find(Result.ORT, "softmax", "f32", "out", 1, shape);
            Optional<Result> copy = find(Result.COPY, "copy", "f32", "out", 1, shape);
            Optional<Result> naive = find(Result.NAIVE, "softmax", "f32", "out", 1, shape);
            md.append("| ")
                    .append(shape)
                    .append(" | ")
                    .append(auto.map(r -> perElement(r.perElement(r.median()))).orElse("n/a"))
                    .append(" | ")
                    .append(ratio(onednn, c))
                    .append(" | ")
                    .append(ratio(java, onednn))
                    .append(" | ")
                    .append(ratio(auto, ort))
                    .append(" | ")
                    .append(ratio(auto, copy))
                    .append(" | ")
                    .append(ratio(naive, auto))
                    .append(" | ")
                    .append(auto.map(ReportMain::computedBy).orElse("n/a"))
                    .append(" |\n");
        }
    }

    /** Engine calls that allocate on the Java heap: worth knowing for latency-sensitive users. */
    private void allocations() {
        List<Result> allocating = results.all().stream()
                .filter(r -> r.impl().startsWith("engine-") && r.allocBytesPerOp() > 64)
                .sorted(Comparator.comparingDouble(Result::allocBytesPerOp).reversed())
                .toList();
        if (allocating.isEmpty()) {
            if (results.all().stream().anyMatch(r -> !Double.isNaN(r.allocBytesPerOp()))) {
                md.append("\nNo engine benchmark allocated more than 64 bytes per call on the Java heap"
                        + " (gc.alloc.rate.norm).\n");
            }
            return;
        }
        md.append("\n**Java heap allocation per call** (gc.alloc.rate.norm above 64 B; the naive loop, copy and")
                .append(" ORT rows show what measurement noise looks like): ");
        List<String> parts = new ArrayList<>();
        for (Result r : allocating.subList(0, Math.min(8, allocating.size()))) {
            parts.add(String.format(
                    Locale.ROOT,
                    "%s %s %s %s %d thr %s: %,.0f B",
                    NAMES.get(r.impl()),
                    r.op(),
                    r.dtype(),
                    r.placement().equals("in") ? "in place" : "out of place",
                    r.threads(),
                    r.shape(),
                    r.allocBytesPerOp()));
        }
        md.append(String.join("; ", parts));
        if (allocating.size() > 8) {
            md.append("; and ").append(allocating.size() - 8).append(" more (see the per-shape tables)");
        }
        md.append(".\n");
    }

    private void logSummary() {
        if (results.all().stream().noneMatch(r -> r.op().equals("logsoftmax"))) {
            return;
        }
        md.append("\n## Log-softmax: f32, last axis, 1 thread, out of place\n\n");
        md.append("| shape | engine ONEDNN ns/elem | oneDNN via FFM / oneDNN from C | Java kernel / oneDNN |")
                .append(" engine ONEDNN / ORT | log-softmax / softmax (engine ONEDNN) |\n");
        md.append("|---|--:|--:|--:|--:|--:|\n");
        for (Shape shape : shapes) {
            Optional<Result> onednn = find(Result.ENGINE_ONEDNN, "logsoftmax", "f32", "out", 1, shape);
            if (onednn.isEmpty()) {
                continue;
            }
            md.append("| ")
                    .append(shape)
                    .append(" | ")
                    .append(onednn.map(r -> perElement(r.perElement(r.median())))
                            .orElse("n/a"))
                    .append(" | ")
                    .append(ratio(onednn, find(Result.ONEDNN_C, "logsoftmax", "f32", "out", 1, shape)))
                    .append(" | ")
                    .append(ratio(find(Result.ENGINE_JAVA, "logsoftmax", "f32", "out", 1, shape), onednn))
                    .append(" | ")
                    .append(ratio(onednn, find(Result.ORT, "logsoftmax", "f32", "out", 1, shape)))
                    .append(" | ")
                    .append(ratio(onednn, find(Result.ENGINE_ONEDNN, "softmax", "f32", "out", 1, shape)))
                    .append(" |\n");
        }
    }

    private void threads() {
        if (results.all().stream().noneMatch(r -> r.threads() == 2 && !r.impl().equals(Result.ONEDNN_C))) {
            return;
        }
        md.append("\n## Two threads: f32 softmax, out of place\n\n");
        md.append("Speed-up = 1-thread median / 2-thread median (above 1 the second thread helps). The engine")
                .append(" splits rows across its own Java threads, each running a single-threaded oneDNN block; ORT")
                .append(" uses its intra-op pool. Single rows cannot be split by either.\n\n");
        md.append("| shape | AUTO 1 thr ns/elem | AUTO 2 thr ns/elem | AUTO speed-up | ORT 1 thr | ORT 2 thr |")
                .append(" ORT speed-up | AUTO / ORT at 2 threads |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Shape shape : shapes) {
            Optional<Result> a1 = find(Result.ENGINE_AUTO, "softmax", "f32", "out", 1, shape);
            Optional<Result> a2 = find(Result.ENGINE_AUTO, "softmax", "f32", "out", 2, shape);
            Optional<Result> o1 = find(Result.ORT, "softmax", "f32", "out", 1, shape);
            Optional<Result> o2 = find(Result.ORT, "softmax", "f32", "out", 2, shape);
            if (a2.isEmpty() && o2.isEmpty()) {
                continue;
            }
            md.append("| ")
                    .append(shape)
                    .append(" | ")
                    .append(nsPerElem(a1))
                    .append(" | ")
                    .append(nsPerElem(a2))
                    .append(" | ")
                    .append(ratio(a1, a2))
                    .append(" | ")
                    .append(nsPerElem(o1))
                    .append(" | ")
                    .append(nsPerElem(o2))
                    .append(" | ")
                    .append(ratio(o1, o2))
                    .append(" | ")
                    .append(ratio(a2, o2))
                    .append(" |\n");
        }
    }

    private void bf16() {
        List<Result> bf16 = results.all().stream()
                .filter(r -> r.dtype().equals("bf16") && r.impl().startsWith("engine-"))
                .toList();
        if (bf16.isEmpty() && results.all().stream().noneMatch(r -> r.dtype().equals("bf16"))) {
            return;
        }
        md.append("\n## bf16 in, bf16 out: softmax, 1 thread, out of place\n\n");
        md.append("Who computed each call comes from the engine's own statistics (`engine.statistics()`): calls per")
                .append(" backend, and the calls oneDNN declined, by reason, which the Java kernel then computed.\n\n");
        md.append("*AUTO / ORT f32* compares the engine's bf16 call with ONNX Runtime's f32 softmax of the same shape")
                .append(" (its CPU Softmax has no bf16).\n\n");
        md.append("| shape | engine AUTO bf16 ns/elem | AUTO ran on | engine ONEDNN bf16 ns/elem |")
                .append(" engine JAVA bf16 ns/elem | oneDNN from C bf16 ns/elem | AUTO / oneDNN from C (bf16) |")
                .append(" AUTO / ORT f32 | engine ONEDNN / oneDNN from C (bf16) | bf16 / f32 (engine AUTO) |\n");
        md.append("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Shape shape : shapes) {
            Optional<Result> a = find(Result.ENGINE_AUTO, "softmax", "bf16", "out", 1, shape);
            Optional<Result> e = find(Result.ENGINE_ONEDNN, "softmax", "bf16", "out", 1, shape);
            Optional<Result> j = find(Result.ENGINE_JAVA, "softmax", "bf16", "out", 1, shape);
            Optional<Result> c = find(Result.ONEDNN_C, "softmax", "bf16", "out", 1, shape);
            if (a.isEmpty() && e.isEmpty() && j.isEmpty() && c.isEmpty()) {
                continue;
            }
            md.append("| ")
                    .append(shape)
                    .append(" | ")
                    .append(nsPerElem(a))
                    .append(" | ")
                    .append(a.map(ReportMain::computedBy).orElse("n/a"))
                    .append(" | ")
                    .append(nsPerElem(e))
                    .append(" | ")
                    .append(nsPerElem(j))
                    .append(" | ")
                    .append(nsPerElem(c))
                    .append(" | ")
                    .append(ratio(a, c))
                    .append(" | ")
                    .append(ratio(a, find(Result.ORT, "softmax", "f32", "out", 1, shape)))
                    .append(" | ")
                    .append(ratio(e, c))
                    .append(" | ")
                    .append(ratio(a, find(Result.ENGINE_AUTO, "softmax", "f32", "out", 1, shape)))
                    .append(" |\n");
        }
        Map<String, Long> reasons = new TreeMap<>();
        for (Result r : results.all()) {
            r.info().forEach((k, v) -> {
                if (k.startsWith("engine.declined.")) {
                    reasons.merge(
                            k.substring("engine.declined.".length()) + " (" + r.dtype() + ")",
                            Long.parseLong(v),
                            Long::sum);
                }
            });
        }
        if (reasons.isEmpty()) {
            md.append("\noneDNN declined no call in this run (its statistics count 0 declines on every engine")
                    .append(" benchmark), bf16 included: on this CPU oneDNN offers a JIT kernel for bf16 (see the")
                    .append(" per-shape tables' *computed by*).\n");
        } else {
            md.append("\nDecline reasons reported by the engine's statistics (calls summed over all trials):\n\n");
            reasons.forEach((reason, count) ->
                    md.append("- ").append(reason).append(": ").append(count).append(" calls\n"));
        }
    }

    private void inPlace() {
        List<Result> in =
                results.all().stream().filter(r -> r.placement().equals("in")).toList();
        if (in.isEmpty()) {
            return;
        }
        md.append("\n## In place: f32 softmax, 1 thread\n\n");
        md.append("An in-place benchmark restores its input inside the measured method (JMH sample 38), so its time")
                .append(" includes one copy; *net* subtracts the copy measured alone (`MemorySegment.copy`, same")
                .append(" bytes). The C program restores with `memcpy` in the same way.\n\n");
        md.append("| shape | AUTO in place (with copy) | copy alone | AUTO in place, net | AUTO out of place |")
                .append(" net in place / out of place | oneDNN from C in place (with copy) |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|\n");
        for (Shape shape : shapes) {
            Optional<Result> ip = find(Result.ENGINE_AUTO, "softmax", "f32", "in", 1, shape);
            if (ip.isEmpty()) {
                continue;
            }
            Optional<Result> copy = find(Result.COPY, "copy", "f32", "out", 1, shape);
            Optional<Result> out = find(Result.ENGINE_AUTO, "softmax", "f32", "out", 1, shape);
            Optional<Double> net = ip.flatMap(a -> copy.map(b -> a.median() - b.median()));
            md.append("| ")
                    .append(shape)
                    .append(" | ")
                    .append(perCall(ip))
                    .append(" | ")
                    .append(perCall(copy))
                    .append(" | ")
                    .append(net.map(ReportMain::time).orElse("n/a"))
                    .append(" | ")
                    .append(perCall(out))
                    .append(" | ")
                    .append(net.flatMap(n -> out.map(o -> fixed(n / o.median())))
                            .orElse("n/a"))
                    .append(" | ")
                    .append(perCall(find(Result.ONEDNN_C, "softmax", "f32", "in", 1, shape)))
                    .append(" |\n");
        }
    }

    private void backward() {
        md.append("\n## Backward: f32, 1 thread, out of place\n\n");
        boolean engine = results.all().stream()
                .anyMatch(r -> r.op().endsWith("_bwd") && r.impl().startsWith("engine"));
        if (!engine) {
            md.append("Engine: **n/a**: the engine's backward benchmarks were not part of this run; only oneDNN from")
                    .append(" C is shown.\n\n");
        }
        md.append("*backward / forward* divides each implementation's backward median by its own forward median for")
                .append(" the same shape (a backward reads two tensors and writes one, but needs no exp).\n\n");
        md.append("| shape | op | oneDNN from C ns/elem | engine ONEDNN | engine JAVA | engine ONEDNN / C |")
                .append(
                        " backward / forward (C) | backward / forward (engine ONEDNN) | backward / forward (engine JAVA) |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Shape shape : shapes) {
            for (String op : List.of("softmax_bwd", "logsoftmax_bwd")) {
                Optional<Result> c = find(Result.ONEDNN_C, op, "f32", "out", 1, shape);
                Optional<Result> e = find(Result.ENGINE_ONEDNN, op, "f32", "out", 1, shape);
                Optional<Result> j = find(Result.ENGINE_JAVA, op, "f32", "out", 1, shape);
                if (c.isEmpty() && e.isEmpty() && j.isEmpty()) {
                    continue;
                }
                String forward = op.replace("_bwd", "");
                md.append("| ")
                        .append(shape)
                        .append(" | ")
                        .append(op)
                        .append(" | ")
                        .append(nsPerElem(c))
                        .append(" | ")
                        .append(nsPerElem(e))
                        .append(" | ")
                        .append(nsPerElem(j))
                        .append(" | ")
                        .append(ratio(e, c))
                        .append(" | ")
                        .append(ratio(c, find(Result.ONEDNN_C, forward, "f32", "out", 1, shape)))
                        .append(" | ")
                        .append(ratio(e, find(Result.ENGINE_ONEDNN, forward, "f32", "out", 1, shape)))
                        .append(" | ")
                        .append(ratio(j, find(Result.ENGINE_JAVA, forward, "f32", "out", 1, shape)))
                        .append(" |\n");
            }
        }
    }

    /**
     * Issue 14's attention rows: per workload, type and thread count, the engine's {@code attentionSoftmax} beside
     * its plain softmax of the same shape in the same run, with the ratio and the target.
     */
    private void attentionRows() {
        if (!results.hasAttention()) {
            return;
        }
        md.append("\n## Attention rows\n\n");
        md.append("`SoftmaxEngine.attentionSoftmax` (`AttentionBenchmark`, backend AUTO, x and dst of the same type)")
                .append(" beside `softmax` of the same shape and types, their forks back to back (one suite step per")
                .append(" workload, type and thread count). Workloads: *causal*")
                .append(" `[8, 32, 128, 128]`, scale 1/sqrt(128); *keyLengths* `[32, 4096]`, ragged lengths uniform")
                .append(
                        " in 1..4096; *bias* `[4, 16, 512, 512]`, scale 1/8, f32 bias `[4, 1, 512, 512]` broadcast over")
                .append(" the heads. **Targets** (issue 14): masked <= 1.15x the plain softmax of the same shape, and")
                .append(" faster than ONNX Runtime running the same graph (`Mul`, `Add`/`Where`, `Softmax`).\n\n");
        md.append(
                        "ORT graph: `attention_mask.onnx` / `attention_bias.onnx` on ONNX Runtime (f32 in every row, since its CPU")
                .append(" Softmax has no bf16; input and pinned output are direct buffers), intra-op threads as the")
                .append(" engine's, measured after all engine steps. Ratios are of medians in the same run.\n\n");
        md.append("| workload | type | threads | plain softmax | attention | attention / plain | <= 1.15x | ORT graph"
                + " (f32) | attention / ORT | < 1x |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String workload : List.of("causal", "keyLengths", "bias")) {
            for (String dtype : List.of("F32", "BF16")) {
                for (String threads : List.of("1", "2")) {
                    double plain = results.attention(workload, dtype, threads, "plain");
                    double masked = results.attention(workload, dtype, threads, "attention");
                    double ort = results.attention(workload, dtype, threads, "ort");
                    if (Double.isNaN(plain) && Double.isNaN(masked)) {
                        continue;
                    }
                    double ratio = masked / plain;
                    double versusOrt = masked / ort;
                    md.append("| ")
                            .append(workload)
                            .append(" | ")
                            .append(dtype.toLowerCase(Locale.ROOT))
                            .append(" | ")
                            .append(threads)
                            .append(" | ")
                            .append(micros(plain))
                            .append(" | ")
                            .append(micros(masked))
                            .append(" | ")
                            .append(Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio))
                            .append(" | ")
                            .append(Double.isNaN(ratio) ? "n/a" : ratio <= 1.15 ? "yes" : "**no**")
                            .append(" | ")
                            .append(micros(ort))
                            .append(" | ")
                            .append(Double.isNaN(versusOrt) ? "n/a" : String.format(Locale.ROOT, "%.2fx", versusOrt))
                            .append(" | ")
                            .append(Double.isNaN(versusOrt) ? "n/a" : versusOrt < 1 ? "yes" : "**no**")
                            .append(" |\n");
                }
            }
        }
    }

    /**
     * Issue 15's zero-copy decode loop: the engine's part of a loop step on ONNX Runtime's memory (through
     * {@code OrtBridge}) beside the engine's plain {@code sample} of the same batch, with the ratio and the target.
     */
    private void decodeLoop() {
        if (!results.hasDecodeLoop()) {
            return;
        }
        md.append("\n## Zero-copy decode loop\n\n");
        md.append("`DecodeLoopBenchmark`: the example `ZeroCopyDecodeLoop` on its V = 32000 model, batch 16, ONNX")
                .append(" Runtime 1 thread, engine 1 thread. *engine step*: `sample` of ORT's logits in the bridge's")
                .append(" memory (ORT's pinned output) into ORT's next input (the bridge's int64 segment); *plain")
                .append(" sample*: the same call on the same values in `TensorView.allocate` tensors. Same engine,")
                .append(" same per-row settings (greedy; T 0.7 top-k 5; T 1 top-p 0.9; T 0.8 min-p 0.1; T 1.3 top-k 20")
                .append(" top-p 0.95; each row its own seed). **Target** (issue 15): engine step <= 1.1x plain sample")
                .append(" (the bridge costs nothing).\n\n");
        double[] step = results.decodeLoop("engineStep");
        double[] plain = results.decodeLoop("plainSample");
        double ratio = step[0] / plain[0];
        md.append("| engine step | plain sample | step / plain | <= 1.1x | ORT run | whole step (run + sample) |\n");
        md.append("|---|---|---|---|---|---|\n");
        md.append("| ")
                .append(micros(step[0]))
                .append(alloc(step[1]).isEmpty() ? "" : ", " + alloc(step[1]) + " B/op")
                .append(" | ")
                .append(micros(plain[0]))
                .append(alloc(plain[1]).isEmpty() ? "" : ", " + alloc(plain[1]) + " B/op")
                .append(" | ")
                .append(Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio))
                .append(" | ")
                .append(Double.isNaN(ratio) ? "n/a" : ratio <= 1.1 ? "yes" : "**no**")
                .append(" | ")
                .append(micros(results.decodeLoop("ortStep")[0]))
                .append(" | ")
                .append(micros(results.decodeLoop("fullStep")[0]))
                .append(" |\n");
        md.append("\nBytes copied between ONNX Runtime and the engine: 0 (the benchmark's set-up checks that ORT's")
                .append(" data pointers, asked from its C API, are the engine segments' addresses).\n");
    }

    private static String micros(double ns) {
        return Double.isNaN(ns) ? "n/a" : String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
    }

    /**
     * The decode step of issue 12: per shape and scenario, the engine's {@code sample}, the engine's softmax of
     * the same batch (the floor), the full-sort Java sampler and vLLM's algorithm on PyTorch, with the ratios.
     */
    private void decodeStep() {
        List<Result> all = results.sampling();
        if (all.isEmpty()) {
            return;
        }
        md.append("\n## Decode step (sampling)\n\n");
        md.append("`SoftmaxEngine.sample` on f32 `[rows, vocab]` logits, 1 thread, backend AUTO, per-row parameters")
                .append(" (each row its own seed; workload in `SamplingWorkload`: 2·N(0,1) logits with 8 raised")
                .append(" tokens per row). *softmax* is the engine's softmax of the same batch (f32 out): the floor.")
                .append(" *naive sampler*: `NaiveSamplerBenchmark` (softmax, full sort of (probability, id),")
                .append(" cumulative sum, inverse CDF). *PyTorch*: `bench/torch_sampling.py`, vLLM's CPU algorithm")
                .append(" (sort-based top-k/top-p masking, softmax, exponential-race draw), 1 thread. Ratios are")
                .append(" medians (best in brackets) of this run.\n\n");
        String torch = results.torchVersion();
        md.append("PyTorch: ")
                .append(
                        torch != null
                                ? "PyTorch " + torch + " (Debian python3-torch), 1 thread"
                                : "not measured (python3-torch absent)")
                .append(".\n\n");
        md.append("| shape | scenario | engine | softmax | engine / softmax | naive sampler | naive / engine |")
                .append(" PyTorch | PyTorch / engine | engine B/call |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        Set<Shape> samplingShapes = new LinkedHashSet<>();
        all.stream().map(Result::shape).forEach(samplingShapes::add);
        List<String> targets = new ArrayList<>();
        for (Shape shape : samplingShapes) {
            Optional<Result> floor = results.findSampling(Result.SAMPLER_FLOOR, "softmax", shape);
            for (dev.softmax.bench.SamplingWorkload.Scenario scenario :
                    dev.softmax.bench.SamplingWorkload.Scenario.values()) {
                Optional<Result> engine = results.findSampling(Result.SAMPLER_ENGINE, scenario.name(), shape);
                Optional<Result> naive = results.findSampling(Result.SAMPLER_NAIVE, scenario.name(), shape);
                Optional<Result> pytorch = results.findSampling(Result.SAMPLER_TORCH, scenario.name(), shape);
                if (engine.isEmpty() && naive.isEmpty() && pytorch.isEmpty()) {
                    continue;
                }
                md.append("| ")
                        .append(shape)
                        .append(" | ")
                        .append(scenario.description())
                        .append(" | ")
                        .append(perCall(engine))
                        .append(" | ")
                        .append(perCall(floor))
                        .append(" | ")
                        .append(ratio(engine, floor))
                        .append(" | ")
                        .append(perCall(naive))
                        .append(" | ")
                        .append(ratio(naive, engine))
                        .append(" | ")
                        .append(torch != null ? perCall(pytorch) : "not measured")
                        .append(" | ")
                        .append(torch != null ? ratio(pytorch, engine) : "n/a")
                        .append(" | ")
                        .append(engine.map(r -> alloc(r.allocBytesPerOp())).orElse("n/a"))
                        .append(" |\n");
                if (scenario == dev.softmax.bench.SamplingWorkload.Scenario.TOPK_TOPP && engine.isPresent()) {
                    targets.add(shape + ": " + ratio(engine, floor) + " x softmax, naive "
                            + ratio(naive, engine) + " x, PyTorch "
                            + (torch != null ? ratio(pytorch, engine) + " x" : "not measured"));
                }
            }
        }
        if (!targets.isEmpty()) {
            md.append(
                            "\nIssue 12's targets for (b): at most 1.5x the engine's softmax of the same batch (stretch 1.2x),")
                    .append(" at least 10x faster than the naive sampler, faster than PyTorch on every shape, 0 bytes")
                    .append(" per call. Measured: ")
                    .append(String.join("; ", targets))
                    .append(".\n");
        }
    }

    private void perShape() {
        md.append("\n## Every result, per shape\n\n");
        md.append("*median* and *best* are per call and per element over all samples; *spread* is (slowest - fastest)")
                .append(" / median; *GB/s* counts the bytes the operation itself reads and writes (2 tensors forward")
                .append(" and copy, 3 backward) at the median; *÷ C* and *÷ ORT* divide the median by oneDNN-from-C's")
                .append(" and ORT's for the same op, type, placement and threads; *alloc* is JMH's gc.alloc.rate.norm")
                .append(" (Java heap bytes per call); *check* is the self-check's largest error against the double")
                .append(" reference (relative for softmax, scaled for the others; see Reference.java).\n");
        for (Shape shape : shapes) {
            md.append("\n### ")
                    .append(shape)
                    .append(" (")
                    .append(String.format(Locale.ROOT, "%,d", shape.elements()))
                    .append(" elements, ")
                    .append(bytes(4L * shape.elements()))
                    .append(" per f32 tensor)\n\n");
            md.append("| implementation | op | type | place | thr | median / call | ns/elem median | ns/elem best |")
                    .append(" spread | GB/s | ÷ C | ÷ ORT | alloc B/op | computed by | check |\n");
            md.append("|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|\n");
            List<Result> rows = new ArrayList<>(results.forShape(shape));
            rows.sort(Comparator.comparing((Result r) -> OPS.indexOf(r.op()))
                    .thenComparing(Result::placement, Comparator.reverseOrder())
                    .thenComparing(Result::dtype, Comparator.reverseOrder())
                    .thenComparingInt(Result::threads)
                    .thenComparing(r -> Arrays.asList(Result.ORDER).indexOf(r.impl())));
            for (Result r : rows) {
                Optional<Result> c = r.impl().equals(Result.ONEDNN_C)
                        ? Optional.empty()
                        : find(Result.ONEDNN_C, r.op(), r.dtype(), r.placement(), r.threads(), shape);
                Optional<Result> ort = r.impl().equals(Result.ORT)
                        ? Optional.empty()
                        : find(Result.ORT, r.op(), r.dtype(), r.placement(), r.threads(), shape);
                md.append("| ")
                        .append(NAMES.getOrDefault(r.impl(), r.impl()))
                        .append(" | ")
                        .append(r.op())
                        .append(" | ")
                        .append(r.dtype())
                        .append(" | ")
                        .append(r.placement())
                        .append(" | ")
                        .append(r.threads())
                        .append(" | ")
                        .append(time(r.median()))
                        .append(" | ")
                        .append(perElement(r.perElement(r.median())))
                        .append(" | ")
                        .append(perElement(r.perElement(r.best())))
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.0f%%", 100 * r.spread()))
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f", r.gigabytesPerSecond()))
                        .append(" | ")
                        .append(c.map(x -> fixed(r.median() / x.median())).orElse(""))
                        .append(" | ")
                        .append(ort.map(x -> fixed(r.median() / x.median())).orElse(""))
                        .append(" | ")
                        .append(alloc(r.allocBytesPerOp()))
                        .append(" | ")
                        .append(computedBy(r))
                        .append(" | ")
                        .append(check(r))
                        .append(" |\n");
            }
        }
    }

    private void method() {
        md.append("\n## How this was measured\n\n");
        md.append("- Data: logits uniform in [-4, 4), seeded by shape; dense row-major tensors, 64-byte aligned,")
                .append(" softmax along the last axis (rows of *columns* elements).\n");
        md.append("- JMH `AverageTime` in ns per call; each sample is one measurement iteration. The engine is")
                .append(" created once per trial with `warmUp(true)`, called through its public API (validation,")
                .append(" dispatch and the edge contract included).\n");
        md.append("- oneDNN from C (`native/src/c/dnnl_softmax_bench.c`): the same library file and primitives")
                .append(" (softmax forward inference, `softmax_accurate`/`softmax_log`, dense f32/bf16, last axis;")
                .append(" backward with the forward as hint), one primitive over the whole tensor, memory objects")
                .append(" created once; warm-up, then samples each the mean of a batch of `execute` + `wait` calls.")
                .append(" The engine instead runs cache-sized blocks of rows and classifies and repairs rows for its")
                .append(" edge contract, so *oneDNN via FFM / oneDNN from C* measures FFM plus all of that.\n");
        md.append("- ONNX Runtime: one-node models made by `bench/models/make_models.py`, direct-buffer input, pinned")
                .append(" direct output (`OrtSession.run(inputs, pinnedOutputs)`), ORT's defaults otherwise.\n");
        md.append("- Naive Java loop: `float[]`, three scalar passes per row with `Math.exp` and a float sum.\n");
        md.append("- Every benchmark ran once and checked its output against a double-precision reference before")
                .append(" being measured (engine: twice its documented bound; ORT and C: 1e-4 relative; naive:")
                .append(
                        " 1e-2, since its float sum drifts on long rows); a failure stops the run. The *check* column is the largest error seen.\n");
        md.append("- Raw data: `bench/results/raw/` (JMH JSON and logs, trial records, C output); not committed.\n");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private Optional<Result> find(String impl, String op, String dtype, String placement, int threads, Shape shape) {
        return results.find(impl, op, dtype, placement, threads, shape);
    }

    static String computedBy(Result r) {
        Map<String, String> info = r.info();
        return switch (r.impl()) {
            case Result.ONEDNN_C -> info.getOrDefault("impl_name", "?");
            case Result.ORT -> "ORT " + info.getOrDefault("ort.version", "");
            case Result.NAIVE -> "scalar Java";
            case Result.COPY -> "copy";
            default -> {
                if (!info.containsKey("engine.onednnCalls")) {
                    yield "? (no trial record)";
                }
                long onednn = Long.parseLong(info.get("engine.onednnCalls"));
                long java = Long.parseLong(info.getOrDefault("engine.javaCalls", "0"));
                long declined = Long.parseLong(info.getOrDefault("engine.onednnDeclined", "0"));
                String impls = info.getOrDefault("engine.onednnImplementations", "");
                StringBuilder text = new StringBuilder();
                if (onednn > 0 && java == 0) {
                    text.append("oneDNN ").append(impls);
                } else if (java > 0 && onednn == 0) {
                    text.append("Java");
                } else if (java > 0) {
                    text.append("oneDNN ").append(impls).append(" + Java");
                } else {
                    text.append("none");
                }
                if (declined > 0) {
                    List<String> reasons = new ArrayList<>();
                    info.forEach((k, v) -> {
                        if (k.startsWith("engine.declined.")) {
                            reasons.add(k.substring("engine.declined.".length()));
                        }
                    });
                    text.append(" (oneDNN declined: ")
                            .append(String.join("; ", reasons))
                            .append(")");
                }
                yield text.toString();
            }
        };
    }

    private static String check(Result r) {
        String value = r.impl().equals(Result.ONEDNN_C)
                ? r.info().get("check_max_err")
                : r.info().get("check.maxError");
        if (value == null) {
            return "?";
        }
        if (r.op().equals("copy")) {
            return "identical";
        }
        return String.format(Locale.ROOT, "%.1e", Double.parseDouble(value));
    }

    private static String ratio(Optional<Result> a, Optional<Result> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return "n/a";
        }
        return fixed(a.get().median() / b.get().median()) + " ("
                + fixed(a.get().best() / b.get().best()) + ")";
    }

    private static String nsPerElem(Optional<Result> r) {
        return r.map(x -> perElement(x.perElement(x.median()))).orElse("n/a");
    }

    private static String perCall(Optional<Result> r) {
        return r.map(x -> time(x.median())).orElse("n/a");
    }

    static String fixed(double value) {
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }

    static String perElement(double ns) {
        if (ns >= 100) {
            return String.format(Locale.ROOT, "%.0f", ns);
        }
        if (ns >= 10) {
            return String.format(Locale.ROOT, "%.1f", ns);
        }
        if (ns >= 1) {
            return String.format(Locale.ROOT, "%.2f", ns);
        }
        return String.format(Locale.ROOT, "%.3f", ns);
    }

    static String time(double ns) {
        if (ns < 1e3) {
            return String.format(Locale.ROOT, "%.0f ns", ns);
        }
        if (ns < 1e6) {
            return String.format(Locale.ROOT, "%.3g µs", ns / 1e3);
        }
        if (ns < 1e9) {
            return String.format(Locale.ROOT, "%.3g ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.3g s", ns / 1e9);
    }

    private static String alloc(double bytes) {
        if (Double.isNaN(bytes)) {
            return "";
        }
        return bytes < 0.5 ? "0" : String.format(Locale.ROOT, "%.0f", bytes);
    }

    private static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static double firstLoad(String loadAverage) {
        try {
            return loadAverage == null ? 0 : Double.parseDouble(loadAverage.split(" ")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String seconds(long s) {
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }
}
