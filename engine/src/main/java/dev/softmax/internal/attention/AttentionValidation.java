package dev.softmax.internal.attention;

import static dev.softmax.internal.call.OperandChecks.*;

import dev.softmax.AttentionOptions;
import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.rows.RowLayout;
import java.util.Arrays;

/**
 * Validation of an attention-softmax call: every check, before anything is written, with messages naming the
 * option (the {@link AttentionOptions} method that set it), the value or shape, and what was expected. The data
 * checks (key lengths in range, finite sinks) run on every call, also for a repeated one.
 */
public final class AttentionValidation {

    private AttentionValidation() {}

    public static AttentionCall validate(TensorView x, TensorView dst, AttentionOptions options, EdgePolicy policy) {
        requireNonNull(x, "x");
        requireNonNull(dst, "dst");
        requireNonNull(options, "options");
        requireFloatingPoint(x, "x");
        requireFloatingPoint(dst, "dst");
        requireSameShape(x, "x", dst, "dst");
        int rank = x.rank();
        long keys = x.dim(rank - 1);
        float scale = options.scale();
        if (!Float.isFinite(scale) || scale == 0f) {
            throw new IllegalArgumentException(
                    "scale: " + scale + " is not allowed; expected a finite value other than 0");
        }
        float softcap = options.softcap();
        if (!(softcap >= 0f) || softcap == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "softcap: " + softcap + " is not allowed; expected 0 (off) or a finite value > 0");
        }
        TensorView bias = null;
        if (options.bias() != null) {
            TensorView given = options.bias();
            requireFloatingPoint(given, "bias");
            bias = broadcast(given, "bias", x, -1);
            requireUsable(given, "bias");
        }
        TensorView mask = null;
        if (options.mask() != null) {
            TensorView given = options.mask();
            String name = options.isMaskPacked() ? "packedMask" : "mask";
            if (given.dtype() != DType.U8) {
                throw new IllegalArgumentException(
                        name + ": element type " + given.dtype().label()
                                + " is not supported here; expected u8 (non-zero = keep"
                                + (options.isMaskPacked() ? ", 8 keys a byte)" : ")"));
            }
            mask = broadcast(given, name, x, options.isMaskPacked() ? (keys + 7) / 8 : -1);
            requireUsable(given, name);
        }
        if (options.isCausal() && rank < 2) {
            throw new IllegalArgumentException("causal: x has rank 1 (shape " + Arrays.toString(x.shape())
                    + "); expected rank >= 2 (queries along axis -2, keys along axis -1)");
        }
        TensorView keyLengths = null;
        if (options.keyLengths() != null) {
            TensorView given = options.keyLengths();
            if (given.dtype() != DType.I32 && given.dtype() != DType.I64) {
                throw new IllegalArgumentException("keyLengths: element type "
                        + given.dtype().label() + " is not supported here; expected i32 or i64");
            }
            if (rank < 2) {
                throw new IllegalArgumentException("keyLengths: x has rank 1 (shape " + Arrays.toString(x.shape())
                        + "); expected rank >= 2 (one length per index of axis 0)");
            }
            requireVector(given, "keyLengths", x.dim(0), "x.dim(0), the batch axis of x " + Arrays.toString(x.shape()));
            requireUsable(given, "keyLengths");
            keyLengths = along(given, x, 0);
        }
        TensorView sinks = null;
        if (options.sinks() != null) {
            TensorView given = options.sinks();
            if (given.dtype() != DType.F32) {
                throw new IllegalArgumentException(
                        "sinks: element type " + given.dtype().label() + " is not supported here; expected f32");
            }
            if (rank < 3) {
                throw new IllegalArgumentException("sinks: x has rank " + rank + " (shape "
                        + Arrays.toString(x.shape()) + "); expected rank >= 3 (one sink per index of axis 1, the"
                        + " heads, which must not be the key axis)");
            }
            requireVector(given, "sinks", x.dim(1), "x.dim(1), the heads axis of x " + Arrays.toString(x.shape()));
            requireUsable(given, "sinks");
            sinks = along(given, x, 1);
        }
        TensorView logSumExp = null;
        if (options.logSumExpOut() != null) {
            TensorView given = options.logSumExpOut();
            if (given.dtype() != DType.F32) {
                throw new IllegalArgumentException(
                        "logSumExpOut: element type " + given.dtype().label() + " is not supported here; expected f32");
            }
            long[] expected = rank == 1 ? new long[] {1} : Arrays.copyOf(x.shape(), rank - 1);
            if (!Arrays.equals(given.shape(), expected)) {
                throw new IllegalArgumentException("logSumExpOut: shape " + Arrays.toString(given.shape())
                        + " does not match; expected " + Arrays.toString(expected) + " (x "
                        + Arrays.toString(x.shape()) + " without the last axis)");
            }
            requireUsable(given, "logSumExpOut");
            requireWritable(given, "logSumExpOut");
            requireDistinctElements(given, "logSumExpOut");
            long[] strides = new long[rank];
            if (rank > 1) {
                System.arraycopy(given.strides(), 0, strides, 0, rank - 1);
            }
            logSumExp = TensorView.wrap(given.segment(), DType.F32, x.shape(), strides);
        }
        requireUsable(x, "x");
        requireUsable(dst, "dst");
        requireWritable(dst, "dst");
        checkAliasing(x, "x", dst, "dst");
        requireDistinctElements(dst, "dst");
        requireDisjointFromOutputs(options.bias(), "bias", dst, options.logSumExpOut());
        requireDisjointFromOutputs(
                options.mask(), options.isMaskPacked() ? "packedMask" : "mask", dst, options.logSumExpOut());
        requireDisjointFromOutputs(options.keyLengths(), "keyLengths", dst, options.logSumExpOut());
        requireDisjointFromOutputs(options.sinks(), "sinks", dst, options.logSumExpOut());
        if (options.logSumExpOut() != null) {
            requireDisjoint(x, "x", options.logSumExpOut(), "logSumExpOut");
            requireDisjoint(dst, "dst", options.logSumExpOut(), "logSumExpOut");
        }
        RowLayout rows = RowLayout.of(
                rank - 1,
                x,
                dst,
                bias != null ? bias : x,
                mask != null ? mask : x,
                logSumExp != null ? logSumExp : x,
                keyLengths != null ? keyLengths : x,
                sinks != null ? sinks : x);
        requireWorkableRowLength(dst, rows, AttentionCall.DST);
        AttentionCall call = new AttentionCall(
                x,
                dst,
                options,
                options.isLogSoftmax(),
                scale,
                softcap,
                bias,
                mask,
                options.isMaskPacked(),
                options.isCausal(),
                options.causalOffset(),
                keyLengths,
                sinks,
                logSumExp,
                rank >= 2 ? x.dim(rank - 2) : 1,
                policy,
                rows);
        checkData(call);
        return call;
    }

    /**
     * Returns {@code last} when this call repeats it (the same x, dst and options objects: all immutable), after
     * checking again what can change between calls (the segments are alive and usable here, the key lengths and
     * sinks are in range); else validates anew. A loop of repeated calls then allocates nothing.
     */
    public static AttentionCall reuseOrValidate(
            AttentionCall last, TensorView x, TensorView dst, AttentionOptions options, EdgePolicy policy) {
        if (last != null
                && last.x() == x
                && last.dst() == dst
                && last.options() == options
                && last.policy() == policy) {
            requireUsable(x, "x");
            requireUsable(dst, "dst");
            requireUsableIfPresent(options.bias(), "bias");
            requireUsableIfPresent(options.mask(), options.isMaskPacked() ? "packedMask" : "mask");
            requireUsableIfPresent(options.keyLengths(), "keyLengths");
            requireUsableIfPresent(options.sinks(), "sinks");
            requireUsableIfPresent(options.logSumExpOut(), "logSumExpOut");
            checkData(last);
            return last;
        }
        return validate(x, dst, options, policy);
    }

    private static void requireUsableIfPresent(TensorView view, String name) {
        if (view != null) {
            requireUsable(view, name);
        }
    }

    /** Key lengths within {@code 0 .. K} and finite sinks: data, so checked on every call. */
    private static void checkData(AttentionCall call) {
        AttentionOptions options = call.options();
        long keys = call.rows().rowLength();
        TensorView lengths = options.keyLengths();
        if (lengths != null) {
            for (long b = 0; b < lengths.dim(0); b++) {
                long length = lengths.dtype().getLong(lengths.segment(), b * lengths.stride(0));
                if (length < 0 || length > keys) {
                    throw new IllegalArgumentException("keyLengths: element [" + b + "] is " + length
                            + "; expected 0 to " + keys + " (the key count, x's last dimension)");
                }
            }
        }
        TensorView sinks = options.sinks();
        if (sinks != null) {
            for (long h = 0; h < sinks.dim(0); h++) {
                float sink = sinks.dtype().getFloat(sinks.segment(), h * sinks.stride(0));
                if (!Float.isFinite(sink)) {
                    throw new IllegalArgumentException(
                            "sinks: element [" + h + "] is " + sink + "; expected finite values");
                }
            }
        }
    }

    private static void requireVector(TensorView view, String name, long length, String what) {
        if (view.rank() != 1 || view.dim(0) != length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(view.shape())
                    + " does not match; expected [" + length + "] (" + what + ")");
        }
    }

    private static void requireDisjointFromOutputs(TensorView input, String name, TensorView dst, TensorView lse) {
        if (input == null) {
            return;
        }
        requireDisjoint(input, name, dst, "dst");
        if (lse != null) {
            requireDisjoint(input, name, lse, "logSumExpOut");
        }
    }

    /** A view of x's shape over {@code view}'s elements along {@code axis} only (stride 0 elsewhere). */
    private static TensorView along(TensorView view, TensorView x, int axis) {
        long[] strides = new long[x.rank()];
        strides[axis] = view.stride(0);
        return TensorView.wrap(view.segment(), view.dtype(), x.shape(), strides);
    }

    /**
     * {@code operand} broadcast to x's shape under NumPy's rules (aligned from the last dimension; each dimension
     * equal to x's or 1; missing leading ones broadcast), as a view with stride 0 along broadcast dimensions.
     * With {@code packedBytes >= 0} the last dimension is the packed key axis and must hold exactly that many
     * bytes; the view keeps it.
     */
    static TensorView broadcast(TensorView operand, String name, TensorView x, long packedBytes) {
        int rank = x.rank();
        int operandRank = operand.rank();
        long[] target = x.shape();
        if (packedBytes >= 0) {
            target[rank - 1] = packedBytes;
        }
        long[] strides = new long[rank];
        boolean fits = operandRank <= rank;
        for (int d = rank - 1; fits && d >= 0; d--) {
            int od = d - (rank - operandRank);
            if (od < 0) {
                strides[d] = 0;
            } else if (operand.dim(od) == target[d]) {
                strides[d] = target[d] == 1 ? 0 : operand.stride(od);
            } else if (operand.dim(od) == 1 && !(packedBytes >= 0 && d == rank - 1)) {
                strides[d] = 0;
            } else {
                fits = false;
            }
        }
        if (!fits) {
            String expected = packedBytes >= 0
                    ? "expected the last dimension to be ceil(" + x.dim(rank - 1) + " / 8) = " + packedBytes
                            + " bytes and the others, aligned from the last, to equal x's or be 1"
                    : "expected each dimension, aligned from the last, to equal x's or be 1 (NumPy broadcasting)";
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(operand.shape())
                    + " does not broadcast to x shape " + Arrays.toString(x.shape()) + "; " + expected);
        }
        return TensorView.wrap(operand.segment(), operand.dtype(), target, strides);
    }
}
