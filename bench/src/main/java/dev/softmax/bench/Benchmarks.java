package dev.softmax.bench;

import java.util.StringJoiner;
import org.openjdk.jmh.infra.BenchmarkParams;

/** Small helpers shared by the benchmark classes. */
final class Benchmarks {

    private Benchmarks() {}

    /** The benchmark method's simple name, e.g. "softmaxInPlace". */
    static String method(BenchmarkParams params) {
        String name = params.getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** "EngineBenchmark.softmax [backend=ONEDNN, dtype=F32, shape=64x32000, threads=1]". */
    static String describe(BenchmarkParams params) {
        String name = params.getBenchmark();
        String[] parts = name.split("\\.");
        StringJoiner joiner = new StringJoiner(", ", " [", "]");
        for (String key : params.getParamsKeys()) {
            joiner.add(key + "=" + params.getParam(key));
        }
        return parts[parts.length - 2] + "." + parts[parts.length - 1] + joiner;
    }
}
