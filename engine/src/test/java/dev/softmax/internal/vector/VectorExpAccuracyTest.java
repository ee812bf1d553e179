package dev.softmax.internal.vector;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The kernel's exponential against {@code Math.exp} over its whole range: at most 2 ulp for every result in the
 * normal range (arguments down to -87.3), results flushed to +0 only where {@code Math.exp} is subnormal, and
 * the vector lanes bit-identical to the scalar tail.
 */
@DisabledIfSystemProperty(
        named = "softmax.test.noVectorModule",
        matches = "true",
        disabledReason = "needs jdk.incubator.vector")
class VectorExpAccuracyTest {

    private static final double DOCUMENTED_MAX_ULP = 2.0;

    @Test
    void withinTwoUlpOfMathExpOnADenseGridOfItsRange() {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        int lanes = species.length();
        float[] inputs = new float[lanes];
        float[] outputs = new float[lanes];
        double worst = 0;
        float worstAt = 0;
        long checked = 0;
        int first = Float.floatToRawIntBits(-0.0f);
        int last = Float.floatToRawIntBits(-88f);
        // Every third float from -0 down to -88: 3.7e8 arguments, all binades of the range.
        for (int bits = first; bits <= last; bits += 3 * lanes) {
            for (int lane = 0; lane < lanes; lane++) {
                inputs[lane] = Float.intBitsToFloat(Math.min(last, bits + 3 * lane));
            }
            VectorExp.expOfNonPositive(FloatVector.fromArray(species, inputs, 0))
                    .intoArray(outputs, 0);
            for (int lane = 0; lane < lanes; lane++) {
                double exact = Math.exp(inputs[lane]);
                if (exact < Float.MIN_NORMAL) {
                    // Below the normal range: either the correctly rounded subnormal or the documented flush.
                    assertThat(outputs[lane] == 0f || Math.abs(outputs[lane] - exact) <= 2 * Float.MIN_VALUE)
                            .as("exp(%s) = %s, exact %s", inputs[lane], outputs[lane], exact)
                            .isTrue();
                    continue;
                }
                double ulps = Math.abs(outputs[lane] - exact) / Math.ulp((float) exact);
                if (ulps > worst) {
                    worst = ulps;
                    worstAt = inputs[lane];
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(300_000_000L);
        assertThat(worst).as("worst error %s ulp at x = %s", worst, worstAt).isLessThanOrEqualTo(DOCUMENTED_MAX_ULP);
    }

    @Test
    void edgeValuesAndScalarTailMatchTheLanesBitForBit() {
        float[] special = {
            0f,
            -0f,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            -87.3f,
            -87.7f,
            -88f,
            -1000f,
            -1e-30f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            -0.5f,
            -1f,
            -10f,
            -50f,
            -69.07f
        };
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        float[] inputs = new float[species.length()];
        float[] outputs = new float[species.length()];
        for (float x : special) {
            java.util.Arrays.fill(inputs, x);
            VectorExp.expOfNonPositive(FloatVector.fromArray(species, inputs, 0))
                    .intoArray(outputs, 0);
            assertThat(Float.floatToRawIntBits(outputs[0]))
                    .as("exp(%s)", x)
                    .isEqualTo(Float.floatToRawIntBits(VectorExp.exp(x)));
            VectorExp.exp(FloatVector.fromArray(species, inputs, 0)).intoArray(outputs, 0);
            assertThat(Float.floatToRawIntBits(outputs[0]))
                    .as("general exp(%s)", x)
                    .isEqualTo(Float.floatToRawIntBits(VectorExp.exp(x)));
        }
        assertThat(VectorExp.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(VectorExp.exp(Float.NaN)).isNaN();
        assertThat(VectorExp.exp(0f)).isEqualTo(1f);
        assertThat(VectorExp.exp(-1000f)).isEqualTo(0f);
        // A positive argument (valid up to 88): within one ulp of the correctly rounded value.
        assertThat(Math.abs(VectorExp.exp(10f) - Math.exp(10))).isLessThanOrEqualTo(Math.ulp((float) Math.exp(10)));
    }

    @Test
    void vectorBf16RoundingMatchesTheScalarConversionOnEveryPattern() {
        PanamaBf16Codec kernel = new PanamaBf16Codec();
        int count = 1 << 16;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment floats = arena.allocate(4L * count, 64);
            java.lang.foreign.MemorySegment halves = arena.allocate(2L * count, 64);
            java.lang.foreign.MemorySegment back = arena.allocate(4L * count, 64);
            java.util.Random random = new java.util.Random(5);
            for (int round = 0; round < 64; round++) {
                for (int i = 0; i < count; i++) {
                    // Every upper half (sign, exponent, 7 fraction bits) with random low bits: all rounding cases,
                    // infinities and NaNs.
                    int bits = (i << 16) | (round == 0 ? 0x8000 : random.nextInt(1 << 16));
                    floats.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i, bits);
                }
                kernel.narrowBf16(floats, 0, halves, 0, count);
                kernel.widenBf16(halves, 0, back, 0, count);
                for (int i = 0; i < count; i++) {
                    float value = floats.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
                    short expected = dev.softmax.internal.kernel.FloatConversions.floatToBf16(value);
                    assertThat(halves.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i))
                            .as("bf16(%s)", value)
                            .isEqualTo(expected);
                    assertThat(Float.floatToRawIntBits(back.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i)))
                            .isEqualTo((expected & 0xFFFF) << 16);
                }
            }
        }
    }
}
