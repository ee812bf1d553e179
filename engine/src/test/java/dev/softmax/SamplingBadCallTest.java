package dev.softmax;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad sampling call of issue 12, item 10 (and the operand errors around it), in the style of
 * {@link BadCallCatalogueTest}: the exception type, the message naming the argument, the row and the value, and
 * every output (and the logits, which the valid call would process in place) unchanged, byte for byte.
 */
class SamplingBadCallTest {

    static final int ROWS = 3;
    static final int VOCAB = 70; // three bitmask words, the last one partial
    static final int WORDS = 3;

    private static SoftmaxEngine engine;

    @BeforeAll
    static void open() {
        engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.JAVA).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** A valid decode step (with every optional input and output) that each case breaks in one place. */
    static final class Fixture {
        final Arena arena;
        TensorView logits;
        final SamplingParameters params;
        final TensorView history;
        final TensorView biasIds;
        final TensorView biasValues;
        final TensorView mask;
        TensorView tokens;
        TensorView logprobs;
        TensorView topIds;
        TensorView topLogprobs;

        Fixture(Arena arena) {
            this.arena = arena;
            Random random = new Random(1);
            logits = TensorView.allocate(arena, DType.F32, ROWS, VOCAB)
                    .copyFrom(TestTensors.normal(random, ROWS * VOCAB, 2));
            history = TensorView.allocate(arena, DType.I32, ROWS, 5);
            biasIds = TensorView.allocate(arena, DType.I64, ROWS, 2);
            biasValues = TensorView.allocate(arena, DType.F32, ROWS, 2);
            mask = TensorView.allocate(arena, DType.I32, ROWS, WORDS);
            for (int i = 0; i < ROWS * 5; i++) {
                history.segment().setAtIndex(ValueLayout.JAVA_INT, i, i % VOCAB);
            }
            for (int i = 0; i < ROWS * 2; i++) {
                biasIds.segment().setAtIndex(ValueLayout.JAVA_LONG, i, 60 + i);
                biasValues.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.5f);
            }
            for (int i = 0; i < ROWS * WORDS; i++) {
                mask.segment().setAtIndex(ValueLayout.JAVA_INT, i, 0x0F0F0F0F);
            }
            params = SamplingParameters.allocate(arena, ROWS)
                    .history(history)
                    .logitBias(biasIds, biasValues)
                    .allowedTokens(mask)
                    .forEachRow(row -> row.temperature(0.8f)
                            .topK(10)
                            .topP(0.9f)
                            .minP(0.01f)
                            .repetitionPenalty(1.1f)
                            .presencePenalty(0.2f)
                            .frequencyPenalty(0.1f)
                            .historyLength(5)
                            .biasCount(2)
                            .seed(3));
            tokens = filled(TensorView.allocate(arena, DType.I64, ROWS));
            logprobs = filled(TensorView.allocate(arena, DType.F32, ROWS));
            topIds = filled(TensorView.allocate(arena, DType.I32, ROWS, 4));
            topLogprobs = filled(TensorView.allocate(arena, DType.F32, ROWS, 4));
        }

        static TensorView filled(TensorView view) {
            view.segment().fill(TestTensors.PATTERN);
            return view;
        }

        DecodeOutputs outputs() {
            return DecodeOutputs.of(tokens)
                    .withLogprobs(logprobs)
                    .withTopLogprobs(topIds, topLogprobs, DecodeOutputs.LogprobSource.PROCESSED)
                    .withLogitsProcessedInPlace(true);
        }

        void sample() {
            engine.sample(logits, params, outputs());
        }

        void setLogit(int row, int token, float value) {
            logits.setFloat(value, row, token);
        }

        void setMaskWord(int row, int word, int value) {
            mask.segment().setAtIndex(ValueLayout.JAVA_INT, (long) row * WORDS + word, value);
        }

        /** Every memory a rejected call must leave as it was. */
        List<MemorySegment> watched() {
            return List.of(
                    logits.segment(), tokens.segment(), logprobs.segment(), topIds.segment(), topLogprobs.segment());
        }
    }

    record BadCall(
            String name,
            Class<? extends Throwable> type,
            List<String> fragments,
            Function<Fixture, ThrowingCallable> setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    static BadCall bad(
            String name,
            Class<? extends Throwable> type,
            List<String> fragments,
            Function<Fixture, ThrowingCallable> setup) {
        return new BadCall(name, type, fragments, setup);
    }

    /** A case that changes the fixture, then runs the fused step. */
    static BadCall badSample(
            String name,
            Class<? extends Throwable> type,
            List<String> fragments,
            java.util.function.Consumer<Fixture> change) {
        return new BadCall(name, type, fragments, f -> {
            change.accept(f);
            return f::sample;
        });
    }

    static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

    static List<BadCall> catalogue() {
        List<BadCall> c = new ArrayList<>();
        // settings
        c.add(badSample(
                "temperature < 0",
                IAE,
                List.of("parameters:", "row 2", "temperature", "-0.5"),
                f -> f.params.row(2).temperature(-0.5f)));
        c.add(badSample(
                "temperature NaN",
                IAE,
                List.of("parameters:", "row 1", "temperature", "NaN"),
                f -> f.params.row(1).temperature(Float.NaN)));
        c.add(badSample(
                "temperature +inf",
                IAE,
                List.of("parameters:", "row 0", "temperature", "Infinity"),
                f -> f.params.row(0).temperature(Float.POSITIVE_INFINITY)));
        c.add(badSample(
                "top-k < 0",
                IAE,
                List.of("parameters:", "row 1", "topK", "-1"),
                f -> f.params.row(1).topK(-1)));
        c.add(badSample(
                "top-p 0",
                IAE,
                List.of("parameters:", "row 0", "topP", "0.0", "(0, 1]"),
                f -> f.params.row(0).topP(0f)));
        c.add(badSample(
                "top-p > 1",
                IAE,
                List.of("parameters:", "row 2", "topP", "1.5"),
                f -> f.params.row(2).topP(1.5f)));
        c.add(badSample(
                "top-p NaN",
                IAE,
                List.of("parameters:", "row 2", "topP", "NaN"),
                f -> f.params.row(2).topP(Float.NaN)));
        c.add(badSample(
                "min-p < 0",
                IAE,
                List.of("parameters:", "row 1", "minP", "-0.1"),
                f -> f.params.row(1).minP(-0.1f)));
        c.add(badSample(
                "min-p > 1",
                IAE,
                List.of("parameters:", "row 1", "minP", "1.01"),
                f -> f.params.row(1).minP(1.01f)));
        c.add(badSample(
                "min-p NaN",
                IAE,
                List.of("parameters:", "row 0", "minP", "NaN"),
                f -> f.params.row(0).minP(Float.NaN)));
        c.add(badSample(
                "repetition penalty 0",
                IAE,
                List.of("parameters:", "row 2", "repetitionPenalty", "0.0"),
                f -> f.params.row(2).repetitionPenalty(0f)));
        c.add(badSample(
                "repetition penalty < 0",
                IAE,
                List.of("parameters:", "row 1", "repetitionPenalty", "-2.0"),
                f -> f.params.row(1).repetitionPenalty(-2f)));
        c.add(badSample(
                "repetition penalty NaN",
                IAE,
                List.of("parameters:", "row 0", "repetitionPenalty", "NaN"),
                f -> f.params.row(0).repetitionPenalty(Float.NaN)));
        c.add(badSample(
                "presence penalty NaN",
                IAE,
                List.of("parameters:", "row 1", "presencePenalty", "NaN"),
                f -> f.params.row(1).presencePenalty(Float.NaN)));
        c.add(badSample(
                "frequency penalty +inf",
                IAE,
                List.of("parameters:", "row 2", "frequencyPenalty", "Infinity"),
                f -> f.params.row(2).frequencyPenalty(Float.POSITIVE_INFINITY)));
        // token ids
        c.add(badSample(
                "history id negative",
                IAE,
                List.of("history:", "row 1", "position 3", "-1", "[0, 70)"),
                f -> f.history.segment().setAtIndex(ValueLayout.JAVA_INT, 5 + 3, -1)));
        c.add(badSample(
                "history id = vocab",
                IAE,
                List.of("history:", "row 2", "position 0", "70"),
                f -> f.history.segment().setAtIndex(ValueLayout.JAVA_INT, 10, VOCAB)));
        c.add(badSample(
                "history length beyond its columns",
                IAE,
                List.of("parameters:", "row 0", "historyLength", "6"),
                f -> f.params.row(0).historyLength(6)));
        c.add(badSample(
                "history missing",
                NullPointerException.class,
                List.of("history:", "null"),
                f -> f.params.history(null)));
        c.add(badSample(
                "history of floats",
                IAE,
                List.of("history:", "f32", "i32 or i64"),
                f -> f.params.history(TensorView.allocate(f.arena, DType.F32, ROWS, 5))));
        c.add(badSample(
                "bias id = vocab",
                IAE,
                List.of("biasIds:", "row 0", "position 1", "70"),
                f -> f.biasIds.segment().setAtIndex(ValueLayout.JAVA_LONG, 1, VOCAB)));
        c.add(badSample(
                "bias id negative",
                IAE,
                List.of("biasIds:", "row 2", "position 0", "-3"),
                f -> f.biasIds.segment().setAtIndex(ValueLayout.JAVA_LONG, 4, -3)));
        c.add(badSample(
                "bias value NaN",
                IAE,
                List.of("biasValues:", "row 1", "position 1", "NaN"),
                f -> f.biasValues.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 3, Float.NaN)));
        c.add(badSample(
                "bias count beyond its columns",
                IAE,
                List.of("parameters:", "row 1", "biasCount", "3"),
                f -> f.params.row(1).biasCount(3)));
        // bitmask
        c.add(badSample(
                "bitmask shorter than ceil(vocab / 32)",
                IAE,
                List.of("allowedTokens:", "[3, 2]", "ceil(70 / 32) = 3"),
                f -> f.params.allowedTokens(TensorView.allocate(f.arena, DType.I32, ROWS, 2))));
        c.add(badSample(
                "bitmask of i64 words",
                IAE,
                List.of("allowedTokens:", "i64", "i32"),
                f -> f.params.allowedTokens(TensorView.allocate(f.arena, DType.I64, ROWS, WORDS))));
        c.add(badSample("bitmask allows no token", IAE, List.of("allowedTokens:", "row 1", "allows no token"), f -> {
            f.setMaskWord(1, 0, 0);
            f.setMaskWord(1, 1, 0);
            f.setMaskWord(1, 2, ~0x3F); // bits beyond token 69 do not count
        }));
        c.add(badSample("allowed tokens all at -inf", IAE, List.of("logits:", "row 0", "allowed"), f -> {
            f.setMaskWord(0, 0, 0b1);
            f.setMaskWord(0, 1, 0);
            f.setMaskWord(0, 2, 0);
            f.setLogit(0, 0, Float.NEGATIVE_INFINITY);
        }));
        // rows with no distribution
        c.add(badSample(
                "row holding NaN",
                NonFiniteInputException.class,
                List.of("logits:", "row 2", "NaN", "token 17"),
                f -> f.setLogit(2, 17, Float.NaN)));
        c.add(badSample(
                "row holding +inf",
                NonFiniteInputException.class,
                List.of("logits:", "row 1", "Infinity", "token 5"),
                f -> f.setLogit(1, 5, Float.POSITIVE_INFINITY)));
        c.add(badSample("row all -inf", IAE, List.of("logits:", "row 0", "no token"), f -> {
            f.params.allowedTokens(null);
            for (int i = 0; i < VOCAB; i++) {
                f.setLogit(0, i, Float.NEGATIVE_INFINITY);
            }
        }));
        // operands
        c.add(badSample(
                "tokens too small",
                IAE,
                List.of("tokens:", "[2]", "[3]"),
                f -> f.tokens = Fixture.filled(TensorView.allocate(f.arena, DType.I64, ROWS - 1))));
        c.add(badSample(
                "tokens of floats",
                IAE,
                List.of("tokens:", "f32", "i32 or i64"),
                f -> f.tokens = Fixture.filled(TensorView.allocate(f.arena, DType.F32, ROWS))));
        c.add(badSample(
                "logprobs of ints",
                IAE,
                List.of("logprobs:", "i32"),
                f -> f.logprobs = Fixture.filled(TensorView.allocate(f.arena, DType.I32, ROWS))));
        c.add(badSample(
                "logprobs too small",
                IAE,
                List.of("logprobs:", "[2]", "[3]"),
                f -> f.logprobs = Fixture.filled(TensorView.allocate(f.arena, DType.F32, ROWS - 1))));
        c.add(badSample("top-N of 21", IAE, List.of("topIds:", "[3, 21]", "N <= 20"), f -> {
            f.topIds = Fixture.filled(TensorView.allocate(f.arena, DType.I32, ROWS, 21));
            f.topLogprobs = Fixture.filled(TensorView.allocate(f.arena, DType.F32, ROWS, 21));
        }));
        c.add(badSample(
                "top logprobs narrower than top ids",
                IAE,
                List.of("topLogprobs:", "[3, 3]", "[3, 4]"),
                f -> f.topLogprobs = Fixture.filled(TensorView.allocate(f.arena, DType.F32, ROWS, 3))));
        c.add(badSample(
                "top ids of floats",
                IAE,
                List.of("topIds:", "f32"),
                f -> f.topIds = Fixture.filled(TensorView.allocate(f.arena, DType.F32, ROWS, 4))));
        c.add(badSample(
                "read-only tokens",
                IAE,
                List.of("tokens:", "read-only"),
                f -> f.tokens = TensorView.wrap(f.tokens.segment().asReadOnly(), DType.I64, ROWS)));
        c.add(badSample(
                "tokens overlapping logits",
                IAE,
                List.of("tokens:", "overlaps"),
                f -> f.tokens = TensorView.wrap(f.logits.segment(), DType.I64, ROWS)));
        c.add(badSample(
                "rows of logits and parameters differ",
                IAE,
                List.of("logits:", "2 rows", "3 rows"),
                f -> f.logits = TensorView.wrap(f.logits.segment(), DType.F32, ROWS - 1, VOCAB)));
        c.add(badSample(
                "logits of rank 3",
                IAE,
                List.of("logits:", "[rows, vocab]"),
                f -> f.logits = TensorView.wrap(f.logits.segment(), DType.F32, ROWS, 7, 10)));
        c.add(bad(
                "null parameters",
                NullPointerException.class,
                List.of("parameters:", "null"),
                f -> () -> engine.sample(f.logits, null, f.outputs())));
        // the pieces
        c.add(bad(
                "argmax of a row holding NaN", NonFiniteInputException.class, List.of("logits:", "row 1", "NaN"), f -> {
                    f.setLogit(1, 3, Float.NaN);
                    return () -> engine.argmax(f.logits, f.tokens);
                }));
        c.add(bad("top-k mask with k < 0", IAE, List.of("parameters:", "row 0", "topK", "-4"), f -> {
            f.params.row(0).topK(-4);
            return () -> engine.topKMaskLogits(f.logits, f.params, f.logits);
        }));
        c.add(bad("top-p renorm with p 0", IAE, List.of("parameters:", "row 1", "topP"), f -> {
            f.params.row(1).topP(0f);
            f.params.allowedTokens(null);
            return () -> engine.topPRenormProbabilities(f.logits, f.params, f.logits);
        }));
        c.add(bad(
                "sampling from a negative probability",
                IAE,
                List.of("probabilities:", "row 0", "-1.0", "token 2"),
                f -> {
                    probabilities(f);
                    f.setLogit(0, 2, -1f);
                    return () -> engine.sampleFromProbabilities(f.logits, f.params, f.tokens);
                }));
        c.add(bad("sampling from an all-zero row", IAE, List.of("probabilities:", "row 2", "all zero"), f -> {
            probabilities(f);
            for (int i = 0; i < VOCAB; i++) {
                f.setLogit(2, i, 0f);
            }
            return () -> engine.sampleFromProbabilities(f.logits, f.params, f.tokens);
        }));
        c.add(bad(
                "sampling from probabilities holding +inf",
                NonFiniteInputException.class,
                List.of("probabilities:", "row 1", "Infinity"),
                f -> {
                    probabilities(f);
                    f.setLogit(1, 0, Float.POSITIVE_INFINITY);
                    return () -> engine.topKRenormProbabilities(f.logits, f.params, f.logits);
                }));
        c.add(bad(
                "speculative draft token out of range",
                IAE,
                List.of("draftTokens:", "row 1", "position 0", "70"),
                f -> speculative(f, VOCAB, DType.I32)));
        c.add(bad(
                "speculative emitted too narrow",
                IAE,
                List.of("emitted:", "[3, 1]", "[3, 2]"),
                f -> speculative(f, 1, DType.I32)));
        c.add(bad(
                "speculative accepted of floats", IAE, List.of("accepted:", "f32"), f -> speculative(f, 1, DType.F32)));
        return c;
    }

    /** Turns the fixture's logits into probabilities (positive values). */
    static void probabilities(Fixture f) {
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < VOCAB; i++) {
                f.setLogit(r, i, 0.01f + (i % 7) * 0.1f);
            }
        }
    }

    /**
     * A verification with k = 1 over the fixture's logits as probabilities; row 1's draft token is
     * {@code tokenOfRow1}; {@code emitted} is too narrow when tokenOfRow1 is in range, accepted has {@code acceptedType}.
     */
    static ThrowingCallable speculative(Fixture f, int tokenOfRow1, DType acceptedType) {
        probabilities(f);
        TensorView target =
                TensorView.wrap(f.logits.segment(), DType.F32, new long[] {ROWS, 2, VOCAB}, new long[] {VOCAB, 0, 1});
        TensorView draft = TensorView.wrap(f.logits.segment(), DType.F32, ROWS, 1, VOCAB);
        TensorView draftTokens = TensorView.allocate(f.arena, DType.I32, ROWS, 1);
        draftTokens.segment().setAtIndex(ValueLayout.JAVA_INT, 1, tokenOfRow1);
        TensorView accepted = acceptedType == DType.F32 ? f.logprobs : f.tokens;
        TensorView emitted = tokenOfRow1 == VOCAB || acceptedType == DType.F32
                ? f.topIds
                : TensorView.wrap(f.topIds.segment(), DType.I32, ROWS, 1);
        if (tokenOfRow1 == VOCAB || acceptedType == DType.F32) {
            emitted = TensorView.wrap(f.topIds.segment(), DType.I32, ROWS, 2);
        }
        TensorView e = emitted;
        return () -> engine.verifySpeculative(target, draft, draftTokens, f.params, accepted, e);
    }

    @Test
    void theFixtureItselfIsValid() {
        try (Arena arena = Arena.ofConfined()) {
            Fixture f = new Fixture(arena);
            assertThatCode(f::sample).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void rejectedBeforeAnythingIsWritten(BadCall bad) {
        try (Arena arena = Arena.ofConfined()) {
            Fixture f = new Fixture(arena);
            ThrowingCallable call = bad.setup().apply(f);
            List<MemorySegment> watched = f.watched();
            List<byte[]> before = watched.stream().map(TestTensors::snapshot).toList();
            var thrown = assertThatThrownBy(call).isInstanceOf(bad.type());
            for (String fragment : bad.fragments()) {
                thrown.hasMessageContaining(fragment);
            }
            for (int i = 0; i < watched.size(); i++) {
                TestTensors.assertBytesUnchanged(bad.name() + ": operand " + i, before.get(i), watched.get(i));
            }
        }
    }
}
