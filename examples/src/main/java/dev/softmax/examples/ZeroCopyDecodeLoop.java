package dev.softmax.examples;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.EngineOptions;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.onnxruntime.OrtBridge;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A decode loop that never copies: ONNX Runtime runs an LM-shaped model (token ids {@code [B]} -> Gather -> MatMul
 * -> logits {@code [B, V]}) and writes the logits into engine memory; the engine samples every row with its own
 * settings (one fused {@link SoftmaxEngine#sample} call) and writes the tokens into the segment ONNX Runtime reads as
 * the next step's input. Both tensors are bound once through {@link OrtBridge}; each step checks, through ONNX
 * Runtime's C API, that ONNX Runtime's data pointers are still the engine segments' addresses (bytes copied: 0).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp ... \
 *     dev.softmax.examples.ZeroCopyDecodeLoop [--model bigram|lm-32000] [--batch 16] [--steps 64] [--warm-up 5000]
 * </pre>
 *
 * The models are written by {@code examples/models/make_lm_models.py}: {@code bigram} is a word bigram model of the
 * opening of "Alice's Adventures in Wonderland" (so the texts are readable), {@code lm-32000} a V = 32000 model for
 * timing.
 */
public final class ZeroCopyDecodeLoop implements AutoCloseable {

    /** The two models, as class path resources. */
    public enum Model {
        BIGRAM("bigram_lm.onnx"),
        LM_32000("lm_32000.onnx");

        final String file;

        Model(String file) {
            this.file = file;
        }

        public byte[] bytes() {
            String path = "/dev/softmax/examples/" + file;
            try (InputStream in = ZeroCopyDecodeLoop.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException(path + " is not on the class path");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One step's figures: nanoseconds in ONNX Runtime and in the engine, bytes copied, Java heap allocated. */
    public record Step(
            int step, long ortNanos, long engineNanos, long bytesCopied, long ortHeapBytes, long engineHeapBytes) {}

    /** The 16 prompts (the model sees the last word of each); a larger batch cycles through them. */
    static final List<String> PROMPTS = List.of(
            "alice was",
            "the white rabbit",
            "she",
            "down the",
            "her sister",
            "once or twice she",
            "the well was",
            "in another moment",
            "there was nothing so",
            "she took down a",
            "oh dear",
            "the rabbit",
            "it was",
            "so she was",
            "either the well",
            "alice started to");

    /** The per-row settings, cycled over the batch; each row also has its own seed. */
    static final List<String> SETTINGS =
            List.of("greedy", "T 0.7, top-k 5", "T 1.0, top-p 0.9", "T 0.8, min-p 0.1", "T 1.3, top-k 20, top-p 0.95");

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Model model;
    private final int batch;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final OrtBridge bridge;
    private final SoftmaxEngine engine;
    private final Arena arena = Arena.ofConfined();
    private final TensorView ids;
    private final TensorView logits;
    private final SamplingParameters parameters;
    private final DecodeOutputs outputs;
    private final String[] vocabulary;
    private final long[][] generated;
    private int steps;

    /** Opens the model in ONNX Runtime (1 intra-op thread), binds its input and output, creates the engine. */
    public ZeroCopyDecodeLoop(Model model, int batch, int maxSteps) throws OrtException {
        if (batch < 1) {
            throw new IllegalArgumentException("batch: " + batch + "; expected >= 1");
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("steps: " + maxSteps + "; expected >= 1");
        }
        this.model = model;
        this.batch = batch;
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        session = OrtEnvironment.getEnvironment().createSession(model.bytes(), options);
        String words = session.getMetadata().getCustomMetadata().get("vocabulary");
        vocabulary = words == null ? null : words.split("\n", -1);
        bridge = OrtBridge.create(session);
        ids = bridge.input("token_ids", batch); // int64 [batch]: "batch" is now bound
        logits = bridge.output("logits"); // f32 [batch, V], V fixed by the model
        engine = SoftmaxEngine.create(
                EngineOptions.builder().threads(1).warmUp(true).build());
        parameters = SamplingParameters.allocate(arena, batch);
        for (int r = 0; r < batch; r++) {
            SamplingParameters.Row row = parameters.row(r).seed(1000 + r).step(0);
            switch (r % SETTINGS.size()) {
                case 0 -> row.temperature(0f);
                case 1 -> row.temperature(0.7f).topK(5);
                case 2 -> row.temperature(1.0f).topP(0.9f);
                case 3 -> row.temperature(0.8f).minP(0.1f);
                default -> row.temperature(1.3f).topK(20).topP(0.95f);
            }
        }
        // The tokens go straight into ONNX Runtime's input segment: the next step reads them where they are.
        outputs = DecodeOutputs.of(ids).withLogprobs(TensorView.allocate(arena, DType.F32, batch));
        generated = new long[batch][maxSteps];
        for (int r = 0; r < batch; r++) {
            ids.segment().setAtIndex(ValueLayout.JAVA_LONG, r, promptToken(r));
        }
    }

    public long vocabularySize() {
        return logits.dim(1);
    }

    public OrtBridge bridge() {
        return bridge;
    }

    public SoftmaxEngine engine() {
        return engine;
    }

    public SamplingParameters parameters() {
        return parameters;
    }

    public DecodeOutputs outputs() {
        return outputs;
    }

    public TensorView logits() {
        return logits;
    }

    public TensorView ids() {
        return ids;
    }

    private long promptToken(int r) {
        if (vocabulary == null) {
            return (r * 7919L) % vocabularySize();
        }
        String[] words = PROMPTS.get(r % PROMPTS.size()).split(" ");
        String last = words[words.length - 1];
        int id = Arrays.asList(vocabulary).indexOf(last);
        if (id < 0) {
            throw new IllegalStateException("prompt word '" + last + "' is not in the model's vocabulary");
        }
        return id;
    }

    /** Consecutive warm-up steps whose engine call allocated nothing, taken as the sign that it is compiled. */
    static final int SETTLED_STEPS = 50;

    /**
     * Runs the loop for at least {@code maxSteps / 5} steps and until the engine's step has allocated nothing for
     * {@value #SETTLED_STEPS} steps in a row (at most {@code maxSteps} steps; C2 compiles after allocation stops), then forgets those steps: the prompts go back into the input and the next step is
     * step 0 again, so the texts are those of a cold run. A loop's first few hundred steps run in the interpreter
     * and in C1 (measured: about 1 ms and 100 KB of heap per engine step at first, 60 us and 0 B once compiled, on a
     * loaded 2-vCPU machine); an inference server reaches the compiled state within its first requests.
     *
     * @return the warm-up steps run
     */
    public int warmUp(int maxSteps) throws OrtException {
        int settled = 0;
        int s = 0;
        while (s < maxSteps && (settled < SETTLED_STEPS || s < maxSteps / 5)) {
            steps = s % generated[0].length; // the tokens flow as in a real run; the record wraps around
            settled = step().engineHeapBytes() == 0 ? settled + 1 : 0;
            s++;
        }
        steps = 0;
        for (int r = 0; r < batch; r++) {
            ids.segment().setAtIndex(ValueLayout.JAVA_LONG, r, promptToken(r));
        }
        return s;
    }

    /** Runs one step: ONNX Runtime writes the logits, the engine writes the next tokens. */
    public Step step() throws OrtException {
        int step = steps;
        if (step >= generated[0].length) {
            throw new IllegalStateException("step " + step + ": the loop was opened for " + generated[0].length);
        }
        for (int r = 0; r < batch; r++) {
            parameters.row(r).step(step); // each request's random stream advances with its own step
        }
        long heap0 = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        bridge.run();
        long t1 = System.nanoTime();
        long heap1 = THREADS.getCurrentThreadAllocatedBytes();
        engine.sample(logits, parameters, outputs);
        long t2 = System.nanoTime();
        long heap2 = THREADS.getCurrentThreadAllocatedBytes();
        // ONNX Runtime's own data pointers against the engine's segments: any difference would be a copy.
        long copied = (bridge.ortDataAddress("logits") == logits.segment().address() ? 0 : logits.spanBytes())
                + (bridge.ortDataAddress("token_ids") == ids.segment().address() ? 0 : ids.spanBytes());
        for (int r = 0; r < batch; r++) {
            generated[r][step] = ids.segment().getAtIndex(ValueLayout.JAVA_LONG, r);
        }
        steps++;
        return new Step(step, t1 - t0, t2 - t1, copied, heap1 - heap0, heap2 - heap1);
    }

    /** Row r's generated token ids so far. */
    public long[] tokens(int r) {
        return Arrays.copyOf(generated[r], steps);
    }

    /** Row r's prompt and continuation as text (token ids for a model without vocabulary). */
    public String text(int r) {
        StringBuilder text = new StringBuilder();
        if (vocabulary != null) {
            text.append(PROMPTS.get(r % PROMPTS.size())).append(" |");
        } else {
            text.append(promptToken(r)).append(" |");
        }
        long[] tokens = tokens(r);
        for (int i = 0; i < tokens.length; i++) {
            long token = tokens[i];
            if (vocabulary == null && i == 16) {
                text.append(" ... (").append(tokens.length - 16).append(" more)");
                break;
            }
            String word = vocabulary == null ? Long.toString(token) : vocabulary[(int) token];
            boolean punctuation = word.length() == 1 && ".,;:!?".contains(word);
            text.append(punctuation ? "" : " ").append(word);
        }
        return text.toString();
    }

    @Override
    public void close() throws OrtException {
        // Any order is safe (see OrtBridge); this one frees the ONNX Runtime tensors and memory first.
        bridge.close();
        session.close();
        options.close();
        engine.close();
        arena.close();
    }

    public static void main(String[] args) throws Exception {
        Model model = Model.BIGRAM;
        int batch = 16;
        int steps = 64;
        int warmUp = 5000;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> {
                    model = switch (String.valueOf(value)) {
                        case "bigram" -> Model.BIGRAM;
                        case "lm-32000" -> Model.LM_32000;
                        default ->
                            throw new IllegalArgumentException("--model: " + value + "; expected bigram or lm-32000");
                    };
                    i++;
                }
                case "--batch" -> {
                    batch = Integer.parseInt(String.valueOf(value));
                    i++;
                }
                case "--steps" -> {
                    steps = Integer.parseInt(String.valueOf(value));
                    i++;
                }
                case "--warm-up" -> {
                    warmUp = Integer.parseInt(String.valueOf(value));
                    i++;
                }
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i] + "; expected --model, --batch, --steps or --warm-up");
            }
        }
        run(model, batch, steps, warmUp, System.out);
    }

    /** Runs the loop and prints the per-step figures and the texts. */
    public static void run(Model model, int batch, int steps, int warmUp, PrintStream out) throws OrtException {
        if (warmUp < 0) {
            throw new IllegalArgumentException("warm-up: " + warmUp + "; expected >= 0");
        }
        try (ZeroCopyDecodeLoop loop = new ZeroCopyDecodeLoop(model, batch, steps)) {
            int warmUpSteps = loop.warmUp(warmUp);
            out.printf(
                    Locale.ROOT,
                    "Zero-copy decode loop: %s (V = %d), batch %d, %d steps; ONNX Runtime %s (1 thread); engine: %s%n",
                    model.file,
                    loop.vocabularySize(),
                    batch,
                    steps,
                    OrtEnvironment.getEnvironment().getVersion(),
                    loop.engine.backend().describe());
            out.printf(
                    Locale.ROOT,
                    "logits    %s at 0x%x: ONNX Runtime's pinned output, its data pointer 0x%x%n",
                    loop.logits,
                    loop.logits.segment().address(),
                    loop.bridge.ortDataAddress("logits"));
            out.printf(
                    Locale.ROOT,
                    "token_ids %s at 0x%x: ONNX Runtime's input and the engine's token output, its data pointer 0x%x%n",
                    loop.ids,
                    loop.ids.segment().address(),
                    loop.bridge.ortDataAddress("token_ids"));
            out.printf(
                    Locale.ROOT,
                    "%nwarm-up: %d steps run and forgotten (at least %d, then until the engine step allocated nothing %d"
                            + " times in a row); the %d steps below start from the prompts%n",
                    warmUpSteps,
                    warmUp / 5,
                    SETTLED_STEPS,
                    steps);
            out.println("step    ORT us  engine us  bytes copied  heap B in ORT  heap B in engine");
            long[] ort = new long[steps];
            long[] eng = new long[steps];
            long[] ortHeap = new long[steps];
            long[] engHeap = new long[steps];
            long copied = 0;
            for (int s = 0; s < steps; s++) {
                Step step = loop.step();
                ort[s] = step.ortNanos();
                eng[s] = step.engineNanos();
                ortHeap[s] = step.ortHeapBytes();
                engHeap[s] = step.engineHeapBytes();
                copied += step.bytesCopied();
                out.printf(
                        Locale.ROOT,
                        "%4d %9.1f %10.1f %13d %14d %17d%n",
                        s,
                        step.ortNanos() / 1e3,
                        step.engineNanos() / 1e3,
                        step.bytesCopied(),
                        step.ortHeapBytes(),
                        step.engineHeapBytes());
            }
            out.printf(
                    Locale.ROOT,
                    "%nmedian per step: ORT %.1f us, engine %.1f us; heap: ORT %d B, engine %d B; bytes copied in %d"
                            + " steps: %d%n%n",
                    median(ort) / 1e3,
                    median(eng) / 1e3,
                    median(ortHeap),
                    median(engHeap),
                    steps,
                    copied);
            for (int r = 0; r < batch; r++) {
                out.printf(
                        Locale.ROOT,
                        "%3d  %-28s %s%n",
                        r,
                        SETTINGS.get(r % SETTINGS.size()) + ", seed " + (1000 + r),
                        loop.text(r));
            }
        }
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
