package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ONNX SoftmaxCrossEntropyLoss semantics, against hand-computed values and a double reference. */
@Tag("kernel-variants")
class CrossEntropyTest {

    private static final SoftmaxEngine ENGINE = SoftmaxEngine.create();

    @AfterAll
    static void close() {
        ENGINE.close();
    }

    /** scores [2, 3]: rows (1, 2, 3) and (0, 0, ln 4); labels (2, 0). */
    private static final float[] SCORES = {1f, 2f, 3f, 0f, 0f, (float) Math.log(4)};

    private static final long[] LABELS = {2, 0};

    /** -log softmax(1,2,3)[2] and -log softmax(0,0,ln4)[0], by hand. */
    private static final double LOSS_0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));

    private static final double LOSS_1 = Math.log(6);

    @Test
    void meanSumAndNoneMatchHandComputedValues() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView scores = TensorView.allocate(arena, DType.F32, 2, 3).copyFrom(SCORES);
            TensorView labels = labels(arena, DType.I64, LABELS, 2);

            assertThat(ENGINE.softmaxCrossEntropy(scores, labels, CrossEntropyLoss.mean()))
                    .isCloseTo((LOSS_0 + LOSS_1) / 2, within(1e-6));
            assertThat(ENGINE.softmaxCrossEntropy(scores, labels, CrossEntropyLoss.of(CrossEntropyLoss.Reduction.SUM)))
                    .isCloseTo(LOSS_0 + LOSS_1, within(1e-6));
            TensorView perTarget = TensorView.allocate(arena, DType.F32, 2);
            ENGINE.softmaxCrossEntropy(
                    scores, labels, CrossEntropyLoss.of(CrossEntropyLoss.Reduction.NONE), perTarget, null, null);
            assertThat((double) perTarget.getFloat(0)).isCloseTo(LOSS_0, within(1e-6));
            assertThat((double) perTarget.getFloat(1)).isCloseTo(LOSS_1, within(1e-6));
        }
    }

    @Test
    void weightedMeanDividesByTheWeightsOfTheTargetsThatCount() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView scores = TensorView.allocate(arena, DType.F32, 2, 3).copyFrom(SCORES);
            TensorView labels = labels(arena, DType.I32, LABELS, 2);
            TensorView weights = TensorView.allocate(arena, DType.F32, 3).copyFrom(new float[] {0.5f, 1f, 2f});

            double mean = ENGINE.softmaxCrossEntropy(
                    scores, labels, CrossEntropyLoss.mean().withWeights(weights));

            assertThat(mean).isCloseTo((2 * LOSS_0 + 0.5 * LOSS_1) / (2 + 0.5), within(1e-6));
        }
    }

    @Test
    void ignoreIndexDropsTargetsFromTheLossAndTheDivisorIncludingNegativeAndOutOfRangeIndices() {
        for (long ignore : new long[] {0, -100, 7}) {
            try (Arena arena = Arena.ofConfined()) {
                TensorView scores = TensorView.allocate(arena, DType.F32, 2, 3).copyFrom(SCORES);
                TensorView labels = labels(arena, DType.I64, new long[] {2, ignore}, 2);
                TensorView gradient = TensorView.allocate(arena, DType.F32, 2, 3);

                double mean = ENGINE.softmaxCrossEntropy(
                        scores, labels, CrossEntropyLoss.mean().withIgnoreIndex(ignore), null, null, gradient);

                assertThat(mean).as("ignore_index %d", ignore).isCloseTo(LOSS_0, within(1e-6));
                assertThat(gradient.toFloatArray()).as("ignored row's gradient").endsWith(0f, 0f, 0f);
            }
        }
    }

    @Test
    void everyTargetIgnoredGivesNaNForMeanAsOnnxReferenceDoes() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView scores = TensorView.allocate(arena, DType.F32, 2, 3).copyFrom(SCORES);
            TensorView labels = labels(arena, DType.I64, new long[] {-1, -1}, 2);
            assertThat(ENGINE.softmaxCrossEntropy(
                            scores, labels, CrossEntropyLoss.mean().withIgnoreIndex(-1)))
                    .isNaN();
        }
    }

    @Test
    void aLabelOutsideTheClassesIsRejectedNamingItAndNothingIsWritten() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView scores = TensorView.allocate(arena, DType.F32, 2, 3).copyFrom(SCORES);
            TensorView labels = labels(arena, DType.I64, new long[] {2, 3}, 2);
            TensorView logProb = TensorView.allocate(arena, DType.F32, 2, 3);
            logProb.segment().fill((byte) 0x5A);
            byte[] before = logProb.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);

            assertThatThrownBy(() -> ENGINE.softmaxCrossEntropy(
                            scores, labels, CrossEntropyLoss.mean().withIgnoreIndex(-100), null, logProb, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("labels: element [1] is 3; expected a class in 0..2 or the ignore index -100");
            assertThat(logProb.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                    .isEqualTo(before);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CrossEntropyLoss.Reduction.class)
    void kDimensionalLayoutMatchesTheDoubleReferenceWithLogProbabilitiesAndGradient(
            CrossEntropyLoss.Reduction reduction) {
        int n = 2;
        int c = 5;
        int d1 = 3;
        int d2 = 2;
        Random random = new Random(7);
        float[] scores = new float[n * c * d1 * d2];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) (random.nextGaussian() * 3);
        }
        long[] labels = new long[n * d1 * d2];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 4 == 3 ? -1 : random.nextInt(c);
        }
        float[] weights = {1f, 0.5f, 2f, 1.5f, 0.25f};
        try (Arena arena = Arena.ofConfined()) {
            TensorView scoreView =
                    TensorView.allocate(arena, DType.F32, n, c, d1, d2).copyFrom(scores);
            TensorView labelView = labels(arena, DType.I32, labels, n, d1, d2);
            TensorView weightView = TensorView.allocate(arena, DType.F32, c).copyFrom(weights);
            TensorView lossOut = reduction == CrossEntropyLoss.Reduction.NONE
                    ? TensorView.allocate(arena, DType.F32, n, d1, d2)
                    : null;
            TensorView logProb = TensorView.allocate(arena, DType.F32, n, c, d1, d2);
            TensorView gradient = TensorView.allocate(arena, DType.F32, n, c, d1, d2);
            CrossEntropyLoss loss =
                    CrossEntropyLoss.of(reduction).withWeights(weightView).withIgnoreIndex(-1);

            double result = ENGINE.softmaxCrossEntropy(scoreView, labelView, loss, lossOut, logProb, gradient);

            double total = 0;
            double weightTotal = 0;
            float[] gotLogProb = logProb.toFloatArray();
            float[] gotGradient = gradient.toFloatArray();
            double[] perTarget = new double[labels.length];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < d1; i++) {
                    for (int j = 0; j < d2; j++) {
                        int t = (b * d1 + i) * d2 + j;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < c; k++) {
                            max = Math.max(max, scores[((b * c + k) * d1 + i) * d2 + j]);
                        }
                        double sum = 0;
                        for (int k = 0; k < c; k++) {
                            sum += Math.exp(scores[((b * c + k) * d1 + i) * d2 + j] - max);
                        }
                        double lse = max + Math.log(sum);
                        for (int k = 0; k < c; k++) {
                            int at = ((b * c + k) * d1 + i) * d2 + j;
                            assertThat((double) gotLogProb[at]).isCloseTo(scores[at] - lse, within(1e-5));
                        }
                        if (labels[t] != -1) {
                            int y = (int) labels[t];
                            perTarget[t] = -weights[y] * (scores[((b * c + y) * d1 + i) * d2 + j] - lse);
                            total += perTarget[t];
                            weightTotal += weights[y];
                        }
                    }
                }
            }
            double expected = reduction == CrossEntropyLoss.Reduction.MEAN ? total / weightTotal : total;
            assertThat(result).isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
            if (lossOut != null) {
                float[] got = lossOut.toFloatArray();
                for (int t = 0; t < got.length; t++) {
                    assertThat((double) got[t]).as("target %d", t).isCloseTo(perTarget[t], within(1e-5));
                }
            }
            // Finite differences of the reduced loss (NONE: of the sum) in double against the gradient.
            double divisor = reduction == CrossEntropyLoss.Reduction.MEAN ? weightTotal : 1;
            for (int at = 0; at < scores.length; at += 7) {
                double h = 1e-4;
                double plus = referenceLoss(scores, labels, weights, n, c, d1 * d2, at, h) / divisor;
                double minus = referenceLoss(scores, labels, weights, n, c, d1 * d2, at, -h) / divisor;
                assertThat((double) gotGradient[at])
                        .as("gradient %d", at)
                        .isCloseTo((plus - minus) / (2 * h), within(2e-5));
            }
        }
    }

    @Test
    void integerTypesAreRejectedAsSoftmaxInputNamingTheType() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView ints = TensorView.allocate(arena, DType.I32, 2, 3);
            TensorView out = TensorView.allocate(arena, DType.F32, 2, 3);
            assertThatThrownBy(() -> ENGINE.softmax(ints, out))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("src: element type i32 is not supported here; expected f32, bf16 or f16");
        }
    }

    /** The weighted sum of losses with one score moved by {@code delta}, in double. */
    private static double referenceLoss(
            float[] scores, long[] labels, float[] weights, int n, int c, int inner, int moved, double delta) {
        double total = 0;
        for (int b = 0; b < n; b++) {
            for (int s = 0; s < inner; s++) {
                int t = b * inner + s;
                if (labels[t] == -1) {
                    continue;
                }
                double[] row = new double[c];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    int at = (b * c + k) * inner + s;
                    row[k] = scores[at] + (at == moved ? delta : 0);
                    max = Math.max(max, row[k]);
                }
                double sum = 0;
                for (double v : row) {
                    sum += Math.exp(v - max);
                }
                int y = (int) labels[t];
                total += -weights[y] * (row[y] - max - Math.log(sum));
            }
        }
        return total;
    }

    private static TensorView labels(Arena arena, DType type, long[] values, long... shape) {
        TensorView view = TensorView.allocate(arena, type, shape);
        MemorySegment segment = view.segment();
        for (int i = 0; i < values.length; i++) {
            if (type == DType.I64) {
                segment.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, i, values[i]);
            } else {
                segment.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i, (int) values[i]);
            }
        }
        return view;
    }
}
