package dev.softmax.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernels below the public API (in the style of Lucene's {@code TestVectorUtilSupport}): the scalar and the
 * Vector API provider side by side, method by method of {@link ForwardKernel}, {@link BackwardKernel},
 * {@link RowMath} and {@link Bf16Codec}, over odd lengths (vector body, scalar tail, several sum blocks) and
 * offsets that are multiples of 4 but not of the vector size, on random rows from fixed seeds with -inf, NaN,
 * +inf, magnitudes up to 1e30, signed zeros and all-equal rows.
 *
 * <p>Each provider is held to a double-precision reference computed here, and the two are compared with each
 * other. Tolerances, each derived from what the kernels do:
 * <ul>
 *   <li>bf16 conversions, maximum, {@code scale} and {@code subtract}: exact (one IEEE rounding of the exact
 *       result, which is what both kernels compute); bf16 is also checked for round-to-nearest-even on its own,
 *       and must be bit-identical between the two providers;</li>
 *   <li>sums and dot products ({@code sum}, {@code dot}, the next-row dot): {@code 2^-16 * sum |term|}, the
 *       worst case of f32 lanes holding at most 1024 / 4 = 256 additions per block (128-bit vectors) before each
 *       block is widened to double;</li>
 *   <li>exponential-based values: the README's softmax bound, entries {@code p >= 1e-30} within
 *       {@code (2e-6 + 2^-24 |ln p|) p} (the second term doubled with a temperature, whose division rounds the
 *       exponent argument once more) and smaller ones within {@code 1e-30}; the same bound per exponential in
 *       {@code sumExp}, {@code expShiftScale} and {@code expWeightedShift}, plus the sum bound;</li>
 *   <li>log-softmax: {@code 1e-5 max(1, |exact|)} (the README's bound);</li>
 *   <li>softmax backward: {@code 2^-22 y (|g| + |dot|)} (two f32 roundings); log-softmax backward:
 *       {@code 2^-20 (|g| + e^y |sumG|)} (an exponential within 2 ulp, one fused rounding) plus
 *       {@code |sumG|} times the smallest normal float, below which the exponential flushes to 0; both plus
 *       2^-149, the spacing of f32 results below the normal range.</li>
 * </ul>
 * Non-finite expectations (NaN, infinities, a masked row's 0 or -inf) must be met exactly. Writes must stay
 * inside the destination row: the bytes around it are checked after every call. The two providers are compared
 * with twice the reference tolerance, and non-finite values must agree exactly.
 */
@Tag("kernel-variants")
class KernelSupportTest {

    private static final int[] SIZES = {1, 2, 3, 7, 13, 15, 16, 17, 31, 33, 63, 65, 207, 1003, 1025, 4099, 70000};
    /** Byte offsets of f32 rows: multiples of 4, none a multiple of a vector's 16 to 64 bytes except 0. */
    private static final long[] OFFSETS = {0, 4, 12};
    /** Byte offsets of bf16 rows. */
    private static final long[] HALF_OFFSETS = {0, 2, 6};

    private static final long GUARD = 16;
    private static final byte SENTINEL = (byte) 0xA5;

    private static final double PROBABILITY_ABSOLUTE = 2e-6;
    private static final double EXPONENT_ROUNDING = 0x1p-24;
    private static final double SMALLEST_BOUNDED_P = 1e-30;
    private static final double SUM_RELATIVE = 0x1p-16;
    private static final double LOG_TOLERANCE = 1e-5;
    private static final double SOFTMAX_BACKWARD_RELATIVE = 0x1p-22;
    private static final double LOG_SOFTMAX_BACKWARD_RELATIVE = 0x1p-20;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private static KernelProvider scalar;
    private static KernelProvider vector;

    /** What a random row holds. */
    private enum Data {
        GAUSSIAN,
        WIDE,
        LARGE,
        SOME_MASKED,
        ALL_MASKED,
        ALL_EQUAL,
        SIGNED_ZEROS,
        WITH_NAN,
        WITH_POSITIVE_INFINITY;

        boolean hasNaNOrPositiveInfinity() {
            return this == WITH_NAN || this == WITH_POSITIVE_INFINITY;
        }
    }

    @BeforeAll
    static void providers() {
        Optional<String> problem = KernelProvider.vectorDisqualifier();
        assumeTrue(problem.isEmpty(), () -> "the vector kernel cannot run here: " + problem.orElseThrow());
        scalar = KernelProvider.lookup("scalar");
        vector = KernelProvider.lookup("vector");
        assertThat(scalar.name()).isEqualTo("scalar");
        assertThat(vector.name()).startsWith("vector");
    }

    // ---------------------------------------------------------------------------------------------------------
    // ForwardKernel

    @Test
    void softmaxAndLogSoftmaxMatchTheReferenceAndEachOther() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(11);
        for (int n : SIZES) {
            try (Arena arena = Arena.ofConfined()) {
                for (int o = 0; o < OFFSETS.length; o++) {
                    long srcOffset = OFFSETS[o];
                    long dstOffset = OFFSETS[(o + 1) % OFFSETS.length];
                    for (Data data : Data.values()) {
                        float[] x = row(data, n, random);
                        MemorySegment src = store(arena, srcOffset, x);
                        for (float temperature : new float[] {1f, 0.7f}) {
                            for (boolean zeroMasked : new boolean[] {true, false}) {
                                for (boolean log : new boolean[] {false, true}) {
                                    double[] expected = softmaxReference(x, temperature, log, zeroMasked);
                                    String what = String.format(
                                            Locale.ROOT,
                                            "%s T=%s zeroMasked=%s %s n=%d at %d->%d",
                                            log ? "logSoftmax" : "softmax",
                                            temperature,
                                            zeroMasked,
                                            data,
                                            n,
                                            srcOffset,
                                            dstOffset);
                                    float[][] outputs = new float[2][];
                                    int p = 0;
                                    for (KernelProvider provider : List.of(scalar, vector)) {
                                        MemorySegment dst = guarded(arena, dstOffset, n);
                                        if (log) {
                                            provider.forward()
                                                    .logSoftmax(
                                                            src, srcOffset, dst, dstOffset, n, temperature, zeroMasked);
                                        } else {
                                            provider.forward()
                                                    .softmax(
                                                            src, srcOffset, dst, dstOffset, n, temperature, zeroMasked);
                                        }
                                        outputs[p++] = load(dst, dstOffset, n, failures, provider.name() + " " + what);
                                    }
                                    checkForward(failures, what, x, expected, outputs, temperature, log);
                                }
                            }
                        }
                    }
                }
            }
        }
        // In place, on the two row paths (short and long) of the vector kernel.
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                float[] x = row(Data.SOME_MASKED, n, random);
                double[] expected = softmaxReference(x, 1f, false, true);
                float[][] outputs = new float[2][];
                int p = 0;
                for (KernelProvider provider : List.of(scalar, vector)) {
                    MemorySegment row = guarded(arena, 12, n);
                    write(row, 12, x);
                    provider.forward().softmax(row, 12, row, 12, n, 1f, true);
                    outputs[p++] = load(row, 12, n, failures, provider.name() + " in place n=" + n);
                }
                checkForward(failures, "softmax in place n=" + n, x, expected, outputs, 1f, false);
            }
        }
        failures.assertNone();
    }

    @Test
    void softmaxRowsMatchesTheReferenceRowByRow() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(12);
        Data[] kinds = Data.values();
        for (int n : SIZES) {
            try (Arena arena = Arena.ofConfined()) {
                for (int rows : n > 4099 ? new int[] {1, 3} : new int[] {1, 2, 3, 5}) {
                    for (long offset : OFFSETS) {
                        long stride = 4L * (n + random.nextInt(3));
                        float[][] x = new float[rows][];
                        MemorySegment src = arena.allocate(offset + rows * stride + GUARD, 64);
                        for (int r = 0; r < rows; r++) {
                            // Mostly ordinary rows, so that pairs of them take the paired path; some masked or NaN.
                            Data data = random.nextInt(3) == 0 ? kinds[random.nextInt(kinds.length)] : Data.GAUSSIAN;
                            x[r] = row(data, n, random);
                            write(src, offset + r * stride, x[r]);
                        }
                        for (boolean zeroMasked : new boolean[] {true, false}) {
                            float[][][] outputs = new float[2][rows][];
                            int p = 0;
                            for (KernelProvider provider : List.of(scalar, vector)) {
                                MemorySegment dst = arena.allocate(offset + rows * stride + GUARD, 64);
                                dst.fill(SENTINEL);
                                provider.forward()
                                        .softmaxRows(src, offset, stride, dst, offset, stride, n, rows, zeroMasked);
                                String what = provider.name() + " softmaxRows n=" + n + " rows=" + rows;
                                checkUntouched(failures, what, dst, 0, offset);
                                for (int r = 0; r < rows; r++) {
                                    outputs[p][r] = new float[n];
                                    MemorySegment.copy(dst, F32, offset + r * stride, outputs[p][r], 0, n);
                                    long padStart = offset + r * stride + 4L * n;
                                    checkUntouched(failures, what, dst, padStart, offset + (r + 1) * stride - padStart);
                                }
                                checkUntouched(failures, what, dst, offset + rows * stride, GUARD);
                                p++;
                            }
                            for (int r = 0; r < rows; r++) {
                                String what = String.format(
                                        Locale.ROOT,
                                        "softmaxRows n=%d rows=%d row %d at %d stride %d",
                                        n,
                                        rows,
                                        r,
                                        offset,
                                        stride);
                                checkForward(
                                        failures,
                                        what,
                                        x[r],
                                        softmaxReference(x[r], 1f, false, zeroMasked),
                                        new float[][] {outputs[0][r], outputs[1][r]},
                                        1f,
                                        false);
                            }
                        }
                    }
                }
            }
        }
        failures.assertNone();
    }

    // ---------------------------------------------------------------------------------------------------------
    // BackwardKernel

    @Test
    void dotAndSoftmaxBackwardMatchTheReferenceAndEachOther() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(21);
        for (int n : SIZES) {
            try (Arena arena = Arena.ofConfined()) {
                for (int o = 0; o < OFFSETS.length; o++) {
                    long offset = OFFSETS[o];
                    long dxOffset = OFFSETS[(o + 2) % OFFSETS.length];
                    for (Data data : Data.values()) {
                        // y is a softmax output (masked entries 0, a NaN row NaN); g ordinary, huge or with +inf.
                        float[] y = probabilities(row(data, n, random));
                        float[] g = row(
                                new Data[] {Data.GAUSSIAN, Data.WIDE, Data.LARGE, Data.WITH_POSITIVE_INFINITY}
                                        [random.nextInt(4)],
                                n,
                                random);
                        float[] nextY = probabilities(row(Data.GAUSSIAN, n, random));
                        float[] nextG = row(Data.GAUSSIAN, n, random);
                        String what = String.format(Locale.ROOT, "%s n=%d at %d->%d", data, n, offset, dxOffset);
                        // This row at offset, the next one right behind it (as in a dense batch).
                        long next = offset + 4L * n;
                        MemorySegment ys = arena.allocate(next + 4L * n + GUARD, 64);
                        MemorySegment gs = arena.allocate(next + 4L * n + GUARD, 64);
                        write(ys, offset, y);
                        write(gs, offset, g);
                        write(ys, next, nextY);
                        write(gs, next, nextG);

                        double expectedDot = dotReference(y, g);
                        double dotTolerance = SUM_RELATIVE * dotMagnitude(y, g);
                        double expectedNext = dotReference(nextY, nextG);
                        double nextTolerance = SUM_RELATIVE * dotMagnitude(nextY, nextG);
                        float dot = Double.isFinite(expectedDot) ? (float) expectedDot : 0.25f;
                        double[] expectedDx = new double[n];
                        double[] dxTolerance = new double[n];
                        for (int i = 0; i < n; i++) {
                            expectedDx[i] = (double) y[i] * ((double) g[i] - dot);
                            dxTolerance[i] =
                                    SOFTMAX_BACKWARD_RELATIVE * Math.abs(y[i]) * (Math.abs(g[i]) + Math.abs(dot))
                                            + Float.MIN_VALUE;
                        }
                        double[] dots = new double[2];
                        double[] nextDots = new double[2];
                        float[][] dx = new float[2][];
                        float[][] fusedDx = new float[2][];
                        int p = 0;
                        for (KernelProvider provider : List.of(scalar, vector)) {
                            BackwardKernel kernel = provider.backward();
                            dots[p] = kernel.dot(ys, offset, gs, offset, n);
                            failures.checkValue(provider.name() + " dot " + what, dots[p], expectedDot, dotTolerance);

                            MemorySegment out = guarded(arena, dxOffset, n);
                            kernel.softmaxBackward(ys, offset, gs, offset, out, dxOffset, n, dot);
                            dx[p] = load(out, dxOffset, n, failures, provider.name() + " softmaxBackward " + what);
                            failures.checkRow(
                                    provider.name() + " softmaxBackward " + what, dx[p], expectedDx, dxTolerance);

                            out = guarded(arena, dxOffset, n);
                            nextDots[p] = kernel.softmaxBackwardAndNextDot(
                                    ys, offset, gs, offset, out, dxOffset, n, dot, next, next);
                            fusedDx[p] = load(
                                    out, dxOffset, n, failures, provider.name() + " softmaxBackwardAndNextDot " + what);
                            failures.checkRow(
                                    provider.name() + " softmaxBackwardAndNextDot dx " + what,
                                    fusedDx[p],
                                    expectedDx,
                                    dxTolerance);
                            failures.checkValue(
                                    provider.name() + " softmaxBackwardAndNextDot next dot " + what,
                                    nextDots[p],
                                    expectedNext,
                                    nextTolerance);
                            p++;
                        }
                        failures.checkValue("dot, vector vs scalar, " + what, dots[1], dots[0], 2 * dotTolerance);
                        failures.checkValue(
                                "next dot, vector vs scalar, " + what, nextDots[1], nextDots[0], 2 * nextTolerance);
                        failures.checkRows("softmaxBackward, vector vs scalar, " + what, dx[1], dx[0], dxTolerance);
                        failures.checkRows(
                                "softmaxBackwardAndNextDot, vector vs scalar, " + what,
                                fusedDx[1],
                                fusedDx[0],
                                dxTolerance);
                    }
                }
            }
        }
        failures.assertNone();
    }

    @Test
    void logSoftmaxBackwardMatchesTheReferenceAndEachOther() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(22);
        for (int n : SIZES) {
            try (Arena arena = Arena.ofConfined()) {
                for (int o = 0; o < OFFSETS.length; o++) {
                    long offset = OFFSETS[o];
                    long dxOffset = OFFSETS[(o + 1) % OFFSETS.length];
                    for (Data data : Data.values()) {
                        // y is a log-softmax output: <= 0, -inf where masked; NaN or +inf rows come from the data.
                        float[] x = row(data, n, random);
                        float[] y = data.hasNaNOrPositiveInfinity() ? x : logProbabilities(x);
                        float[] g = row(random.nextBoolean() ? Data.GAUSSIAN : Data.WIDE, n, random);
                        double sum = 0;
                        for (float value : g) {
                            sum += value;
                        }
                        float sumG = (float) sum;
                        String what = String.format(
                                Locale.ROOT, "logSoftmaxBackward %s n=%d at %d->%d", data, n, offset, dxOffset);
                        MemorySegment ys = store(arena, offset, y);
                        MemorySegment gs = store(arena, offset, g);
                        float expectedMax = Float.NEGATIVE_INFINITY;
                        double[] expected = new double[n];
                        double[] tolerance = new double[n];
                        for (int i = 0; i < n; i++) {
                            expectedMax = Math.max(expectedMax, y[i]);
                            double e = Math.exp(y[i]);
                            expected[i] = g[i] - e * sumG;
                            tolerance[i] = LOG_SOFTMAX_BACKWARD_RELATIVE * (Math.abs(g[i]) + e * Math.abs(sumG))
                                    + Float.MIN_NORMAL * Math.abs(sumG)
                                    + Float.MIN_VALUE;
                        }
                        // The caller overwrites a row whose y holds a NaN or +inf; only the returned maximum counts.
                        boolean rowMatters = !(Float.isNaN(expectedMax) || expectedMax == Float.POSITIVE_INFINITY);
                        float[][] dx = new float[2][];
                        double[] maxima = new double[2];
                        int p = 0;
                        for (KernelProvider provider : List.of(scalar, vector)) {
                            MemorySegment out = guarded(arena, dxOffset, n);
                            maxima[p] = provider.backward()
                                    .logSoftmaxBackward(ys, offset, gs, offset, out, dxOffset, n, sumG);
                            // The contract: NaN or +inf exactly when some y is NaN or +inf (the caller's check).
                            boolean flagged = Double.isNaN(maxima[p]) || maxima[p] == Double.POSITIVE_INFINITY;
                            failures.checkExact(
                                    provider.name() + " non-finite y flagged, " + what,
                                    flagged ? 1f : 0f,
                                    rowMatters ? 0f : 1f);
                            dx[p] = load(out, dxOffset, n, failures, provider.name() + " " + what);
                            if (rowMatters) {
                                failures.checkRow(provider.name() + " " + what, dx[p], expected, tolerance);
                            }
                            p++;
                        }
                        if (rowMatters) {
                            failures.checkRows("vector vs scalar, " + what, dx[1], dx[0], tolerance);
                        }
                    }
                }
            }
        }
        failures.assertNone();
    }

    // ---------------------------------------------------------------------------------------------------------
    // RowMath

    /**
     * {@link RowMath#anyNonFinite16} (bf16 and f16) and {@link RowMath#anyNonFinite32} against {@code Float.isFinite}
     * of each decoded element: random finite bits (signed zeros, subnormals and the largest finite values
     * included), with none, one or two NaN (any payload) or infinities planted at random positions, the vector
     * body's last lane and the scalar tail among them.
     */
    @Test
    void nonFiniteScansMatchTheDecodedElements() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(51);
        for (int n : SIZES) {
            for (int trial = 0; trial < 12; trial++) {
                int planted = trial % 3; // none, one, two
                for (String format : List.of("bf16", "f16", "f32")) {
                    boolean wide = format.equals("f32");
                    int[] bits = new int[n];
                    boolean expected = false;
                    for (int i = 0; i < n; i++) {
                        bits[i] = finiteBits(format, random);
                    }
                    for (int k = 0; k < planted; k++) {
                        int at = k == 0 && trial % 2 == 0 ? n - 1 : random.nextInt(n);
                        bits[at] = specialBits(format, random);
                    }
                    for (int value : bits) {
                        expected |= !Float.isFinite(decode(format, value));
                    }
                    try (Arena arena = Arena.ofConfined()) {
                        for (long offset : wide ? OFFSETS : HALF_OFFSETS) {
                            MemorySegment row = arena.allocate(offset + (long) n * (wide ? 4 : 2) + 8, 64);
                            for (int i = 0; i < n; i++) {
                                if (wide) {
                                    row.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 4L * i, bits[i]);
                                } else {
                                    row.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 2L * i, (short) bits[i]);
                                }
                            }
                            for (KernelProvider provider : List.of(scalar, vector)) {
                                RowMath math = provider.math();
                                boolean actual = switch (format) {
                                    case "bf16" -> math.anyNonFinite16(row, offset, n, (short) 0x7F80);
                                    case "f16" -> math.anyNonFinite16(row, offset, n, (short) 0x7C00);
                                    default -> math.anyNonFinite32(row, offset, n);
                                };
                                boolean want = expected;
                                failures.check(
                                        actual == want,
                                        () -> String.format(
                                                Locale.ROOT,
                                                "%s anyNonFinite %s n=%d at %d: %s, expected %s",
                                                provider.name(),
                                                format,
                                                n,
                                                offset,
                                                actual,
                                                want));
                            }
                        }
                    }
                }
            }
        }
        failures.assertNone();
    }

    private static int finiteBits(String format, SplittableRandom random) {
        int pick = random.nextInt(8);
        return switch (format) {
            case "bf16" -> {
                int value = random.nextInt(0x10000);
                yield pick == 0 ? 0x7F7F : pick == 1 ? 0x8000 : (value & 0x7F80) == 0x7F80 ? value & ~0x0080 : value;
            }
            case "f16" -> {
                int value = random.nextInt(0x10000);
                yield pick == 0 ? 0xFBFF : pick == 1 ? 0x8000 : (value & 0x7C00) == 0x7C00 ? value & ~0x0400 : value;
            }
            default -> {
                int value = random.nextInt();
                yield pick == 0 ? 0x7F7FFFFF : (value & 0x7F800000) == 0x7F800000 ? value & ~0x00800000 : value;
            }
        };
    }

    private static int specialBits(String format, SplittableRandom random) {
        int sign = random.nextBoolean() ? 1 : 0;
        boolean nan = random.nextBoolean();
        return switch (format) {
            case "bf16" -> sign << 15 | 0x7F80 | (nan ? 1 + random.nextInt(0x7F) : 0);
            case "f16" -> sign << 15 | 0x7C00 | (nan ? 1 + random.nextInt(0x3FF) : 0);
            default -> sign << 31 | 0x7F800000 | (nan ? 1 + random.nextInt(0x7FFFFF) : 0);
        };
    }

    private static float decode(String format, int bits) {
        return switch (format) {
            case "bf16" -> Float.intBitsToFloat((bits & 0xFFFF) << 16);
            case "f16" -> Float.float16ToFloat((short) bits);
            default -> Float.intBitsToFloat(bits);
        };
    }

    @Test
    void maxSumAndScaleMatchTheReferenceAndEachOther() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(31);
        float[] factors = {0.3f, 1f / 3f, 1e-30f, 3e30f};
        for (int n : SIZES) {
            try (Arena arena = Arena.ofConfined()) {
                for (long offset : OFFSETS) {
                    for (Data data : Data.values()) {
                        float[] x = row(data, n, random);
                        String what = String.format(Locale.ROOT, "%s n=%d at %d", data, n, offset);
                        MemorySegment src = store(arena, offset, x);
                        float expectedMax = Float.NEGATIVE_INFINITY;
                        double expectedSum = 0;
                        double magnitude = 0;
                        for (float value : x) {
                            expectedMax = Math.max(expectedMax, value);
                            expectedSum += value;
                            magnitude += Math.abs(value);
                        }
                        float factor = factors[random.nextInt(factors.length)];
                        float[] scaled = new float[n];
                        for (int i = 0; i < n; i++) {
                            scaled[i] = (float) ((double) x[i] * factor);
                        }
                        float[] maxima = new float[2];
                        double[] sums = new double[2];
                        float[][] scaledBy = new float[2][];
                        int p = 0;
                        for (KernelProvider provider : List.of(scalar, vector)) {
                            RowMath math = provider.math();
                            maxima[p] = math.max(src, offset, n);
                            failures.checkExact(provider.name() + " max " + what, maxima[p], expectedMax);
                            sums[p] = math.sum(src, offset, n);
                            failures.checkValue(
                                    provider.name() + " sum " + what, sums[p], expectedSum, SUM_RELATIVE * magnitude);
                            MemorySegment row = guarded(arena, offset, n);
                            write(row, offset, x);
                            math.scale(row, offset, n, factor);
                            scaledBy[p] = load(row, offset, n, failures, provider.name() + " scale " + what);
                            failures.checkExactRow(
                                    provider.name() + " scale by " + factor + " " + what, scaledBy[p], scaled);
                            p++;
                        }
                        failures.checkExact("max, vector vs scalar, " + what, maxima[1], maxima[0]);
                        failures.checkValue(
                                "sum, vector vs scalar, " + what, sums[1], sums[0], 2 * SUM_RELATIVE * magnitude);
                        failures.checkExactRow("scale, vector vs scalar, " + what, scaledBy[1], scaledBy[0]);
                    }
                }
            }
        }
        failures.assertNone();
    }

    @Test
    void exponentialPassesAndSubtractMatchTheReferenceAndEachOther() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(32);
        for (int n : SIZES) {
            try (Arena arena = Arena.ofConfined()) {
                for (int o = 0; o < OFFSETS.length; o++) {
                    long offset = OFFSETS[o];
                    long dstOffset = OFFSETS[(o + 1) % OFFSETS.length];
                    for (Data data : Data.values()) {
                        float[] x = row(data, n, random);
                        float max = Float.NEGATIVE_INFINITY;
                        for (float value : x) {
                            max = Math.max(max, value);
                        }
                        if (!Float.isFinite(max)) {
                            continue; // the callers (reductions, cross-entropy) stop at a non-finite maximum
                        }
                        String what = String.format(Locale.ROOT, "%s n=%d at %d->%d", data, n, offset, dstOffset);
                        MemorySegment src = store(arena, offset, x);
                        // Terms exp(x - max) and (x - max) exp(x - max), each with its own bound.
                        double sumExp = 0;
                        double sumExpBound = 0;
                        double sumExpMagnitude = 0;
                        double cross = 0;
                        double crossBound = 0;
                        double crossMagnitude = 0;
                        for (float value : x) {
                            double shifted = (double) value - max;
                            double e = Math.exp(shifted);
                            sumExp += e;
                            sumExpMagnitude += e;
                            sumExpBound += exponentialTolerance(e, shifted, 1);
                            if (e > 0) {
                                cross += e * shifted;
                                crossMagnitude += e * Math.abs(shifted);
                            }
                            crossBound += e >= SMALLEST_BOUNDED_P
                                    ? Math.abs(shifted)
                                            * e
                                            * (PROBABILITY_ABSOLUTE + EXPONENT_ROUNDING * (1 + Math.abs(shifted)))
                                    : 100 * SMALLEST_BOUNDED_P;
                        }
                        sumExpBound += SUM_RELATIVE * sumExpMagnitude;
                        crossBound += SUM_RELATIVE * crossMagnitude;
                        // expShiftScale as cross-entropy uses it: shift = log-sum-exp, scale a positive weight.
                        float logSumExp = (float) (max + Math.log(sumExp));
                        float scale = 0.37f;
                        double[] expected = new double[n];
                        double[] tolerance = new double[n];
                        float[] subtracted = new float[n];
                        for (int i = 0; i < n; i++) {
                            double shifted = (double) x[i] - logSumExp;
                            double e = Math.exp(shifted);
                            expected[i] = e * scale;
                            tolerance[i] = exponentialTolerance(e, shifted, 1) * scale;
                            subtracted[i] = (float) ((double) x[i] - logSumExp);
                        }
                        double[] sums = new double[2];
                        double[] crosses = new double[2];
                        float[][] exps = new float[2][];
                        float[][] differences = new float[2][];
                        int p = 0;
                        for (KernelProvider provider : List.of(scalar, vector)) {
                            RowMath math = provider.math();
                            sums[p] = math.sumExp(src, offset, n, max);
                            failures.checkValue(provider.name() + " sumExp " + what, sums[p], sumExp, sumExpBound);
                            crosses[p] = math.expWeightedShift(src, offset, n, max);
                            failures.checkValue(
                                    provider.name() + " expWeightedShift " + what, crosses[p], cross, crossBound);
                            MemorySegment dst = guarded(arena, dstOffset, n);
                            math.expShiftScale(src, offset, dst, dstOffset, n, logSumExp, scale);
                            exps[p] = load(dst, dstOffset, n, failures, provider.name() + " expShiftScale " + what);
                            failures.checkRow(provider.name() + " expShiftScale " + what, exps[p], expected, tolerance);
                            dst = guarded(arena, dstOffset, n);
                            math.subtract(src, offset, dst, dstOffset, n, logSumExp);
                            differences[p] = load(dst, dstOffset, n, failures, provider.name() + " subtract " + what);
                            failures.checkExactRow(provider.name() + " subtract " + what, differences[p], subtracted);
                            p++;
                        }
                        failures.checkValue("sumExp, vector vs scalar, " + what, sums[1], sums[0], 2 * sumExpBound);
                        failures.checkValue(
                                "expWeightedShift, vector vs scalar, " + what, crosses[1], crosses[0], 2 * crossBound);
                        failures.checkRows("expShiftScale, vector vs scalar, " + what, exps[1], exps[0], tolerance);
                        failures.checkExactRow("subtract, vector vs scalar, " + what, differences[1], differences[0]);
                    }
                }
            }
        }
        failures.assertNone();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bf16Codec

    @Test
    void bf16CodecsAreBitIdenticalAndRoundToNearestEven() {
        Failures failures = new Failures();
        SplittableRandom random = new SplittableRandom(41);
        int[] special = {
            0,
            0x8000_0000,
            0x7F80_0000,
            0xFF80_0000,
            0x7FC0_0000,
            0x7F80_0001,
            0xFFFF_FFFF,
            0x7F7F_FFFF,
            0x7F7F_8000,
            0x0000_0001,
            0x0000_8000,
            0x0001_8000,
            0x3F80_8000,
            0x3F81_8000,
            0x3F80_8001,
            0x0080_0000
        };
        for (int n : SIZES) {
            try (Arena arena = Arena.ofConfined()) {
                for (int o = 0; o < OFFSETS.length; o++) {
                    long floatOffset = OFFSETS[o];
                    long halfOffset = HALF_OFFSETS[(o + 1) % HALF_OFFSETS.length];
                    String what = String.format(Locale.ROOT, "n=%d at f32 %d, bf16 %d", n, floatOffset, halfOffset);
                    // Every bit pattern class: random bits (NaNs, infinities, subnormals), exact ties, specials.
                    MemorySegment floats = arena.allocate(floatOffset + 4L * n, 64);
                    MemorySegment halves = arena.allocate(halfOffset + 2L * n, 64);
                    for (int i = 0; i < n; i++) {
                        int bits = switch (random.nextInt(3)) {
                            case 0 -> random.nextInt();
                            case 1 -> (random.nextInt() & 0xFFFF_0000) | 0x8000;
                            default -> special[random.nextInt(special.length)];
                        };
                        floats.set(ValueLayout.JAVA_INT_UNALIGNED, floatOffset + 4L * i, bits);
                        halves.set(U16, halfOffset + 2L * i, (short) random.nextInt());
                    }
                    MemorySegment[] narrowed = new MemorySegment[2];
                    MemorySegment[] widened = new MemorySegment[2];
                    int p = 0;
                    for (KernelProvider provider : List.of(scalar, vector)) {
                        Bf16Codec codec = provider.codec();
                        narrowed[p] = arena.allocate(halfOffset + 2L * n + GUARD, 64);
                        narrowed[p].fill(SENTINEL);
                        codec.narrowBf16(floats, floatOffset, narrowed[p], halfOffset, n);
                        checkUntouched(failures, provider.name() + " narrowBf16 " + what, narrowed[p], 0, halfOffset);
                        checkUntouched(
                                failures,
                                provider.name() + " narrowBf16 " + what,
                                narrowed[p],
                                halfOffset + 2L * n,
                                GUARD);
                        widened[p] = guarded(arena, floatOffset, n);
                        codec.widenBf16(halves, halfOffset, widened[p], floatOffset, n);
                        load(widened[p], floatOffset, n, failures, provider.name() + " widenBf16 " + what);
                        for (int i = 0; i < n; i++) {
                            float value = floats.get(F32, floatOffset + 4L * i);
                            short bf16 = narrowed[p].get(U16, halfOffset + 2L * i);
                            failures.check(
                                    bf16 == FloatConversions.floatToBf16(value) && isNearestEven(value, bf16),
                                    () -> String.format(
                                            Locale.ROOT,
                                            "%s narrowBf16 %s: %s (0x%08x) gave 0x%04x",
                                            provider.name(),
                                            what,
                                            value,
                                            Float.floatToRawIntBits(value),
                                            bf16 & 0xFFFF));
                            short half = halves.get(U16, halfOffset + 2L * i);
                            int bits = widened[p].get(ValueLayout.JAVA_INT_UNALIGNED, floatOffset + 4L * i);
                            failures.check(
                                    bits == (half & 0xFFFF) << 16,
                                    () -> String.format(
                                            Locale.ROOT,
                                            "%s widenBf16 %s: 0x%04x gave 0x%08x",
                                            provider.name(),
                                            what,
                                            half & 0xFFFF,
                                            bits));
                        }
                        p++;
                    }
                    long narrowMismatch = MemorySegment.mismatch(
                            narrowed[0], 0, narrowed[0].byteSize(), narrowed[1], 0, narrowed[1].byteSize());
                    failures.check(
                            narrowMismatch < 0,
                            () -> "narrowBf16, vector vs scalar, " + what + ": first differing byte " + narrowMismatch);
                    long widenMismatch = MemorySegment.mismatch(
                            widened[0], 0, widened[0].byteSize(), widened[1], 0, widened[1].byteSize());
                    failures.check(
                            widenMismatch < 0,
                            () -> "widenBf16, vector vs scalar, " + what + ": first differing byte " + widenMismatch);
                }
            }
        }
        failures.assertNone();
    }

    /**
     * Whether {@code bf16} is {@code value} rounded to nearest, ties to even, decided from the values (not the
     * bits): no bf16 neighbour is closer, an exact tie has an even last bit, and a NaN stays a NaN.
     */
    private static boolean isNearestEven(float value, short bf16) {
        float rounded = FloatConversions.bf16ToFloat(bf16);
        if (Float.isNaN(value)) {
            return Float.isNaN(rounded);
        }
        if (Float.isInfinite(value)) {
            return rounded == value;
        }
        int bits = bf16 & 0xFFFF;
        double error = Math.abs((double) rounded - value);
        if (Float.isInfinite(rounded)) {
            // Overflow: only values at or beyond the midpoint between the largest bf16 and 2^128 round to infinity.
            double largest = FloatConversions.bf16ToFloat((short) ((bits & 0x8000) | 0x7F7F));
            return Math.abs((double) value) >= Math.abs(largest) + Math.scalb(1.0, 127 - 8);
        }
        for (int neighbour : new int[] {bits - 1, bits + 1}) {
            float other = FloatConversions.bf16ToFloat((short) neighbour);
            if (Float.isNaN(other) || ((neighbour ^ bits) & 0x8000) != 0 && rounded != 0f) {
                continue; // past infinity, or across the sign (only zero has neighbours there)
            }
            double otherError = Math.abs((double) other - value);
            if (otherError < error || otherError == error && (bits & 1) != 0) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // References and data

    /** The contract's softmax or log-softmax in double: max subtracted, edge rules applied. */
    private static double[] softmaxReference(float[] x, float temperature, boolean log, boolean zeroMasked) {
        int n = x.length;
        double[] out = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        boolean poisoned = false;
        for (float value : x) {
            poisoned |= Float.isNaN(value) || value == Float.POSITIVE_INFINITY;
            max = Math.max(max, value);
        }
        if (poisoned || max == Double.NEGATIVE_INFINITY) {
            double fill = poisoned || !zeroMasked ? Double.NaN : log ? Double.NEGATIVE_INFINITY : 0;
            java.util.Arrays.fill(out, fill);
            return out;
        }
        double sum = 0;
        for (float value : x) {
            sum += Math.exp((value - max) / temperature);
        }
        for (int i = 0; i < n; i++) {
            double shifted = (x[i] - max) / temperature;
            out[i] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
        }
        return out;
    }

    /** Checks both providers' forward outputs against the reference and each other. */
    private static void checkForward(
            Failures failures,
            String what,
            float[] x,
            double[] expected,
            float[][] outputs,
            float temperature,
            boolean log) {
        int n = x.length;
        double[] tolerance = new double[n];
        for (int i = 0; i < n; i++) {
            double exact = expected[i];
            tolerance[i] = log
                    ? LOG_TOLERANCE * Math.max(1, Math.abs(exact))
                    : exponentialTolerance(exact, Math.log(exact), temperature == 1f ? 1 : 2);
        }
        failures.checkRow("scalar " + what, outputs[0], expected, tolerance);
        failures.checkRow("vector " + what, outputs[1], expected, tolerance);
        failures.checkRows("vector vs scalar, " + what, outputs[1], outputs[0], tolerance);
    }

    /**
     * The README's bound for an exponential {@code e = exp(argument)}, {@code argument <= 0}:
     * {@code (2e-6 + k 2^-24 |argument|) e} down to 1e-30, then 1e-30 absolute; {@code k} counts the roundings of
     * the argument (2 with a temperature).
     */
    private static double exponentialTolerance(double e, double argument, int roundings) {
        if (e >= SMALLEST_BOUNDED_P) {
            return (PROBABILITY_ABSOLUTE + roundings * EXPONENT_ROUNDING * Math.abs(argument)) * e;
        }
        return SMALLEST_BOUNDED_P;
    }

    private static double dotReference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    private static double dotMagnitude(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double term = Math.abs((double) a[i] * b[i]);
            sum += Double.isNaN(term) ? 0 : term;
        }
        return sum;
    }

    /** Softmax of a row, rounded to f32 (all 0 for a masked row, all NaN for a NaN/+inf row). */
    private static float[] probabilities(float[] x) {
        double[] p = softmaxReference(x, 1f, false, true);
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) p[i];
        }
        return out;
    }

    /** Log-softmax of a row, rounded to f32 (all -inf for a masked row). */
    private static float[] logProbabilities(float[] x) {
        double[] p = softmaxReference(x, 1f, true, true);
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) p[i];
        }
        return out;
    }

    private static float[] row(Data data, int n, SplittableRandom random) {
        float[] x = new float[n];
        float constant = (float) (random.nextGaussian() * 10);
        for (int i = 0; i < n; i++) {
            x[i] = switch (data) {
                case GAUSSIAN, WITH_NAN, WITH_POSITIVE_INFINITY -> (float) random.nextGaussian();
                case WIDE -> (float) (random.nextGaussian() * 30);
                case LARGE -> (float) ((random.nextDouble() * 2 - 1) * 1e30);
                case SOME_MASKED ->
                    random.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextGaussian() * 5);
                case ALL_MASKED -> Float.NEGATIVE_INFINITY;
                case ALL_EQUAL -> constant;
                case SIGNED_ZEROS -> random.nextBoolean() ? 0f : -0f;
            };
        }
        if (data == Data.SOME_MASKED) {
            x[random.nextInt(n)] = (float) random.nextGaussian(); // at least one finite entry
        }
        if (data == Data.WITH_NAN) {
            x[random.nextInt(n)] = Float.NaN;
        }
        if (data == Data.WITH_POSITIVE_INFINITY) {
            x[random.nextInt(n)] = Float.POSITIVE_INFINITY;
        }
        return x;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Memory

    /** A segment holding {@code values} at byte {@code offset}, with a guard after it. */
    private static MemorySegment store(Arena arena, long offset, float[] values) {
        MemorySegment segment = arena.allocate(offset + 4L * values.length + GUARD, 64);
        write(segment, offset, values);
        return segment;
    }

    private static void write(MemorySegment segment, long offset, float[] values) {
        MemorySegment.copy(values, 0, segment, F32, offset, values.length);
    }

    /** A destination for {@code n} floats at {@code offset}, every byte of it a sentinel. */
    private static MemorySegment guarded(Arena arena, long offset, int n) {
        MemorySegment segment = arena.allocate(offset + 4L * n + GUARD, 64);
        segment.fill(SENTINEL);
        return segment;
    }

    /** The row at {@code offset}, after checking that nothing before or after it was written. */
    private static float[] load(MemorySegment segment, long offset, int n, Failures failures, String what) {
        checkUntouched(failures, what, segment, 0, offset);
        checkUntouched(failures, what, segment, offset + 4L * n, segment.byteSize() - offset - 4L * n);
        float[] out = new float[n];
        MemorySegment.copy(segment, F32, offset, out, 0, n);
        return out;
    }

    private static void checkUntouched(Failures failures, String what, MemorySegment segment, long from, long length) {
        for (long b = from; b < from + length; b++) {
            if (segment.get(ValueLayout.JAVA_BYTE, b) != SENTINEL) {
                long at = b;
                failures.check(false, () -> what + ": wrote outside the row, at byte " + at);
                return;
            }
        }
    }

    /** Collects the first failures (with their context) instead of stopping at one. */
    private static final class Failures {
        private static final int KEPT = 20;
        private final List<String> messages = new ArrayList<>();
        private long count;

        void check(boolean ok, Supplier<String> message) {
            if (!ok) {
                if (messages.size() < KEPT) {
                    messages.add(message.get());
                }
                count++;
            }
        }

        /** A non-finite expectation exactly (same NaN-ness, same infinity); a finite one within tolerance. */
        static boolean within(double actual, double expected, double tolerance) {
            return Double.isNaN(expected)
                    ? Double.isNaN(actual)
                    : Double.isInfinite(expected) ? actual == expected : Math.abs(actual - expected) <= tolerance;
        }

        void checkValue(String what, double actual, double expected, double tolerance) {
            check(
                    within(actual, expected, tolerance),
                    () -> String.format(
                            Locale.ROOT,
                            "%s: got %s, expected %s (error %.3g, tolerance %.3g)",
                            what,
                            actual,
                            expected,
                            Math.abs(actual - expected),
                            tolerance));
        }

        void checkExact(String what, float actual, float expected) {
            check(
                    Float.floatToIntBits(actual) == Float.floatToIntBits(expected),
                    () -> what + ": got " + actual + ", expected exactly " + expected);
        }

        void checkRow(String what, float[] actual, double[] expected, double[] tolerance) {
            for (int i = 0; i < actual.length; i++) {
                if (!within(actual[i], expected[i], tolerance[i])) {
                    checkValue(what + " [" + i + "]", actual[i], expected[i], tolerance[i]);
                }
            }
        }

        /** One provider's row against the other's, with twice the tolerance each has against the reference. */
        void checkRows(String what, float[] actual, float[] other, double[] tolerance) {
            for (int i = 0; i < actual.length; i++) {
                if (!within(actual[i], other[i], 2 * tolerance[i])) {
                    checkValue(what + " [" + i + "]", actual[i], other[i], 2 * tolerance[i]);
                }
            }
        }

        void checkExactRow(String what, float[] actual, float[] expected) {
            for (int i = 0; i < actual.length; i++) {
                if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
                    checkExact(what + " [" + i + "]", actual[i], expected[i]);
                }
            }
        }

        void assertNone() {
            assertThat(messages)
                    .as("%d failures, the first %d", count, messages.size())
                    .isEmpty();
        }
    }
}
