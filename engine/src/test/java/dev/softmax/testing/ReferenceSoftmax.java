package dev.softmax.testing;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.FloatConversions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The double-precision reference every differential test compares against, and the contract's accuracy bound.
 *
 * <p>The reference is computed from the values the input view really holds (after rounding to bf16/f16), read
 * back with {@link TensorView#toFloatArray()}, in row-major order of the shape. It applies the edge contract:
 * a NaN or +inf in a row makes the whole row NaN; a row of only -inf is 0 / -inf under {@link EdgePolicy#ZERO}
 * (and {@link EdgePolicy#REJECT}), NaN under {@link EdgePolicy#NAN}.
 *
 * <p>The bound (from the issue):
 * <ul>
 *   <li>softmax, f32 out, p &gt;= 1e-30: {@code |p_hat - p| <= (2e-6 + 2^-24 |ln p|) p}, and
 *       {@code (2e-6 + 2 * 2^-24 |ln p|) p} with a temperature (two roundings of the exponent argument);</li>
 *   <li>softmax, p &lt; 1e-30 (not bounded by the contract): {@code |p_hat - p| <= 1e-30}, so nothing large
 *       or negative appears;</li>
 *   <li>every (finite, unmasked) f32 row sums to 1 within 1e-5;</li>
 *   <li>log-softmax: {@code |err| <= 1e-5 max(1, |ref|)};</li>
 *   <li>16-bit outputs are compared with the reference rounded to that type, allowing one ulp of the output
 *       type at the compared value (bf16: 8 significant bits; f16: 11 significant bits, 2^-24 for subnormals)
 *       plus the f32 bound.</li>
 * </ul>
 */
public final class ReferenceSoftmax {

    public static final double PROBABILITY_ABSOLUTE = 2e-6;
    public static final double EXPONENT_ROUNDING = Math.scalb(1.0, -24);
    public static final double SMALLEST_BOUNDED_P = 1e-30;
    public static final double ROW_SUM_TOLERANCE = 1e-5;
    public static final double LOG_TOLERANCE = 1e-5;

    private ReferenceSoftmax() {}

    /** Everything that defines one call's expected result. */
    public record Spec(long[] shape, int axis, boolean log, float temperature, EdgePolicy policy) {
        public Spec {
            shape = shape.clone();
            int rank = shape.length;
            if (axis < -rank || axis >= rank) {
                throw new IllegalArgumentException("test bug: axis " + axis + " for rank " + rank);
            }
            axis = axis < 0 ? axis + rank : axis;
        }

        public static Spec of(long[] shape, int axis, boolean log) {
            return new Spec(shape, axis, log, 1f, EdgePolicy.ZERO);
        }

        public Spec withTemperature(float t) {
            return new Spec(shape, axis, log, t, policy);
        }

        public Spec withPolicy(EdgePolicy p) {
            return new Spec(shape, axis, log, temperature, p);
        }

        public long rowLength() {
            return shape[axis];
        }

        public long inner() {
            long inner = 1;
            for (int d = axis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
            return inner;
        }

        public long rowCount() {
            long count = 1;
            for (int d = 0; d < shape.length; d++) {
                if (d != axis) {
                    count *= shape[d];
                }
            }
            return count;
        }

        /** Row-major index of element {@code i} of row {@code r} (rows numbered row-major over non-axis dims). */
        public int index(long r, long i) {
            long inner = inner();
            long outer = r / inner;
            long k = r % inner;
            return (int) ((outer * rowLength() + i) * inner + k);
        }
    }

    /** The reference result, row-major like {@code input}. */
    public static double[] compute(float[] input, Spec spec) {
        double[] out = new double[input.length];
        long n = spec.rowLength();
        if (n == 0) {
            return out;
        }
        double t = spec.temperature();
        double[] row = new double[(int) n];
        for (long r = 0; r < spec.rowCount(); r++) {
            boolean nonFinite = false;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                row[i] = input[spec.index(r, i)];
                if (Double.isNaN(row[i]) || row[i] == Double.POSITIVE_INFINITY) {
                    nonFinite = true;
                }
                max = Math.max(max, row[i]);
            }
            if (nonFinite) {
                for (int i = 0; i < n; i++) {
                    out[spec.index(r, i)] = Double.NaN;
                }
                continue;
            }
            if (max == Double.NEGATIVE_INFINITY) {
                double value =
                        spec.policy() == EdgePolicy.NAN ? Double.NaN : spec.log() ? Double.NEGATIVE_INFINITY : 0.0;
                for (int i = 0; i < n; i++) {
                    out[spec.index(r, i)] = value;
                }
                continue;
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp((row[i] - max) / t);
            }
            double logSum = Math.log(sum);
            for (int i = 0; i < n; i++) {
                double shifted = (row[i] - max) / t;
                out[spec.index(r, i)] = spec.log() ? shifted - logSum : Math.exp(shifted) / sum;
            }
        }
        return out;
    }

    /** The reference rounded to {@code type}, as the engine stores it (round to nearest even). */
    public static double roundTo(DType type, double value) {
        float f = (float) value;
        return switch (type) {
            case F32 -> f;
            case BF16 -> FloatConversions.bf16ToFloat(FloatConversions.floatToBf16(f));
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(f));
            case I32, I64, U8 -> throw new IllegalArgumentException("not a softmax output type: " + type);
        };
    }

    /** One unit in the last place of {@code type} at magnitude {@code value} (0 for F32: no extra allowance). */
    public static double ulpOf(DType type, double value) {
        double v = Math.abs(value);
        return switch (type) {
            case F32 -> 0.0;
            case BF16 -> v < Float.MIN_NORMAL ? Math.scalb(1.0, -133) : Math.scalb(1.0, Math.getExponent(v) - 7);
            case F16 -> v < Math.scalb(1.0, -14) ? Math.scalb(1.0, -24) : Math.scalb(1.0, Math.getExponent(v) - 10);
            case I32, I64, U8 -> throw new IllegalArgumentException("not a softmax output type: " + type);
        };
    }

    /** The contract's allowance for a probability {@code p} in f32. */
    public static double probabilityBound(double p) {
        return probabilityBound(p, 1f);
    }

    /**
     * With a temperature the exponent argument {@code (x - max) / T} is rounded twice (the difference, then
     * the quotient), so the exponent-rounding term doubles.
     */
    public static double probabilityBound(double p, float temperature) {
        if (p < SMALLEST_BOUNDED_P) {
            return SMALLEST_BOUNDED_P;
        }
        double roundings = temperature == 1f ? 1 : 2;
        return (PROBABILITY_ABSOLUTE + roundings * EXPONENT_ROUNDING * Math.abs(Math.log(p))) * p;
    }

    public static double logBound(double ref) {
        return LOG_TOLERANCE * Math.max(1.0, Math.abs(ref));
    }

    /** Observed worst errors, for reports. */
    public record Report(int checked, double worstRatio, String worstAt) {}

    /**
     * Checks {@code actual} (row-major, as read back from the destination view of type {@code outType}) against
     * the reference; throws an {@link AssertionError} listing the first failures.
     */
    public static Report assertMatches(
            String context, float[] input, float[] actual, double[] reference, DType outType, Spec spec) {
        if (actual.length != reference.length) {
            throw new AssertionError(
                    context + ": " + actual.length + " results for " + reference.length + " reference values");
        }
        List<String> failures = new ArrayList<>();
        int failureCount = 0;
        double worstRatio = 0;
        String worstAt = "";
        long n = spec.rowLength();
        for (long r = 0; r < spec.rowCount() && n > 0; r++) {
            double rowSum = 0;
            double rowSumSlack = 0;
            boolean rowIsRegular = !spec.log() && isRegularRow(reference, spec, r);
            for (long i = 0; i < n; i++) {
                int at = spec.index(r, i);
                double ref = reference[at];
                double got = actual[at];
                String problem = null;
                double ratio = 0;
                if (Double.isNaN(ref)) {
                    if (!Double.isNaN(got)) {
                        problem = "expected NaN";
                    }
                } else {
                    double rounded = roundTo(outType, ref);
                    if (Double.isInfinite(rounded) || (!spec.log() && ref == 0.0)) {
                        // -inf log-probabilities, exact zeros of masked entries, values beyond the 16-bit range.
                        if (got != rounded) {
                            problem = "expected exactly " + rounded;
                        }
                    } else {
                        double bound = ulpOf(outType, Math.max(Math.abs(rounded), Math.abs(got)))
                                + (spec.log() ? logBound(ref) : probabilityBound(ref, spec.temperature()));
                        double error = Math.abs(got - rounded);
                        ratio = error / bound;
                        if (!(error <= bound)) {
                            problem = String.format(Locale.ROOT, "error %.3g > bound %.3g", error, bound);
                        }
                    }
                }
                if (!spec.log() && !Double.isNaN(got)) {
                    rowSum += got;
                    rowSumSlack += ulpOf(outType, got);
                }
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worstAt = "row " + r + " column " + i + " (ref " + ref + ", got " + got + ")";
                }
                if (problem != null) {
                    failureCount++;
                    if (failures.size() < 12) {
                        failures.add(String.format(
                                Locale.ROOT,
                                "row %d column %d: input %s, got %s, reference %s" + " (rounded to %s: %s): %s",
                                r,
                                i,
                                input[at],
                                got,
                                ref,
                                outType.label(),
                                roundTo(outType, ref),
                                problem));
                    }
                }
            }
            if (rowIsRegular) {
                double tolerance = ROW_SUM_TOLERANCE + rowSumSlack;
                if (!(Math.abs(rowSum - 1.0) <= tolerance)) {
                    failureCount++;
                    if (failures.size() < 12) {
                        failures.add(String.format(
                                Locale.ROOT, "row %d sums to %.9f, not 1 within %.3g", r, rowSum, tolerance));
                    }
                }
            }
        }
        if (failureCount > 0) {
            throw new AssertionError(context + ": " + failureCount + " entries/rows outside the contract's bound"
                    + " (" + (spec.log() ? "log-softmax" : "softmax") + ", axis " + spec.axis() + ", T="
                    + spec.temperature() + ", out " + outType.label() + ")\n  " + String.join("\n  ", failures));
        }
        return new Report(reference.length, worstRatio, worstAt);
    }

    /** A softmax row with a finite answer: no NaN and not fully masked, so it must sum to 1. */
    private static boolean isRegularRow(double[] reference, Spec spec, long r) {
        boolean anyPositive = false;
        for (long i = 0; i < spec.rowLength(); i++) {
            double ref = reference[spec.index(r, i)];
            if (Double.isNaN(ref)) {
                return false;
            }
            anyPositive |= ref > 0;
        }
        return anyPositive;
    }
}
