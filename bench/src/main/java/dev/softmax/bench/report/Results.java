package dev.softmax.bench.report;

import dev.softmax.bench.Shape;
import dev.softmax.bench.TrialLog;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** Everything one run left in the raw folder: JMH JSON files, trial records, the C program's output. */
public final class Results {

    private final Map<String, Result> byKey = new LinkedHashMap<>();
    /** The decode-step results, apart: their shapes and "ops" (scenarios) are not the softmax tables'. */
    private final Map<String, Result> sampling = new LinkedHashMap<>();

    private String torchVersion;
    private final List<String> cHeader = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    /** DecodeLoopBenchmark (issue 15): median ns per call and bytes allocated per call, keyed by method. */
    private final Map<String, double[]> decodeLoop = new LinkedHashMap<>();

    /** AttentionBenchmark (issue 14): keyed by workload, type, threads and method; median ns per call. */
    private final Map<String, Double> attention = new LinkedHashMap<>();

    private Results() {}

    /** Loads {@code raw/jmh/*.json}, {@code raw/trials/*.properties} and {@code raw/c/*.txt}. */
    public static Results load(Path raw) throws IOException {
        Results results = new Results();
        Map<String, Map<String, String>> trials = readTrials(raw.resolve("trials"));
        for (Path json : list(raw.resolve("jmh"), ".json")) {
            String text = Files.readString(json);
            if (text.isBlank()) {
                results.problems.add(json.getFileName() + " is empty (the step did not finish)");
                continue;
            }
            for (Object entry : Json.array(Json.parse(text))) {
                results.addJmh(Json.object(entry), trials);
            }
        }
        for (Path json : list(raw.resolve("torch"), ".json")) {
            results.addTorch(Json.object(Json.parse(Files.readString(json))));
        }
        for (Path txt : list(raw.resolve("c"), ".txt")) {
            for (String line : Files.readAllLines(txt)) {
                if (line.startsWith("RESULT ")) {
                    results.addC(line);
                } else if (line.startsWith("# ")) {
                    results.cHeader.add(line.substring(2));
                }
            }
        }
        return results;
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }

    private static Map<String, Map<String, String>> readTrials(Path dir) throws IOException {
        Map<String, Map<String, String>> trials = new HashMap<>();
        for (Path file : list(dir, ".properties")) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
            Map<String, String> map = new HashMap<>();
            properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
            if (map.containsKey("key")) {
                trials.put(map.get("key"), map);
            }
        }
        return trials;
    }

    private void addJmh(Map<String, Object> entry, Map<String, Map<String, String>> trials) {
        String benchmark = (String) entry.get("benchmark");
        Map<String, String> params = new LinkedHashMap<>();
        Json.object(entry.get("params")).forEach((k, v) -> params.put(k, String.valueOf(v)));
        String[] parts = benchmark.split("\\.");
        String type = parts[parts.length - 2];
        String method = parts[parts.length - 1];

        Map<String, Object> primary = Json.object(entry.get("primaryMetric"));
        String unit = String.valueOf(primary.get("scoreUnit"));
        double toNs = switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> throw new IllegalArgumentException(benchmark + ": unexpected unit " + unit);
        };
        List<Double> samples = new ArrayList<>();
        for (Object fork : Json.array(primary.get("rawData"))) {
            for (Object value : Json.array(fork)) {
                samples.add(Json.number(value) * toNs);
            }
        }
        double alloc = Double.NaN;
        for (Map.Entry<String, Object> metric :
                Json.object(entry.get("secondaryMetrics")).entrySet()) {
            if (metric.getKey().replaceFirst("^\\W+", "").equals("gc.alloc.rate.norm")) {
                alloc = Json.number(Json.object(metric.getValue()).get("score"));
            }
        }
        if (type.equals("DecodeLoopBenchmark")) {
            double[] sorted =
                    samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1
                    ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            decodeLoop.put(method, new double[] {median, alloc});
            return;
        }
        if (type.equals("AttentionBenchmark")) {
            double[] sorted =
                    samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1
                    ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            attention.put(
                    attentionKey(params.get("workload"), params.get("dtype"), params.get("threads"), method), median);
            return;
        }
        Shape shape = Shape.parse(params.get("shape"));
        if (type.equals("SamplingBenchmark") || type.equals("NaiveSamplerBenchmark")) {
            String impl = type.equals("NaiveSamplerBenchmark")
                    ? Result.SAMPLER_NAIVE
                    : method.equals("softmax") ? Result.SAMPLER_FLOOR : Result.SAMPLER_ENGINE;
            String scenario = method.equals("softmax") ? "softmax" : params.get("scenario");
            Map<String, String> info = new HashMap<>(trials.getOrDefault(TrialLog.key(benchmark, params), Map.of()));
            if (!samples.isEmpty()) {
                Result result = new Result(
                        impl,
                        scenario,
                        "f32",
                        "out",
                        1,
                        shape,
                        samples.stream().mapToDouble(Double::doubleValue).toArray(),
                        alloc,
                        info);
                sampling.put(result.key(), result);
            }
            return;
        }
        String dtype = params.getOrDefault("dtype", "F32").toLowerCase(Locale.ROOT);
        int threads = Integer.parseInt(params.getOrDefault("threads", "1"));
        String placement = method.endsWith("InPlace") ? "in" : "out";
        String op = switch (method.replace("InPlace", "")) {
            case "softmax" -> "softmax";
            case "logSoftmax" -> "logsoftmax";
            case "softmaxBackward" -> "softmax_bwd";
            case "logSoftmaxBackward" -> "logsoftmax_bwd";
            case "copy" -> "copy";
            default -> throw new IllegalArgumentException("unknown benchmark method " + benchmark);
        };
        String impl = switch (type) {
            case "EngineBenchmark", "BackwardBenchmark" -> "engine-" + params.get("backend");
            case "OrtBenchmark" -> Result.ORT;
            case "NaiveBenchmark" -> Result.NAIVE;
            case "CopyBenchmark" -> Result.COPY;
            default -> throw new IllegalArgumentException("unknown benchmark class " + benchmark);
        };
        Map<String, String> info = new HashMap<>(trials.getOrDefault(TrialLog.key(benchmark, params), Map.of()));
        info.put("jmh.mode", String.valueOf(entry.get("mode")));
        info.put("jmh.scoreError", String.valueOf(primary.get("scoreError")));
        info.put("jmh.forks", String.valueOf(Json.array(primary.get("rawData")).size()));
        if (samples.isEmpty()) {
            problems.add(benchmark + " " + params + ": no samples");
            return;
        }
        Result result = new Result(
                impl,
                op,
                dtype,
                placement,
                threads,
                shape,
                samples.stream().mapToDouble(Double::doubleValue).toArray(),
                alloc,
                info);
        byKey.put(result.key(), result);
    }

    /**
     * {@code bench/torch_sampling.py}'s output: {@code {"torch": version, "threads": 1, "results": [{"shape",
     * "scenario", "samples_ns": [...]}, ...]}}.
     */
    private void addTorch(Map<String, Object> file) {
        torchVersion = String.valueOf(file.get("torch"));
        for (Object entry : Json.array(file.get("results"))) {
            Map<String, Object> r = Json.object(entry);
            double[] samples = Json.array(r.get("samples_ns")).stream()
                    .mapToDouble(Json::number)
                    .toArray();
            if (samples.length == 0) {
                continue;
            }
            Result result = new Result(
                    Result.SAMPLER_TORCH,
                    String.valueOf(r.get("scenario")),
                    "f32",
                    "out",
                    (int) Json.number(file.getOrDefault("threads", 1.0)),
                    Shape.parse(String.valueOf(r.get("shape"))),
                    samples,
                    Double.NaN,
                    Map.of("torch", torchVersion));
            sampling.put(result.key(), result);
        }
    }

    /** A decode-step result: impl one of the {@code SAMPLER_*} names, op the scenario (or "softmax"). */
    public Optional<Result> findSampling(String impl, String scenario, Shape shape) {
        return Optional.ofNullable(sampling.get(Result.key(impl, scenario, "f32", "out", 1, shape)));
    }

    public List<Result> sampling() {
        return List.copyOf(sampling.values());
    }

    /** The PyTorch version of the merged torch figures, or null when there are none. */
    public String torchVersion() {
        return torchVersion;
    }

    private void addC(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String token : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        double[] samples = java.util.Arrays.stream(fields.get("sample_ns").split(","))
                .mapToDouble(Double::parseDouble)
                .toArray();
        Result result = new Result(
                Result.ONEDNN_C,
                fields.get("op"),
                fields.get("dtype"),
                fields.get("placement"),
                Integer.parseInt(fields.get("threads")),
                Shape.parse(fields.get("shape")),
                samples,
                Double.NaN,
                fields);
        byKey.put(result.key(), result);
    }

    public Optional<Result> find(String impl, String op, String dtype, String placement, int threads, Shape shape) {
        return Optional.ofNullable(byKey.get(Result.key(impl, op, dtype, placement, threads, shape)));
    }

    public List<Result> all() {
        return List.copyOf(byKey.values());
    }

    public List<Result> forShape(Shape shape) {
        return byKey.values().stream().filter(r -> r.shape().equals(shape)).toList();
    }

    /** The C program's header lines (oneDNN version, ISA, settings). */
    public List<String> cHeader() {
        return List.copyOf(cHeader);
    }

    /** Files that could not be used. */
    static String attentionKey(String workload, String dtype, String threads, String method) {
        return workload + "/" + dtype + "/" + threads + "/" + method;
    }

    /** Median ns per call of an AttentionBenchmark configuration ({@code method} attention or plain), or NaN. */
    public double attention(String workload, String dtype, String threads, String method) {
        return attention.getOrDefault(attentionKey(workload, dtype, threads, method), Double.NaN);
    }

    /**
     * Median ns per call ([0]) and bytes allocated per call ([1], NaN without {@code -prof gc}) of a
     * DecodeLoopBenchmark method, or NaNs.
     */
    public double[] decodeLoop(String method) {
        return decodeLoop.getOrDefault(method, new double[] {Double.NaN, Double.NaN});
    }

    public boolean hasDecodeLoop() {
        return !decodeLoop.isEmpty();
    }

    public boolean hasAttention() {
        return !attention.isEmpty();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
