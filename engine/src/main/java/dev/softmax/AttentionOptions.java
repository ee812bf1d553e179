package dev.softmax;

/**
 * What {@link SoftmaxEngine#attentionSoftmax} does to each row (along the last axis of x) before and around the
 * softmax: an immutable value, built by chaining; every method returns a new object and the defaults change
 * nothing ({@code softmax(x)}).
 *
 * <pre>{@code
 * AttentionOptions options = AttentionOptions.defaults()
 *         .scale(0.125f)                 // 1 / sqrt(headDim)
 *         .causal(kvCacheLength)         // key j of query i kept iff j <= i + offset
 *         .keyLengths(lengths)           // i32/i64 [batch]: keys j >= length masked
 *         .sinks(sinks);                 // f32 [heads]: one more logit in the denominator
 * engine.attentionSoftmax(scores, probabilities, options);
 * }</pre>
 *
 * <p>The exact order of operations, per element j of a row (query index i along axis -2):
 * <ol>
 *   <li>{@code z = scale * x} (f32);</li>
 *   <li>if {@code softcap > 0}: {@code z = softcap * tanh(z / softcap)} for finite z (an infinite z keeps its
 *       sign: -inf stays a mask, +inf stays a non-finite logit);</li>
 *   <li>{@code z = z + bias} (a bias of -inf masks the position whatever x holds);</li>
 *   <li>z is -inf (masked) where the mask byte is 0 (or the mask bit clear), where {@code j > i + causalOffset},
 *       or where {@code j >= keyLengths[b]} (b the index along axis 0). Masking wins: a masked position holding
 *       NaN or +inf in x does not affect the row;</li>
 *   <li>softmax (or log-softmax) of z, with {@code exp(sinks[h])} (h the index along axis 1) added to the
 *       denominator only; the optional log-sum-exp output receives {@code log(sum exp(z) + exp(sink))}.</li>
 * </ol>
 * Masked positions come out exactly 0 (log-softmax: -inf). A row with every key masked follows the engine's
 * {@link EdgePolicy} (ZERO and REJECT: 0 / -inf; NAN: NaN), except that with sinks its denominator is the sink
 * alone, so it is 0 / -inf under every policy; its log-sum-exp is -inf (with sinks: the sink). An unmasked NaN or
 * +inf in z makes the row NaN (REJECT: an exception before anything is written).
 *
 * <p>Operands (all read-only, any strides, never overlapping the outputs):
 * <ul>
 *   <li>{@code bias}: f32/bf16/f16, broadcastable to x (NumPy rules: aligned from the last dimension, each
 *       dimension equal to x's or 1, missing leading dimensions broadcast);</li>
 *   <li>{@code mask}: {@link DType#U8}, one byte per element, broadcastable to x, non-zero = keep; or
 *       {@code packedMask}: U8 whose last dimension is {@code ceil(K / 8)} bytes (K = x's last dimension), bit
 *       {@code j % 8} of byte {@code j / 8} set = keep key j, the other dimensions broadcastable;</li>
 *   <li>{@code keyLengths}: i32/i64 of shape {@code [x.dim(0)]}, each in {@code 0..K};</li>
 *   <li>{@code sinks}: f32 of shape {@code [x.dim(1)]} (x of rank 3 or more), finite;</li>
 *   <li>{@code logSumExpOut}: f32 output of x's shape without the last axis ({@code [1]} for rank 1).</li>
 * </ul>
 * Values are checked when a call uses them, before anything is written, with messages naming the option.
 */
public final class AttentionOptions {

    private static final AttentionOptions DEFAULTS =
            new AttentionOptions(1f, 0f, null, null, false, false, 0, null, null, false, null);

    private final float scale;
    private final float softcap;
    private final TensorView bias;
    private final TensorView mask;
    private final boolean maskPacked;
    private final boolean causal;
    private final long causalOffset;
    private final TensorView keyLengths;
    private final TensorView sinks;
    private final boolean logSoftmax;
    private final TensorView logSumExpOut;

    private AttentionOptions(
            float scale,
            float softcap,
            TensorView bias,
            TensorView mask,
            boolean maskPacked,
            boolean causal,
            long causalOffset,
            TensorView keyLengths,
            TensorView sinks,
            boolean logSoftmax,
            TensorView logSumExpOut) {
        this.scale = scale;
        this.softcap = softcap;
        this.bias = bias;
        this.mask = mask;
        this.maskPacked = maskPacked;
        this.causal = causal;
        this.causalOffset = causalOffset;
        this.keyLengths = keyLengths;
        this.sinks = sinks;
        this.logSoftmax = logSoftmax;
        this.logSumExpOut = logSumExpOut;
    }

    /** Scale 1, no soft-cap, no bias, no mask, no sinks, softmax (not log), no log-sum-exp output. */
    public static AttentionOptions defaults() {
        return DEFAULTS;
    }

    /** Multiplies x by {@code scale} first (finite, not 0; typically {@code 1 / sqrt(headDim)}). */
    public AttentionOptions scale(float scale) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                maskPacked,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    /** Gemma-style soft-capping {@code softcap * tanh(z / softcap)}; 0 turns it off, otherwise finite and > 0. */
    public AttentionOptions softcap(float softcap) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                maskPacked,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    /** An additive bias broadcastable to x (f32/bf16/f16); null for none. -inf entries mask. */
    public AttentionOptions bias(TensorView bias) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                maskPacked,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    /** A boolean mask, one {@link DType#U8} byte per element, broadcastable to x, non-zero = keep; null for none. */
    public AttentionOptions mask(TensorView mask) {
        return new AttentionOptions(
                scale, softcap, bias, mask, false, causal, causalOffset, keyLengths, sinks, logSoftmax, logSumExpOut);
    }

    /**
     * A bit-packed boolean mask ({@link DType#U8}): its last dimension holds {@code ceil(K / 8)} bytes, bit
     * {@code j % 8} of byte {@code j / 8} set = keep key j; the other dimensions broadcast to x's. Replaces any
     * {@link #mask}; null for none.
     */
    public AttentionOptions packedMask(TensorView mask) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                mask != null,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    /** Causal masking with offset 0: key j of query i (the index along axis -2) is kept iff {@code j <= i}. */
    public AttentionOptions causal() {
        return causal(0);
    }

    /**
     * Causal masking: key j of query i (the index along axis -2) is kept iff {@code j <= i + offset}. With Q new
     * queries attending to a cache of K keys (decode), the offset is {@code K - Q}.
     */
    public AttentionOptions causal(long offset) {
        return new AttentionOptions(
                scale, softcap, bias, mask, maskPacked, true, offset, keyLengths, sinks, logSoftmax, logSumExpOut);
    }

    /** No causal masking (the default). */
    public AttentionOptions notCausal() {
        return new AttentionOptions(
                scale, softcap, bias, mask, maskPacked, false, 0, keyLengths, sinks, logSoftmax, logSumExpOut);
    }

    /** i32/i64 {@code [x.dim(0)]}: in every row of batch entry b, keys {@code j >= keyLengths[b]} are masked. */
    public AttentionOptions keyLengths(TensorView keyLengths) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                maskPacked,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    /** f32 {@code [x.dim(1)]}: per head, a logit that joins the denominator and has no output. */
    public AttentionOptions sinks(TensorView sinks) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                maskPacked,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    /** Log-softmax instead of softmax. */
    public AttentionOptions logSoftmax(boolean logSoftmax) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                maskPacked,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    /** f32 output of x's shape without the last axis: each row's log-sum-exp (sinks included); null for none. */
    public AttentionOptions logSumExpOut(TensorView logSumExpOut) {
        return new AttentionOptions(
                scale,
                softcap,
                bias,
                mask,
                maskPacked,
                causal,
                causalOffset,
                keyLengths,
                sinks,
                logSoftmax,
                logSumExpOut);
    }

    public float scale() {
        return scale;
    }

    public float softcap() {
        return softcap;
    }

    /** The bias, or null. */
    public TensorView bias() {
        return bias;
    }

    /** The mask (bytes or bit-packed, see {@link #isMaskPacked()}), or null. */
    public TensorView mask() {
        return mask;
    }

    public boolean isMaskPacked() {
        return maskPacked;
    }

    public boolean isCausal() {
        return causal;
    }

    public long causalOffset() {
        return causalOffset;
    }

    /** The key lengths, or null. */
    public TensorView keyLengths() {
        return keyLengths;
    }

    /** The sinks, or null. */
    public TensorView sinks() {
        return sinks;
    }

    public boolean isLogSoftmax() {
        return logSoftmax;
    }

    /** The log-sum-exp output, or null. */
    public TensorView logSumExpOut() {
        return logSumExpOut;
    }

    @Override
    public String toString() {
        return "AttentionOptions[scale " + scale + ", softcap " + softcap + (bias != null ? ", bias " + bias : "")
                + (mask != null ? (maskPacked ? ", packed mask " : ", mask ") + mask : "")
                + (causal ? ", causal offset " + causalOffset : "")
                + (keyLengths != null ? ", key lengths " + keyLengths : "")
                + (sinks != null ? ", sinks " + sinks : "") + (logSoftmax ? ", log-softmax" : "")
                + (logSumExpOut != null ? ", log-sum-exp out " + logSumExpOut : "") + "]";
    }
}
