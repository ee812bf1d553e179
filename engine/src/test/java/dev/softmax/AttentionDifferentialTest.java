package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.softmax.testing.AttentionReference;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attention softmax against the double reference of {@link AttentionReference}: each option alone and all
 * together, every backend (oneDNN declines, counted), every x/dst type pair, strided, padded, heap, in-place and
 * broadcast operands, ragged key lengths (0 and full), causal offsets below, at and above 0 (decode, Q < K), row
 * lengths on both sides of the kernels' thresholds, and non-finite values in masked and unmasked positions.
 */
@Tag("kernel-variants")
class AttentionDifferentialTest {

    static final String DECLINE_LABEL = "attention options (oneDNN has no masked softmax)";
    private static final Map<Backend, SoftmaxEngine> ZERO = new EnumMap<>(Backend.class);
    private static final Map<Backend, SoftmaxEngine> NAN = new EnumMap<>(Backend.class);

    @BeforeAll
    static void openEngines() {
        for (Backend backend : Backend.values()) {
            ZERO.put(
                    backend,
                    SoftmaxEngine.create(
                            EngineOptions.builder().backend(backend).build()));
            NAN.put(
                    backend,
                    SoftmaxEngine.create(EngineOptions.builder()
                            .backend(backend)
                            .edgePolicy(EdgePolicy.NAN)
                            .build()));
        }
    }

    @AfterAll
    static void closeEngines() {
        ZERO.values().forEach(SoftmaxEngine::close);
        NAN.values().forEach(SoftmaxEngine::close);
    }

    /** Builds the options of a case over x's shape in the case's arena. */
    @FunctionalInterface
    interface OptionsFactory extends BiFunction<Arena, long[], AttentionOptions> {}

    enum Layout {
        DENSE,
        PADDED,
        KEYS_STRIDED,
        IN_PLACE,
        HEAP
    }

    record Case(
            String name,
            long[] shape,
            DType xType,
            DType dstType,
            Layout layout,
            double sigma,
            OptionsFactory options) {
        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape) + " " + xType.label() + "->" + dstType.label() + " " + layout;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operand builders.

    static TensorView floats(Arena arena, DType type, Random random, double sigma, long... shape) {
        TensorView view = TestTensors.dense(arena, type, shape);
        view.copyFrom(TestTensors.normal(random, (int) view.elementCount(), sigma));
        return view;
    }

    static TensorView bytes(Arena arena, Random random, double keep, long... shape) {
        TensorView view = TestTensors.dense(arena, DType.U8, shape);
        float[] values = new float[(int) view.elementCount()];
        for (int i = 0; i < values.length; i++) {
            // numpy bool is 0/1; other non-zero bytes must keep too
            values[i] = random.nextDouble() < keep ? (random.nextBoolean() ? 1 : 1 + random.nextInt(255)) : 0;
        }
        return view.copyFrom(values);
    }

    static TensorView lengths(Arena arena, DType type, long... values) {
        TensorView view = TestTensors.dense(arena, type, values.length);
        for (int i = 0; i < values.length; i++) {
            view.setFloat(values[i], i);
        }
        return view;
    }

    static OptionsFactory of(AttentionOptions fixed) {
        return (arena, shape) -> fixed;
    }

    /** Every option at once (with a causal offset and ragged lengths chosen from the shape). */
    static OptionsFactory everything(boolean log, boolean lse) {
        return (arena, shape) -> {
            Random random = new Random(Arrays.hashCode(shape) + (log ? 1 : 0));
            int rank = shape.length;
            long k = shape[rank - 1];
            long[] lengthValues = new long[(int) shape[0]];
            for (int b = 0; b < lengthValues.length; b++) {
                lengthValues[b] = b == 0 ? k : b == 1 ? 0 : random.nextInt((int) k + 1);
            }
            long[] biasShape = {shape[rank - 2], k};
            long[] maskShape = new long[rank];
            Arrays.fill(maskShape, 1);
            maskShape[0] = shape[0];
            maskShape[rank - 1] = k;
            if (rank >= 3) {
                maskShape[rank - 2] = shape[rank - 2];
            }
            AttentionOptions o = AttentionOptions.defaults()
                    .scale(0.3f)
                    .softcap(8f)
                    .bias(floats(arena, DType.BF16, random, 1, biasShape))
                    .mask(bytes(arena, random, 0.8, maskShape))
                    .causal(k - shape[rank - 2] - 1)
                    .keyLengths(lengths(arena, DType.I64, lengthValues))
                    .logSoftmax(log);
            if (rank >= 3) {
                o = o.sinks(floats(arena, DType.F32, random, 2, shape[1]));
            }
            if (lse) {
                o = o.logSumExpOut(TestTensors.dense(arena, DType.F32, Arrays.copyOf(shape, rank - 1)));
            }
            return o;
        };
    }

    static final long[] SHAPE = {3, 2, 5, 37};

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        DType f32 = DType.F32;
        // Each option alone.
        c.add(new Case("no options", SHAPE, f32, f32, Layout.DENSE, 3, of(AttentionOptions.defaults())));
        c.add(new Case(
                "scale",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                of(AttentionOptions.defaults().scale(0.125f))));
        c.add(new Case(
                "negative scale",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                of(AttentionOptions.defaults().scale(-0.7f))));
        c.add(new Case(
                "softcap",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                30,
                of(AttentionOptions.defaults().softcap(5f))));
        c.add(new Case(
                "log",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                of(AttentionOptions.defaults().logSoftmax(true))));
        for (DType type : List.of(DType.F32, DType.BF16, DType.F16)) {
            c.add(new Case(
                    "bias full " + type.label(),
                    SHAPE,
                    f32,
                    f32,
                    Layout.DENSE,
                    3,
                    (arena, shape) -> AttentionOptions.defaults().bias(floats(arena, type, new Random(1), 2, shape))));
        }
        c.add(new Case(
                "bias over heads",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) ->
                        AttentionOptions.defaults().bias(floats(arena, DType.F16, new Random(2), 2, 3, 1, 5, 37))));
        c.add(new Case(
                "bias per key",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().bias(floats(arena, DType.F32, new Random(3), 2, 37))));
        c.add(new Case(
                "bias per query",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().bias(floats(arena, DType.F32, new Random(4), 2, 5, 1))));
        c.add(new Case("bias transposed", SHAPE, f32, f32, Layout.DENSE, 3, (arena, shape) -> {
            TensorView bias = TestTensors.allocate(arena, DType.F32, new long[] {5, 37}, new long[] {1, 5});
            bias.copyFrom(TestTensors.normal(new Random(5), 5 * 37, 2));
            return AttentionOptions.defaults().bias(bias);
        }));
        c.add(new Case("bias with -inf (ALiBi-style padding)", SHAPE, f32, f32, Layout.DENSE, 3, (arena, shape) -> {
            TensorView bias = floats(arena, DType.F32, new Random(6), 2, 5, 37);
            for (int j = 20; j < 37; j++) {
                bias.setFloat(Float.NEGATIVE_INFINITY, 1, j);
            }
            return AttentionOptions.defaults().bias(bias);
        }));
        c.add(new Case(
                "mask full",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().mask(bytes(arena, new Random(7), 0.6, shape))));
        c.add(new Case(
                "mask over heads",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().mask(bytes(arena, new Random(8), 0.6, 3, 1, 5, 37))));
        c.add(new Case("mask fully masked rows", SHAPE, f32, f32, Layout.DENSE, 3, (arena, shape) -> {
            TensorView mask = bytes(arena, new Random(9), 0.7, 5, 37);
            for (int j = 0; j < 37; j++) {
                mask.setFloat(0, 2, j);
            }
            return AttentionOptions.defaults().mask(mask);
        }));
        c.add(new Case("mask transposed", SHAPE, f32, f32, Layout.DENSE, 3, (arena, shape) -> {
            TensorView mask = TestTensors.allocate(arena, DType.U8, new long[] {5, 37}, new long[] {1, 5});
            mask.copyFrom(bytes(arena, new Random(10), 0.5, 5, 37).toFloatArray());
            return AttentionOptions.defaults().mask(mask);
        }));
        c.add(new Case(
                "packed mask",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) ->
                        AttentionOptions.defaults().packedMask(bytes(arena, new Random(11), 0.9, 3, 2, 5, 5))));
        c.add(new Case(
                "packed mask broadcast",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().packedMask(bytes(arena, new Random(12), 0.9, 5, 5))));
        for (long offset : new long[] {-7, -3, 0, 2, 32, 100, Long.MIN_VALUE, Long.MAX_VALUE}) {
            c.add(new Case(
                    "causal " + offset,
                    SHAPE,
                    f32,
                    f32,
                    Layout.DENSE,
                    3,
                    of(AttentionOptions.defaults().causal(offset))));
        }
        c.add(new Case(
                "causal square",
                new long[] {2, 4, 16, 16},
                f32,
                f32,
                Layout.DENSE,
                3,
                of(AttentionOptions.defaults().causal().scale(0.25f))));
        c.add(new Case(
                "decode Q<K",
                new long[] {2, 4, 3, 130},
                f32,
                f32,
                Layout.DENSE,
                3,
                of(AttentionOptions.defaults().causal(127).scale(0.25f))));
        c.add(new Case(
                "key lengths i32 (0, full, ragged)",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().keyLengths(lengths(arena, DType.I32, 0, 37, 13))));
        c.add(new Case(
                "key lengths i64",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().keyLengths(lengths(arena, DType.I64, 1, 36, 16))));
        c.add(new Case(
                "key lengths rank 2",
                new long[] {4, 300},
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().keyLengths(lengths(arena, DType.I32, 300, 0, 17, 299))));
        c.add(new Case(
                "sinks",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults().sinks(floats(arena, DType.F32, new Random(13), 3, 2))));
        c.add(new Case(
                "sinks with lengths 0 (only the sink)",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults()
                        .sinks(floats(arena, DType.F32, new Random(14), 3, 2))
                        .keyLengths(lengths(arena, DType.I32, 0, 5, 0))
                        .logSumExpOut(TestTensors.dense(arena, DType.F32, 3, 2, 5))));
        c.add(new Case(
                "log sinks",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults()
                        .logSoftmax(true)
                        .sinks(floats(arena, DType.F32, new Random(15), 3, 2))));
        c.add(new Case(
                "lse",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) ->
                        AttentionOptions.defaults().logSumExpOut(TestTensors.dense(arena, DType.F32, 3, 2, 5))));
        c.add(new Case(
                "lse strided",
                SHAPE,
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults()
                        .causal(1)
                        .logSumExpOut(
                                TestTensors.allocate(arena, DType.F32, new long[] {3, 2, 5}, new long[] {1, 3, 6}))));
        c.add(new Case(
                "rank 1",
                new long[] {37},
                f32,
                f32,
                Layout.DENSE,
                3,
                (arena, shape) -> AttentionOptions.defaults()
                        .scale(2f)
                        .mask(bytes(arena, new Random(16), 0.5, 37))
                        .logSumExpOut(TestTensors.dense(arena, DType.F32, 1))));
        // Everything together, on several ranks and both operations.
        for (boolean log : new boolean[] {false, true}) {
            c.add(new Case("everything log=" + log, SHAPE, f32, f32, Layout.DENSE, 3, everything(log, true)));
            c.add(new Case(
                    "everything rank 3 log=" + log,
                    new long[] {3, 4, 40},
                    f32,
                    f32,
                    Layout.DENSE,
                    3,
                    everything(log, true)));
            c.add(new Case(
                    "everything rank 5 log=" + log,
                    new long[] {2, 3, 2, 4, 20},
                    f32,
                    f32,
                    Layout.DENSE,
                    3,
                    everything(log, false)));
        }
        // Every type pair, with everything and with a plain causal row.
        for (DType in : List.of(DType.F32, DType.BF16, DType.F16)) {
            for (DType out : List.of(DType.F32, DType.BF16, DType.F16)) {
                c.add(new Case("types everything", SHAPE, in, out, Layout.DENSE, 3, everything(false, true)));
                c.add(new Case(
                        "types causal",
                        SHAPE,
                        in,
                        out,
                        Layout.DENSE,
                        3,
                        of(AttentionOptions.defaults().causal(0).scale(0.5f))));
            }
        }
        // Layouts.
        for (Layout layout : List.of(Layout.PADDED, Layout.KEYS_STRIDED, Layout.IN_PLACE, Layout.HEAP)) {
            for (DType type : List.of(DType.F32, DType.BF16)) {
                c.add(new Case("layout everything", SHAPE, type, type, layout, 3, everything(false, true)));
                c.add(new Case("layout log everything", SHAPE, type, type, layout, 3, everything(true, false)));
                c.add(new Case(
                        "layout causal",
                        SHAPE,
                        type,
                        type,
                        layout,
                        3,
                        of(AttentionOptions.defaults().causal())));
            }
        }
        // Row lengths around the vector widths and the kernels' thresholds.
        for (long k : new long[] {1, 2, 8, 15, 16, 17, 64, 128, 129, 1000, 1030, 4100}) {
            long[] shape = {2, 2, 3, k};
            c.add(new Case("n=" + k + " everything", shape, f32, f32, Layout.DENSE, 3, everything(false, true)));
            c.add(new Case(
                    "n=" + k + " causal lengths",
                    shape,
                    f32,
                    f32,
                    Layout.DENSE,
                    3,
                    (arena, s) ->
                            AttentionOptions.defaults().causal(k - 3).keyLengths(lengths(arena, DType.I32, k, k / 2))));
            c.add(new Case(
                    "n=" + k + " packed",
                    shape,
                    f32,
                    f32,
                    Layout.DENSE,
                    3,
                    (arena, s) ->
                            AttentionOptions.defaults().packedMask(bytes(arena, new Random(k), 0.8, 3, (k + 7) / 8))));
            c.add(new Case(
                    "n=" + k + " bytes",
                    shape,
                    DType.BF16,
                    f32,
                    Layout.DENSE,
                    3,
                    (arena, s) -> AttentionOptions.defaults().mask(bytes(arena, new Random(k), 0.7, 2, 1, 3, k))));
        }
        return c;
    }

    static Stream<Arguments> casesOnEveryBackend() {
        List<Arguments> list = new ArrayList<>();
        for (Case c : cases()) {
            for (Backend backend : Backend.values()) {
                list.add(arguments(backend, c));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesOnEveryBackend")
    void matchesReference(Backend backend, Case c) {
        run(ZERO.get(backend), c, null);
    }

    static Stream<Arguments> nanPolicyCases() {
        List<Arguments> list = new ArrayList<>();
        for (Case c : cases()) {
            if (c.name().contains("fully")
                    || c.name().contains("lengths")
                    || c.name().startsWith("causal")
                    || c.name().contains("everything log=")) {
                list.add(arguments(Backend.JAVA, c));
                list.add(arguments(Backend.ONEDNN, c));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "NAN policy {0} {1}")
    @MethodSource("nanPolicyCases")
    void fullyMaskedRowsFollowTheNanPolicy(Backend backend, Case c) {
        run(NAN.get(backend), c, null);
    }

    /** Non-finite values in masked positions change nothing; in unmasked ones they make the row NaN. */
    static Stream<Arguments> poisonCases() {
        List<Arguments> list = new ArrayList<>();
        for (Backend backend : Backend.values()) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (Case c : List.of(
                        new Case(
                                "poison everything",
                                SHAPE,
                                DType.F32,
                                DType.F32,
                                Layout.DENSE,
                                3,
                                everything(false, true)),
                        new Case(
                                "poison log everything",
                                SHAPE,
                                DType.BF16,
                                DType.F16,
                                Layout.DENSE,
                                3,
                                everything(true, true)),
                        new Case(
                                "poison causal",
                                new long[] {2, 2, 9, 40},
                                DType.F32,
                                DType.F32,
                                Layout.DENSE,
                                3,
                                of(AttentionOptions.defaults().causal(3))))) {
                    list.add(arguments(backend, c, bad));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {1} value {2}")
    @MethodSource("poisonCases")
    void nonFiniteValuesPoisonOnlyUnmaskedRows(Backend backend, Case c, float bad) {
        run(ZERO.get(backend), c, bad);
    }

    /** Runs a case: x filled, non-finite values sprinkled when {@code bad} is given, reference compared. */
    static void run(SoftmaxEngine engine, Case c, Float bad) {
        try (Arena arena = Arena.ofConfined()) {
            long[] shape = c.shape();
            int rank = shape.length;
            long[] strides = switch (c.layout()) {
                case PADDED -> TestTensors.layout(shape, TestTensors.identityOrder(rank), 3);
                case KEYS_STRIDED -> {
                    int[] order = new int[rank];
                    order[0] = rank - 1;
                    for (int d = 1; d < rank; d++) {
                        order[d] = d - 1;
                    }
                    yield TestTensors.layout(shape, order, 0);
                }
                default -> TensorView.rowMajorStrides(shape);
            };
            TensorView x = c.layout() == Layout.HEAP
                    ? TestTensors.heap(c.xType(), shape, strides)
                    : TestTensors.allocate(arena, c.xType(), shape, strides);
            Random random = new Random(Arrays.hashCode(shape) * 31L + c.name().hashCode());
            x.copyFrom(TestTensors.normal(random, (int) x.elementCount(), c.sigma()));
            if (bad != null) {
                // Many positions: some masked, some not (rows differ in what they mask).
                long[] index = new long[rank];
                for (int i = 0; i < x.elementCount(); i += 7) {
                    long rest = i;
                    for (int d = rank - 1; d >= 0; d--) {
                        index[d] = rest % shape[d];
                        rest /= shape[d];
                    }
                    x.setFloat(bad, index);
                }
            }
            TensorView dst = switch (c.layout()) {
                case IN_PLACE -> x;
                case HEAP -> TestTensors.heap(c.dstType(), shape, strides);
                default -> TestTensors.allocate(arena, c.dstType(), shape, strides);
            };
            AttentionOptions options = c.options().apply(arena, shape);
            check(engine, c.toString(), x, dst, options);
        }
    }

    /** One call checked against the reference, the counters, the source and the destination's padding. */
    static void check(SoftmaxEngine engine, String where, TensorView x, TensorView dst, AttentionOptions options) {
        EdgePolicy policy = engine.options().edgePolicy();
        AttentionReference.Expected expected = AttentionReference.compute(x, options, policy);
        int[] inputBits = TestTensors.bits(x.toFloatArray());
        byte[] dstBefore = TestTensors.snapshot(dst.segment());
        EngineStatistics before = engine.statistics();
        engine.attentionSoftmax(x, dst, options);
        EngineStatistics after = engine.statistics();
        String context = where + " [" + engine.options().backend() + ", " + options + "]";
        boolean empty = x.elementCount() == 0 && options.logSumExpOut() == null;
        assertThat(after.javaCalls() - before.javaCalls())
                .as("%s: Java calls", context)
                .isEqualTo(empty ? 0 : 1);
        assertThat(after.onednnCalls()).as("%s: oneDNN calls", context).isEqualTo(before.onednnCalls());
        long declines = after.declinedByReason().getOrDefault(DECLINE_LABEL, 0L)
                - before.declinedByReason().getOrDefault(DECLINE_LABEL, 0L);
        boolean nativeWanted = engine.options().backend() == Backend.ONEDNN
                || (engine.options().backend() == Backend.AUTO
                        && x.segment().isNative()
                        && dst.segment().isNative()
                        && x.elementCount() >= 4096
                        && (x.dtype() != DType.F32 || dst.dtype() != DType.F32));
        assertThat(declines).as("%s: declines counted", context).isEqualTo(nativeWanted ? 1 : 0);
        if (x != dst) {
            assertThat(TestTensors.bits(x.toFloatArray()))
                    .as("%s: x unchanged", context)
                    .isEqualTo(inputBits);
        }
        TestTensors.assertOutsideViewUnchanged(context + ": dst padding", dstBefore, dst);
        float[] lse =
                options.logSumExpOut() == null ? null : options.logSumExpOut().toFloatArray();
        AttentionReference.assertMatches(context, expected, dst.toFloatArray(), lse, dst.dtype(), options);
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        try (SoftmaxEngine one = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).threads(1).build());
                SoftmaxEngine two = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).threads(2).build());
                Arena arena = Arena.ofShared()) {
            long[] shape = {4, 8, 64, 128};
            TensorView x = floats(arena, DType.F32, new Random(99), 3, shape);
            AttentionOptions options = everything(false, true).apply(arena, shape);
            TensorView a = TestTensors.dense(arena, DType.F32, shape);
            TensorView b = TestTensors.dense(arena, DType.F32, shape);
            one.attentionSoftmax(x, a, options);
            float[] lseOne = options.logSumExpOut().toFloatArray();
            two.attentionSoftmax(x, b, options);
            assertThat(TestTensors.bits(b.toFloatArray())).isEqualTo(TestTensors.bits(a.toFloatArray()));
            assertThat(TestTensors.bits(options.logSumExpOut().toFloatArray())).isEqualTo(TestTensors.bits(lseOne));
        }
    }

    /**
     * The fused paths (causal or key lengths with a scale; a bias shared by the heads with a scale) give the same
     * bits on 1 and 2 threads, f32 and bf16 alike: 1005 rows of 200 keys split in the middle of a block of 67
     * queries, so the two threads pair different rows.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fusedPaths")
    void fusedPathsGiveTheSameBitsOnOneAndTwoThreads(String name, DType type) {
        try (SoftmaxEngine one = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).threads(1).build());
                SoftmaxEngine two = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).threads(2).build());
                Arena arena = Arena.ofShared()) {
            long[] shape = {3, 5, 67, 200};
            TensorView x = floats(arena, type, new Random(98), 3, shape);
            AttentionOptions options = switch (name) {
                case "causal" -> AttentionOptions.defaults().scale(0.3f).causal(-2);
                case "key lengths" ->
                    AttentionOptions.defaults().scale(0.3f).keyLengths(lengths(arena, DType.I32, 0, 77, 200));
                default ->
                    AttentionOptions.defaults()
                            .scale(0.3f)
                            .bias(floats(arena, DType.F32, new Random(97), 1, 3, 1, 67, 200));
            };
            TensorView a = TestTensors.dense(arena, type, shape);
            TensorView b = TestTensors.dense(arena, type, shape);
            one.attentionSoftmax(x, a, options);
            two.attentionSoftmax(x, b, options);
            assertThat(TestTensors.bits(b.toFloatArray())).isEqualTo(TestTensors.bits(a.toFloatArray()));
        }
    }

    static Stream<Arguments> fusedPaths() {
        return Stream.of("causal", "key lengths", "bias")
                .flatMap(name -> Stream.of(arguments(name, DType.F32), arguments(name, DType.BF16)));
    }
}
