package dev.softmax;

import dev.softmax.internal.EngineCore;
import dev.softmax.internal.call.Operation;
import dev.softmax.internal.reduce.RowReductions;
import dev.softmax.internal.sampling.SamplingPieceCall;
import dev.softmax.nativelib.NativeLibraryUnavailableException;

/**
 * Softmax and log-softmax over {@link TensorView}s, computed by oneDNN or by the Java kernel.
 *
 * <pre>{@code
 * try (SoftmaxEngine engine = SoftmaxEngine.create();
 *      Arena arena = Arena.ofConfined()) {
 *     TensorView logits = TensorView.allocate(arena, DType.F32, 64, 32000);
 *     // ... fill logits ...
 *     TensorView probabilities = TensorView.allocate(arena, DType.F32, 64, 32000);
 *     engine.softmax(logits, probabilities);          // along the last axis
 *     engine.logSoftmax(logits, logits, -1, 0.7f);    // in place, temperature 0.7
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> an engine may be used by any number of threads at once. {@link #close()} waits for
 * calls in progress and then frees every native resource; calls after it throw {@link IllegalStateException}.
 * Each thread's most recent forward and backward call is remembered, so that repeating it on the same views
 * skips structural validation; the engine therefore holds on to those views (not to their data's lifetime:
 * a closed arena is still detected) until that thread calls with other views or closes the engine.
 *
 * <p><b>Errors:</b> every argument is validated before anything is written. Bad arguments throw
 * {@link IllegalArgumentException} (or {@link NullPointerException}) naming the argument and what was
 * expected; a closed arena throws {@link IllegalStateException}; a segment confined to another thread throws
 * {@link WrongThreadException}; under {@link EdgePolicy#REJECT} a NaN/+inf input throws
 * {@link NonFiniteInputException}. A failure inside oneDNN throws {@link SoftmaxNativeException} with oneDNN's
 * status name.
 */
public final class SoftmaxEngine implements AutoCloseable {

    private final EngineOptions options;
    private final EngineCore core;

    private SoftmaxEngine(EngineOptions options) {
        this.options = options;
        this.core = new EngineCore(options);
    }

    /** An engine with {@link EngineOptions#defaults()}. */
    public static SoftmaxEngine create() {
        return new SoftmaxEngine(EngineOptions.defaults());
    }

    /**
     * An engine with the given options.
     *
     * @throws NativeLibraryUnavailableException if {@link Backend#ONEDNN} was requested and oneDNN cannot be
     *                                           loaded (AUTO loads oneDNN when a call first prefers it, and computes
     *                                           on Java if it cannot)
     */
    public static SoftmaxEngine create(EngineOptions options) {
        return new SoftmaxEngine(options);
    }

    public EngineOptions options() {
        return options;
    }

    /**
     * Which backend is in use and why, and what it runs on, as of now: under {@link Backend#AUTO} oneDNN is loaded
     * by the first call that prefers it (bf16/f16 operands), so before that call this reports it as not loaded
     * yet. Never loads anything itself.
     */
    public BackendInfo backend() {
        return core.info();
    }

    /**
     * Loads oneDNN now, if this engine may use it and has not tried yet, and returns {@link #backend()}: for a
     * diagnostic that should say whether oneDNN works here (as {@code softmax info} does), or to move the load
     * (0.3-0.5 s) out of the first bf16 call. Under {@link Backend#JAVA} it loads nothing; if oneDNN cannot be
     * loaded under AUTO, the result says why and the engine keeps computing on Java.
     *
     * @throws IllegalStateException if the engine is closed
     */
    public BackendInfo loadOnednn() {
        return core.loadNative();
    }

    public EngineStatistics statistics() {
        return core.statistics();
    }

    /** Softmax along the last axis. */
    public void softmax(TensorView src, TensorView dst) {
        run(Operation.SOFTMAX, src, dst, -1);
    }

    /** Softmax along {@code axis} (ONNX rule: {@code -rank <= axis < rank}). */
    public void softmax(TensorView src, TensorView dst, int axis) {
        run(Operation.SOFTMAX, src, dst, axis);
    }

    /** {@code softmax(src / temperature)} along {@code axis}; {@code src} is not modified (unless it is dst). */
    public void softmax(TensorView src, TensorView dst, int axis, float temperature) {
        run(Operation.SOFTMAX, src, dst, axis, temperature);
    }

    /** Log-softmax along the last axis. */
    public void logSoftmax(TensorView src, TensorView dst) {
        run(Operation.LOG_SOFTMAX, src, dst, -1);
    }

    public void logSoftmax(TensorView src, TensorView dst, int axis) {
        run(Operation.LOG_SOFTMAX, src, dst, axis);
    }

    public void logSoftmax(TensorView src, TensorView dst, int axis, float temperature) {
        run(Operation.LOG_SOFTMAX, src, dst, axis, temperature);
    }

    /**
     * The fused attention softmax along the last axis of {@code x} (rank 1 to 8; f32/bf16/f16, any strides): for
     * each row, {@code z = scale * x}, optional soft-capping {@code softcap * tanh(z / softcap)}, {@code + bias},
     * masked positions (boolean or bit-packed mask, causal with an offset, key lengths) set to -inf, then softmax or
     * log-softmax with optional per-head sinks in the denominator and an optional per-row log-sum-exp output; see
     * {@link AttentionOptions} for the exact order and the edge values. Masked positions come out exactly 0 (log:
     * -inf); a masked NaN or +inf in x does not affect its row. {@code dst} (any float type, same shape) may be the
     * same view as x. Always computed by the Java kernel (oneDNN has no masked softmax; such calls are counted as
     * declined, reason "attention options"). Every option is checked before anything is written.
     *
     * @throws IllegalArgumentException naming the option, the value or shape and what was expected
     * @throws NonFiniteInputException  under {@link EdgePolicy#REJECT}, for an unmasked NaN or +inf
     */
    public void attentionSoftmax(TensorView x, TensorView dst, AttentionOptions options) {
        core.attentionSoftmax(x, dst, options);
    }

    /**
     * Softmax backward along the last axis: {@code dx = y * (dy - <y, dy>)}, the Jacobian {@code diag(y) - y y^T}
     * applied to dy without ever forming it. {@code dx} may be the same view as {@code y} or {@code dy}.
     *
     * @param y  the forward output (probabilities)
     * @param dy the gradient of the loss with respect to y
     * @param dx receives the gradient with respect to the forward input
     */
    public void softmaxBackward(TensorView y, TensorView dy, TensorView dx) {
        softmaxBackward(y, dy, dx, -1);
    }

    /** {@link #softmaxBackward(TensorView, TensorView, TensorView)} along {@code axis}. */
    public void softmaxBackward(TensorView y, TensorView dy, TensorView dx, int axis) {
        backward(Operation.SOFTMAX, y, "y", dy, "dy", dx, "dx", axis);
    }

    /** Log-softmax backward along the last axis: {@code dx = dy - exp(y) * sum(dy)}, from the output y. */
    public void logSoftmaxBackward(TensorView y, TensorView dy, TensorView dx) {
        logSoftmaxBackward(y, dy, dx, -1);
    }

    /** {@link #logSoftmaxBackward(TensorView, TensorView, TensorView)} along {@code axis}. */
    public void logSoftmaxBackward(TensorView y, TensorView dy, TensorView dx, int axis) {
        backward(Operation.LOG_SOFTMAX, y, "y", dy, "dy", dx, "dx", axis);
    }

    /**
     * Forward-mode derivative: the Jacobian-vector product {@code J v = s * (v - <s, v>)} for a tangent v, where s
     * is the softmax output. The softmax Jacobian is symmetric, so this is the backward pass applied to v.
     */
    public void softmaxJvp(TensorView s, TensorView v, TensorView out, int axis) {
        backward(Operation.SOFTMAX, s, "s", v, "v", out, "out", axis);
    }

    /**
     * The explicit softmax Jacobian {@code J[i][j] = s[i] (δij - s[j])} of one row, as an n x n matrix, for
     * teaching, testing and inspection. n is limited to 4096: every
     * computation that needs J applied uses {@link #softmaxBackward} or {@link #softmaxJvp}, which never form it.
     *
     * @param probabilities the softmax output of the row, shape {@code [n]}
     * @param out           receives J, shape {@code [n, n]}
     */
    public void softmaxJacobian(TensorView probabilities, TensorView out) {
        core.jacobian(probabilities, out);
    }

    /**
     * The log partition function of each row along {@code axis}, {@code max + log sum exp(x - max)}, computed
     * without materialising the probabilities. {@code dst} has src's shape without the axis ({@code [1]} for a
     * single row).
     */
    public void logSumExp(TensorView src, TensorView dst, int axis) {
        reduce(RowReductions.Kind.LOG_SUM_EXP, src, dst, axis);
    }

    /**
     * The entropy {@code -sum s log s} of each row's softmax along {@code axis} (with {@code 0 log 0 = 0}),
     * computed from the logits without materialising s. {@code dst} as for {@link #logSumExp}.
     */
    public void entropy(TensorView logits, TensorView dst, int axis) {
        reduce(RowReductions.Kind.ENTROPY, logits, dst, axis);
    }

    private void reduce(RowReductions.Kind kind, TensorView src, TensorView dst, int axis) {
        core.reduce(kind, src, dst, axis);
    }

    private void backward(
            Operation operation,
            TensorView y,
            String yName,
            TensorView dy,
            String dyName,
            TensorView dx,
            String dxName,
            int axis) {
        core.backward(operation, y, yName, dy, dyName, dx, dxName, axis);
    }

    /**
     * Softmax cross-entropy with ONNX {@code SoftmaxCrossEntropyLoss} (opset 13) semantics; see
     * {@link CrossEntropyLoss}. Returns the reduced loss ({@code SUM}, {@code MEAN}).
     *
     * @param scores f32/bf16/f16 {@code [N, C]} or {@code [N, C, d1, ..., dk]}
     * @param labels i32/i64 {@code [N, d1, ..., dk]}; each in {@code [0, C)} or the ignore index
     */
    public double softmaxCrossEntropy(TensorView scores, TensorView labels, CrossEntropyLoss loss) {
        return softmaxCrossEntropy(scores, labels, loss, null, null, null);
    }

    /**
     * Softmax cross-entropy with its optional outputs, computed in one pass over the scores.
     *
     * @param lossOut     per-target losses {@code [N, d1, ..., dk]}: required for {@code NONE}, else null
     * @param logProbOut  log-softmax of the scores along axis 1 (shape of scores), or null
     * @param gradientOut gradient of the loss with respect to the scores (shape of scores), or null:
     *                    {@code w[y] (softmax - onehot(y))}, divided by the weight total for {@code MEAN}; rows
     *                    of ignored targets are 0
     * @return the reduced loss; for {@code NONE}, the sum of the per-target losses
     */
    public double softmaxCrossEntropy(
            TensorView scores,
            TensorView labels,
            CrossEntropyLoss loss,
            TensorView lossOut,
            TensorView logProbOut,
            TensorView gradientOut) {
        return core.crossEntropy(scores, labels, loss, lossOut, logProbOut, gradientOut);
    }

    /**
     * The decode step: for each row of {@code logits} (one request), applies the row's penalties, logit bias and
     * allowed-token bitmask, temperature, top-k, top-p and min-p (in that order, each on the renormalised result of
     * the one before; see {@link SamplingParameters}), draws one token with the row's own Philox stream
     * {@code (seed, step)}, and writes what {@code outputs} asks for. No vocabulary sort: exact selection by radix
     * search. A row's token depends only on its logits and settings, never on the other rows, the thread count or
     * the backend. The logits are not modified unless {@link DecodeOutputs#withLogitsProcessedInPlace}. Every
     * argument is checked on every call; a call naming the same views, parameters and outputs as the calling
     * thread's previous one reuses its call record (so a decode loop allocates nothing), which keeps those objects
     * reachable until that thread's next call with others.
     *
     * @param logits     f32/bf16/f16 {@code [rows, vocab]} (any strides); -inf marks a masked token
     * @param parameters one row of settings per row of logits
     * @throws NonFiniteInputException  if a row holds NaN or +inf (nothing is written)
     * @throws IllegalArgumentException for bad settings, ids, bitmasks, shapes or types, naming the argument, the
     *                                  row and the value (nothing is written)
     */
    public void sample(TensorView logits, SamplingParameters parameters, DecodeOutputs outputs) {
        core.sample(logits, parameters, outputs);
    }

    /**
     * The argmax of each row of {@code logits} {@code [rows, vocab]}, lowest id on ties, into {@code tokens}
     * (i32/i64 {@code [rows]}). Rows holding NaN or +inf, or only -inf, are rejected.
     */
    public void argmax(TensorView logits, TensorView tokens) {
        core.samplingPiece(SamplingPieceCall.Kind.ARGMAX, logits, null, tokens);
    }

    /**
     * Top-k masking of logits: each row keeps its {@code topK} largest logits (ties by lower id; topK 0 keeps
     * all), every other entry becomes -inf. {@code dst} has the shape of logits and may be the same view.
     */
    public void topKMaskLogits(TensorView logits, SamplingParameters parameters, TensorView dst) {
        core.samplingPiece(SamplingPieceCall.Kind.TOP_K_MASK, logits, parameters, dst);
    }

    /**
     * Top-k renormalised probabilities: each row keeps its {@code topK} largest probabilities (ties by lower id),
     * divided by their sum; others 0. Probabilities must be finite and >= 0 with a positive sum (they need not
     * sum to 1). {@code dst} may be the same view.
     */
    public void topKRenormProbabilities(TensorView probabilities, SamplingParameters parameters, TensorView dst) {
        core.samplingPiece(SamplingPieceCall.Kind.TOP_K_RENORM, probabilities, parameters, dst);
    }

    /**
     * Top-p renormalised probabilities: each row keeps the shortest prefix, by probability descending (ties by
     * lower id), whose cumulative probability reaches {@code topP} times the row's sum, divided by its sum.
     */
    public void topPRenormProbabilities(TensorView probabilities, SamplingParameters parameters, TensorView dst) {
        core.samplingPiece(SamplingPieceCall.Kind.TOP_P_RENORM, probabilities, parameters, dst);
    }

    /**
     * Draws one token per row from the given (possibly unnormalised) probabilities with the row's Philox stream
     * {@code (seed, step)}; the filters of the parameters are not applied.
     */
    public void sampleFromProbabilities(TensorView probabilities, SamplingParameters parameters, TensorView tokens) {
        core.samplingPiece(SamplingPieceCall.Kind.SAMPLE, probabilities, parameters, tokens);
    }

    /**
     * Chain speculative verification (Leviathan et al. 2023): accepts draft token {@code t} at position j with
     * probability {@code min(1, p_j(t) / q_j(t))}; at the first rejection draws from
     * {@code normalise(max(0, p_j - q_j))}; if all k are accepted draws a bonus token from {@code p_k}. Emitted
     * tokens are the accepted drafts followed by the drawn token, then -1.
     *
     * @param target      target probabilities {@code [rows, k + 1, vocab]}
     * @param draft       draft probabilities {@code [rows, k, vocab]}
     * @param draftTokens i32/i64 {@code [rows, k]}
     * @param parameters  the rows' seeds and steps
     * @param accepted    i32/i64 {@code [rows]}: how many drafts each row accepted
     * @param emitted     i32/i64 {@code [rows, k + 1]}: {@code accepted + 1} tokens, then -1
     */
    public void verifySpeculative(
            TensorView target,
            TensorView draft,
            TensorView draftTokens,
            SamplingParameters parameters,
            TensorView accepted,
            TensorView emitted) {
        core.verifySpeculative(target, draft, draftTokens, parameters, accepted, emitted);
    }

    private void run(Operation operation, TensorView src, TensorView dst, int axis) {
        core.forward(operation, src, dst, axis);
    }

    private void run(Operation operation, TensorView src, TensorView dst, int axis, float temperature) {
        core.forward(operation, src, dst, axis, temperature);
    }

    /**
     * Waits for calls in progress on other threads, then frees every native resource. Idempotent.
     *
     * @throws SoftmaxNativeException if oneDNN reports an error destroying a handle; every other handle is still
     *     freed, and the engine is closed
     */
    @Override
    public void close() {
        core.close();
    }
}
