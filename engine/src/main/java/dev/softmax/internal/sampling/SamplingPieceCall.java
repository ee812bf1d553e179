package dev.softmax.internal.sampling;

import dev.softmax.EdgePolicy;
import dev.softmax.SamplingParameters;
import dev.softmax.TensorView;
import dev.softmax.internal.call.JavaOnlyCall;
import dev.softmax.internal.rows.RowLayout;

/**
 * A validated call of one of the standalone sampling pieces over {@code [rows, vocab]}.
 *
 * @param input      logits (ARGMAX, TOP_K_MASK) or probabilities (the others)
 * @param parameters per-row settings, or null for ARGMAX
 * @param output     tokens {@code [rows]} (ARGMAX, SAMPLE) or a {@code [rows, vocab]} view (may be the input)
 */
public record SamplingPieceCall(
        Kind kind, TensorView input, SamplingParameters parameters, TensorView output, RowLayout rows, int vocab)
        implements JavaOnlyCall {

    /** Which piece. */
    public enum Kind {
        ARGMAX,
        TOP_K_MASK,
        TOP_K_RENORM,
        TOP_P_RENORM,
        SAMPLE;

        /** Whether the input holds probabilities (else logits). */
        boolean probabilities() {
            return this == TOP_K_RENORM || this == TOP_P_RENORM || this == SAMPLE;
        }

        /** Whether the output holds token ids (else a row per input row). */
        boolean tokens() {
            return this == ARGMAX || this == SAMPLE;
        }
    }

    @Override
    public String inputName() {
        return kind.probabilities() ? "probabilities" : "logits";
    }

    @Override
    public int inputOperand() {
        return 0;
    }

    @Override
    public int axis() {
        return 1;
    }

    /** Rejected by {@link SamplingValidation} under every policy. */
    @Override
    public EdgePolicy policy() {
        return EdgePolicy.ZERO;
    }
}
