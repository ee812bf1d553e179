package dev.softmax;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The per-row settings of a batch of decode requests: one row of logits is one request, with its own temperature,
 * filters, penalties, seed and step. The scalar settings live in an off-heap segment ({@value #ROW_BYTES} bytes a
 * row, allocated in the caller's arena); the per-token data (histories, logit biases, the allowed-token bitmask)
 * are {@link TensorView}s attached to the batch, so nothing is a per-token object.
 *
 * <pre>{@code
 * SamplingParameters params = SamplingParameters.allocate(arena, 64);   // defaults: T 1, no filter, seed 0
 * params.row(3).temperature(0.8f).topK(50).topP(0.9f).seed(1234).step(17);
 * params.history(historyIds);                 // i32/i64 [64, H]; row r uses its first historyLength(r) ids
 * params.row(3).repetitionPenalty(1.2f).historyLength(12);
 * }</pre>
 *
 * <p>Per row (defaults in brackets): {@code temperature} [1; 0 = greedy], {@code topK} [0 = off],
 * {@code topP} [1 = off], {@code minP} [0 = off], {@code seed} [0], {@code step} [0],
 * {@code repetitionPenalty} [1 = off], {@code presencePenalty} [0], {@code frequencyPenalty} [0],
 * {@code historyLength} [0], {@code biasCount} [0], {@code temperatureLast} [false]. Values are checked when a
 * call uses them (the engine's validation names the row and the value), not when they are set.
 *
 * <p>Semantics (applied in this order by {@link SoftmaxEngine#sample}):
 * <ol>
 *   <li><b>penalties</b>, over the distinct tokens of the row's history (its first {@code historyLength} ids):
 *       the repetition penalty divides a positive logit by the penalty and multiplies a negative one (CTRL,
 *       Hugging Face), once per distinct token; then, with {@code c} the token's count in the history,
 *       {@code logit -= frequencyPenalty * c + presencePenalty} (OpenAI);</li>
 *   <li><b>logit bias</b>: for each of the row's first {@code biasCount} entries {@code (id, bias)},
 *       {@code logit[id] += bias} (an id listed twice gets both), then the <b>allowed-token bitmask</b>: a token
 *       whose bit is clear becomes -inf;</li>
 *   <li><b>temperature</b> (unless {@code temperatureLast}): logits are multiplied by the f32 value
 *       {@code 1 / temperature}; temperature 0 is greedy: the argmax of the processed logits, lowest id on ties,
 *       whatever the filters;</li>
 *   <li><b>top-k</b>: the k largest logits, ties broken by lower token id; <b>top-p</b>: the shortest prefix of
 *       the kept tokens sorted by probability (descending, ties by lower id) whose cumulative probability reaches
 *       p; <b>min-p</b>: the kept tokens whose probability is at least {@code minP} times the largest. Each acts
 *       on the renormalised result of the one before;</li>
 *   <li>with {@code temperatureLast} (llama.cpp's chain) the filters see the unscaled logits and the temperature
 *       applies to the kept set only, just before the draw.</li>
 * </ol>
 * A logit of -inf is a masked token: it is never drawn and never kept by a filter. A row whose logits hold NaN or
 * +inf, or in which no token is both allowed and finite, is rejected before anything is written.
 *
 * <p>Thread safety: setting values is not synchronised; set them, then call the engine (from any thread that may
 * read the arena's memory). The engine only reads the batch, so concurrent calls may share one.
 */
public final class SamplingParameters {

    /** Bytes of one row's settings in {@link #segment()}. */
    public static final int ROW_BYTES = 64;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;

    private static final long TEMPERATURE = 0;
    private static final long TOP_K = 4;
    private static final long TOP_P = 8;
    private static final long MIN_P = 12;
    private static final long SEED = 16;
    private static final long STEP = 24;
    private static final long REPETITION = 32;
    private static final long PRESENCE = 36;
    private static final long FREQUENCY = 40;
    private static final long HISTORY_LENGTH = 44;
    private static final long BIAS_COUNT = 48;
    private static final long FLAGS = 52;
    private static final int TEMPERATURE_LAST = 1;

    private final MemorySegment segment;
    private final int rows;
    private TensorView history;
    private TensorView biasIds;
    private TensorView biasValues;
    private TensorView allowedTokens;

    private SamplingParameters(MemorySegment segment, int rows) {
        this.segment = segment;
        this.rows = rows;
        for (int r = 0; r < rows; r++) {
            row(r).temperature(1f)
                    .topK(0)
                    .topP(1f)
                    .minP(0f)
                    .seed(0)
                    .step(0)
                    .repetitionPenalty(1f)
                    .presencePenalty(0f)
                    .frequencyPenalty(0f)
                    .historyLength(0)
                    .biasCount(0)
                    .temperatureLast(false);
        }
    }

    /** A batch of {@code rows} requests with default settings, its segment allocated in {@code arena}. */
    public static SamplingParameters allocate(Arena arena, int rows) {
        Objects.requireNonNull(arena, "arena");
        if (rows < 0) {
            throw new IllegalArgumentException("rows: " + rows + " is negative; expected >= 0");
        }
        return new SamplingParameters(arena.allocate(Math.max(1, (long) rows * ROW_BYTES), 64), rows);
    }

    public int rows() {
        return rows;
    }

    /** The settings' memory: row r at byte {@code r * ROW_BYTES}. */
    public MemorySegment segment() {
        return segment;
    }

    /** A setter for row {@code r}'s settings (a small view: allocate it while preparing, not per token). */
    public Row row(int r) {
        Objects.checkIndex(r, rows);
        return new Row(r);
    }

    /** Applies the same settings to every row. */
    public SamplingParameters forEachRow(java.util.function.Consumer<Row> settings) {
        for (int r = 0; r < rows; r++) {
            settings.accept(new Row(r));
        }
        return this;
    }

    /** Token histories, i32 or i64 {@code [rows, H]}: row r's history is its first {@code historyLength(r)} ids. */
    public SamplingParameters history(TensorView ids) {
        this.history = ids;
        return this;
    }

    /**
     * Logit biases: ids i32 or i64 {@code [rows, B]} and values f32/bf16/f16 {@code [rows, B]}; row r uses its
     * first {@code biasCount(r)} pairs. Values must be finite.
     */
    public SamplingParameters logitBias(TensorView ids, TensorView values) {
        this.biasIds = ids;
        this.biasValues = values;
        return this;
    }

    /**
     * The allowed-token bitmask, i32 {@code [rows, W]} with {@code W >= ceil(vocab / 32)}: bit {@code i % 32} of
     * word {@code i / 32} set means token i is allowed (the format of structured-output engines). Null: all allowed.
     */
    public SamplingParameters allowedTokens(TensorView bitmask) {
        this.allowedTokens = bitmask;
        return this;
    }

    public TensorView history() {
        return history;
    }

    public TensorView biasIds() {
        return biasIds;
    }

    public TensorView biasValues() {
        return biasValues;
    }

    public TensorView allowedTokens() {
        return allowedTokens;
    }

    public float temperature(int r) {
        return segment.get(F, at(r) + TEMPERATURE);
    }

    public int topK(int r) {
        return segment.get(I, at(r) + TOP_K);
    }

    public float topP(int r) {
        return segment.get(F, at(r) + TOP_P);
    }

    public float minP(int r) {
        return segment.get(F, at(r) + MIN_P);
    }

    public long seed(int r) {
        return segment.get(L, at(r) + SEED);
    }

    public long step(int r) {
        return segment.get(L, at(r) + STEP);
    }

    public float repetitionPenalty(int r) {
        return segment.get(F, at(r) + REPETITION);
    }

    public float presencePenalty(int r) {
        return segment.get(F, at(r) + PRESENCE);
    }

    public float frequencyPenalty(int r) {
        return segment.get(F, at(r) + FREQUENCY);
    }

    public int historyLength(int r) {
        return segment.get(I, at(r) + HISTORY_LENGTH);
    }

    public int biasCount(int r) {
        return segment.get(I, at(r) + BIAS_COUNT);
    }

    public boolean temperatureLast(int r) {
        return (segment.get(I, at(r) + FLAGS) & TEMPERATURE_LAST) != 0;
    }

    private long at(int r) {
        return (long) Objects.checkIndex(r, rows) * ROW_BYTES;
    }

    /** Row {@code index}'s settings; each setter returns this row, so they chain. */
    public final class Row {
        private final long base;

        private Row(int index) {
            this.base = (long) index * ROW_BYTES;
        }

        /** 0 = greedy; otherwise logits are multiplied by {@code 1 / temperature}. Default 1. */
        public Row temperature(float value) {
            segment.set(F, base + TEMPERATURE, value);
            return this;
        }

        /** Keep the k largest logits (ties: lower id); 0 = off. Default 0. */
        public Row topK(int value) {
            segment.set(I, base + TOP_K, value);
            return this;
        }

        /** Nucleus: in (0, 1]; 1 = off. Default 1. */
        public Row topP(float value) {
            segment.set(F, base + TOP_P, value);
            return this;
        }

        /** Keep probabilities >= minP * the largest; in [0, 1]; 0 = off. Default 0. */
        public Row minP(float value) {
            segment.set(F, base + MIN_P, value);
            return this;
        }

        /** The request's seed (the Philox key). Default 0. */
        public Row seed(long value) {
            segment.set(L, base + SEED, value);
            return this;
        }

        /** The request's decode step (part of the Philox counter): a new step gives new random numbers. */
        public Row step(long value) {
            segment.set(L, base + STEP, value);
            return this;
        }

        /** > 0; 1 = off. Default 1. */
        public Row repetitionPenalty(float value) {
            segment.set(F, base + REPETITION, value);
            return this;
        }

        /** Subtracted once from every token present in the history (finite, may be negative). Default 0. */
        public Row presencePenalty(float value) {
            segment.set(F, base + PRESENCE, value);
            return this;
        }

        /** Subtracted per occurrence in the history (finite, may be negative). Default 0. */
        public Row frequencyPenalty(float value) {
            segment.set(F, base + FREQUENCY, value);
            return this;
        }

        /** How many ids of this row of {@link #history(TensorView)} are its history. Default 0. */
        public Row historyLength(int value) {
            segment.set(I, base + HISTORY_LENGTH, value);
            return this;
        }

        /** How many pairs of this row of {@link #logitBias} apply. Default 0. */
        public Row biasCount(int value) {
            segment.set(I, base + BIAS_COUNT, value);
            return this;
        }

        /** Apply the temperature after min-p (llama.cpp's order) instead of before the filters. Default false. */
        public Row temperatureLast(boolean value) {
            int flags = segment.get(I, base + FLAGS);
            segment.set(I, base + FLAGS, value ? flags | TEMPERATURE_LAST : flags & ~TEMPERATURE_LAST);
            return this;
        }
    }
}
