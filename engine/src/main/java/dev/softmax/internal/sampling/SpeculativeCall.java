package dev.softmax.internal.sampling;

import dev.softmax.EdgePolicy;
import dev.softmax.SamplingParameters;
import dev.softmax.TensorView;
import dev.softmax.internal.call.JavaOnlyCall;
import dev.softmax.internal.rows.RowLayout;

/**
 * A validated chain speculative verification: target probabilities {@code [rows, k + 1, vocab]}, draft
 * probabilities {@code [rows, k, vocab]}, draft tokens {@code [rows, k]}; outputs accepted {@code [rows]} and
 * emitted {@code [rows, k + 1]}.
 */
public record SpeculativeCall(
        TensorView target,
        TensorView draft,
        TensorView draftTokens,
        SamplingParameters parameters,
        TensorView accepted,
        TensorView emitted,
        RowLayout rows,
        int draftLength,
        int vocab)
        implements JavaOnlyCall {

    @Override
    public TensorView input() {
        return target;
    }

    @Override
    public String inputName() {
        return "targetProbabilities";
    }

    @Override
    public int inputOperand() {
        return 0;
    }

    @Override
    public int axis() {
        return 2;
    }

    /** Rejected by {@link SamplingValidation} under every policy. */
    @Override
    public EdgePolicy policy() {
        return EdgePolicy.ZERO;
    }
}
