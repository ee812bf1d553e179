package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.softmax.testing.ReferenceSoftmax;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Softmax and log-softmax backward on both backends against a double-precision reference computed from the
 * values the views hold, over the forward suite's kinds of shapes, layouts, types and placements; plus finite
 * differences of the forward function and the edge rows.
 *
 * <p>Bound (documented in the README): softmax {@code |dx - ref| <= 1e-5 (|ref| + y (|dy| + |<y, dy>|))},
 * log-softmax {@code |dx - ref| <= 1e-5 (|ref| + |dy| + exp(y) sum |dy|)}, plus one ulp of a 16-bit output.
 */
@Tag("kernel-variants")
class BackwardTest {

    private static final Map<Backend, SoftmaxEngine> ENGINES = Map.of(
            Backend.ONEDNN,
                    SoftmaxEngine.create(
                            EngineOptions.builder().backend(Backend.ONEDNN).build()),
            Backend.JAVA,
                    SoftmaxEngine.create(
                            EngineOptions.builder().backend(Backend.JAVA).build()));

    @AfterAll
    static void close() {
        ENGINES.values().forEach(SoftmaxEngine::close);
    }

    enum Placement {
        OUT_OF_PLACE,
        INTO_DY,
        INTO_Y
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend backend : List.of(Backend.ONEDNN, Backend.JAVA)) {
            for (boolean log : new boolean[] {false, true}) {
                // 70000: past the pipelined path's row limit (BackwardComputation.PIPELINE_MAX_ROW).
                for (long n : new long[] {1, 7, 16, 17, 100, 1003, 32000, 70000}) {
                    cases.add(arguments(backend, log, new long[] {3, n}, -1, 0L, DType.F32, Placement.OUT_OF_PLACE));
                }
                cases.add(arguments(backend, log, new long[] {5, 33}, -1, 7L, DType.F32, Placement.OUT_OF_PLACE));
                cases.add(arguments(backend, log, new long[] {2, 3, 17}, 1, 0L, DType.F32, Placement.OUT_OF_PLACE));
                cases.add(arguments(backend, log, new long[] {2, 3, 4, 5}, 0, 0L, DType.F32, Placement.OUT_OF_PLACE));
                cases.add(arguments(backend, log, new long[] {4, 100}, -2, 3L, DType.F32, Placement.INTO_DY));
                cases.add(arguments(backend, log, new long[] {6, 128}, -1, 0L, DType.F32, Placement.INTO_DY));
                cases.add(arguments(backend, log, new long[] {6, 128}, -1, 0L, DType.F32, Placement.INTO_Y));
                cases.add(arguments(backend, log, new long[] {3, 40}, -1, 0L, DType.BF16, Placement.OUT_OF_PLACE));
                cases.add(arguments(backend, log, new long[] {3, 40}, -1, 0L, DType.F16, Placement.INTO_DY));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} log={1} shape={2} axis={3} pad={4} {5} {6}")
    @MethodSource("cases")
    void backwardMatchesTheDoubleReference(
            Backend backend, boolean log, long[] shape, int axis, long pad, DType type, Placement placement) {
        SoftmaxEngine engine = ENGINES.get(backend);
        int rank = shape.length;
        int normalised = axis < 0 ? axis + rank : axis;
        Random random = new Random(shape.length * 31L + shape[rank - 1] + (log ? 7 : 0));
        try (Arena arena = Arena.ofConfined()) {
            long[] strides = TestTensors.layout(shape, TestTensors.identityOrder(rank), pad);
            TensorView y = TestTensors.allocate(arena, type, shape, strides);
            TensorView dy = TestTensors.allocate(arena, type, shape, strides);
            int count = (int) TestTensors.product(shape);
            float[] logits = TestTensors.normal(random, count, 3);
            y.copyFrom(forward(logits, shape, normalised, log));
            dy.copyFrom(TestTensors.normal(random, count, 1));
            float[] yHeld = y.toFloatArray();
            float[] dyHeld = dy.toFloatArray();
            TensorView dx = switch (placement) {
                case OUT_OF_PLACE -> TestTensors.allocate(arena, type, shape, strides);
                case INTO_DY -> dy;
                case INTO_Y -> y;
            };

            if (log) {
                engine.logSoftmaxBackward(y, dy, dx, axis);
            } else {
                engine.softmaxBackward(y, dy, dx, axis);
            }

            float[] got = dx.toFloatArray();
            double[][] expected = reference(yHeld, dyHeld, shape, normalised, log);
            for (int i = 0; i < count; i++) {
                double bound = expected[1][i] + ulp(type, expected[0][i]);
                assertThat(Math.abs(got[i] - expected[0][i]))
                        .as("element %d: got %s, reference %s", i, got[i], expected[0][i])
                        .isLessThanOrEqualTo(bound);
            }
        }
    }

    static Stream<Arguments> finiteDifferenceCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend backend : List.of(Backend.ONEDNN, Backend.JAVA)) {
            for (boolean log : new boolean[] {false, true}) {
                cases.add(arguments(backend, log, 1, 9));
                cases.add(arguments(backend, log, 3, 40));
            }
        }
        return cases.stream();
    }

    /** The gradient of L(x) = sum g * f(x), by central differences of f in double, against the backward pass. */
    @ParameterizedTest(name = "{0} log={1} {2}x{3}")
    @MethodSource("finiteDifferenceCases")
    void backwardIsTheGradientOfTheForwardFunctionByFiniteDifferences(Backend backend, boolean log, int rows, int n) {
        SoftmaxEngine engine = ENGINES.get(backend);
        Random random = new Random(rows * 100L + n);
        float[] x = TestTensors.normal(random, rows * n, 2);
        float[] g = TestTensors.normal(random, rows * n, 1);
        try (Arena arena = Arena.ofConfined()) {
            TensorView xs = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(x);
            TensorView y = TensorView.allocate(arena, DType.F32, rows, n);
            TensorView gs = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(g);
            TensorView dx = TensorView.allocate(arena, DType.F32, rows, n);
            if (log) {
                engine.logSoftmax(xs, y);
                engine.logSoftmaxBackward(y, gs, dx);
            } else {
                engine.softmax(xs, y);
                engine.softmaxBackward(y, gs, dx);
            }
            float[] got = dx.toFloatArray();
            double h = 1e-4;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < n; j++) {
                    double[] plus = rowForward(x, r, n, j, h, log);
                    double[] minus = rowForward(x, r, n, j, -h, log);
                    double derivative = 0;
                    for (int i = 0; i < n; i++) {
                        derivative += g[r * n + i] * (plus[i] - minus[i]) / (2 * h);
                    }
                    assertThat((double) got[r * n + j])
                            .as("row %d column %d", r, j)
                            .isCloseTo(derivative, within(2e-5 * (1 + Math.abs(derivative))));
                }
            }
        }
    }

    /**
     * The JVP is the directional derivative d/dε softmax(x + ε v) at ε = 0: central differences of the double
     * softmax along v, against the engine's J v from the float softmax output. Tolerance 2e-5 (1 + |Jv|), as for
     * the backward passes: the float output s carries ~1e-7 relative error and h = 1e-4 leaves an O(h²) term.
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("jvpCases")
    void jvpIsTheDirectionalDerivativeOfSoftmaxByFiniteDifferences(Backend backend, int rows, int n) {
        SoftmaxEngine engine = ENGINES.get(backend);
        Random random = new Random(rows * 1000L + n + 7);
        float[] x = TestTensors.normal(random, rows * n, 2);
        float[] v = TestTensors.normal(random, rows * n, 1);
        try (Arena arena = Arena.ofConfined()) {
            TensorView xs = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(x);
            TensorView s = TensorView.allocate(arena, DType.F32, rows, n);
            TensorView vs = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(v);
            TensorView jvp = TensorView.allocate(arena, DType.F32, rows, n);
            engine.softmax(xs, s);
            engine.softmaxJvp(s, vs, jvp, -1);
            float[] got = jvp.toFloatArray();
            double h = 1e-4;
            for (int r = 0; r < rows; r++) {
                double[] plus = rowForwardAlong(x, v, r, n, h);
                double[] minus = rowForwardAlong(x, v, r, n, -h);
                for (int i = 0; i < n; i++) {
                    double derivative = (plus[i] - minus[i]) / (2 * h);
                    assertThat((double) got[r * n + i])
                            .as("row %d column %d", r, i)
                            .isCloseTo(derivative, within(2e-5 * (1 + Math.abs(derivative))));
                }
            }
        }
    }

    static Stream<Arguments> jvpCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend backend : List.of(Backend.ONEDNN, Backend.JAVA)) {
            cases.add(arguments(backend, 1, 9));
            cases.add(arguments(backend, 3, 40));
            cases.add(arguments(backend, 2, 1000));
        }
        return cases.stream();
    }

    /** softmax(x_row + h v_row) in double. */
    private static double[] rowForwardAlong(float[] x, float[] v, int row, int n, double h) {
        double[] values = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            values[i] = x[row * n + i] + h * v[row * n + i];
            max = Math.max(max, values[i]);
        }
        double sum = 0;
        for (double value : values) {
            sum += Math.exp(value - max);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.exp(values[i] - max) / sum;
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("edgeCases")
    void maskedRowsGiveZeroGradientsAndNonFiniteRowsGiveNaN(Backend backend, EdgePolicy policy) {
        try (SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder()
                        .backend(backend)
                        .edgePolicy(policy)
                        .build());
                Arena arena = Arena.ofConfined()) {
            float inf = Float.POSITIVE_INFINITY;
            // Rows: masked (softmax output all 0 / log-softmax all -inf), NaN in y, +inf in dy, ordinary.
            float[] softmaxY = {0, 0, 0, 0, 0.5f, Float.NaN, 0.5f, 0, 0.25f, 0.25f, 0.25f, 0.25f, 0.1f, 0.2f, 0.3f, 0.4f
            };
            float[] logY = {
                -inf, -inf, -inf, -inf, -1f, Float.NaN, -1f, -inf, -1.4f, -1.4f, -1.4f, -1.4f, -2.3f, -1.6f, -1.2f,
                -0.9f
            };
            float[] dyValues = {1, 2, 3, 4, 1, 1, 1, 1, 1, inf, 1, 1, 1, -1, 2, 0.5f};
            for (boolean log : new boolean[] {false, true}) {
                TensorView y = TensorView.allocate(arena, DType.F32, 4, 4).copyFrom(log ? logY : softmaxY);
                TensorView dy = TensorView.allocate(arena, DType.F32, 4, 4).copyFrom(dyValues);
                TensorView dx = TensorView.allocate(arena, DType.F32, 4, 4);
                if (log) {
                    engine.logSoftmaxBackward(y, dy, dx);
                } else {
                    engine.softmaxBackward(y, dy, dx);
                }
                float[] got = dx.toFloatArray();
                for (int i = 0; i < 4; i++) {
                    if (policy == EdgePolicy.NAN) {
                        assertThat(got[i]).as("masked row, log=%s", log).isNaN();
                    } else {
                        assertThat(got[i]).as("masked row, log=%s", log).isEqualTo(0f);
                    }
                    assertThat(got[4 + i]).as("NaN in y, log=%s", log).isNaN();
                    assertThat(got[8 + i]).as("+inf in dy, log=%s", log).isNaN();
                    assertThat(got[12 + i]).as("ordinary row, log=%s", log).isFinite();
                }
            }
        }
    }

    /**
     * Masked softmax rows (y all zero) among finite rows: the case where the oneDNN path's edge repair takes its
     * quick test (a dense, finite y and dy) and then looks only at rows whose first element is zero. A row that
     * merely starts with a zero probability is not masked.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("edgeCases")
    void maskedRowsAmongFiniteRowsGiveTheEdgeValueAndTheOthersTheReference(Backend backend, EdgePolicy policy) {
        int rows = 64;
        int n = 128;
        Random random = new Random(17);
        float[] yValues = new float[rows * n];
        float[] dyValues = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            double[] e = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                e[i] = Math.exp(random.nextGaussian() * 2);
                sum += e[i];
            }
            for (int i = 0; i < n; i++) {
                yValues[r * n + i] = r == 3 || r == 40 ? 0f : (float) (e[i] / sum);
                dyValues[r * n + i] = (float) random.nextGaussian();
            }
        }
        yValues[7 * n] = 0f; // a zero probability at the start of an ordinary row
        try (SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder()
                        .backend(backend)
                        .edgePolicy(policy)
                        .build());
                Arena arena = Arena.ofConfined()) {
            TensorView y = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(yValues);
            TensorView dy = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(dyValues);
            TensorView dx = TensorView.allocate(arena, DType.F32, rows, n);
            engine.softmaxBackward(y, dy, dx);
            float[] got = dx.toFloatArray();
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                double magnitude = 0;
                for (int i = 0; i < n; i++) {
                    dot += (double) yValues[r * n + i] * dyValues[r * n + i];
                    magnitude += Math.abs((double) yValues[r * n + i] * dyValues[r * n + i]);
                }
                for (int i = 0; i < n; i++) {
                    float value = got[r * n + i];
                    if (r == 3 || r == 40) {
                        if (policy == EdgePolicy.NAN) {
                            assertThat(value).as("masked row %d", r).isNaN();
                        } else {
                            assertThat(value).as("masked row %d", r).isEqualTo(0f);
                        }
                        continue;
                    }
                    double s = yValues[r * n + i];
                    double expected = s * (dyValues[r * n + i] - dot);
                    assertThat((double) value)
                            .as("%s row %d element %d", backend, r, i)
                            .isCloseTo(expected, within(1e-6 * (Math.abs(expected) + s * magnitude) + 1e-30));
                }
            }
        }
    }

    static Stream<Arguments> edgeCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Backend backend : List.of(Backend.ONEDNN, Backend.JAVA)) {
            for (EdgePolicy policy : List.of(EdgePolicy.ZERO, EdgePolicy.NAN)) {
                cases.add(arguments(backend, policy));
            }
        }
        return cases.stream();
    }

    /**
     * Log-softmax backward on the Java backend, out of place, where rows hold y above 88 (no log-softmax output
     * does, but a caller may pass one) in a vector's lanes or in the scalar tail, NaN or +inf, or only ordinary
     * values: the out-of-place pass skips the exponential's upper clamp for ordinary rows and must compute the
     * others again, so out of place must give exactly the bits of the in-place call (which never skips it); rows
     * with a NaN or +inf are NaN, the others not, and the ordinary rows are the double reference.
     */
    @org.junit.jupiter.api.Test
    void logSoftmaxBackwardOfRowsWithLargeYGivesTheInPlaceBits() {
        int n = 37;
        float[][] specials = {{}, {88.5f}, {100f}, {3e38f}, {Float.NaN}, {Float.POSITIVE_INFINITY}};
        int[] columns = {3, 35};
        int rows = specials.length * columns.length;
        Random random = new Random(88);
        float[] yValues = TestTensors.normal(random, rows * n, 1);
        float[] dyValues = TestTensors.normal(random, rows * n, 1);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                yValues[r * n + i] = -Math.abs(yValues[r * n + i]) - 1f;
            }
            float[] special = specials[r / columns.length];
            if (special.length > 0) {
                yValues[r * n + columns[r % columns.length]] = special[0];
            }
        }
        SoftmaxEngine engine = ENGINES.get(Backend.JAVA);
        try (Arena arena = Arena.ofConfined()) {
            TensorView y = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(yValues);
            TensorView dy = TensorView.allocate(arena, DType.F32, rows, n).copyFrom(dyValues);
            TensorView dx = TensorView.allocate(arena, DType.F32, rows, n);
            engine.logSoftmaxBackward(y, dy, dx);
            engine.logSoftmaxBackward(y, dy, dy);
            float[] outOfPlace = dx.toFloatArray();
            float[] inPlace = dy.toFloatArray();
            for (int r = 0; r < rows; r++) {
                int column = columns[r % columns.length];
                float special = specials[r / columns.length].length > 0 ? specials[r / columns.length][0] : 0f;
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += dyValues[r * n + i];
                }
                for (int i = 0; i < n; i++) {
                    int at = r * n + i;
                    assertThat(Float.floatToRawIntBits(outOfPlace[at]))
                            .as(
                                    "row %d (y[%d] = %s), element %d: out of place %s, in place %s",
                                    r, column, special, i, outOfPlace[at], inPlace[at])
                            .isEqualTo(Float.floatToRawIntBits(inPlace[at]));
                }
                if (Float.isNaN(special) || special == Float.POSITIVE_INFINITY) {
                    assertThat(outOfPlace[r * n])
                            .as("row %d holds %s", r, special)
                            .isNaN();
                } else {
                    for (int i = 0; i < n; i++) {
                        assertThat(outOfPlace[r * n + i])
                                .as("row %d (y[%d] = %s), element %d", r, column, special, i)
                                .isNotNaN();
                    }
                }
                if (special == 0f) {
                    for (int i = 0; i < n; i++) {
                        double expected = dyValues[r * n + i] - Math.exp(yValues[r * n + i]) * sum;
                        assertThat((double) outOfPlace[r * n + i])
                                .as("ordinary row %d, element %d", r, i)
                                .isCloseTo(expected, within(1e-5 * (Math.abs(expected) + Math.abs(sum)) + 1e-6));
                    }
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void badBackwardCallsNameTheArgumentAndWriteNothing() {
        SoftmaxEngine engine = ENGINES.get(Backend.ONEDNN);
        try (Arena arena = Arena.ofConfined();
                SoftmaxEngine rejecting = SoftmaxEngine.create(
                        EngineOptions.builder().edgePolicy(EdgePolicy.REJECT).build())) {
            TensorView y = TensorView.allocate(arena, DType.F32, 2, 4)
                    .copyFrom(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.1f, 0.2f, 0.3f, 0.4f});
            TensorView dy =
                    TensorView.allocate(arena, DType.F32, 2, 4).copyFrom(new float[] {1, 2, 3, 4, 1, Float.NaN, 1, 1});
            TensorView dx = TensorView.allocate(arena, DType.F32, 2, 4);
            dx.segment().fill(TestTensors.PATTERN);
            byte[] before = TestTensors.snapshot(dx.segment());
            TensorView shortDy = TensorView.allocate(arena, DType.F32, 2, 3);
            TensorView shifted =
                    TensorView.wrap(dy.segment().asSlice(4), DType.F32, new long[] {2, 3}, new long[] {4, 1});
            TensorView shiftedOut =
                    TensorView.wrap(dy.segment().asSlice(0, 28), DType.F32, new long[] {2, 3}, new long[] {3, 1});

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.softmaxBackward(y, shortDy, dx))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("dy: shape [2, 3] does not match y shape [2, 4]");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.logSoftmaxBackward(y, dy, dx, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("axis: 2 is out of range for rank 2; expected -2 to 1");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.softmaxJvp(
                            TensorView.wrap(y.segment(), DType.F32, new long[] {2, 3}, new long[] {4, 1}),
                            shifted,
                            shiftedOut,
                            -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("out: ")
                    .hasMessageContaining("partially overlaps v");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rejecting.softmaxBackward(y, dy, dx))
                    .isInstanceOf(NonFiniteInputException.class)
                    .hasMessage("dy: element [1, 1] (row 1, column 1) is NaN; policy REJECT accepts only finite "
                            + "values here");
            TestTensors.assertBytesUnchanged("dx after rejected calls", before, dx.segment());
        }
    }

    /**
     * A repeated call on the same views reuses its structural validation (no allocation in a training loop). It
     * must still compute from the data the views hold now, and still refuse views whose arena has been closed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void repeatedBackwardCallsSeeNewDataAndRefuseAClosedArena(Backend backend) {
        SoftmaxEngine engine = ENGINES.get(backend);
        Arena arena = Arena.ofConfined();
        TensorView y = TensorView.allocate(arena, DType.F32, 2, 4)
                .copyFrom(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.1f, 0.2f, 0.3f, 0.4f});
        TensorView dy = TensorView.allocate(arena, DType.F32, 2, 4).copyFrom(new float[] {1, 2, 3, 4, 4, 3, 2, 1});
        TensorView dx = TensorView.allocate(arena, DType.F32, 2, 4);
        for (int round = 0; round < 3; round++) {
            float[] gradient = new float[8];
            for (int i = 0; i < 8; i++) {
                gradient[i] = (i + 1) * (round - 1.5f);
            }
            dy.copyFrom(gradient);
            engine.softmaxBackward(y, dy, dx);
            float[] yValues = y.toFloatArray();
            float[] got = dx.toFloatArray();
            for (int row = 0; row < 2; row++) {
                double dot = 0;
                for (int i = 0; i < 4; i++) {
                    dot += (double) yValues[4 * row + i] * gradient[4 * row + i];
                }
                for (int i = 0; i < 4; i++) {
                    double expected = yValues[4 * row + i] * (gradient[4 * row + i] - dot);
                    assertThat((double) got[4 * row + i])
                            .as("round %d row %d col %d", round, row, i)
                            .isCloseTo(expected, within(1e-6 * (1 + Math.abs(expected))));
                }
            }
        }
        arena.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.softmaxBackward(y, dy, dx))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("y: ");
    }

    static Stream<Backend> backends() {
        return Stream.of(Backend.ONEDNN, Backend.JAVA);
    }

    /** Forward softmax or log-softmax along {@code axis}, in double, rounded to float. */
    static float[] forward(float[] x, long[] shape, int axis, boolean log) {
        float[] out = new float[x.length];
        forEachRow(shape, axis, (indices) -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int i : indices) {
                max = Math.max(max, x[i]);
            }
            double sum = 0;
            for (int i : indices) {
                sum += Math.exp(x[i] - max);
            }
            for (int i : indices) {
                out[i] = (float) (log ? x[i] - max - Math.log(sum) : Math.exp(x[i] - max) / sum);
            }
        });
        return out;
    }

    /** [0]: the reference dx; [1]: the allowed error per element. */
    static double[][] reference(float[] y, float[] dy, long[] shape, int axis, boolean log) {
        double[] dx = new double[y.length];
        double[] bound = new double[y.length];
        forEachRow(shape, axis, (indices) -> {
            if (log) {
                double sumG = 0;
                double sumAbsG = 0;
                for (int i : indices) {
                    sumG += dy[i];
                    sumAbsG += Math.abs(dy[i]);
                }
                for (int i : indices) {
                    dx[i] = dy[i] - Math.exp(y[i]) * sumG;
                    bound[i] = 1e-5 * (Math.abs(dx[i]) + Math.abs(dy[i]) + Math.exp(y[i]) * sumAbsG);
                }
            } else {
                double dot = 0;
                for (int i : indices) {
                    dot += (double) y[i] * dy[i];
                }
                for (int i : indices) {
                    dx[i] = y[i] * (dy[i] - dot);
                    bound[i] = 1e-5 * (Math.abs(dx[i]) + Math.abs(y[i]) * (Math.abs(dy[i]) + Math.abs(dot)));
                }
            }
        });
        return new double[][] {dx, bound};
    }

    private static double[] rowForward(float[] x, int row, int n, int moved, double h, boolean log) {
        double[] values = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            values[i] = x[row * n + i] + (i == moved ? h : 0);
            max = Math.max(max, values[i]);
        }
        double sum = 0;
        for (double v : values) {
            sum += Math.exp(v - max);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = log ? values[i] - max - Math.log(sum) : Math.exp(values[i] - max) / sum;
        }
        return out;
    }

    private static double ulp(DType type, double value) {
        return type == DType.F32 ? 0 : ReferenceSoftmax.ulpOf(type, Math.abs(value)) * 2;
    }

    /** Calls {@code body} with the row-major element indices of each row along {@code axis}. */
    static void forEachRow(long[] shape, int axis, java.util.function.Consumer<int[]> body) {
        int rank = shape.length;
        long[] rowMajor = TensorView.rowMajorStrides(shape);
        long rows = TestTensors.product(shape) / Math.max(1, shape[axis]);
        for (long r = 0; r < rows; r++) {
            long rest = r;
            long base = 0;
            for (int d = rank - 1; d >= 0; d--) {
                if (d == axis) {
                    continue;
                }
                base += (rest % shape[d]) * rowMajor[d];
                rest /= shape[d];
            }
            int[] indices = new int[(int) shape[axis]];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = (int) (base + i * rowMajor[axis]);
            }
            body.accept(indices);
        }
    }
}
