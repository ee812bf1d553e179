package dev.softmax.bench.report;

import dev.softmax.bench.Shape;
import java.util.Arrays;
import java.util.Map;

/**
 * One measured configuration: its samples (JMH iterations, or the C program's samples), each the mean time of
 * one call in nanoseconds, plus what the run recorded about it.
 *
 * @param impl      {@link #ONEDNN_C}, {@code engine-ONEDNN}, {@code engine-JAVA}, {@code engine-AUTO}, {@link #ORT},
 *                  {@link #NAIVE} or {@link #COPY}
 * @param op        softmax, logsoftmax, softmax_bwd, logsoftmax_bwd or copy
 * @param dtype     f32 or bf16
 * @param placement out (src to dst) or in (in place; the time includes restoring the input)
 * @param threads   threads per call
 * @param samples   ns per call, one value per sample
 * @param allocBytesPerOp gc.alloc.rate.norm (bytes allocated on the Java heap per call), NaN if not measured
 * @param info      the trial record (self-check, engine statistics) or the C program's fields
 */
public record Result(
        String impl,
        String op,
        String dtype,
        String placement,
        int threads,
        Shape shape,
        double[] samples,
        double allocBytesPerOp,
        Map<String, String> info) {

    public static final String ONEDNN_C = "onednn-c";
    public static final String ORT = "ort";
    public static final String NAIVE = "naive";
    public static final String COPY = "copy";
    public static final String ENGINE_ONEDNN = "engine-ONEDNN";
    public static final String ENGINE_JAVA = "engine-JAVA";
    public static final String ENGINE_AUTO = "engine-AUTO";

    /** Report order of implementations. */
    static final String[] ORDER = {ONEDNN_C, ENGINE_ONEDNN, ENGINE_JAVA, ENGINE_AUTO, ORT, NAIVE, COPY};

    public Result {
        samples = samples.clone();
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples for " + impl + " " + op + " " + shape);
        }
        info = Map.copyOf(info);
    }

    /** The key results are looked up by. */
    public static String key(String impl, String op, String dtype, String placement, int threads, Shape shape) {
        return impl + "|" + op + "|" + dtype + "|" + placement + "|" + threads + "|" + shape;
    }

    public String key() {
        return key(impl, op, dtype, placement, threads, shape);
    }

    public double median() {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public double best() {
        return Arrays.stream(samples).min().orElseThrow();
    }

    public double worst() {
        return Arrays.stream(samples).max().orElseThrow();
    }

    /** (worst - best) / median. */
    public double spread() {
        return (worst() - best()) / median();
    }

    public double perElement(double nsPerCall) {
        return nsPerCall / shape.elements();
    }

    /** Bytes one call reads and writes in the operation itself: 2 tensors forward and copy, 3 backward. */
    public double bytesPerCall() {
        int size = dtype.equals("bf16") ? 2 : 4;
        int tensors = op.endsWith("_bwd") ? 3 : 2;
        return (double) shape.elements() * size * tensors;
    }

    /** GB/s at the median time, from {@link #bytesPerCall()}. */
    public double gigabytesPerSecond() {
        return bytesPerCall() / median();
    }
}
