package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.testing.ReferenceSoftmax;
import org.junit.jupiter.api.Test;

/** The reference and the bound checker are themselves checked, so that a passing differential test means something. */
class ReferenceSoftmaxTest {

    private static final ReferenceSoftmax.Spec ROW = ReferenceSoftmax.Spec.of(new long[] {1, 3}, -1, false);

    @Test
    void referenceOfKnownValues() {
        float ln3 = (float) Math.log(3);
        double[] p = ReferenceSoftmax.compute(new float[] {0f, ln3, Float.NEGATIVE_INFINITY}, ROW);
        assertThat(p[0]).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(p[1]).isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(p[2]).isZero();
        double[] lp =
                ReferenceSoftmax.compute(new float[] {0f, 0f, 0f}, ReferenceSoftmax.Spec.of(new long[] {3}, 0, true));
        assertThat(lp).containsOnly(-Math.log(3));
        double[] t = ReferenceSoftmax.compute(
                new float[] {0f, 2f}, new ReferenceSoftmax.Spec(new long[] {2}, 0, false, 2f, EdgePolicy.ZERO));
        assertThat(t[1] / t[0]).isCloseTo(Math.E, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void referenceAppliesTheEdgeContract() {
        float inf = Float.POSITIVE_INFINITY;
        float ninf = Float.NEGATIVE_INFINITY;
        ReferenceSoftmax.Spec rows = ReferenceSoftmax.Spec.of(new long[] {3, 2}, 1, false);
        double[] zero = ReferenceSoftmax.compute(new float[] {ninf, ninf, 1f, Float.NaN, inf, 0f}, rows);
        assertThat(zero).containsExactly(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double[] nan =
                ReferenceSoftmax.compute(new float[] {ninf, ninf, 1f, 2f, 0f, 0f}, rows.withPolicy(EdgePolicy.NAN));
        assertThat(Double.isNaN(nan[0]) && Double.isNaN(nan[1])).isTrue();
        double[] log =
                ReferenceSoftmax.compute(new float[] {ninf, ninf}, ReferenceSoftmax.Spec.of(new long[] {2}, 0, true));
        assertThat(log).containsOnly(Double.NEGATIVE_INFINITY);
    }

    @Test
    void axisNumberingMatchesRowMajorRowsOfTheOtherDimensions() {
        // shape [2, 3] along axis 0: row r is column r of the matrix.
        ReferenceSoftmax.Spec axis0 = ReferenceSoftmax.Spec.of(new long[] {2, 3}, 0, false);
        assertThat(axis0.rowCount()).isEqualTo(3);
        assertThat(axis0.index(2, 1)).isEqualTo(5);
        double[] p = ReferenceSoftmax.compute(new float[] {0, 0, 0, 0, (float) Math.log(3), 0}, axis0);
        assertThat(p[1]).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(p[4]).isCloseTo(0.75, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(p[0]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void checkerAcceptsTheRoundedAnswerAndRejectsWrongOnes() {
        float[] input = {0f, 1f, 2f};
        double[] reference = ReferenceSoftmax.compute(input, ROW);
        float[] exact = {(float) reference[0], (float) reference[1], (float) reference[2]};
        ReferenceSoftmax.assertMatches("exact", input, exact, reference, DType.F32, ROW);

        float[] off = exact.clone();
        off[1] *= 1 + 1e-5f; // 10 ppm: outside the 2e-6 relative bound
        assertThatThrownBy(() -> ReferenceSoftmax.assertMatches("off", input, off, reference, DType.F32, ROW))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("row 0 column 1");

        float[] notNaN = {0.1f, 0.2f, 0.7f};
        double[] nanReference = {Double.NaN, Double.NaN, Double.NaN};
        assertThatThrownBy(() -> ReferenceSoftmax.assertMatches("nan", input, notNaN, nanReference, DType.F32, ROW))
                .hasMessageContaining("expected NaN");

        float[] bf16 = new float[3];
        for (int i = 0; i < 3; i++) {
            bf16[i] = (float) ReferenceSoftmax.roundTo(DType.BF16, reference[i]);
        }
        ReferenceSoftmax.assertMatches("bf16", input, bf16, reference, DType.BF16, ROW);
        float[] twoUlpsOff = bf16.clone();
        twoUlpsOff[2] += 2 * (float) ReferenceSoftmax.ulpOf(DType.BF16, bf16[2]);
        assertThatThrownBy(
                        () -> ReferenceSoftmax.assertMatches("bf16 off", input, twoUlpsOff, reference, DType.BF16, ROW))
                .hasMessageContaining("row 0 column 2");
    }

    @Test
    void ulpsOfSixteenBitTypes() {
        assertThat(ReferenceSoftmax.ulpOf(DType.BF16, 1.0)).isEqualTo(Math.scalb(1.0, -7));
        assertThat(ReferenceSoftmax.ulpOf(DType.F16, 1.0)).isEqualTo(Math.scalb(1.0, -10));
        assertThat(ReferenceSoftmax.ulpOf(DType.F16, 1e-6)).isEqualTo(Math.scalb(1.0, -24));
        assertThat(ReferenceSoftmax.roundTo(DType.F16, 1e-9)).isZero();
        assertThat(ReferenceSoftmax.roundTo(DType.F16, 1e30)).isEqualTo(Double.POSITIVE_INFINITY);
    }
}
