package dev.softmax.internal.sampling;

import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.CandidateScan;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.RowMath;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowParallelism;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The decode step and its pieces, one row (one request) at a time, on the calling thread. A row's result depends
 * only on that row's logits, its settings and its own {@code (seed, step)}: never on the other rows, the thread
 * count, the backend or the kernel variant (the kernels are used only where they are exact: the maximum, the
 * temperature's f32 multiplication and the candidate scan's comparisons; every sum and exponential that decides a
 * token is sequential scalar double arithmetic in token-id order).
 *
 * <p>A dense f32 row with a small top-k and nothing that changes logits before it takes {@link TopKPrefilter}:
 * the candidates are collected from the caller's row in one vector scan (which is also the row's check), and
 * only they are scaled and selected; the result is the general path's to the bit, which
 * {@code TopKPrefilterEquivalenceTest} checks on rows built to defeat it. Results are held in a
 * {@link SampleBatch} and written once every row has passed its check.
 *
 * <h2>The fused step, per row</h2>
 * <ol>
 *   <li>The row is widened to f32 (a private copy: the logits are not modified unless the caller asks for
 *       in-place processing). Penalties, bias and bitmask as {@link SamplingParameters} specifies, in f32:
 *       {@code v = v > 0 ? v / rep : v * rep}, then {@code v = v - (freq * (float) count + presence)};
 *       {@code v = v + bias}; disallowed tokens -inf. A processed logit that overflows to +inf becomes
 *       {@code Float.MAX_VALUE}.</li>
 *   <li>Temperature 0 (or one so small that the largest processed logit times {@code 1f / temperature} overflows
 *       f32): the token is the lowest id holding the maximum. Otherwise (temperature first) every logit is
 *       multiplied by the f32 {@code 1f / temperature}; a logit that overflows to -inf counts as masked.</li>
 *   <li>The candidates are the tokens whose logit is above -inf, in increasing id order; {@code M} is their
 *       maximum. Top-k keeps the k largest (ties by lower id). For top-p and min-p each candidate weighs
 *       {@code w = SamplingExp.exp(v - M)} (f32 subtraction, then the f32 exponential specified in
 *       {@link SamplingExp}); top-p keeps the shortest prefix, by value descending then id, whose weight reaches
 *       {@code p * S} (S the sequential double sum of the candidates' weights in id order; the prefix's weight is
 *       summed in double too); min-p keeps {@code w >= minP * max w} (f32). With temperature last, the kept values
 *       are multiplied by {@code 1f / T} (and M with them) only now. The final weights are
 *       {@code SamplingExp.exp(v - M)} over the kept candidates. (The top-p prefix mass is accumulated per radix
 *       bucket, so another implementation summing in another order can disagree on the kept set only when that
 *       mass equals {@code p * S} to within double rounding, about 1e-16 relative.)</li>
 *   <li><b>The draw</b> (also {@code sampleFromProbabilities}, and the residual and bonus draws of speculative
 *       verification): over the kept candidates in increasing id order with f32 weights {@code w_j} (as above, or
 *       the given probabilities), in double {@code W = 0, T = 0}; for each {@code j} with {@code w_j > 0}:
 *       {@code W += w_j}; if
 *       {@code W > T}, the candidate j becomes the choice, the next uniform {@code u} is drawn and
 *       {@code T = W / (1 - u)}. The last choice is the token. This is the weighted reservoir with exponential
 *       jumps (equivalent to an exponential race): one pass, P(token j) = w_j / sum w, and only about
 *       {@code ln(sum w / w_first)} uniforms.</li>
 *   <li>The processed log-probability of the token is {@code ((double) v - M) - ln(S')}, S' the sequential double
 *       sum of the final weights; raw ones are {@code x - (max + ln(sumExp))} over the given logits.</li>
 * </ol>
 *
 * <h2>Speculative verification (chain), per row</h2>
 * For draft position {@code j = 0..k-1} with draft token t: draw u; accept when {@code u * q_j(t) < p_j(t)}
 * (double), i.e. with probability {@code min(1, p/q)}. At the first rejection, draw a token from the weights
 * {@code max(0, p_j - q_j)} (f32 subtraction; if all are 0, from p_j) and stop; if all k are accepted, draw the
 * bonus token from p_k. Uniforms are consumed in exactly this order from the row's stream.
 *
 * <p>Rows are split across the engine's threads ({@link RowParallelism}) when every segment of the call may be
 * shared; since a row's result depends only on the row, the split never changes a token.
 *
 * <p>Thread-safe: buffers are per thread ({@link SamplingScratch}, {@link WorkingRow}).
 */
public final class SamplingComputation {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final KernelProvider kernels;
    private final RowMath kernel;
    private final CandidateScan scan;
    private final Bf16Codec codec;
    private final RowParallelism parallelism;
    /** The range tasks, created once (a lambda per call would allocate). */
    private final RowParallelism.RangeTask<SampleBatch> sampleRange;

    private final RowParallelism.RangeTask<SamplingPieceCall> pieceRange;
    private final RowParallelism.RangeTask<SpeculativeCall> verifyRange;

    public SamplingComputation(KernelProvider kernels, RowParallelism parallelism) {
        this.kernels = kernels;
        this.kernel = kernels.math();
        this.scan = kernels.scan();
        this.codec = kernels.codec();
        this.parallelism = parallelism;
        this.sampleRange = (batch, first, count) -> {
            SamplingCall call = batch.call;
            for (long r = first; r < first + count; r++) {
                if (!sampleRow(batch, (int) r)) {
                    batch.failed = true;
                    return;
                }
            }
        };
        this.pieceRange = (call, first, count) -> {
            for (long r = first; r < first + count; r++) {
                pieceRow(call, (int) r);
            }
        };
        this.verifyRange = (call, first, count) -> {
            for (long r = first; r < first + count; r++) {
                verifyRow(call, (int) r);
            }
        };
    }

    /** Whether every segment of a call may be touched by the engine's worker threads. */
    private boolean shareable(TensorView view) {
        return view == null || parallelism.canShare(view.segment());
    }

    private boolean shareable(SamplingParameters p) {
        return parallelism.canShare(p.segment())
                && shareable(p.history())
                && shareable(p.biasIds())
                && shareable(p.biasValues())
                && shareable(p.allowedTokens());
    }

    // ---------------------------------------------------------------- the fused step

    /** Computes every row of a validated fused call; returns 0 (the dispatcher's result slot). */
    public double sample(SamplingCall call) {
        DecodeOutputs out = call.outputs();
        boolean shareable = parallelism.threads() > 1
                && shareable(call.parameters())
                && shareable(call.logits())
                && shareable(out.tokens())
                && shareable(out.logprobs())
                && shareable(out.rawLogprobs())
                && shareable(out.topIds())
                && shareable(out.topLogprobs());
        SampleBatch batch = SampleBatch.start(call);
        try {
            parallelism.forEachRange(call.parameters().rows(), call.vocab(), shareable, batch, sampleRange);
            if (batch.failed) {
                // Nothing has been written. Throw what a row-by-row check throws: the lowest failing row's error.
                SamplingValidation.checkRows(call.logits(), "logits", call.parameters(), call.vocab(), kernels);
                throw new IllegalStateException("a row of the decode step failed its check, then passed it");
            }
            batch.flush();
        } finally {
            batch.finish();
        }
        return 0;
    }

    /** Whether row r passes {@link SamplingValidation#checkRow} (the error itself is rebuilt by the caller). */
    private boolean rowPasses(SamplingCall call, long r) {
        try {
            SamplingValidation.checkRow(call.logits(), "logits", call.parameters(), call.vocab(), kernels, r);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Computes row r into the batch; false, having computed nothing, when the row fails its check (NaN, +inf, or
     * nothing to draw). The top-k prefilter checks the row in its own scan; every other path checks it first.
     */
    private boolean sampleRow(SampleBatch batch, int r) {
        SamplingCall call = batch.call;
        long axisStrideOfRow = call.logits().stride(1);
        if (prefilterApplies(call, r, axisStrideOfRow)) {
            int outcome = sampleTopKInPlace(batch, r, r * call.logits().stride(0), SamplingScratch.get(call.vocab()));
            if (outcome != PREFILTER_DECLINED) {
                return outcome == PREFILTER_DONE;
            }
        }
        if (!call.rowsChecked() && !rowPasses(call, r)) {
            return false;
        }
        sampleRowChecked(batch, r);
        return true;
    }

    private void sampleRowChecked(SampleBatch batch, int r) {
        SamplingCall call = batch.call;
        TensorView logits = call.logits();
        SamplingParameters params = call.parameters();
        DecodeOutputs out = call.outputs();
        int n = call.vocab();
        long rowOffset = r * logits.stride(0);
        long axisStride = logits.stride(1);
        SamplingScratch s = SamplingScratch.get(n);
        if (params.temperature(r) == 0f
                && logits.dtype() == DType.F32
                && (axisStride == 1 || n == 1)
                && params.historyLength(r) == 0
                && params.biasCount(r) == 0
                && params.allowedTokens() == null
                && out.rawLogprobs() == null
                && out.topIds() == null
                && !out.logitsProcessedInPlace()) {
            // Plain greedy on a dense f32 row: the argmax in place, no copy.
            MemorySegment src = logits.segment();
            long at = 4 * rowOffset;
            float max = kernel.max(src, at, n);
            writeResults(batch, r, rowOffset, axisStride, firstIndexOf(src, at, n, max), 0, 0);
            return;
        }
        MemorySegment x = WorkingRow.get(n);
        RowCopy.gather(codec, logits, rowOffset, axisStride, n, x, 0);

        boolean raw = out.rawLogprobs() != null
                || (out.topIds() != null && out.topSource() == DecodeOutputs.LogprobSource.RAW);
        double rawLogSumExp = 0;
        if (raw) {
            float rawMax = kernel.max(x, 0, n);
            rawLogSumExp = rawMax + Math.log(kernel.sumExp(x, 0, n, rawMax));
            if (out.topIds() != null && out.topSource() == DecodeOutputs.LogprobSource.RAW) {
                MemorySegment.copy(x, F32, 0, s.row, 0, n);
                int m = compact(s.row, n, s);
                int found = Selection.topN(s, s.values, s.ids, m, call.topN());
                writeTop(batch, r, s, found, call.topN(), 0, rawLogSumExp);
            }
        }

        applyProcessors(x, n, params, r, s);

        float temperature = params.temperature(r);
        float processedMax = kernel.max(x, 0, n);
        float inverse = temperature == 0f ? 0f : 1f / temperature;
        int m;
        // A temperature so small that the scaled maximum overflows f32 is the greedy limit.
        if (temperature == 0f || Float.isInfinite(processedMax * inverse)) {
            int token = firstIndexOf(x, n, processedMax);
            m = greedy(batch, r, rowOffset, axisStride, s, token, processedMax, rawLogSumExp);
        } else {
            int k = params.topK(r);
            boolean filtered = (k > 0 && k < n) || params.topP(r) < 1f || params.minP(r) > 0f;
            // Without a filter, temperature last is temperature first: the same f32 products of the same logits.
            boolean last = params.temperatureLast(r) && filtered;
            float max = processedMax;
            if (!last && inverse != 1f) {
                kernel.scale(x, 0, n, inverse);
                max = processedMax * inverse; // the same rounding as the scaled maximum's own
            }
            float[] row = s.row;
            MemorySegment.copy(x, F32, 0, row, 0, n);
            if (!filtered && out.topIds() == null && !out.logitsProcessedInPlace()) {
                // No filter needs probabilities: one pass over the row, weights and draw together.
                long drawn = singlePassDraw(row, n, max, s.stream.reset(params.seed(r), params.step(r)), s);
                int token = (int) drawn;
                double logprob = ((double) row[token] - max) - Math.log(s.total);
                writeResults(batch, r, rowOffset, axisStride, token, logprob, raw ? rawLogSumExp : 0);
                return;
            }
            m = k > 0 && k < n ? Selection.topKCandidates(s, row, n, k) : compact(row, n, s);
            if (k > 0 && k < m) {
                m = Selection.keepTopK(scan, s.values, s.ids, null, m, k);
            }
            m = finishFiltered(batch, r, rowOffset, axisStride, s, m, max, inverse, last, rawLogSumExp);
        }
        if (out.logitsProcessedInPlace()) {
            fill(x, n, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < m; i++) {
                x.set(F32, 4L * s.ids[i], s.values[i]);
            }
            RowCopy.scatter(codec, x, 0, n, logits, rowOffset, axisStride);
        }
    }

    private static final int PREFILTER_DONE = 0;
    private static final int PREFILTER_REJECTED = 1;
    private static final int PREFILTER_DECLINED = 2;

    /**
     * Whether row r may take {@link #sampleTopKInPlace}: a dense f32 row, a small top-k, nothing that changes
     * logits before the selection (penalties, bias, bitmask) and nothing that needs the whole row (raw
     * log-probabilities, in-place processing).
     */
    private static boolean prefilterApplies(SamplingCall call, int r, long axisStride) {
        SamplingParameters params = call.parameters();
        DecodeOutputs out = call.outputs();
        return call.logits().dtype() == DType.F32
                && (axisStride == 1 || call.vocab() == 1)
                && params.temperature(r) > 0f
                && TopKPrefilter.worthwhile(call.vocab(), params.topK(r))
                && params.historyLength(r) == 0
                && params.biasCount(r) == 0
                && params.allowedTokens() == null
                && out.rawLogprobs() == null
                && (out.topIds() == null || out.topSource() == DecodeOutputs.LogprobSource.PROCESSED)
                && !out.logitsProcessedInPlace();
    }

    /**
     * The fused step for a row that {@link #prefilterApplies}, on the top-k candidates collected from the caller's
     * row by {@link TopKPrefilter} instead of a working copy of the whole row: the same candidates, values and
     * order as the general path, so the same token. Temperature (first) scales only the candidates: the same f32
     * product the general path computes for them. Returns {@link #PREFILTER_DONE}; {@link #PREFILTER_REJECTED}
     * when the scan met NaN or +inf or no finite token (the row fails its check); or {@link #PREFILTER_DECLINED},
     * having computed nothing, when the candidates cannot be shown to hold the whole top k: the general path then
     * runs.
     */
    private int sampleTopKInPlace(SampleBatch batch, int r, long rowOffset, SamplingScratch s) {
        SamplingCall call = batch.call;
        SamplingParameters params = call.parameters();
        int n = call.vocab();
        int k = params.topK(r);
        int m = TopKPrefilter.collect(scan, call.logits().segment(), 4 * rowOffset, n, k, s);
        if (m == TopKPrefilter.REJECTED) {
            return PREFILTER_REJECTED;
        }
        if (m == TopKPrefilter.OVERFLOW) {
            return PREFILTER_DECLINED;
        }
        float[] values = s.values;
        // Every occurrence of the row's maximum is at or above the threshold, so it is among the candidates.
        float processedMax = values[0];
        int first = 0;
        for (int i = 1; i < m; i++) {
            if (values[i] > processedMax) {
                processedMax = values[i];
                first = i;
            }
        }
        float inverse = 1f / params.temperature(r);
        if (Float.isInfinite(processedMax * inverse)) {
            greedy(batch, r, rowOffset, 1, s, s.ids[first], processedMax, 0);
            return PREFILTER_DONE;
        }
        boolean last = params.temperatureLast(r);
        boolean scaled = !last && inverse != 1f;
        float max = processedMax;
        if (scaled) {
            for (int i = 0; i < m; i++) {
                values[i] *= inverse;
            }
            max = processedMax * inverse;
        }
        if (k < m) {
            m = Selection.keepTopK(scan, values, s.ids, null, m, k);
        }
        float threshold = s.prefilterThreshold;
        if (scaled && threshold != Float.NEGATIVE_INFINITY) {
            // A token left out has a logit <= nextDown(threshold); scaled, it must stay below the k-th largest
            // kept value, or the rounding of the product may have tied it with a kept token of higher id.
            float smallestKept = values[0];
            for (int i = 1; i < m; i++) {
                smallestKept = Math.min(smallestKept, values[i]);
            }
            if (!(Math.nextDown(threshold) * inverse < smallestKept)) {
                return PREFILTER_DECLINED;
            }
        }
        finishFiltered(batch, r, rowOffset, 1, s, m, max, inverse, last, 0);
        return PREFILTER_DONE;
    }

    /** Writes the greedy token's results (log-probability 0) and leaves it as the only candidate; returns 1. */
    private static int greedy(
            SampleBatch batch,
            int r,
            long rowOffset,
            long axisStride,
            SamplingScratch s,
            int token,
            float max,
            double rawLogSumExp) {
        s.values[0] = max;
        s.ids[0] = token;
        writeResults(batch, r, rowOffset, axisStride, token, 0, rawLogSumExp);
        SamplingCall call = batch.call;
        DecodeOutputs out = call.outputs();
        if (out.topIds() != null && out.topSource() == DecodeOutputs.LogprobSource.PROCESSED) {
            int found = Selection.topN(s, s.values, s.ids, 1, call.topN());
            writeTop(batch, r, s, found, call.topN(), max, 0);
        }
        return 1;
    }

    /**
     * From the top-k set in {@code s.values / s.ids} (id order; values scaled unless temperature is last): top-p,
     * min-p, temperature last, the draw, and every output of the row. Returns the final candidate count.
     */
    private static int finishFiltered(
            SampleBatch batch,
            int r,
            long rowOffset,
            long axisStride,
            SamplingScratch s,
            int m,
            float max,
            float inverse,
            boolean last,
            double rawLogSumExp) {
        SamplingCall call = batch.call;
        SamplingParameters params = call.parameters();
        DecodeOutputs out = call.outputs();
        float[] values = s.values;
        int[] ids = s.ids;
        float[] w = s.weights;
        float topP = params.topP(r);
        float minP = params.minP(r);
        if (topP < 1f || minP > 0f) {
            double total = SamplingExp.weigh(values, w, m, max);
            if (topP < 1f) {
                m = Selection.keepTopMass(s, values, ids, w, m, topP * total);
            }
            if (minP > 0f) {
                m = keepMinP(values, ids, w, m, minP);
            }
        }
        if (last && inverse != 1f) {
            for (int i = 0; i < m; i++) {
                values[i] *= inverse;
            }
            max *= inverse;
        }
        double total = SamplingExp.weigh(values, w, m, max);
        int chosen = draw(w, m, s.stream.reset(params.seed(r), params.step(r)));
        int token = ids[chosen];
        double logTotal = Math.log(total);
        double logprob = ((double) values[chosen] - max) - logTotal;
        writeResults(batch, r, rowOffset, axisStride, token, logprob, rawLogSumExp);
        if (out.topIds() != null && out.topSource() == DecodeOutputs.LogprobSource.PROCESSED) {
            int found = Selection.topN(s, values, ids, m, call.topN());
            writeTop(batch, r, s, found, call.topN(), max, logTotal);
        }
        return m;
    }

    /** The token, its processed log-probability and its raw one, as the outputs ask, held in the batch. */
    private static void writeResults(
            SampleBatch batch, int r, long rowOffset, long axisStride, int token, double logprob, double rawLogSumExp) {
        SamplingCall call = batch.call;
        float raw = 0;
        if (call.outputs().rawLogprobs() != null) {
            TensorView logits = call.logits();
            raw = (float) (logits.dtype().getFloat(logits.segment(), rowOffset + token * axisStride) - rawLogSumExp);
        }
        batch.result(r, token, (float) logprob, raw);
    }

    /**
     * The draw of the class documentation over every token of the row at once (no candidate list): weights
     * {@code SamplingExp.exp(v - max)} (0 for -inf), in id order, so the same positive weights in the same order as
     * the general path, and the same token. Leaves the weights' sequential sum in {@code s.total}.
     */
    private static long singlePassDraw(float[] row, int n, float max, Philox.Stream stream, SamplingScratch s) {
        double total = 0;
        double threshold = 0;
        int chosen = -1;
        for (int i = 0; i < n; i++) {
            float wi = SamplingExp.exp(row[i] - max);
            if (!(wi > 0)) {
                continue;
            }
            total += wi;
            if (total > threshold) {
                chosen = i;
                threshold = total / (1.0 - stream.nextUniform());
            }
        }
        s.total = total;
        return chosen;
    }

    /** Penalties over the history, then the logit bias, then the bitmask, on the f32 row. */
    private static void applyProcessors(MemorySegment x, int n, SamplingParameters params, int r, SamplingScratch s) {
        int length = params.historyLength(r);
        if (length > 0) {
            float repetition = params.repetitionPenalty(r);
            float presence = params.presencePenalty(r);
            float frequency = params.frequencyPenalty(r);
            TensorView history = params.history();
            long base = r * history.stride(0);
            long step = history.stride(1);
            int[] counts = s.counts;
            for (int j = 0; j < length; j++) {
                counts[(int) history.dtype().getLong(history.segment(), base + j * step)]++;
            }
            for (int j = 0; j < length; j++) {
                int t = (int) history.dtype().getLong(history.segment(), base + j * step);
                int c = counts[t];
                if (c == 0) {
                    continue; // already penalised (a repeated token)
                }
                counts[t] = 0;
                float v = x.get(F32, 4L * t);
                if (repetition != 1f) {
                    v = v > 0 ? v / repetition : v * repetition;
                }
                v = v - (frequency * (float) c + presence);
                x.set(F32, 4L * t, clamp(v));
            }
        }
        int biases = params.biasCount(r);
        if (biases > 0) {
            TensorView ids = params.biasIds();
            TensorView values = params.biasValues();
            for (int j = 0; j < biases; j++) {
                int t = (int) ids.dtype().getLong(ids.segment(), r * ids.stride(0) + j * ids.stride(1));
                float bias = values.dtype().getFloat(values.segment(), r * values.stride(0) + j * values.stride(1));
                x.set(F32, 4L * t, clamp(x.get(F32, 4L * t) + bias));
            }
        }
        TensorView mask = params.allowedTokens();
        if (mask != null) {
            long base = r * mask.stride(0);
            long step = mask.stride(1);
            int words = (n + 31) >>> 5;
            for (int wd = 0; wd < words; wd++) {
                int word = mask.segment().get(I32, 4 * (base + wd * step));
                if (word == -1) {
                    continue;
                }
                int end = Math.min(32, n - 32 * wd);
                for (int b = 0; b < end; b++) {
                    if ((word & (1 << b)) == 0) {
                        x.set(F32, 4L * (32 * wd + b), Float.NEGATIVE_INFINITY);
                    }
                }
            }
        }
    }

    /**
     * A processed logit that overflowed to +inf (a huge logit plus a bias, say) is the largest finite float, so that
     * the row keeps a distribution; -inf stays -inf (a masked token).
     */
    private static float clamp(float v) {
        return v == Float.POSITIVE_INFINITY ? Float.MAX_VALUE : v;
    }

    /** The candidates: tokens above -inf, in id order, into {@code s.values / s.ids}. */
    private static int compact(float[] x, int n, SamplingScratch s) {
        float[] values = s.values;
        int[] ids = s.ids;
        int m = 0;
        for (int i = 0; i < n; i++) {
            float v = x[i];
            if (v != Float.NEGATIVE_INFINITY) {
                values[m] = v;
                ids[m] = i;
                m++;
            }
        }
        return m;
    }

    private static double sequentialSum(float[] w, int m) {
        double sum = 0;
        for (int i = 0; i < m; i++) {
            sum += w[i];
        }
        return sum;
    }

    /** Keeps the candidates whose weight is at least {@code minP} times the largest weight. */
    private static int keepMinP(float[] values, int[] ids, float[] w, int m, float minP) {
        float largest = 0;
        for (int i = 0; i < m; i++) {
            largest = Math.max(largest, w[i]);
        }
        float bound = minP * largest;
        int kept = 0;
        for (int i = 0; i < m; i++) {
            if (w[i] >= bound) {
                values[kept] = values[i];
                ids[kept] = ids[i];
                w[kept] = w[i];
                kept++;
            }
        }
        return kept;
    }

    /** The weighted draw of the class documentation: the position (not the id) of the chosen candidate. */
    static int draw(float[] w, int m, Philox.Stream stream) {
        double total = 0;
        double threshold = 0;
        int chosen = -1;
        for (int j = 0; j < m; j++) {
            double wj = w[j];
            if (!(wj > 0)) {
                continue;
            }
            total += wj;
            if (total > threshold) {
                chosen = j;
                threshold = total / (1.0 - stream.nextUniform());
            }
        }
        return chosen;
    }

    private static int firstIndexOf(MemorySegment x, int n, float value) {
        return firstIndexOf(x, 0, n, value);
    }

    private static int firstIndexOf(MemorySegment x, long offset, int n, float value) {
        for (int i = 0; i < n; i++) {
            if (x.get(F32, offset + 4L * i) == value) {
                return i;
            }
        }
        return 0;
    }

    private static void writeTop(
            SampleBatch batch, int r, SamplingScratch s, int found, int n, double shift, double logTotal) {
        for (int j = 0; j < n; j++) {
            if (j < found) {
                batch.top(r, j, s.topIds[j], (float) (((double) s.topValues[j] - shift) - logTotal));
            } else {
                batch.top(r, j, -1, Float.NEGATIVE_INFINITY);
            }
        }
    }

    private static void writeId(TensorView view, long element, long id) {
        SampleBatch.writeId(view, element, id);
    }

    private static void fill(MemorySegment x, int n, float value) {
        for (int i = 0; i < n; i++) {
            x.set(F32, 4L * i, value);
        }
    }

    // ---------------------------------------------------------------- the pieces

    /** Computes a validated piece call; returns 0. */
    public double piece(SamplingPieceCall call) {
        boolean shareable = parallelism.threads() > 1
                && shareable(call.input())
                && shareable(call.output())
                && (call.parameters() == null || shareable(call.parameters()));
        parallelism.forEachRange(call.input().dim(0), call.vocab(), shareable, call, pieceRange);
        return 0;
    }

    private void pieceRow(SamplingPieceCall call, int r) {
        TensorView in = call.input();
        TensorView out = call.output();
        int n = call.vocab();
        SamplingParameters params = call.parameters();
        SamplingScratch s = SamplingScratch.get(n);
        MemorySegment x = WorkingRow.get(n);
        long rowOffset = r * in.stride(0);
        RowCopy.gather(codec, in, rowOffset, in.stride(1), n, x, 0);
        switch (call.kind()) {
            case ARGMAX -> writeId(out, r * out.stride(0), firstIndexOf(x, n, kernel.max(x, 0, n)));
            case SAMPLE -> {
                float[] w = s.weights;
                MemorySegment.copy(x, F32, 0, w, 0, n);
                int chosen = draw(w, n, s.stream.reset(params.seed(r), params.step(r)));
                writeId(out, r * out.stride(0), chosen);
            }
            case TOP_K_MASK -> {
                int k = params.topK(r);
                MemorySegment.copy(x, F32, 0, s.row, 0, n);
                int m = k > 0 && k < n ? Selection.topKCandidates(s, s.row, n, k) : compact(s.row, n, s);
                if (k > 0 && k < n) {
                    if (k < m) {
                        m = Selection.keepTopK(scan, s.values, s.ids, null, m, k);
                    }
                    fill(x, n, Float.NEGATIVE_INFINITY);
                    for (int i = 0; i < m; i++) {
                        x.set(F32, 4L * s.ids[i], s.values[i]);
                    }
                }
                RowCopy.scatter(codec, x, 0, n, out, r * out.stride(0), out.stride(1));
            }
            case TOP_K_RENORM, TOP_P_RENORM -> {
                int m = compactPositive(x, n, s);
                float[] w = s.weights;
                System.arraycopy(s.values, 0, w, 0, m);
                if (call.kind() == SamplingPieceCall.Kind.TOP_K_RENORM) {
                    int k = params.topK(r);
                    if (k > 0 && k < m) {
                        m = Selection.keepTopK(scan, s.values, s.ids, w, m, k);
                    }
                } else if (params.topP(r) < 1f) {
                    m = Selection.keepTopMass(s, s.values, s.ids, w, m, params.topP(r) * sequentialSum(w, m));
                }
                double total = sequentialSum(w, m);
                fill(x, n, 0f);
                for (int i = 0; i < m; i++) {
                    x.set(F32, 4L * s.ids[i], (float) (w[i] / total));
                }
                RowCopy.scatter(codec, x, 0, n, out, r * out.stride(0), out.stride(1));
            }
        }
    }

    /** The tokens with a positive probability, in id order. */
    private static int compactPositive(MemorySegment x, int n, SamplingScratch s) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, 4L * i);
            if (v > 0) {
                s.values[m] = v;
                s.ids[m] = i;
                m++;
            }
        }
        return m;
    }

    // ---------------------------------------------------------------- speculative verification

    /** Computes a validated chain verification; returns 0. */
    public double verify(SpeculativeCall call) {
        boolean shareable = parallelism.threads() > 1
                && shareable(call.parameters())
                && shareable(call.target())
                && shareable(call.draft())
                && shareable(call.draftTokens())
                && shareable(call.accepted())
                && shareable(call.emitted());
        parallelism.forEachRange(
                call.target().dim(0), (long) call.vocab() * (call.draftLength() + 1), shareable, call, verifyRange);
        return 0;
    }

    private void verifyRow(SpeculativeCall call, int r) {
        TensorView target = call.target();
        TensorView draft = call.draft();
        TensorView draftTokens = call.draftTokens();
        int n = call.vocab();
        int k = call.draftLength();
        SamplingParameters params = call.parameters();
        SamplingScratch s = SamplingScratch.get(n);
        Philox.Stream stream = s.stream.reset(params.seed(r), params.step(r));
        MemorySegment p = WorkingRow.get(n);
        MemorySegment q = WorkingRow.second(n);
        int accepted = 0;
        int emittedToken = -1;
        for (int j = 0; j < k; j++) {
            long t = draftTokens
                    .dtype()
                    .getLong(draftTokens.segment(), r * draftTokens.stride(0) + j * draftTokens.stride(1));
            double pt = target.dtype()
                    .getFloat(target.segment(), r * target.stride(0) + j * target.stride(1) + t * target.stride(2));
            double qt = draft.dtype()
                    .getFloat(draft.segment(), r * draft.stride(0) + j * draft.stride(1) + t * draft.stride(2));
            double u = stream.nextUniform();
            if (u * qt < pt) {
                writeId(
                        call.emitted(),
                        r * call.emitted().stride(0) + j * call.emitted().stride(1),
                        t);
                accepted++;
                continue;
            }
            RowCopy.gather(codec, target, r * target.stride(0) + j * target.stride(1), target.stride(2), n, p, 0);
            RowCopy.gather(codec, draft, r * draft.stride(0) + j * draft.stride(1), draft.stride(2), n, q, 0);
            float[] w = s.weights;
            boolean any = false;
            for (int i = 0; i < n; i++) {
                float residual = Math.max(0f, p.get(F32, 4L * i) - q.get(F32, 4L * i));
                w[i] = residual;
                any |= residual > 0;
            }
            if (!any) {
                MemorySegment.copy(p, F32, 0, w, 0, n);
            }
            emittedToken = draw(w, n, stream);
            break;
        }
        if (accepted == k) {
            RowCopy.gather(codec, target, r * target.stride(0) + k * target.stride(1), target.stride(2), n, p, 0);
            float[] w = s.weights;
            MemorySegment.copy(p, F32, 0, w, 0, n);
            emittedToken = draw(w, n, stream);
        }
        TensorView emitted = call.emitted();
        writeId(emitted, r * emitted.stride(0) + accepted * emitted.stride(1), emittedToken);
        for (int j = accepted + 1; j <= k; j++) {
            writeId(emitted, r * emitted.stride(0) + j * emitted.stride(1), -1);
        }
        writeId(call.accepted(), r * call.accepted().stride(0), accepted);
    }
}
