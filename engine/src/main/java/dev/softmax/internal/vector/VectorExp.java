package dev.softmax.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp(x)} for the softmax argument range {@code x <= 0}, as plain FMA arithmetic.
 *
 * <p>Why not {@code lanewise(EXP)}: that is an SVML stub in C2-compiled code but a per-lane {@code Math.exp}
 * in the interpreter and C1, so one call could return different bits before and after warm-up; it is also
 * slower. Every operation here is IEEE-exact (add, multiply, fused multiply-add, integer and bit moves), so
 * the result is the same in every JIT tier and in the scalar tail ({@link #exp(float)}).
 *
 * <p>Method: {@code x = n ln2 + r} with {@code n = round(x / ln2)} (by the 1.5 * 2^23 rounding trick) and
 * {@code |r| <= ln2/2} (Cody-Waite split of ln2 in two parts); {@code e^r} by Cephes' degree-7 polynomial
 * {@code 1 + r + r^2 P(r)}; then one multiplication by {@code 2^n} built from the exponent bits.
 *
 * <p>Range: {@code x} is clamped to {@code [-88, 88]}. Down to {@code -87.3} (results from 1.2e-38, the
 * smallest normal float, up to 1) the error against {@code Math.exp} is at most 2 ulp, measured over every float
 * of the range by {@code VectorExpAccuracyTest}; below that, where {@code n} reaches -127, the result is flushed
 * to +0 (a probability under 1.2e-38 contributes nothing a float sum can hold; oneDNN's kernel flushes too).
 * -inf gives 0; NaN propagates (the clamp passes NaN through). Positive arguments are valid up to
 * 88 (the softmax only ever passes {@code x - max <= 0}).
 */
public final class VectorExp {

    static final float LOWEST = -88f;
    private static final float HIGHEST = 88f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final float ROUNDING = 12582912f;
    /** The bits of {@link #ROUNDING} minus the float exponent bias: {@code bits(n + ROUNDING) - this = n + 127}. */
    private static final int ROUNDING_BITS_MINUS_BIAS = 0x4B40_0000 - 127;

    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private VectorExp() {}

    /** Lane-wise {@code exp(x)}; see the class comment for the range. */
    public static FloatVector exp(FloatVector x) {
        // Clamp by compare-and-blend, two instructions where Math.min semantics (which min() follows) take four or
        // five on x86. A NaN compares false and passes through, then propagates.
        FloatVector highest = FloatVector.broadcast(x.species(), HIGHEST);
        return expOfNonPositive(x.blend(highest, x.compare(VectorOperators.GT, highest)));
    }

    /**
     * {@link #exp(FloatVector)} for arguments known to be at most 88, such as the softmax's {@code x - max <= 0}:
     * the upper clamp is skipped, which is a tenth of the work. Identical bits for such arguments.
     */
    public static FloatVector expOfNonPositive(FloatVector x) {
        VectorSpecies<Float> species = x.species();
        FloatVector lowest = FloatVector.broadcast(species, LOWEST);
        FloatVector clamped = x.blend(lowest, x.compare(VectorOperators.LT, lowest));
        FloatVector shifted = clamped.fma(LOG2E, ROUNDING);
        FloatVector n = shifted.sub(ROUNDING);
        FloatVector r = n.fma(FloatVector.broadcast(species, -LN2_HI), clamped);
        r = n.fma(FloatVector.broadcast(species, -LN2_LO), r);
        FloatVector polynomial = r.fma(FloatVector.broadcast(species, P0), FloatVector.broadcast(species, P1));
        polynomial = polynomial.fma(r, FloatVector.broadcast(species, P2));
        polynomial = polynomial.fma(r, FloatVector.broadcast(species, P3));
        polynomial = polynomial.fma(r, FloatVector.broadcast(species, P4));
        polynomial = polynomial.fma(r, FloatVector.broadcast(species, P5));
        FloatVector e = polynomial.fma(r.mul(r), r.add(1f));
        FloatVector scale = shifted.reinterpretAsInts()
                .sub(ROUNDING_BITS_MINUS_BIAS)
                .lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return e.mul(scale);
    }

    /** The same computation on one value, for tails; identical bits to the vector lanes. */
    public static float exp(float x) {
        float clamped = Math.min(Math.max(x, LOWEST), HIGHEST);
        float shifted = Math.fma(clamped, LOG2E, ROUNDING);
        float n = shifted - ROUNDING;
        float r = Math.fma(n, -LN2_HI, clamped);
        r = Math.fma(n, -LN2_LO, r);
        float polynomial = Math.fma(r, P0, P1);
        polynomial = Math.fma(polynomial, r, P2);
        polynomial = Math.fma(polynomial, r, P3);
        polynomial = Math.fma(polynomial, r, P4);
        polynomial = Math.fma(polynomial, r, P5);
        float e = Math.fma(polynomial, r * r, r + 1f);
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(shifted) - ROUNDING_BITS_MINUS_BIAS) << 23);
        return e * scale;
    }
}
