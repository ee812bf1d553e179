package dev.softmax.internal.sampling;

/**
 * The exponential the sampling weights use: f32 arithmetic only (every operation IEEE-rounded, so the result is
 * the same bits on every JVM and machine, whether or not the JIT vectorises the loop), Cephes' {@code expf}.
 * For {@code x <= 0}:
 * <ol>
 *   <li>{@code x < -87.0f}: 0 (weights below 2^-125 of the largest are dropped);</li>
 *   <li>{@code r = (x * 1.44269504088896341f + 12582912f) - 12582912f} (x / ln 2 rounded to an integer),
 *       {@code n = (int) r};</li>
 *   <li>{@code f = (x - r * 0.693359375f) - r * -2.12194440e-4f};</li>
 *   <li>{@code p = ((((1.9875691500e-4f * f + 1.3981999507e-3f) * f + 8.3334519073e-3f) * f
 *       + 4.1665795894e-2f) * f + 1.6666665459e-1f) * f + 5.0000001201e-1f};</li>
 *   <li>{@code e^x = (p * (f * f) + f + 1f) * 2^n}, {@code 2^n} = {@code Float.intBitsToFloat((n + 127) << 23)};
 *       the sum is evaluated left to right: {@code ((p * (f * f)) + f) + 1f}.</li>
 * </ol>
 * Accurate to about 2 ulp.
 */
final class SamplingExp {

    static final float LOWEST = -87.0f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDING = 12582912f;

    private SamplingExp() {}

    /** e^x for x <= 0, as specified above. */
    static float exp(float x) {
        if (!(x >= LOWEST)) {
            return 0f;
        }
        float r = (x * LOG2E + ROUNDING) - ROUNDING;
        int n = (int) r;
        float f = (x - r * LN2_HI) - r * LN2_LO;
        float p = ((((1.9875691500e-4f * f + 1.3981999507e-3f) * f + 8.3334519073e-3f) * f + 4.1665795894e-2f) * f
                                + 1.6666665459e-1f)
                        * f
                + 5.0000001201e-1f;
        return (p * (f * f) + f + 1f) * Float.intBitsToFloat((n + 127) << 23);
    }

    /** {@code w[i] = exp(values[i] - shift)} for i < m (values <= shift), and returns their sequential double sum. */
    static double weigh(float[] values, float[] w, int m, float shift) {
        for (int i = 0; i < m; i++) {
            w[i] = exp(values[i] - shift);
        }
        double sum = 0;
        for (int i = 0; i < m; i++) {
            sum += w[i];
        }
        return sum;
    }
}
