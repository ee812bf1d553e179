package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the attention softmax, on both backends: masking one set of keys by causality and key lengths, by
 * a boolean byte mask, by a bit-packed mask and by a bias of -inf gives the same rows (even when the masked
 * positions of x hold NaN or +inf); and the log-sum-exp output is {@link SoftmaxEngine#logSumExp} of the
 * processed row (with the sink as one more entry).
 */
@Tag("kernel-variants")
class AttentionPropertiesTest {

    private static final List<Backend> BACKENDS = List.of(Backend.ONEDNN, Backend.JAVA);
    private static final Map<Backend, SoftmaxEngine> ENGINES = new EnumMap<>(Backend.class);

    @BeforeContainer
    static void openEngines() {
        for (Backend backend : BACKENDS) {
            ENGINES.put(
                    backend,
                    SoftmaxEngine.create(
                            EngineOptions.builder().backend(backend).build()));
        }
    }

    @AfterContainer
    static void closeEngines() {
        ENGINES.values().forEach(SoftmaxEngine::close);
        ENGINES.clear();
    }

    @Property(tries = 150, seed = "20250114")
    void everyWayOfMaskingTheSameKeysGivesTheSameRows(
            @ForAll @IntRange(min = 1, max = 3) int batch,
            @ForAll @IntRange(min = 1, max = 3) int heads,
            @ForAll @IntRange(min = 1, max = 6) int queries,
            @ForAll @IntRange(min = 1, max = 70) int keys,
            @ForAll @IntRange(min = -8, max = 70) int offset,
            @ForAll boolean log,
            @ForAll @FloatRange(min = 0.05f, max = 2f) float scale,
            @ForAll long seed) {
        Random random = new Random(seed);
        long[] shape = {batch, heads, queries, keys};
        int n = batch * heads * queries * keys;
        try (Arena arena = Arena.ofConfined()) {
            long[] lengthValues = new long[batch];
            for (int b = 0; b < batch; b++) {
                lengthValues[b] = random.nextInt(keys + 1);
            }
            TensorView lengths = TestTensors.dense(arena, DType.I64, batch);
            for (int b = 0; b < batch; b++) {
                lengths.setFloat(lengthValues[b], b);
            }
            float[] values = TestTensors.normal(random, n, 3);
            TensorView bytes = TestTensors.dense(arena, DType.U8, shape);
            TensorView bias = TestTensors.dense(arena, DType.F32, shape);
            TensorView packed = TestTensors.dense(arena, DType.U8, batch, heads, queries, (keys + 7) / 8);
            float[] byteValues = new float[n];
            float[] biasValues = new float[n];
            int[] packedValues = new int[(int) packed.elementCount()];
            for (int i = 0; i < n; i++) {
                int j = i % keys;
                int row = i / keys;
                int q = row % queries;
                int b = row / (queries * heads);
                boolean keep = j < lengthValues[b] && j <= q + offset;
                byteValues[i] = keep ? 1 + random.nextInt(255) : 0;
                biasValues[i] = keep ? 0f : Float.NEGATIVE_INFINITY;
                if (keep) {
                    packedValues[row * ((keys + 7) / 8) + j / 8] |= 1 << (j % 8);
                } else if (random.nextInt(4) == 0) {
                    values[i] = random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                }
            }
            bytes.copyFrom(byteValues);
            bias.copyFrom(biasValues);
            float[] packedFloats = new float[packedValues.length];
            for (int i = 0; i < packedFloats.length; i++) {
                packedFloats[i] = packedValues[i];
            }
            packed.copyFrom(packedFloats);
            TensorView x = TestTensors.dense(arena, DType.F32, shape).copyFrom(values);
            AttentionOptions base = AttentionOptions.defaults().scale(scale).logSoftmax(log);
            List<AttentionOptions> ways = List.of(
                    base.causal(offset).keyLengths(lengths),
                    base.mask(bytes),
                    base.packedMask(packed),
                    base.bias(bias),
                    base.bias(bias).mask(bytes).causal(offset));
            for (Backend backend : BACKENDS) {
                List<float[]> results = new ArrayList<>();
                for (AttentionOptions options : ways) {
                    TensorView dst = TestTensors.dense(arena, DType.F32, shape);
                    ENGINES.get(backend).attentionSoftmax(x, dst, options);
                    results.add(dst.toFloatArray());
                }
                float[] first = results.get(0);
                for (int w = 1; w < results.size(); w++) {
                    float[] other = results.get(w);
                    for (int i = 0; i < n; i++) {
                        String what = backend + " way " + w + " element " + i + ": " + other[i] + " vs " + first[i];
                        assertThat(Float.isNaN(first[i])).as(what).isFalse();
                        if (biasValues[i] != 0f || Float.isInfinite(first[i]) || first[i] == 0f) {
                            assertThat(other[i]).as(what).isEqualTo(first[i]);
                        } else {
                            double tolerance = log ? 2e-6 * Math.max(1, Math.abs(first[i])) : 2e-6 * first[i];
                            assertThat((double) Math.abs(other[i] - first[i]))
                                    .as(what)
                                    .isLessThanOrEqualTo(tolerance);
                        }
                    }
                }
            }
        }
    }

    @Property(tries = 150, seed = "20250115")
    void logSumExpOutputIsTheLogSumExpOfTheProcessedRow(
            @ForAll @IntRange(min = 1, max = 2) int batch,
            @ForAll @IntRange(min = 1, max = 3) int heads,
            @ForAll @IntRange(min = 1, max = 4) int queries,
            @ForAll @IntRange(min = 1, max = 300) int keys,
            @ForAll boolean sinks,
            @ForAll boolean softcap,
            @ForAll boolean log,
            @ForAll long seed) {
        Random random = new Random(seed);
        long[] shape = {batch, heads, queries, keys};
        int rows = batch * heads * queries;
        try (Arena arena = Arena.ofConfined()) {
            float[] values = TestTensors.normal(random, rows * keys, 4);
            TensorView x = TestTensors.dense(arena, DType.F32, shape).copyFrom(values);
            TensorView bias = TestTensors.dense(arena, DType.F32, queries, keys);
            float[] biasValues = TestTensors.normal(random, queries * keys, 1);
            for (int i = 0; i < biasValues.length; i++) {
                if (random.nextInt(5) == 0) {
                    biasValues[i] = Float.NEGATIVE_INFINITY;
                }
            }
            bias.copyFrom(biasValues);
            TensorView sinkView =
                    TestTensors.dense(arena, DType.F32, heads).copyFrom(TestTensors.normal(random, heads, 2));
            TensorView lse = TestTensors.dense(arena, DType.F32, batch, heads, queries);
            float scale = 0.25f + random.nextFloat();
            float cap = softcap ? 3f : 0f;
            AttentionOptions options = AttentionOptions.defaults()
                    .scale(scale)
                    .softcap(cap)
                    .bias(bias)
                    .logSoftmax(log)
                    .causal(keys - queries)
                    .logSumExpOut(lse);
            if (sinks) {
                options = options.sinks(sinkView);
            }
            // The processed rows, as documented, with the sink as one more entry.
            int width = keys + (sinks ? 1 : 0);
            float[] processed = new float[rows * width];
            for (int r = 0; r < rows; r++) {
                int q = r % queries;
                int h = (r / queries) % heads;
                for (int j = 0; j < keys; j++) {
                    float z = values[r * keys + j] * scale;
                    if (softcap) {
                        z = (float) (cap * Math.tanh(z / cap));
                    }
                    float b = biasValues[q * keys + j];
                    z = b == Float.NEGATIVE_INFINITY ? b : z + b;
                    processed[r * width + j] = j <= q + keys - queries ? z : Float.NEGATIVE_INFINITY;
                }
                if (sinks) {
                    processed[r * width + keys] = sinkView.getFloat(h);
                }
            }
            TensorView processedView =
                    TestTensors.dense(arena, DType.F32, rows, width).copyFrom(processed);
            TensorView expected = TestTensors.dense(arena, DType.F32, rows);
            for (Backend backend : BACKENDS) {
                SoftmaxEngine engine = ENGINES.get(backend);
                TensorView dst = TestTensors.dense(arena, DType.F32, shape);
                engine.attentionSoftmax(x, dst, options);
                engine.logSumExp(processedView, expected, -1);
                float[] got = lse.toFloatArray();
                float[] want = expected.toFloatArray();
                for (int r = 0; r < rows; r++) {
                    String what = backend + " row " + r + ": " + got[r] + " vs logSumExp " + want[r];
                    if (Float.isInfinite(want[r])) {
                        assertThat(got[r]).as(what).isEqualTo(want[r]);
                    } else {
                        assertThat((double) Math.abs(got[r] - want[r]))
                                .as(what)
                                .isLessThanOrEqualTo(2e-6 * Math.max(1, Math.abs(want[r])));
                    }
                }
                if (log) {
                    // log-softmax is the processed row minus its log-sum-exp
                    float[] y = dst.toFloatArray();
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < keys; j++) {
                            float z = processed[r * width + j];
                            float yj = y[r * keys + j];
                            if (z == Float.NEGATIVE_INFINITY) {
                                assertThat(yj).isEqualTo(Float.NEGATIVE_INFINITY);
                            } else {
                                assertThat((double) Math.abs(yj - (z - got[r])))
                                        .as("%s log-softmax row %d key %d", backend, r, j)
                                        .isLessThanOrEqualTo(
                                                4e-6 * Math.max(1, Math.abs(z - got[r])) + 4e-6 * Math.abs(z));
                            }
                        }
                    }
                }
            }
        }
    }
}
