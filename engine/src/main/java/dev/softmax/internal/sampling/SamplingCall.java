package dev.softmax.internal.sampling;

import dev.softmax.DecodeOutputs;
import dev.softmax.EdgePolicy;
import dev.softmax.SamplingParameters;
import dev.softmax.TensorView;
import dev.softmax.internal.call.JavaOnlyCall;
import dev.softmax.internal.rows.RowLayout;

/**
 * A validated fused decode step: logits {@code [rows, vocab]}, one request per row.
 *
 * @param topN the N of the top-N outputs, 0 without them
 * @param rowsChecked whether validation has already checked every row for NaN, +inf and a token to draw; when
 *     false the computation checks each row just before computing it ({@link SamplingValidation#checkRow}) and
 *     writes nothing unless every row passes (see {@link SampleBatch})
 */
public record SamplingCall(
        TensorView logits,
        SamplingParameters parameters,
        DecodeOutputs outputs,
        int vocab,
        int topN,
        boolean rowsChecked)
        implements JavaOnlyCall {

    /** The one operand of {@link #rows()}. */
    public static final int LOGITS = 0;

    /** Built on demand: only the REJECT scan would need it, and validation has already rejected such rows. */
    @Override
    public RowLayout rows() {
        return RowLayout.of(1, logits);
    }

    @Override
    public TensorView input() {
        return logits;
    }

    @Override
    public String inputName() {
        return "logits";
    }

    @Override
    public int inputOperand() {
        return LOGITS;
    }

    @Override
    public int axis() {
        return 1;
    }

    /**
     * NaN and +inf rows are rejected by {@link SamplingValidation} (up front, or row by row before anything is
     * written) under every policy: nothing left for the dispatcher to scan.
     */
    @Override
    public EdgePolicy policy() {
        return EdgePolicy.ZERO;
    }
}
