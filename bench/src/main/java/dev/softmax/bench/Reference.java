package dev.softmax.bench;

import java.util.Locale;

/**
 * The self-check every benchmark runs once, before it is measured: its output against a double-precision
 * reference computed from the values the input actually holds (bf16 inputs already rounded). A fast wrong answer
 * is not a result, so a failure throws and the benchmark (and, with {@code -foe true}, the run) fails.
 *
 * <p>Up to 17 rows are checked (16 spread evenly, plus the last), every element of each. Bounds, per element:
 * <ul>
 *   <li>{@link Bound#ENGINE}: twice the engine's documented bound (README, "Accuracy"): softmax
 *       {@code |y - p| <= 2 (2e-6 + 2^-24 |ln p|) p}, log-softmax {@code |y - l| <= 2e-5 max(1, |l|)};
 *       backward {@code |dx - r| <= 2e-5 s (|g| + sum|s g|)} (softmax) or {@code 2e-5 (|g| + e^y sum|g|)} (log).</li>
 *   <li>{@link Bound#PEER} (ONNX Runtime, oneDNN from C): relative 1e-4 in place of the engine's terms.</li>
 *   <li>{@link Bound#NAIVE} (the scalar loop): relative 1e-2. It sums a row in float, as typical code does, and
 *       drifts with the row length (measured 1.5e-3 on a 1M-element row); the check only catches gross errors,
 *       and the report prints the error it found.</li>
 * </ul>
 * A 16-bit output adds one unit in its last place ({@code 2^-7} relative for bf16). The error actually measured
 * is recorded and printed in the report, so bounds that are generous do not hide a difference.
 */
public final class Reference {

    /** What was computed. */
    public enum Op {
        SOFTMAX("softmax"),
        LOG_SOFTMAX("logsoftmax"),
        SOFTMAX_BACKWARD("softmax_bwd"),
        LOG_SOFTMAX_BACKWARD("logsoftmax_bwd");

        private final String label;

        Op(String label) {
            this.label = label;
        }

        /** The label used in reports and in the C program's output. */
        public String label() {
            return label;
        }

        public boolean isLog() {
            return this == LOG_SOFTMAX || this == LOG_SOFTMAX_BACKWARD;
        }

        public boolean isBackward() {
            return this == SOFTMAX_BACKWARD || this == LOG_SOFTMAX_BACKWARD;
        }
    }

    /** How strict the check is (see the class comment). */
    public enum Bound {
        ENGINE(Double.NaN),
        PEER(1e-4),
        NAIVE(1e-2);

        private final double relative;

        Bound(double relative) {
            this.relative = relative;
        }
    }

    /** Reads row {@code r} of an output, widened to float. */
    @FunctionalInterface
    public interface Rows {
        float[] row(int r);
    }

    /**
     * @param maxError       largest error seen, relative (softmax) or scaled as in the bounds (the others)
     * @param worstOverBound largest error as a fraction of its bound (> 1 would have failed)
     * @param rowsChecked    rows compared element by element
     */
    public record Result(double maxError, double worstOverBound, int rowsChecked) {
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "max error %.3g (%.2f of the bound) over %d rows",
                    maxError,
                    worstOverBound,
                    rowsChecked);
        }
    }

    /** Thrown when a benchmark's output is wrong. */
    public static final class SelfCheckFailed extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        SelfCheckFailed(String message) {
            super(message);
        }
    }

    private static final double TWO_POW_MINUS_24 = 0x1.0p-24;
    private static final double BF16_ULP = 0x1.0p-7;

    private Reference() {}

    /**
     * Checks a forward softmax or log-softmax.
     *
     * @param input    the input as stored, row-major
     * @param output   the output's rows
     * @param bf16Out  whether the output is bf16 (adds one ulp to the bound)
     * @param what     names the benchmark in the failure message
     */
    public static Result checkForward(
            Op op, Shape shape, float[] input, Rows output, boolean bf16Out, Bound bound, String what) {
        if (op.isBackward()) {
            throw new IllegalArgumentException(op + " is not a forward op");
        }
        int n = shape.columns();
        double maxError = 0;
        double worst = 0;
        int checked = 0;
        for (int r : rowsToCheck(shape.rows())) {
            float[] y = output.row(r);
            int base = r * n;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < n; c++) {
                max = Math.max(max, input[base + c]);
            }
            double sum = 0;
            for (int c = 0; c < n; c++) {
                sum += Math.exp((double) input[base + c] - max);
            }
            double logSum = max + Math.log(sum);
            for (int c = 0; c < n; c++) {
                double l = input[base + c] - logSum;
                double got = y[c];
                double error;
                double limit;
                if (op == Op.SOFTMAX) {
                    double p = Math.exp(l);
                    error = Math.abs(got - p) / p;
                    double relative =
                            bound == Bound.ENGINE ? 2 * (2e-6 + TWO_POW_MINUS_24 * Math.abs(l)) : bound.relative;
                    limit = relative + (bf16Out ? BF16_ULP : 0);
                } else {
                    double scale = Math.max(1, Math.abs(l));
                    error = Math.abs(got - l) / scale;
                    limit = (bound == Bound.ENGINE ? 2e-5 : bound.relative)
                            + (bf16Out ? BF16_ULP * Math.abs(l) / scale : 0);
                }
                if (Double.isNaN(got) || Double.isInfinite(got)) {
                    error = Double.POSITIVE_INFINITY;
                }
                maxError = Math.max(maxError, error);
                worst = Math.max(worst, error / limit);
                if (!(error <= limit)) {
                    throw failure(what, op, shape, r, c, got, op == Op.SOFTMAX ? Math.exp(l) : l, error, limit);
                }
            }
            checked++;
        }
        return new Result(maxError, worst, checked);
    }

    /**
     * Checks a backward pass: {@code s} is the forward output it was given (softmax s, or log-softmax y), {@code g}
     * the upstream gradient, {@code dx} the result.
     */
    public static Result checkBackward(
            Op op, Shape shape, float[] s, float[] g, Rows dx, boolean bf16Out, Bound bound, String what) {
        if (!op.isBackward()) {
            throw new IllegalArgumentException(op + " is not a backward op");
        }
        int n = shape.columns();
        double relative = (bound == Bound.ENGINE ? 2e-5 : bound.relative) + (bf16Out ? BF16_ULP : 0);
        double maxError = 0;
        double worst = 0;
        int checked = 0;
        for (int r : rowsToCheck(shape.rows())) {
            float[] got = dx.row(r);
            int base = r * n;
            double dot = 0;
            double absDot = 0;
            double gSum = 0;
            double gAbs = 0;
            for (int c = 0; c < n; c++) {
                double sc = s[base + c];
                double gc = g[base + c];
                dot += sc * gc;
                absDot += Math.abs(sc * gc);
                gSum += gc;
                gAbs += Math.abs(gc);
            }
            for (int c = 0; c < n; c++) {
                double sc = s[base + c];
                double gc = g[base + c];
                double exact;
                double scale;
                if (op == Op.SOFTMAX_BACKWARD) {
                    exact = sc * (gc - dot);
                    scale = sc * (Math.abs(gc) + absDot);
                } else {
                    exact = gc - Math.exp(sc) * gSum;
                    scale = Math.abs(gc) + Math.exp(sc) * gAbs;
                }
                scale = Math.max(scale, 1e-37);
                double error = Math.abs(got[c] - exact) / scale;
                if (Float.isNaN(got[c]) || Float.isInfinite(got[c])) {
                    error = Double.POSITIVE_INFINITY;
                }
                maxError = Math.max(maxError, error);
                worst = Math.max(worst, error / relative);
                if (!(error <= relative)) {
                    throw failure(what, op, shape, r, c, got[c], exact, error, relative);
                }
            }
            checked++;
        }
        return new Result(maxError, worst, checked);
    }

    /** Checks that two segments' bytes are identical (the copy benchmark). */
    public static Result checkIdentical(
            java.lang.foreign.MemorySegment a, java.lang.foreign.MemorySegment b, String what) {
        long mismatch = a.mismatch(b);
        if (mismatch != -1) {
            throw new SelfCheckFailed(
                    "SELF-CHECK FAILED: " + what + ": the copy differs from its source at byte " + mismatch);
        }
        return new Result(0, 0, 0);
    }

    /** Up to 16 rows spread evenly from the first, plus the last. */
    static int[] rowsToCheck(int rows) {
        if (rows <= 17) {
            int[] all = new int[rows];
            for (int i = 0; i < rows; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] picked = new int[17];
        for (int i = 0; i < 16; i++) {
            picked[i] = (int) ((long) i * rows / 16);
        }
        picked[16] = rows - 1;
        return picked;
    }

    private static SelfCheckFailed failure(
            String what,
            Op op,
            Shape shape,
            int row,
            int column,
            double got,
            double exact,
            double error,
            double limit) {
        return new SelfCheckFailed(String.format(
                Locale.ROOT,
                "SELF-CHECK FAILED: %s (%s %s): element [%d, %d] is %s, the double reference says %s; error %.3g"
                        + " exceeds the bound %.3g. A fast wrong answer is not a result.",
                what,
                op.label(),
                shape,
                row,
                column,
                got,
                exact,
                error,
                limit));
    }
}
