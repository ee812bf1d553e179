package dev.softmax;

import java.util.Objects;

/**
 * Where {@link SoftmaxEngine#sample} writes, per row: the token id, and optionally its log-probability under the
 * processed distribution, under the raw softmax, and the top-N ids and log-probabilities. Immutable; build it once
 * and reuse it every step.
 *
 * <pre>{@code
 * DecodeOutputs out = DecodeOutputs.of(tokens)                  // i32 or i64 [rows]
 *         .withLogprobs(chosenLogprob)                          // f32/bf16/f16 [rows]
 *         .withTopLogprobs(topIds, topLogprobs, LogprobSource.PROCESSED);   // [rows, N], N <= 20
 * }</pre>
 *
 * <p><b>Processed</b> log-probabilities are those of the distribution the token was drawn from: after penalties,
 * bias, bitmask, temperature and filters, renormalised over the kept tokens (0 for a greedy row's argmax).
 * <b>Raw</b> ones are the log-softmax of the logits as given. Top-N entries are sorted by log-probability
 * (descending, ties by lower id); under PROCESSED, when fewer than N tokens were kept, the remaining entries are id
 * -1 and -inf.
 */
public final class DecodeOutputs {

    /** Largest N of the top-N outputs (OpenAI's {@code top_logprobs} limit). */
    public static final int MAX_TOP = 20;

    /** Which distribution the top-N log-probabilities describe. */
    public enum LogprobSource {
        /** The distribution the token was drawn from (after every processor and filter). */
        PROCESSED,
        /** The log-softmax of the unprocessed logits. */
        RAW
    }

    private final TensorView tokens;
    private final TensorView logprobs;
    private final TensorView rawLogprobs;
    private final TensorView topIds;
    private final TensorView topLogprobs;
    private final LogprobSource topSource;
    private final boolean processLogitsInPlace;

    private DecodeOutputs(
            TensorView tokens,
            TensorView logprobs,
            TensorView rawLogprobs,
            TensorView topIds,
            TensorView topLogprobs,
            LogprobSource topSource,
            boolean processLogitsInPlace) {
        this.tokens = tokens;
        this.logprobs = logprobs;
        this.rawLogprobs = rawLogprobs;
        this.topIds = topIds;
        this.topLogprobs = topLogprobs;
        this.topSource = topSource;
        this.processLogitsInPlace = processLogitsInPlace;
    }

    /** Token ids only: i32 or i64 {@code [rows]}. */
    public static DecodeOutputs of(TensorView tokens) {
        return new DecodeOutputs(tokens, null, null, null, null, LogprobSource.PROCESSED, false);
    }

    /** Also the chosen token's processed log-probability, f32/bf16/f16 {@code [rows]}. */
    public DecodeOutputs withLogprobs(TensorView logprobs) {
        return new DecodeOutputs(tokens, logprobs, rawLogprobs, topIds, topLogprobs, topSource, processLogitsInPlace);
    }

    /** Also the chosen token's raw log-probability (log-softmax of the logits as given), {@code [rows]}. */
    public DecodeOutputs withRawLogprobs(TensorView rawLogprobs) {
        return new DecodeOutputs(tokens, logprobs, rawLogprobs, topIds, topLogprobs, topSource, processLogitsInPlace);
    }

    /** Also the top-N: ids i32/i64 {@code [rows, N]} and log-probabilities {@code [rows, N]}, 1 <= N <= 20. */
    public DecodeOutputs withTopLogprobs(TensorView ids, TensorView logprobs, LogprobSource source) {
        return new DecodeOutputs(
                tokens,
                this.logprobs,
                rawLogprobs,
                ids,
                logprobs,
                Objects.requireNonNull(source, "source"),
                processLogitsInPlace);
    }

    /**
     * When true, the logits are overwritten with the processed logits: kept tokens hold their logit after
     * penalties, bias and temperature, every other token -inf. Default false: the logits are not modified.
     */
    public DecodeOutputs withLogitsProcessedInPlace(boolean inPlace) {
        return new DecodeOutputs(tokens, logprobs, rawLogprobs, topIds, topLogprobs, topSource, inPlace);
    }

    public TensorView tokens() {
        return tokens;
    }

    /** Or null. */
    public TensorView logprobs() {
        return logprobs;
    }

    /** Or null. */
    public TensorView rawLogprobs() {
        return rawLogprobs;
    }

    /** Or null. */
    public TensorView topIds() {
        return topIds;
    }

    /** Or null. */
    public TensorView topLogprobs() {
        return topLogprobs;
    }

    public LogprobSource topSource() {
        return topSource;
    }

    public boolean logitsProcessedInPlace() {
        return processLogitsInPlace;
    }
}
