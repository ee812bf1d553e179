package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.softmax.testing.SoftmaxCheck;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A catalogue of bad calls. Each one must throw the documented exception type, with a message naming the
 * argument and the offending value, and leave the destination byte-for-byte unchanged (and count no call).
 */
class BadCallCatalogueTest {

    private static final Map<Backend, SoftmaxEngine> ENGINES = new EnumMap<>(Backend.class);
    private static final Map<Backend, SoftmaxEngine> REJECTING = new EnumMap<>(Backend.class);

    @BeforeAll
    static void openEngines() {
        for (Backend backend : List.of(Backend.ONEDNN, Backend.JAVA)) {
            ENGINES.put(
                    backend,
                    SoftmaxEngine.create(
                            EngineOptions.builder().backend(backend).build()));
            REJECTING.put(
                    backend,
                    SoftmaxEngine.create(EngineOptions.builder()
                            .backend(backend)
                            .edgePolicy(EdgePolicy.REJECT)
                            .build()));
        }
    }

    @AfterAll
    static void closeEngines() {
        ENGINES.values().forEach(SoftmaxEngine::close);
        REJECTING.values().forEach(SoftmaxEngine::close);
    }

    /** What a case builds: the call, and the memory that must stay unchanged (null when it cannot be read). */
    record Prepared(ThrowingCallable call, MemorySegment watched) {}

    /** Builds a bad call for an engine (ZERO or REJECT policy) in an open confined arena. */
    @FunctionalInterface
    interface Setup {
        Prepared prepare(SoftmaxEngine engine, Arena arena);
    }

    /**
     * One catalogue entry.
     *
     * @param engineCall false for failures raised before any engine is involved (view or options construction)
     */
    record BadCall(
            String name,
            Class<? extends Throwable> type,
            List<String> fragments,
            boolean engineCall,
            boolean rejectPolicy,
            Setup setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static BadCall call(String name, Class<? extends Throwable> type, List<String> fragments, Setup setup) {
        return new BadCall(name, type, fragments, true, false, setup);
    }

    private static BadCall rejecting(String name, List<String> fragments, Setup setup) {
        return new BadCall(name, NonFiniteInputException.class, fragments, true, true, setup);
    }

    private static BadCall construction(
            String name, Class<? extends Throwable> type, List<String> fragments, Setup setup) {
        return new BadCall(name, type, fragments, false, false, setup);
    }

    static TensorView logits(Arena arena, DType type, long... shape) {
        TensorView view = TestTensors.dense(arena, type, shape);
        view.copyFrom(TestTensors.normal(new Random(42), (int) view.elementCount(), 2));
        return view;
    }

    /** Runs {@code call} on a new thread and rethrows what it threw there. */
    static void onAnotherThread(Runnable call) throws Throwable {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        call.run();
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                },
                "bad-call-other-thread");
        thread.start();
        thread.join();
        if (thrown.get() != null) {
            throw thrown.get();
        }
    }

    static List<BadCall> catalogue() {
        List<BadCall> c = new ArrayList<>();
        c.add(call("null src", NullPointerException.class, List.of("src:", "null"), (engine, arena) -> {
            TensorView dst = logits(arena, DType.F32, 4, 8);
            return new Prepared(() -> engine.softmax(null, dst), dst.segment());
        }));
        c.add(call("null dst", NullPointerException.class, List.of("dst:", "null"), (engine, arena) -> {
            TensorView src = logits(arena, DType.F32, 4, 8);
            return new Prepared(() -> engine.logSoftmax(src, null), src.segment());
        }));
        c.add(call(
                "rank mismatch",
                IllegalArgumentException.class,
                List.of("dst:", "shape", "[32]", "[4, 8]"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 4, 8);
                    TensorView dst = logits(arena, DType.F32, 32);
                    return new Prepared(() -> engine.softmax(src, dst), dst.segment());
                }));
        c.add(call(
                "dimension mismatch",
                IllegalArgumentException.class,
                List.of("dst:", "shape", "[4, 9]", "[4, 8]"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 4, 8);
                    TensorView dst = logits(arena, DType.BF16, 4, 9);
                    return new Prepared(() -> engine.softmax(src, dst, 0), dst.segment());
                }));
        for (int axis : new int[] {2, 7, -3, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            c.add(call(
                    "axis " + axis + " for rank 2",
                    IllegalArgumentException.class,
                    List.of("axis:", String.valueOf(axis), "rank 2"),
                    (engine, arena) -> {
                        TensorView src = logits(arena, DType.F32, 4, 8);
                        TensorView dst = logits(arena, DType.F32, 4, 8);
                        return new Prepared(() -> engine.logSoftmax(src, dst, axis), dst.segment());
                    }));
        }
        for (float t : new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            c.add(call(
                    "temperature " + t,
                    IllegalArgumentException.class,
                    List.of("temperature:", String.valueOf(t)),
                    (engine, arena) -> {
                        TensorView src = logits(arena, DType.F32, 4, 8);
                        TensorView dst = logits(arena, DType.F32, 4, 8);
                        return new Prepared(() -> engine.softmax(src, dst, -1, t), dst.segment());
                    }));
        }
        c.add(call(
                "temperature NaN in place",
                IllegalArgumentException.class,
                List.of("temperature:", "NaN"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F16, 3, 40);
                    return new Prepared(() -> engine.logSoftmax(src, src, 1, Float.NaN), src.segment());
                }));
        c.add(call(
                "src arena closed",
                IllegalStateException.class,
                List.of("src:", "no longer alive"),
                (engine, arena) -> {
                    Arena gone = Arena.ofConfined();
                    TensorView src = logits(gone, DType.F32, 4, 8);
                    gone.close();
                    TensorView dst = logits(arena, DType.F32, 4, 8);
                    return new Prepared(() -> engine.softmax(src, dst), dst.segment());
                }));
        c.add(call(
                "dst arena closed",
                IllegalStateException.class,
                List.of("dst:", "no longer alive"),
                (engine, arena) -> {
                    Arena gone = Arena.ofShared();
                    TensorView dst = logits(gone, DType.F32, 4, 8);
                    gone.close();
                    TensorView src = logits(arena, DType.F32, 4, 8);
                    // The destination's memory is gone and cannot be compared; the source must be untouched.
                    return new Prepared(() -> engine.softmax(src, dst), src.segment());
                }));
        c.add(call(
                "src confined to another thread",
                WrongThreadException.class,
                List.of("src:", "confined to another thread"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 4, 8);
                    MemorySegment shared = Arena.ofAuto().allocate(4 * 32, 64);
                    shared.fill(TestTensors.PATTERN);
                    TensorView dst = TensorView.wrap(shared, DType.F32, 4, 8);
                    return new Prepared(() -> onAnotherThread(() -> engine.softmax(src, dst)), shared);
                }));
        c.add(call(
                "dst confined to another thread",
                WrongThreadException.class,
                List.of("dst:", "confined to another thread"),
                (engine, arena) -> {
                    TensorView dst = logits(arena, DType.F32, 4, 8);
                    MemorySegment shared = Arena.ofAuto().allocate(4 * 32, 64);
                    TensorView src = TensorView.wrap(shared, DType.F32, 4, 8);
                    return new Prepared(() -> onAnotherThread(() -> engine.logSoftmax(src, dst)), dst.segment());
                }));
        c.add(call("read-only dst", IllegalArgumentException.class, List.of("dst:", "read-only"), (engine, arena) -> {
            TensorView src = logits(arena, DType.F32, 4, 8);
            TensorView writable = logits(arena, DType.F32, 4, 8);
            TensorView dst = TensorView.wrap(writable.segment().asReadOnly(), DType.F32, 4, 8);
            return new Prepared(() -> engine.softmax(src, dst), writable.segment());
        }));
        c.add(call(
                "read-only in place", IllegalArgumentException.class, List.of("dst:", "read-only"), (engine, arena) -> {
                    TensorView writable = logits(arena, DType.BF16, 4, 8);
                    TensorView view = TensorView.wrap(writable.segment().asReadOnly(), DType.BF16, 4, 8);
                    return new Prepared(() -> engine.softmax(view, view), writable.segment());
                }));
        c.add(call(
                "dst shifted by one element over src",
                IllegalArgumentException.class,
                List.of("dst:", "partially overlaps", "src"),
                (engine, arena) -> {
                    MemorySegment segment = arena.allocate(4 * 40, 64);
                    TensorView src = TensorView.wrap(segment, DType.F32, 4, 8);
                    src.copyFrom(TestTensors.normal(new Random(1), 32, 1));
                    TensorView dst = TensorView.wrap(segment.asSlice(4), DType.F32, 4, 8);
                    return new Prepared(() -> engine.softmax(src, dst), segment);
                }));
        c.add(call(
                "dst same bytes, other type",
                IllegalArgumentException.class,
                List.of("dst:", "partially overlaps"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 4, 8);
                    TensorView dst = TensorView.wrap(src.segment(), DType.BF16, 4, 8);
                    return new Prepared(() -> engine.softmax(src, dst), src.segment());
                }));
        c.add(call(
                "in place with transposed dst",
                IllegalArgumentException.class,
                List.of("dst:", "partially overlaps"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 8, 8);
                    TensorView dst = TensorView.wrap(src.segment(), DType.F32, new long[] {8, 8}, new long[] {1, 8});
                    return new Prepared(() -> engine.softmax(src, dst), src.segment());
                }));
        c.add(call(
                "dst with zero stride",
                IllegalArgumentException.class,
                List.of("dst:", "strides [0, 1]", "share memory"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 4, 8);
                    TensorView row = logits(arena, DType.F32, 8);
                    TensorView dst = TensorView.wrap(row.segment(), DType.F32, new long[] {4, 8}, new long[] {0, 1});
                    return new Prepared(() -> engine.softmax(src, dst), row.segment());
                }));
        c.add(call(
                "dst rows overlapping each other",
                IllegalArgumentException.class,
                List.of("dst:", "strides [4, 1]", "share memory"),
                (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 4, 8);
                    TensorView backing = logits(arena, DType.F32, 20);
                    TensorView dst =
                            TensorView.wrap(backing.segment(), DType.F32, new long[] {4, 8}, new long[] {4, 1});
                    return new Prepared(() -> engine.logSoftmax(src, dst), backing.segment());
                }));
        c.add(rejecting("REJECT: NaN", List.of("src:", "row 2", "column 5", "NaN", "REJECT"), (engine, arena) -> {
            TensorView src = logits(arena, DType.F32, 4, 8);
            src.setFloat(Float.NaN, 2, 5);
            TensorView dst = logits(arena, DType.F32, 4, 8);
            return new Prepared(() -> engine.softmax(src, dst), dst.segment());
        }));
        c.add(rejecting("REJECT: +inf", List.of("src:", "row 3", "column 0", "Infinity"), (engine, arena) -> {
            TensorView src = logits(arena, DType.BF16, 4, 8);
            src.setFloat(Float.POSITIVE_INFINITY, 3, 0);
            TensorView dst = logits(arena, DType.F16, 4, 8);
            return new Prepared(() -> engine.logSoftmax(src, dst), dst.segment());
        }));
        c.add(rejecting(
                "REJECT: +inf in place with temperature", List.of("src:", "row 0", "column 7"), (engine, arena) -> {
                    TensorView src = logits(arena, DType.F32, 2, 5000);
                    src.setFloat(Float.POSITIVE_INFINITY, 0, 7);
                    return new Prepared(() -> engine.softmax(src, src, 1, 0.7f), src.segment());
                }));
        c.add(call("engine closed", IllegalStateException.class, List.of("closed"), (engine, arena) -> {
            SoftmaxEngine closed = SoftmaxEngine.create(engine.options());
            closed.close();
            closed.close(); // idempotent
            TensorView src = logits(arena, DType.F32, 4, 8);
            TensorView dst = logits(arena, DType.F32, 4, 8);
            return new Prepared(() -> closed.softmax(src, dst), dst.segment());
        }));

        attentionCalls(c);

        // Raised while building the arguments, before an engine is involved.
        c.add(construction(
                "segment too small",
                IllegalArgumentException.class,
                List.of("segment:", "100 bytes", "[4, 8]", "128"),
                (engine, arena) -> {
                    MemorySegment small = arena.allocate(100);
                    return new Prepared(() -> TensorView.wrap(small, DType.F32, 4, 8), small);
                }));
        c.add(construction(
                "segment too small for padded strides",
                IllegalArgumentException.class,
                List.of("segment:", "[4, 8]", "[10, 1]"),
                (engine, arena) -> {
                    MemorySegment small = arena.allocate(4 * 32);
                    return new Prepared(
                            () -> TensorView.wrap(small, DType.F32, new long[] {4, 8}, new long[] {10, 1}), small);
                }));
        c.add(construction(
                "negative dimension", IllegalArgumentException.class, List.of("shape:", "-1"), (engine, arena) -> {
                    MemorySegment segment = arena.allocate(1024);
                    return new Prepared(() -> TensorView.wrap(segment, DType.F32, 4, -1), segment);
                }));
        c.add(construction(
                "negative stride", IllegalArgumentException.class, List.of("strides:", "-8"), (engine, arena) -> {
                    MemorySegment segment = arena.allocate(1024);
                    return new Prepared(
                            () -> TensorView.wrap(segment, DType.F32, new long[] {4, 8}, new long[] {-8, 1}), segment);
                }));
        c.add(construction("rank 0", IllegalArgumentException.class, List.of("shape:", "rank 0"), (engine, arena) -> {
            MemorySegment segment = arena.allocate(1024);
            return new Prepared(() -> TensorView.wrap(segment, DType.F32), segment);
        }));
        c.add(construction("rank 9", IllegalArgumentException.class, List.of("shape:", "rank 9"), (engine, arena) -> {
            MemorySegment segment = arena.allocate(4096);
            return new Prepared(() -> TensorView.wrap(segment, DType.F32, 1, 1, 1, 1, 1, 1, 1, 1, 2), segment);
        }));
        c.add(construction(
                "strides length mismatch",
                IllegalArgumentException.class,
                List.of("strides:", "[8, 1, 1]", "3 entries"),
                (engine, arena) -> {
                    MemorySegment segment = arena.allocate(1024);
                    return new Prepared(
                            () -> TensorView.wrap(segment, DType.F32, new long[] {4, 8}, new long[] {8, 1, 1}),
                            segment);
                }));
        c.add(construction(
                "allocate negative dimension",
                IllegalArgumentException.class,
                List.of("shape:", "-3"),
                (engine, arena) -> new Prepared(() -> TensorView.allocate(arena, DType.F16, 2, -3), null)));
        c.add(construction(
                "options: threads 0",
                IllegalArgumentException.class,
                List.of("threads:", "0"),
                (engine, arena) -> new Prepared(
                        () -> EngineOptions.builder()
                                .backend(Backend.JAVA)
                                .threads(0)
                                .build(),
                        null)));
        c.add(construction(
                "options: threads 4097",
                IllegalArgumentException.class,
                List.of("threads:", "4097"),
                (engine, arena) -> new Prepared(
                        () -> EngineOptions.builder()
                                .backend(Backend.JAVA)
                                .threads(4097)
                                .build(),
                        null)));
        c.add(construction(
                "options: cache capacity 0",
                IllegalArgumentException.class,
                List.of("primitiveCacheCapacity:", "0"),
                (engine, arena) -> new Prepared(
                        () -> EngineOptions.builder()
                                .backend(Backend.ONEDNN)
                                .primitiveCacheCapacity(0)
                                .build(),
                        null)));
        c.add(construction(
                "options: cache capacity -5",
                IllegalArgumentException.class,
                List.of("primitiveCacheCapacity:", "-5"),
                (engine, arena) ->
                        new Prepared(() -> new EngineOptions(Backend.AUTO, 1, -5, EdgePolicy.ZERO, false), null)));
        c.add(construction(
                "Backend.parse bad name",
                IllegalArgumentException.class,
                List.of("system property softmax.backend", "'gpu'", "auto, onednn or java"),
                (engine, arena) -> new Prepared(() -> Backend.parse("gpu", "system property softmax.backend"), null)));
        c.add(construction(
                "Backend.parse empty",
                IllegalArgumentException.class,
                List.of("environment variable SOFTMAX_BACKEND", "''"),
                (engine, arena) ->
                        new Prepared(() -> Backend.parse("", "environment variable SOFTMAX_BACKEND"), null)));
        return c;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (BadCall bad : catalogue()) {
            if (bad.engineCall()) {
                cases.add(arguments(bad, Backend.ONEDNN));
                cases.add(arguments(bad, Backend.JAVA));
            } else {
                cases.add(arguments(bad, Backend.JAVA));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("cases")
    void badCallThrowsBeforeWritingAnything(BadCall bad, Backend backend) {
        SoftmaxEngine engine = bad.rejectPolicy() ? REJECTING.get(backend) : ENGINES.get(backend);
        try (Arena arena = Arena.ofConfined()) {
            Prepared prepared = bad.setup().prepare(engine, arena);
            byte[] before = prepared.watched() == null ? null : TestTensors.snapshot(prepared.watched());
            EngineStatistics stats = engine.statistics();

            var thrown = assertThatThrownBy(prepared.call()).as(bad.name()).isExactlyInstanceOf(bad.type());
            for (String fragment : bad.fragments()) {
                thrown.hasMessageContaining(fragment);
            }

            if (before != null) {
                TestTensors.assertBytesUnchanged(
                        bad.name() + ": memory after the failed call", before, prepared.watched());
            }
            EngineStatistics after = engine.statistics();
            assertThat(after.javaCalls() + after.onednnCalls())
                    .as("%s: no call computed", bad.name())
                    .isEqualTo(stats.javaCalls() + stats.onednnCalls());
        }
    }

    static TensorView u8(Arena arena, long... shape) {
        TensorView view = TestTensors.dense(arena, DType.U8, shape);
        float[] ones = new float[(int) view.elementCount()];
        java.util.Arrays.fill(ones, 1f);
        return view.copyFrom(ones);
    }

    static TensorView ints(Arena arena, DType type, long... values) {
        TensorView view = TestTensors.dense(arena, type, values.length);
        for (int i = 0; i < values.length; i++) {
            view.setFloat(values[i], i);
        }
        return view;
    }

    /** Bad attention-softmax calls: x is [2, 3, 4, 8] unless said otherwise; dst must stay unchanged. */
    static void attentionCalls(List<BadCall> c) {
        record Attention(
                String name,
                List<String> fragments,
                java.util.function.BiFunction<Arena, TensorView, AttentionOptions> options) {}
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        List<Attention> list = List.of(
                new Attention(
                        "attention: bias does not broadcast",
                        List.of("bias:", "[3, 5, 8]", "[2, 3, 4, 8]"),
                        (arena, x) -> AttentionOptions.defaults().bias(logits(arena, DType.F32, 3, 5, 8))),
                new Attention(
                        "attention: bias of higher rank",
                        List.of("bias:", "[1, 2, 3, 4, 8]", "[2, 3, 4, 8]"),
                        (arena, x) -> AttentionOptions.defaults().bias(logits(arena, DType.F32, 1, 2, 3, 4, 8))),
                new Attention(
                        "attention: bias of integers",
                        List.of("bias:", "i32", "f32, bf16 or f16"),
                        (arena, x) -> AttentionOptions.defaults().bias(ints(arena, DType.I32, 1, 2, 3, 4, 5, 6, 7, 8))),
                new Attention(
                        "attention: mask does not broadcast",
                        List.of("mask:", "[4, 7]", "[2, 3, 4, 8]"),
                        (arena, x) -> AttentionOptions.defaults().mask(u8(arena, 4, 7))),
                new Attention(
                        "attention: mask of floats",
                        List.of("mask:", "f32", "u8"),
                        (arena, x) -> AttentionOptions.defaults().mask(logits(arena, DType.F32, 4, 8))),
                new Attention(
                        "attention: packed mask of 8 bytes for 8 keys",
                        List.of("packedMask:", "[4, 8]", "[2, 3, 4, 8]", "= 1 bytes"),
                        (arena, x) -> AttentionOptions.defaults().packedMask(u8(arena, 4, 8))),
                new Attention(
                        "attention: key length -1",
                        List.of("keyLengths:", "element [1]", "-1", "0 to 8"),
                        (arena, x) -> AttentionOptions.defaults().keyLengths(ints(arena, DType.I32, 8, -1))),
                new Attention(
                        "attention: key length beyond the keys",
                        List.of("keyLengths:", "element [0]", "9", "0 to 8"),
                        (arena, x) -> AttentionOptions.defaults().keyLengths(ints(arena, DType.I64, 9, 2))),
                new Attention(
                        "attention: key lengths of the wrong length",
                        List.of("keyLengths:", "[3]", "[2]"),
                        (arena, x) -> AttentionOptions.defaults().keyLengths(ints(arena, DType.I32, 1, 2, 3))),
                new Attention(
                        "attention: key lengths of floats",
                        List.of("keyLengths:", "f32", "i32 or i64"),
                        (arena, x) -> AttentionOptions.defaults().keyLengths(logits(arena, DType.F32, 2))),
                new Attention(
                        "attention: sinks of the wrong length",
                        List.of("sinks:", "[4]", "[3]"),
                        (arena, x) -> AttentionOptions.defaults().sinks(logits(arena, DType.F32, 4))),
                new Attention("attention: sink NaN", List.of("sinks:", "element [1]", "NaN", "finite"), (arena, x) -> {
                    TensorView sinks = logits(arena, DType.F32, 3);
                    sinks.setFloat(Float.NaN, 1);
                    return AttentionOptions.defaults().sinks(sinks);
                }),
                new Attention(
                        "attention: sink +inf", List.of("sinks:", "element [2]", "Infinity", "finite"), (arena, x) -> {
                            TensorView sinks = logits(arena, DType.F32, 3);
                            sinks.setFloat(Float.POSITIVE_INFINITY, 2);
                            return AttentionOptions.defaults().sinks(sinks);
                        }),
                new Attention(
                        "attention: sinks of bf16",
                        List.of("sinks:", "bf16", "f32"),
                        (arena, x) -> AttentionOptions.defaults().sinks(logits(arena, DType.BF16, 3))),
                new Attention(
                        "attention: softcap -1",
                        List.of("softcap:", "-1.0", "0 (off) or a finite value > 0"),
                        (arena, x) -> AttentionOptions.defaults().softcap(-1f)),
                new Attention(
                        "attention: softcap NaN",
                        List.of("softcap:", "NaN"),
                        (arena, x) -> AttentionOptions.defaults().softcap(Float.NaN)),
                new Attention(
                        "attention: softcap +inf",
                        List.of("softcap:", "Infinity"),
                        (arena, x) -> AttentionOptions.defaults().softcap(Float.POSITIVE_INFINITY)),
                new Attention(
                        "attention: scale 0",
                        List.of("scale:", "0.0", "finite value other than 0"),
                        (arena, x) -> AttentionOptions.defaults().scale(0f)),
                new Attention(
                        "attention: scale NaN",
                        List.of("scale:", "NaN"),
                        (arena, x) -> AttentionOptions.defaults().scale(Float.NaN)),
                new Attention(
                        "attention: scale -inf",
                        List.of("scale:", "-Infinity"),
                        (arena, x) -> AttentionOptions.defaults().scale(Float.NEGATIVE_INFINITY)),
                new Attention(
                        "attention: lse of the wrong shape",
                        List.of("logSumExpOut:", "[2, 3, 8]", "[2, 3, 4]"),
                        (arena, x) -> AttentionOptions.defaults().logSumExpOut(logits(arena, DType.F32, 2, 3, 8))),
                new Attention(
                        "attention: lse of bf16",
                        List.of("logSumExpOut:", "bf16", "f32"),
                        (arena, x) -> AttentionOptions.defaults().logSumExpOut(logits(arena, DType.BF16, 2, 3, 4))),
                new Attention(
                        "attention: lse over x",
                        List.of("logSumExpOut:", "overlaps", "x"),
                        (arena, x) -> AttentionOptions.defaults()
                                .logSumExpOut(TensorView.wrap(x.segment(), DType.F32, 2, 3, 4))),
                new Attention(
                        "attention: bias read-only view of dst",
                        List.of("dst:", "overlaps", "bias"),
                        (arena, x) -> AttentionOptions.defaults().bias(x)));
        for (Attention a : list) {
            c.add(call(a.name(), iae, a.fragments(), (engine, arena) -> {
                TensorView x = logits(arena, DType.F32, 2, 3, 4, 8);
                TensorView dst = a.name().contains("of dst") ? x : logits(arena, DType.BF16, 2, 3, 4, 8);
                AttentionOptions options = a.options().apply(arena, a.name().contains("of dst") ? dst : x);
                return new Prepared(() -> engine.attentionSoftmax(x, dst, options), dst.segment());
            }));
        }
        c.add(call("attention: causal on rank 1", iae, List.of("causal:", "rank 1"), (engine, arena) -> {
            TensorView x = logits(arena, DType.F32, 8);
            TensorView dst = logits(arena, DType.F32, 8);
            return new Prepared(
                    () -> engine.attentionSoftmax(
                            x, dst, AttentionOptions.defaults().causal(2)),
                    dst.segment());
        }));
        c.add(call("attention: sinks on rank 2", iae, List.of("sinks:", "rank 2"), (engine, arena) -> {
            TensorView x = logits(arena, DType.F32, 2, 8);
            TensorView dst = logits(arena, DType.F32, 2, 8);
            AttentionOptions options = AttentionOptions.defaults().sinks(logits(arena, DType.F32, 8));
            return new Prepared(() -> engine.attentionSoftmax(x, dst, options), dst.segment());
        }));
        c.add(call(
                "attention: null options", NullPointerException.class, List.of("options:", "null"), (engine, arena) -> {
                    TensorView x = logits(arena, DType.F32, 2, 8);
                    TensorView dst = logits(arena, DType.F32, 2, 8);
                    return new Prepared(() -> engine.attentionSoftmax(x, dst, null), dst.segment());
                }));
        c.add(call("attention: dst shape", iae, List.of("dst:", "[2, 9]", "[2, 8]"), (engine, arena) -> {
            TensorView x = logits(arena, DType.F32, 2, 8);
            TensorView dst = logits(arena, DType.F32, 2, 9);
            return new Prepared(() -> engine.attentionSoftmax(x, dst, AttentionOptions.defaults()), dst.segment());
        }));
        c.add(call(
                "attention: key length bad after a good call",
                iae,
                List.of("keyLengths:", "element [0]", "40"),
                (engine, arena) -> {
                    // The repeated call reuses its validation, but the data are checked again.
                    TensorView x = logits(arena, DType.F32, 2, 3, 4, 8);
                    TensorView dst = logits(arena, DType.F32, 2, 3, 4, 8);
                    TensorView lengths = ints(arena, DType.I32, 8, 3);
                    AttentionOptions options = AttentionOptions.defaults().keyLengths(lengths);
                    engine.attentionSoftmax(x, dst, options);
                    lengths.setFloat(40, 0);
                    return new Prepared(() -> engine.attentionSoftmax(x, dst, options), dst.segment());
                }));
        c.add(rejecting(
                "attention REJECT: unmasked NaN",
                List.of("x:", "row 7", "column 3", "[0, 1, 3, 3]", "NaN", "not masked"),
                (engine, arena) -> {
                    TensorView x = logits(arena, DType.F32, 2, 3, 4, 8);
                    // masked (beyond the causal limit of row [0, 0, 0]): no error from these
                    x.setFloat(Float.NaN, 0, 0, 0, 5);
                    x.setFloat(Float.POSITIVE_INFINITY, 0, 0, 1, 7);
                    x.setFloat(Float.NaN, 0, 1, 3, 3);
                    TensorView dst = logits(arena, DType.F32, 2, 3, 4, 8);
                    return new Prepared(
                            () -> engine.attentionSoftmax(
                                    x, dst, AttentionOptions.defaults().causal(0)),
                            dst.segment());
                }));
        c.add(rejecting(
                "attention REJECT: unmasked +inf in the bias",
                List.of("bias:", "row 0", "column 2", "Infinity"),
                (engine, arena) -> {
                    TensorView x = logits(arena, DType.F32, 2, 3, 4, 8);
                    TensorView bias = logits(arena, DType.F32, 8);
                    bias.setFloat(Float.POSITIVE_INFINITY, 2);
                    TensorView dst = logits(arena, DType.F32, 2, 3, 4, 8);
                    return new Prepared(
                            () -> engine.attentionSoftmax(
                                    x, dst, AttentionOptions.defaults().bias(bias)),
                            dst.segment());
                }));
    }

    @org.junit.jupiter.api.Test
    void catalogueHasAtLeastTwentyFiveEntries() {
        assertThat(catalogue()).hasSizeGreaterThanOrEqualTo(25);
    }

    // ---------------------------------------------------------------------------------------------------------
    // REJECT in detail: row() and column() follow the documented numbering, on any axis and type.

    record RejectCase(
            String name,
            DType type,
            long[] shape,
            int axis,
            long[] badIndex,
            float badValue,
            long expectedRow,
            long expectedColumn) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rejectCases() {
        List<RejectCase> list = List.of(
                new RejectCase("last axis NaN", DType.F32, new long[] {4, 8}, -1, new long[] {2, 5}, Float.NaN, 2, 5),
                new RejectCase(
                        "axis 0 +inf",
                        DType.F32,
                        new long[] {6, 3},
                        0,
                        new long[] {4, 2},
                        Float.POSITIVE_INFINITY,
                        2,
                        4),
                new RejectCase(
                        "rank 3 axis 1",
                        DType.BF16,
                        new long[] {2, 4, 3},
                        1,
                        new long[] {1, 3, 2},
                        Float.POSITIVE_INFINITY,
                        5,
                        3),
                new RejectCase(
                        "f16 1e30 becomes +inf", DType.F16, new long[] {3, 7}, -1, new long[] {1, 6}, 1e30f, 1, 6),
                new RejectCase(
                        "long row", DType.F32, new long[] {2, 5000}, 1, new long[] {1, 4999}, Float.NaN, 1, 4999));
        List<Arguments> cases = new ArrayList<>();
        for (Backend backend : List.of(Backend.ONEDNN, Backend.JAVA)) {
            for (RejectCase c : list) {
                cases.add(arguments(backend, c));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rejectCases")
    void rejectReportsRowAndColumn(Backend backend, RejectCase c) {
        SoftmaxEngine engine = REJECTING.get(backend);
        try (Arena arena = Arena.ofConfined()) {
            TensorView src = logits(arena, c.type(), c.shape());
            src.setFloat(c.badValue(), c.badIndex());
            // A later non-finite value must not be the one reported.
            long[] later = c.shape().clone();
            for (int d = 0; d < later.length; d++) {
                later[d] -= 1;
            }
            if (!java.util.Arrays.equals(later, c.badIndex())) {
                src.setFloat(Float.NaN, later);
            }
            TensorView dst = logits(arena, DType.F32, c.shape());
            byte[] dstBefore = TestTensors.snapshot(dst.segment());
            byte[] srcBefore = TestTensors.snapshot(src.segment());
            NonFiniteInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                    NonFiniteInputException.class, () -> engine.softmax(src, dst, c.axis()));
            assertThat(e.row()).as("row()").isEqualTo(c.expectedRow());
            assertThat(e.column()).as("column()").isEqualTo(c.expectedColumn());
            assertThat(e.getMessage())
                    .contains(
                            "row " + c.expectedRow(),
                            "column " + c.expectedColumn(),
                            java.util.Arrays.toString(c.badIndex()));
            TestTensors.assertBytesUnchanged("dst after REJECT", dstBefore, dst.segment());
            assertThatThrownBy(() -> engine.logSoftmax(src, src, c.axis(), 2f))
                    .isInstanceOf(NonFiniteInputException.class);
            TestTensors.assertBytesUnchanged("src after in-place REJECT", srcBefore, src.segment());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothBackends")
    void rejectStillComputesFullyMaskedRowsAsZero(Backend backend) {
        // REJECT accepts -inf (a mask): fully masked rows behave as under ZERO.
        SoftmaxEngine engine = REJECTING.get(backend);
        try (Arena arena = Arena.ofConfined()) {
            TensorView src = logits(arena, DType.F32, 3, 16);
            for (int i = 0; i < 16; i++) {
                src.setFloat(Float.NEGATIVE_INFINITY, 1, i);
            }
            src.setFloat(Float.NEGATIVE_INFINITY, 0, 3);
            TensorView dst = TestTensors.dense(arena, DType.F32, 3, 16);
            SoftmaxCheck.run(engine, "REJECT with masks", src, dst, -1, false, 1f);
            SoftmaxCheck.run(engine, "REJECT with masks, log", src, dst, -1, true, 1f);
            assertThat(dst.getFloat(1, 0)).isEqualTo(Float.NEGATIVE_INFINITY);
        }
    }

    static Stream<Backend> bothBackends() {
        return Stream.of(Backend.ONEDNN, Backend.JAVA);
    }

    // Regression: in-place views whose elements share memory were once computed instead of rejected.
    @ParameterizedTest(name = "{0} strides={1}")
    @MethodSource("inPlaceSharedElements")
    void inPlaceViewWhoseElementsShareMemoryIsRejected(Backend backend, long[] strides, long[] shape) {
        SoftmaxEngine engine = ENGINES.get(backend);
        try (Arena arena = Arena.ofConfined()) {
            TensorView backing = logits(arena, DType.F32, 8);
            TensorView view = TensorView.wrap(backing.segment(), DType.F32, shape, strides);
            byte[] before = TestTensors.snapshot(backing.segment());
            float[] input = backing.toFloatArray();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> engine.softmax(view, view));
            assertThat(thrown)
                    .as(
                            "%s: in-place softmax over shape %s strides %s was accepted; the 8 floats %s now"
                                    + " hold %s",
                            backend,
                            java.util.Arrays.toString(shape),
                            java.util.Arrays.toString(strides),
                            java.util.Arrays.toString(input),
                            java.util.Arrays.toString(backing.toFloatArray()))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(thrown).hasMessageContaining("dst:").hasMessageContaining("share memory");
            TestTensors.assertBytesUnchanged("in-place view with shared elements", before, backing.segment());
        }
    }

    static Stream<Arguments> inPlaceSharedElements() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend backend : List.of(Backend.ONEDNN, Backend.JAVA)) {
            // Three rows that are the same memory (broadcast), and a row whose four elements are one float.
            cases.add(arguments(backend, new long[] {0, 1}, new long[] {3, 8}));
            cases.add(arguments(backend, new long[] {0}, new long[] {4}));
        }
        return cases.stream();
    }
}
