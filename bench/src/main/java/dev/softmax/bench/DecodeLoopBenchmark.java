package dev.softmax.bench;

import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.examples.ZeroCopyDecodeLoop;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * Issue 15's zero-copy decode loop ({@link ZeroCopyDecodeLoop}, the example, on its V = 32000 model): does the
 * ONNX Runtime bridge cost the engine anything? {@link #engineStep()} is the engine's part of one loop step, the
 * fused {@code sample} of ORT's logits (in the bridge's memory, bound to ORT as a pinned output) into ORT's next input
 * (the bridge's int64 token segment); {@link #plainSample()} is the same call on the same logit values in a plain
 * {@link TensorView#allocate} tensor with a plain token tensor. Same engine, same per-row settings (the example's five,
 * each row its own seed; the step is fixed so every invocation does the same work). Target: engineStep within 1.1x
 * plainSample. {@link #ortStep()} (ORT's run alone) and {@link #fullStep()} (run, then sample: the whole step, tokens
 * flowing) are shown for scale.
 *
 * <p>{@code @Setup} runs the loop {@code warmUpSteps} (1000) steps first ({@link ZeroCopyDecodeLoop#warmUp}), so every method's fork
 * measures compiled code. Self-check in {@code @Setup}: ORT's data pointers are the engine segments' addresses, and the bridge step and
 * the plain call give the same tokens (the engine's draws depend on the values, seed and step only).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class DecodeLoopBenchmark {

    @Param({"16"})
    public int batch;

    /** Loop steps run in {@code @Setup} before measuring (the smoke run sets 0: it checks, it does not measure). */
    @Param({"1000"})
    public int warmUpSteps;

    private ZeroCopyDecodeLoop loop;
    private SoftmaxEngine engine;
    private SamplingParameters parameters;
    private DecodeOutputs bridgeOutputs;
    private TensorView bridgeLogits;
    private Arena arena;
    private TensorView plainLogits;
    private DecodeOutputs plainOutputs;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        loop = new ZeroCopyDecodeLoop(ZeroCopyDecodeLoop.Model.LM_32000, batch, 1);
        // The sampler's code needs about a thousand calls to be compiled (the example measured 1 ms and 100 KB per
        // step before, 0 B after); JMH's warm-up in the quick suite is far shorter, so every method's fork starts
        // from the same compiled state, reached here.
        loop.warmUp(warmUpSteps);
        loop.step(); // ORT has written real logits into the bridge's memory
        engine = loop.engine();
        parameters = loop.parameters();
        bridgeOutputs = loop.outputs();
        bridgeLogits = loop.logits();
        long vocabulary = loop.vocabularySize();

        arena = Arena.ofConfined();
        plainLogits = TensorView.allocate(arena, DType.F32, batch, vocabulary);
        MemorySegment.copy(bridgeLogits.segment(), 0, plainLogits.segment(), 0, bridgeLogits.spanBytes());
        plainOutputs = DecodeOutputs.of(TensorView.allocate(arena, DType.I64, batch))
                .withLogprobs(TensorView.allocate(arena, DType.F32, batch));

        if (loop.bridge().ortDataAddress("logits") != bridgeLogits.segment().address()
                || loop.bridge().ortDataAddress("token_ids")
                        != loop.ids().segment().address()) {
            throw new IllegalStateException("ORT's data pointers are not the engine segments: a copy is made");
        }
        engineStep();
        plainSample();
        for (int r = 0; r < batch; r++) {
            long viaBridge = bridgeOutputs.tokens().segment().getAtIndex(ValueLayout.JAVA_LONG, r);
            long plain = plainOutputs.tokens().segment().getAtIndex(ValueLayout.JAVA_LONG, r);
            if (viaBridge != plain || viaBridge < 0 || viaBridge >= vocabulary) {
                throw new IllegalStateException(
                        "row " + r + ": token " + viaBridge + " through the bridge, " + plain + " plain");
            }
        }
        TrialLog.of(params)
                .put("check", "ok: ORT addresses equal the engine's; bridge and plain tokens equal")
                .write();
    }

    @Benchmark
    public DecodeOutputs engineStep() {
        engine.sample(bridgeLogits, parameters, bridgeOutputs);
        return bridgeOutputs;
    }

    @Benchmark
    public DecodeOutputs plainSample() {
        engine.sample(plainLogits, parameters, plainOutputs);
        return plainOutputs;
    }

    @Benchmark
    public TensorView ortStep() throws Exception {
        loop.bridge().run();
        return bridgeLogits;
    }

    @Benchmark
    public DecodeOutputs fullStep() throws Exception {
        loop.bridge().run();
        engine.sample(bridgeLogits, parameters, bridgeOutputs);
        return bridgeOutputs;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        loop.close();
        arena.close();
    }
}
