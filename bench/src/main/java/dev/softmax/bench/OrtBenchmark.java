package dev.softmax.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * ONNX Runtime for Java as a peer: a one-node Softmax / LogSoftmax model (opset 13, axis -1, symbolic
 * [N, C] shape; made by {@code bench/models/make_models.py}) run on the CPU execution provider.
 *
 * <p>Zero-copy on both sides: the input is an {@link OnnxTensor} over a direct {@link FloatBuffer} (ORT uses
 * the buffer's memory as is), and the output is pinned, i.e. a pre-created direct-buffer tensor passed to
 * {@link OrtSession#run(Map, Map)}, which ORT writes into instead of allocating. What remains per call is ORT's
 * own per-run work and the small {@link OrtSession.Result} object (visible in gc.alloc.rate.norm).
 *
 * <p>Threads: the session's intra-op pool size (1 = the calling thread only), inter-op 1, sequential execution,
 * every other option at ORT's default (intra-op threads spin briefly while waiting for work, as they do by
 * default). f32 only: the suite does not run ORT on bf16 tensors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class OrtBenchmark extends SummaryShapes {

    /** Classpath folder of the committed model files. */
    public static final String MODELS = "/dev/softmax/bench/models/";

    @Param({"1", "2"})
    public int threads;

    private OrtSession.SessionOptions options;
    private OrtSession session;
    private OnnxTensor input;
    private OnnxTensor output;
    private FloatBuffer outputBuffer;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> pinnedOutputs;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws OrtException {
        Shape s = Shape.parse(shape);
        boolean log = Benchmarks.method(params).equals("logSoftmax");
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING);
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        session = env.createSession(model(log ? "log_softmax.onnx" : "softmax.onnx"), options);

        float[] logits = Data.logits(s);
        FloatBuffer inputBuffer = directFloats(s.elements());
        inputBuffer.put(0, logits);
        outputBuffer = directFloats(s.elements());
        input = OnnxTensor.createTensor(env, inputBuffer, s.dims());
        output = OnnxTensor.createTensor(env, outputBuffer, s.dims());
        if (input.ownsBuffer() || output.ownsBuffer()) {
            throw new IllegalStateException("ONNX Runtime copied a direct buffer; the benchmark would measure a copy");
        }
        inputs = Map.of("x", input);
        pinnedOutputs = Map.of("y", output);

        run();
        Reference.Result result = Reference.checkForward(
                log ? Reference.Op.LOG_SOFTMAX : Reference.Op.SOFTMAX,
                s,
                logits,
                r -> {
                    float[] row = new float[s.columns()];
                    outputBuffer.get(r * s.columns(), row);
                    return row;
                },
                false,
                Reference.Bound.PEER,
                Benchmarks.describe(params));
        TrialLog.of(params).check(result).put("ort.version", env.getVersion()).write();
    }

    /** A direct buffer of {@code count} floats in native order: ORT uses its memory as is. */
    static FloatBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    static byte[] model(String name) {
        try (InputStream in = OrtBenchmark.class.getResourceAsStream(MODELS + name)) {
            if (in == null) {
                throw new IllegalStateException("model " + MODELS + name + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private OnnxTensor run() throws OrtException {
        // The result holds the pinned output, which it does not own: closing it releases only ORT's bookkeeping.
        try (OrtSession.Result result = session.run(inputs, pinnedOutputs)) {
            return output;
        }
    }

    @Benchmark
    public OnnxTensor softmax() throws OrtException {
        return run();
    }

    @Benchmark
    public OnnxTensor logSoftmax() throws OrtException {
        return run();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        input.close();
        output.close();
        session.close();
        options.close();
    }
}
