package dev.softmax.internal.sampling;

import static dev.softmax.internal.call.OperandChecks.*;

import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.NonFiniteInputException;
import dev.softmax.SamplingParameters;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Validation of the sampling calls: operands (types, shapes, liveness, writability, aliasing), every row's
 * settings, every id in histories and biases, the bitmask, and every row of the input (no NaN or +inf; some token
 * allowed and finite). Everything is checked before any output byte is written; messages name the argument, the
 * row and the value.
 */
public final class SamplingValidation {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;

    /**
     * Each thread's previous decode step, returned again when the next step names the same operands (every check
     * still runs), so that a decode loop allocates nothing per step. It keeps those views reachable until the
     * thread's next step with other operands.
     */
    private static final ThreadLocal<SamplingCall[]> LAST_CALL = ThreadLocal.withInitial(() -> new SamplingCall[1]);

    private SamplingValidation() {}

    /** The fused decode step. */
    public static SamplingCall validateSample(
            TensorView logits, SamplingParameters parameters, DecodeOutputs outputs, KernelProvider kernels) {
        requireNonNull(logits, "logits");
        requireNonNull(parameters, "parameters");
        requireNonNull(outputs, "outputs");
        requireNonNull(outputs.tokens(), "tokens");
        int vocab = requireBatch(logits, "logits", parameters);
        int rows = parameters.rows();
        requireTokenView(outputs.tokens(), "tokens", rows);
        if (outputs.logprobs() != null) {
            requireFloatingPoint(outputs.logprobs(), "logprobs");
            requireShape(outputs.logprobs(), "logprobs", rows);
        }
        if (outputs.rawLogprobs() != null) {
            requireFloatingPoint(outputs.rawLogprobs(), "rawLogprobs");
            requireShape(outputs.rawLogprobs(), "rawLogprobs", rows);
        }
        int topN = 0;
        if ((outputs.topIds() == null) != (outputs.topLogprobs() == null)) {
            throw new NullPointerException((outputs.topIds() == null ? "topIds" : "topLogprobs")
                    + ": must not be null when the other top-N output is given");
        }
        if (outputs.topIds() != null) {
            TensorView ids = outputs.topIds();
            requireIdType(ids, "topIds");
            if (ids.rank() != 2 || ids.dim(0) != rows || ids.dim(1) < 1 || ids.dim(1) > DecodeOutputs.MAX_TOP) {
                throw new IllegalArgumentException("topIds: shape " + Arrays.toString(ids.shape())
                        + " is not supported; expected [" + rows + ", N] with 1 <= N <= " + DecodeOutputs.MAX_TOP);
            }
            topN = (int) ids.dim(1);
            requireFloatingPoint(outputs.topLogprobs(), "topLogprobs");
            requireShape(outputs.topLogprobs(), "topLogprobs", rows, topN);
        }
        requireUsable(logits, "logits");
        TensorView inPlace = outputs.logitsProcessedInPlace() ? logits : null;
        requireOutput(outputs.tokens(), "tokens", logits);
        requireOutput(outputs.logprobs(), "logprobs", logits);
        requireOutput(outputs.rawLogprobs(), "rawLogprobs", logits);
        requireOutput(outputs.topIds(), "topIds", logits);
        requireOutput(outputs.topLogprobs(), "topLogprobs", logits);
        requireOutput(inPlace, "logits", null);
        requireDisjointOutputs(outputs.tokens(), "tokens", outputs.logprobs(), "logprobs");
        requireDisjointOutputs(outputs.tokens(), "tokens", outputs.rawLogprobs(), "rawLogprobs");
        requireDisjointOutputs(outputs.tokens(), "tokens", outputs.topIds(), "topIds");
        requireDisjointOutputs(outputs.tokens(), "tokens", outputs.topLogprobs(), "topLogprobs");
        requireDisjointOutputs(outputs.logprobs(), "logprobs", outputs.rawLogprobs(), "rawLogprobs");
        requireDisjointOutputs(outputs.logprobs(), "logprobs", outputs.topIds(), "topIds");
        requireDisjointOutputs(outputs.logprobs(), "logprobs", outputs.topLogprobs(), "topLogprobs");
        requireDisjointOutputs(outputs.rawLogprobs(), "rawLogprobs", outputs.topIds(), "topIds");
        requireDisjointOutputs(outputs.rawLogprobs(), "rawLogprobs", outputs.topLogprobs(), "topLogprobs");
        requireDisjointOutputs(outputs.topIds(), "topIds", outputs.topLogprobs(), "topLogprobs");
        checkSettings(parameters, vocab);
        // Without in-place processing the step writes only its outputs, which it holds back until every row has
        // passed: each row is then checked (checkRow) just before it is computed, while it is in cache (see
        // SampleBatch for the figures). With in-place processing the logits are written row by row: check first.
        boolean rowsChecked = outputs.logitsProcessedInPlace();
        if (rowsChecked) {
            checkRows(logits, "logits", parameters, vocab, kernels);
        }
        SamplingCall[] last = LAST_CALL.get();
        SamplingCall previous = last[0];
        if (previous != null
                && previous.logits() == logits
                && previous.parameters() == parameters
                && previous.outputs() == outputs
                && previous.vocab() == vocab
                && previous.topN() == topN
                && previous.rowsChecked() == rowsChecked) {
            return previous; // the same operands as this thread's previous step: no new call object
        }
        SamplingCall call = new SamplingCall(logits, parameters, outputs, vocab, topN, rowsChecked);
        last[0] = call;
        return call;
    }

    /** A standalone piece. */
    public static SamplingPieceCall validatePiece(
            SamplingPieceCall.Kind kind,
            TensorView input,
            SamplingParameters parameters,
            TensorView output,
            KernelProvider kernels) {
        String inName = kind.probabilities() ? "probabilities" : "logits";
        String outName = kind.tokens() ? "tokens" : "dst";
        requireNonNull(input, inName);
        if (kind != SamplingPieceCall.Kind.ARGMAX) {
            requireNonNull(parameters, "parameters");
        }
        requireNonNull(output, outName);
        int vocab = parameters != null ? requireBatch(input, inName, parameters) : requireMatrix(input, inName);
        int rows = (int) input.dim(0);
        if (kind.tokens()) {
            requireTokenView(output, outName, rows);
        } else {
            requireFloatingPoint(output, outName);
            requireSameShape(input, inName, output, outName);
        }
        requireUsable(input, inName);
        requireUsable(output, outName);
        requireWritable(output, outName);
        requireDistinctElements(output, outName);
        if (!kind.tokens()) {
            checkAliasing(input, inName, output, outName);
        } else {
            requireDisjoint(input, inName, output, outName);
        }
        if (parameters != null) {
            checkSettings(parameters, vocab);
        }
        if (kind.probabilities()) {
            for (int r = 0; r < rows; r++) {
                checkProbabilities(input, inName, r, r * input.stride(0), input.stride(1), vocab, kernels);
            }
        } else {
            checkRows(input, inName, null, vocab, kernels);
        }
        return new SamplingPieceCall(kind, input, parameters, output, RowLayout.of(1, input), vocab);
    }

    /** Chain speculative verification. */
    public static SpeculativeCall validateSpeculative(
            TensorView target,
            TensorView draft,
            TensorView draftTokens,
            SamplingParameters parameters,
            TensorView accepted,
            TensorView emitted,
            KernelProvider kernels) {
        requireNonNull(target, "targetProbabilities");
        requireNonNull(draft, "draftProbabilities");
        requireNonNull(draftTokens, "draftTokens");
        requireNonNull(parameters, "parameters");
        requireNonNull(accepted, "accepted");
        requireNonNull(emitted, "emitted");
        requireFloatingPoint(target, "targetProbabilities");
        requireFloatingPoint(draft, "draftProbabilities");
        if (target.rank() != 3 || target.dim(1) < 1 || target.dim(2) < 1) {
            throw new IllegalArgumentException("targetProbabilities: shape " + Arrays.toString(target.shape())
                    + " is not supported; expected [rows, k + 1, vocab] with vocab >= 1");
        }
        int rows = parameters.rows();
        if (target.dim(0) != rows) {
            throw new IllegalArgumentException("targetProbabilities: " + target.dim(0) + " rows in shape "
                    + Arrays.toString(target.shape()) + " do not match the " + rows + " rows of parameters");
        }
        if (target.dim(2) > MAX_WORKING_ROW) {
            throw new IllegalArgumentException("targetProbabilities: vocabulary of " + target.dim(2)
                    + " tokens; expected at most " + MAX_WORKING_ROW);
        }
        int k = (int) target.dim(1) - 1;
        int vocab = (int) target.dim(2);
        requireShape(draft, "draftProbabilities", rows, k, vocab);
        requireIdType(draftTokens, "draftTokens");
        requireShape(draftTokens, "draftTokens", rows, k);
        requireTokenView(accepted, "accepted", rows);
        requireIdType(emitted, "emitted");
        requireShape(emitted, "emitted", rows, k + 1);
        for (TensorView v : new TensorView[] {target, draft, draftTokens}) {
            requireUsable(v, v == target ? "targetProbabilities" : v == draft ? "draftProbabilities" : "draftTokens");
        }
        requireWritableOutputs(new TensorView[] {accepted, emitted}, new String[] {"accepted", "emitted"}, null);
        for (TensorView out : new TensorView[] {accepted, emitted}) {
            String name = out == accepted ? "accepted" : "emitted";
            requireDisjoint(target, "targetProbabilities", out, name);
            requireDisjoint(draft, "draftProbabilities", out, name);
            requireDisjoint(draftTokens, "draftTokens", out, name);
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                long t = draftTokens
                        .dtype()
                        .getLong(draftTokens.segment(), r * draftTokens.stride(0) + j * draftTokens.stride(1));
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("draftTokens: row " + r + " position " + j + " holds token " + t
                            + "; expected an id in [0, " + vocab + ")");
                }
            }
            for (int j = 0; j <= k; j++) {
                checkProbabilities(
                        target,
                        "targetProbabilities",
                        r,
                        r * target.stride(0) + j * target.stride(1),
                        target.stride(2),
                        vocab,
                        kernels);
                if (j < k) {
                    checkProbabilities(
                            draft,
                            "draftProbabilities",
                            r,
                            r * draft.stride(0) + j * draft.stride(1),
                            draft.stride(2),
                            vocab,
                            kernels);
                }
            }
        }
        return new SpeculativeCall(
                target, draft, draftTokens, parameters, accepted, emitted, RowLayout.of(2, target), k, vocab);
    }

    // ---------------------------------------------------------------- operands

    /** A float {@code [rows, vocab]} input whose rows match the parameters; returns vocab. */
    private static int requireBatch(TensorView input, String name, SamplingParameters parameters) {
        int vocab = requireMatrix(input, name);
        if (input.dim(0) != parameters.rows()) {
            throw new IllegalArgumentException(name + ": " + input.dim(0) + " rows in shape "
                    + Arrays.toString(input.shape()) + " do not match the " + parameters.rows()
                    + " rows of parameters; expected one row of settings per row");
        }
        return vocab;
    }

    private static int requireMatrix(TensorView input, String name) {
        requireFloatingPoint(input, name);
        if (input.rank() != 2 || input.dim(1) < 1) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(input.shape())
                    + " is not supported; expected [rows, vocab] with vocab >= 1");
        }
        if (input.dim(1) > MAX_WORKING_ROW || input.dim(0) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(input.shape())
                    + " is too large; expected at most " + MAX_WORKING_ROW + " tokens and 2^31 - 1 rows");
        }
        return (int) input.dim(1);
    }

    private static void requireIdType(TensorView view, String name) {
        if (view.dtype() != DType.I32 && view.dtype() != DType.I64) {
            throw new IllegalArgumentException(
                    name + ": element type " + view.dtype().label() + " is not supported; expected i32 or i64");
        }
    }

    private static void requireTokenView(TensorView view, String name, int rows) {
        requireIdType(view, name);
        requireShape(view, name, rows);
    }

    /** {@code [d0]}, without allocating on success (this runs on every decode step). */
    private static void requireShape(TensorView view, String name, long d0) {
        if (view.rank() != 1 || view.dim(0) != d0) {
            requireShape(view, name, new long[] {d0});
        }
    }

    /** {@code [d0, d1]}, without allocating on success. */
    private static void requireShape(TensorView view, String name, long d0, long d1) {
        if (view.rank() != 2 || view.dim(0) != d0 || view.dim(1) != d1) {
            requireShape(view, name, new long[] {d0, d1});
        }
    }

    private static void requireShape(TensorView view, String name, long... shape) {
        if (!Arrays.equals(view.shape(), shape)) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(view.shape())
                    + " does not match; expected " + Arrays.toString(shape));
        }
    }

    /** An optional output (null: absent): usable, writable, distinct elements, disjoint from the input. */
    private static void requireOutput(TensorView out, String name, TensorView input) {
        if (out == null) {
            return;
        }
        requireUsable(out, name);
        requireWritable(out, name);
        requireDistinctElements(out, name);
        if (input != null) {
            requireDisjoint(input, "logits", out, name);
        }
    }

    private static void requireDisjointOutputs(TensorView a, String aName, TensorView b, String bName) {
        if (a != null && b != null) {
            requireDisjoint(a, aName, b, bName);
        }
    }

    /** Usable, writable, distinct elements, and disjoint from each other and from the input (unless it is one). */
    private static void requireWritableOutputs(TensorView[] outputs, String[] names, TensorView input) {
        for (int i = 0; i < outputs.length; i++) {
            TensorView out = outputs[i];
            if (out == null) {
                continue;
            }
            requireUsable(out, names[i]);
            requireWritable(out, names[i]);
            requireDistinctElements(out, names[i]);
            if (input != null && out != input) {
                requireDisjoint(input, "logits", out, names[i]);
            }
            for (int j = 0; j < i; j++) {
                if (outputs[j] != null) {
                    requireDisjoint(outputs[j], names[j], out, names[i]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- settings and per-token data

    private static void checkSettings(SamplingParameters p, int vocab) {
        int rows = p.rows();
        boolean needHistory = false;
        boolean needBias = false;
        for (int r = 0; r < rows; r++) {
            float t = p.temperature(r);
            if (!(t >= 0) || t == Float.POSITIVE_INFINITY) {
                throw setting("temperature", r, t, "a finite value >= 0 (0 = greedy)");
            }
            if (p.topK(r) < 0) {
                throw setting("topK", r, p.topK(r), "a value >= 0 (0 = off)");
            }
            float topP = p.topP(r);
            if (!(topP > 0 && topP <= 1)) {
                throw setting("topP", r, topP, "a value in (0, 1] (1 = off)");
            }
            float minP = p.minP(r);
            if (!(minP >= 0 && minP <= 1)) {
                throw setting("minP", r, minP, "a value in [0, 1] (0 = off)");
            }
            float repetition = p.repetitionPenalty(r);
            if (!(repetition > 0) || repetition == Float.POSITIVE_INFINITY) {
                throw setting("repetitionPenalty", r, repetition, "a finite value > 0 (1 = off)");
            }
            if (!Float.isFinite(p.presencePenalty(r))) {
                throw setting("presencePenalty", r, p.presencePenalty(r), "a finite value");
            }
            if (!Float.isFinite(p.frequencyPenalty(r))) {
                throw setting("frequencyPenalty", r, p.frequencyPenalty(r), "a finite value");
            }
            if (p.historyLength(r) < 0) {
                throw setting("historyLength", r, p.historyLength(r), "a value >= 0");
            }
            if (p.biasCount(r) < 0) {
                throw setting("biasCount", r, p.biasCount(r), "a value >= 0");
            }
            needHistory |= p.historyLength(r) > 0;
            needBias |= p.biasCount(r) > 0;
        }
        if (needHistory) {
            TensorView h = p.history();
            requireNonNull(h, "history");
            requireIdType(h, "history");
            requireRows(h, "history", rows);
            requireUsable(h, "history");
            for (int r = 0; r < rows; r++) {
                int length = p.historyLength(r);
                if (length > h.dim(1)) {
                    throw setting("historyLength", r, length, "at most the " + h.dim(1) + " columns of history");
                }
                for (int j = 0; j < length; j++) {
                    long id = h.dtype().getLong(h.segment(), r * h.stride(0) + j * h.stride(1));
                    if (id < 0 || id >= vocab) {
                        throw new IllegalArgumentException("history: row " + r + " position " + j + " holds token " + id
                                + "; expected an id in [0, " + vocab + ")");
                    }
                }
            }
        }
        if (needBias) {
            TensorView ids = p.biasIds();
            TensorView values = p.biasValues();
            requireNonNull(ids, "biasIds");
            requireNonNull(values, "biasValues");
            requireIdType(ids, "biasIds");
            requireRows(ids, "biasIds", rows);
            requireFloatingPoint(values, "biasValues");
            requireSameShape(ids, "biasIds", values, "biasValues");
            requireUsable(ids, "biasIds");
            requireUsable(values, "biasValues");
            for (int r = 0; r < rows; r++) {
                int count = p.biasCount(r);
                if (count > ids.dim(1)) {
                    throw setting("biasCount", r, count, "at most the " + ids.dim(1) + " columns of biasIds");
                }
                for (int j = 0; j < count; j++) {
                    long id = ids.dtype().getLong(ids.segment(), r * ids.stride(0) + j * ids.stride(1));
                    if (id < 0 || id >= vocab) {
                        throw new IllegalArgumentException("biasIds: row " + r + " position " + j + " holds token " + id
                                + "; expected an id in [0, " + vocab + ")");
                    }
                    float bias = values.dtype().getFloat(values.segment(), r * values.stride(0) + j * values.stride(1));
                    if (!Float.isFinite(bias)) {
                        throw new IllegalArgumentException(
                                "biasValues: row " + r + " position " + j + " is " + bias + "; expected a finite bias");
                    }
                }
            }
        }
        TensorView mask = p.allowedTokens();
        if (mask != null) {
            if (mask.dtype() != DType.I32) {
                throw new IllegalArgumentException("allowedTokens: element type "
                        + mask.dtype().label() + " is not supported; expected i32 words");
            }
            long words = (vocab + 31L) / 32;
            if (mask.rank() != 2 || mask.dim(0) != rows || mask.dim(1) < words) {
                throw new IllegalArgumentException("allowedTokens: shape " + Arrays.toString(mask.shape())
                        + " is too small; expected [" + rows + ", W] with W >= ceil(" + vocab + " / 32) = " + words);
            }
            requireUsable(mask, "allowedTokens");
            for (int r = 0; r < rows; r++) {
                boolean any = false;
                for (long w = 0; w < words && !any; w++) {
                    int word = mask.segment().get(I32, 4 * (r * mask.stride(0) + w * mask.stride(1)));
                    int valid = (int) Math.min(32, vocab - 32 * w);
                    any = (valid == 32 ? word : word & ((1 << valid) - 1)) != 0;
                }
                if (!any) {
                    throw new IllegalArgumentException("allowedTokens: row " + r + " allows no token of the " + vocab
                            + "; expected at least one bit set among the first " + vocab);
                }
            }
        }
    }

    private static void requireRows(TensorView view, String name, int rows) {
        if (view.rank() != 2 || view.dim(0) != rows) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(view.shape())
                    + " does not match; expected [" + rows + ", columns]");
        }
    }

    private static IllegalArgumentException setting(String name, int row, Object value, String expected) {
        return new IllegalArgumentException(
                "parameters: row " + row + " " + name + " is " + value + "; expected " + expected);
    }

    // ---------------------------------------------------------------- rows of the input

    /**
     * Every row: no NaN or +inf, and some token both finite and allowed (by the parameters' bitmask, when given).
     */
    static void checkRows(TensorView input, String name, SamplingParameters p, int vocab, KernelProvider kernels) {
        for (long r = 0; r < input.dim(0); r++) {
            checkRow(input, name, p, vocab, kernels, r);
        }
    }

    /** Row r: no NaN or +inf, and some token both finite and allowed (by the parameters' bitmask, when given). */
    static void checkRow(
            TensorView input, String name, SamplingParameters p, int vocab, KernelProvider kernels, long r) {
        TensorView mask = p == null ? null : p.allowedTokens();
        boolean direct = input.dtype() == DType.F32 && (input.stride(1) == 1 || vocab == 1);
        MemorySegment x;
        long base;
        if (direct) {
            // read in place: no copy of a dense f32 row just to scan it
            x = input.segment();
            base = 4 * r * input.stride(0);
        } else {
            x = WorkingRow.get(vocab);
            base = 0;
            RowCopy.gather(kernels.codec(), input, r * input.stride(0), input.stride(1), vocab, x, 0);
        }
        float max = kernels.math().max(x, base, vocab);
        if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
            long column = 0;
            while (column < vocab) {
                float v = x.get(F32, base + 4 * column);
                if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
                    break;
                }
                column++;
            }
            throw new NonFiniteInputException(
                    name + ": row " + r + " holds " + x.get(F32, base + 4 * column)
                            + " at token " + column
                            + "; expected finite logits or -inf (there is no distribution to "
                            + "sample from)",
                    r,
                    column);
        }
        boolean any;
        if (mask == null) {
            any = max != Float.NEGATIVE_INFINITY;
        } else {
            any = false;
            for (int i = 0; i < vocab && !any; i++) {
                int word = mask.segment().get(I32, 4 * (r * mask.stride(0) + (i >>> 5) * mask.stride(1)));
                any = (word & (1 << (i & 31))) != 0 && x.get(F32, base + 4L * i) != Float.NEGATIVE_INFINITY;
            }
        }
        if (!any) {
            throw new IllegalArgumentException(name + ": row " + r + " has no token that is both allowed and "
                    + "above -inf; expected at least one");
        }
    }

    /** A probability row: every value finite and >= 0, and some positive. */
    private static void checkProbabilities(
            TensorView input, String name, long r, long offset, long stride, int vocab, KernelProvider kernels) {
        MemorySegment x = WorkingRow.get(vocab);
        RowCopy.gather(kernels.codec(), input, offset, stride, vocab, x, 0);
        boolean positive = false;
        for (int i = 0; i < vocab; i++) {
            float v = x.get(F32, 4L * i);
            if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
                throw new NonFiniteInputException(
                        name + ": row " + r + " holds " + v + " at token " + i + "; expected finite probabilities >= 0",
                        r,
                        i);
            }
            if (v < 0) {
                throw new IllegalArgumentException(name + ": row " + r + " holds " + v + " at token " + i
                        + "; expected finite probabilities >= 0");
            }
            positive |= v > 0;
        }
        if (!positive) {
            throw new IllegalArgumentException(
                    name + ": row " + r + " is all zero; expected some positive " + "probability");
        }
    }
}
