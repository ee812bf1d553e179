package dev.softmax.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.AttentionOptions;
import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;

/**
 * The double-precision reference of the attention softmax, written from the order of operations documented on
 * {@link AttentionOptions} and nothing else: every operand is read element by element through
 * {@link TensorView#getFloat} at its broadcast index.
 *
 * <p>Bound: the engine forms {@code z} in f32 (one rounding of {@code scale * x}, of the soft-cap and of the bias
 * addition, each relative to the magnitude involved), so a probability may be off by
 * {@code (2e-6 + 2^-24 (4 |ln p| + 8 (|z| + |max| + softcap))) p} (plus one ulp of a 16-bit output type, plus
 * 1e-30 absolute for p below 1e-30), a log-probability by {@code 1e-5 max(1, |ref|)} plus the same rounding of z,
 * the log-sum-exp by {@code 1e-5 max(1, |ref|)}. Masked positions must be exactly 0 (log: -inf).
 */
public final class AttentionReference {

    private AttentionReference() {}

    /** The expected output and log-sum-exp, row-major, and which positions are masked. */
    public record Expected(double[] out, double[] lse, boolean[] masked, double[] z, double[] rowMax) {}

    public static Expected compute(TensorView x, AttentionOptions o, EdgePolicy policy) {
        long[] shape = x.shape();
        int rank = shape.length;
        int n = (int) shape[rank - 1];
        long rows = x.elementCount() / Math.max(1, n);
        if (n == 0) {
            rows = 1;
            for (int d = 0; d < rank - 1; d++) {
                rows *= shape[d];
            }
        }
        double[] out = new double[(int) x.elementCount()];
        double[] z = new double[out.length];
        boolean[] masked = new boolean[out.length];
        double[] lse = new double[(int) rows];
        double[] rowMax = new double[(int) rows];
        long[] index = new long[rank];
        for (int r = 0; r < rows; r++) {
            // index of row r (row-major over the leading dimensions)
            long rest = r;
            for (int d = rank - 2; d >= 0; d--) {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }
            long query = rank >= 2 ? index[rank - 2] : 0;
            long length = n;
            if (o.keyLengths() != null) {
                length = o.keyLengths()
                        .dtype()
                        .getLong(
                                o.keyLengths().segment(),
                                index[0] * o.keyLengths().stride(0));
            }
            double sink = Double.NaN;
            if (o.sinks() != null) {
                sink = o.sinks().getFloat(index[1]);
            }
            boolean nan = false;
            boolean plusInf = false;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                index[rank - 1] = j;
                int at = r * n + j;
                boolean keep = j < length;
                if (o.isCausal()) {
                    keep &= j - query <= o.causalOffset();
                }
                double value = Double.NEGATIVE_INFINITY;
                if (keep && o.mask() != null) {
                    keep = o.isMaskPacked() ? packedBit(o.mask(), shape, index) : broadcastGet(o.mask(), index) != 0;
                }
                if (keep) {
                    // Step 1 of the documented order is in f32: a product beyond the f32 range is +-inf (and a
                    // softcapped infinity keeps its sign), which a double product would not show.
                    value = o.scale() * x.getFloat(index);
                    if (o.softcap() > 0 && !Double.isInfinite(value)) {
                        value = o.softcap() * Math.tanh(value / o.softcap());
                    }
                    if (o.bias() != null) {
                        double b = broadcastGet(o.bias(), index);
                        value = b == Double.NEGATIVE_INFINITY ? b : value + b;
                    }
                }
                masked[at] = value == Double.NEGATIVE_INFINITY;
                z[at] = value;
                nan |= Double.isNaN(value);
                plusInf |= value == Double.POSITIVE_INFINITY;
                max = Math.max(max, value);
            }
            boolean hasSink = o.sinks() != null;
            double shift = hasSink ? Math.max(max, sink) : max;
            rowMax[r] = shift;
            if (nan || plusInf) {
                for (int j = 0; j < n; j++) {
                    out[r * n + j] = Double.NaN;
                }
                lse[r] = nan ? Double.NaN : Double.POSITIVE_INFINITY;
                continue;
            }
            if (shift == Double.NEGATIVE_INFINITY) {
                double value =
                        policy == EdgePolicy.NAN ? Double.NaN : o.isLogSoftmax() ? Double.NEGATIVE_INFINITY : 0.0;
                for (int j = 0; j < n; j++) {
                    out[r * n + j] = value;
                }
                lse[r] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double sum = hasSink ? Math.exp(sink - shift) : 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(z[r * n + j] - shift);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < n; j++) {
                double shifted = z[r * n + j] - shift;
                out[r * n + j] = o.isLogSoftmax() ? shifted - logSum : Math.exp(shifted) / sum;
            }
            lse[r] = shift + logSum;
        }
        return new Expected(out, lse, masked, z, rowMax);
    }

    /** The element of {@code operand} that broadcasts to {@code index} of x (NumPy rules). */
    static double broadcastGet(TensorView operand, long[] index) {
        int offset = index.length - operand.rank();
        long[] at = new long[operand.rank()];
        for (int d = 0; d < at.length; d++) {
            at[d] = operand.dim(d) == 1 ? 0 : index[d + offset];
        }
        return operand.getFloat(at);
    }

    static boolean packedBit(TensorView mask, long[] xShape, long[] index) {
        int offset = index.length - mask.rank();
        long[] at = new long[mask.rank()];
        for (int d = 0; d < at.length - 1; d++) {
            at[d] = mask.dim(d) == 1 ? 0 : index[d + offset];
        }
        long j = index[index.length - 1];
        at[at.length - 1] = j / 8;
        int bits = (int) mask.getFloat(at);
        return (bits & (1 << (j % 8))) != 0;
    }

    /** Checks the engine's output (row-major floats) and log-sum-exp against the reference. */
    public static void assertMatches(
            String where, Expected e, float[] actual, float[] actualLse, DType outType, AttentionOptions o) {
        double eps = Math.scalb(1.0, -24);
        for (int i = 0; i < actual.length; i++) {
            double ref = e.out()[i];
            float got = actual[i];
            int n = actual.length / Math.max(1, e.lse().length);
            int row = n == 0 ? 0 : i / n;
            String what = where + ": element " + i + " (row " + row + ", column " + (i - row * n) + "): got " + got
                    + ", expected " + ref;
            if (Double.isNaN(ref)) {
                assertThat(Float.isNaN(got)).as(what).isTrue();
                continue;
            }
            if (e.masked()[i] || ref == Double.NEGATIVE_INFINITY || (ref == 0 && !o.isLogSoftmax())) {
                // masked positions and fully masked rows: exact
                assertThat((double) got).as(what).isEqualTo(ref);
                continue;
            }
            if (Double.isInfinite(ReferenceSoftmax.roundTo(outType, ref))) {
                // Beyond the output type's range (an f16 log-probability below -65504): the rounded infinity.
                assertThat((double) got).as(what).isEqualTo(ReferenceSoftmax.roundTo(outType, ref));
                continue;
            }
            double zRound = 8 * (Math.abs(e.z()[i]) + Math.abs(e.rowMax()[row]) + o.softcap()) * eps;
            double ulp = ReferenceSoftmax.ulpOf(outType, ReferenceSoftmax.roundTo(outType, ref));
            double bound;
            if (o.isLogSoftmax()) {
                bound = 1e-5 * Math.max(1, Math.abs(ref)) + zRound + ulp;
            } else {
                bound = (2e-6 + 4 * eps * Math.abs(Math.log(ref)) + zRound) * ref + 1e-30 + ulp;
            }
            assertThat(Math.abs(got - ref)).as(what).isLessThanOrEqualTo(bound);
        }
        if (actualLse != null) {
            for (int r = 0; r < actualLse.length; r++) {
                double ref = e.lse()[r];
                String what = where + ": log-sum-exp of row " + r + ": got " + actualLse[r] + ", expected " + ref;
                if (Double.isNaN(ref)) {
                    assertThat(Float.isNaN(actualLse[r])).as(what).isTrue();
                } else if (Double.isInfinite(ref)) {
                    assertThat((double) actualLse[r]).as(what).isEqualTo(ref);
                } else {
                    double bound = 1e-5 * Math.max(1, Math.abs(ref)) + 8 * Math.abs(e.rowMax()[r]) * eps;
                    assertThat(Math.abs(actualLse[r] - ref)).as(what).isLessThanOrEqualTo(bound);
                }
            }
        }
    }
}
