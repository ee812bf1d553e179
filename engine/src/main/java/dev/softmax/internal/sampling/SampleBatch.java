package dev.softmax.internal.sampling;

import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.TensorView;
import java.lang.foreign.ValueLayout;

/**
 * One thread's decode step in flight: the call, and every row's results held back until all rows are done, then
 * written to the caller's outputs in one go ({@link #flush}).
 *
 * <p>Why hold them back: the rule is that a call whose rows hold NaN or +inf writes nothing. Checking every row in
 * a pass of its own before computing any (as validation did until 2026-12-05) reads a batch from memory twice,
 * since a 32 MB batch leaves the cache between the check and the computation; on 256x32000, scenario (b), that
 * pass was a quarter of the step's time (JFR). Instead each row is checked ({@link SamplingValidation#checkRow})
 * just before it is computed, while it is in cache, its results go here, and only when every row has passed are
 * they written. A failed row stops the call before {@link #flush}; the caller then throws the error a
 * row-by-row check gives (the lowest failing row), so the message does not depend on the thread count.
 *
 * <p>Used by one call at a time (a thread's own), and by the engine's workers only inside that call, each on
 * its own rows.
 */
final class SampleBatch {

    private static final ThreadLocal<SampleBatch> LOCAL = ThreadLocal.withInitial(SampleBatch::new);

    SamplingCall call;
    /** Set by a worker whose row failed its check; read after the workers have joined. */
    volatile boolean failed;

    private long[] tokens = new long[0];
    private float[] logprobs = new float[0];
    private float[] rawLogprobs = new float[0];
    private int[] topIds = new int[0];
    private float[] topLogprobs = new float[0];

    /** This thread's batch, sized for the call. */
    static SampleBatch start(SamplingCall call) {
        SampleBatch batch = LOCAL.get();
        int rows = call.parameters().rows();
        if (batch.tokens.length < rows) {
            int capacity = Math.max(rows, 2 * batch.tokens.length);
            batch.tokens = new long[capacity];
            batch.logprobs = new float[capacity];
            batch.rawLogprobs = new float[capacity];
        }
        long top = (long) rows * call.topN();
        if (batch.topIds.length < top) {
            int capacity = (int) Math.max(top, 2L * batch.topIds.length);
            batch.topIds = new int[capacity];
            batch.topLogprobs = new float[capacity];
        }
        batch.call = call;
        batch.failed = false;
        return batch;
    }

    /** Forgets the call (so its views are not kept reachable). */
    void finish() {
        call = null;
    }

    void result(int row, int token, float logprob, float rawLogprob) {
        tokens[row] = token;
        logprobs[row] = logprob;
        rawLogprobs[row] = rawLogprob;
    }

    void top(int row, int j, int id, float logprob) {
        int at = row * call.topN() + j;
        topIds[at] = id;
        topLogprobs[at] = logprob;
    }

    /** Writes every row's results to the call's outputs, with the same conversions a direct write makes. */
    void flush() {
        DecodeOutputs out = call.outputs();
        int rows = call.parameters().rows();
        int topN = call.topN();
        for (int r = 0; r < rows; r++) {
            writeId(out.tokens(), r * out.tokens().stride(0), tokens[r]);
            if (out.logprobs() != null) {
                TensorView lp = out.logprobs();
                lp.dtype().setFloat(lp.segment(), r * lp.stride(0), logprobs[r]);
            }
            if (out.rawLogprobs() != null) {
                TensorView lp = out.rawLogprobs();
                lp.dtype().setFloat(lp.segment(), r * lp.stride(0), rawLogprobs[r]);
            }
            for (int j = 0; j < topN; j++) {
                TensorView ids = out.topIds();
                TensorView lps = out.topLogprobs();
                writeId(ids, r * ids.stride(0) + j * ids.stride(1), topIds[r * topN + j]);
                lps.dtype().setFloat(lps.segment(), r * lps.stride(0) + j * lps.stride(1), topLogprobs[r * topN + j]);
            }
        }
    }

    static void writeId(TensorView view, long element, long id) {
        if (view.dtype() == DType.I32) {
            view.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 4 * element, (int) id);
        } else {
            view.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 8 * element, id);
        }
    }
}
