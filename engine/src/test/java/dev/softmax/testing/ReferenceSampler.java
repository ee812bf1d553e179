package dev.softmax.testing;

import dev.softmax.SamplingParameters;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The sort-based double-precision reference for the decode step: the documented processors on the logits, then
 * temperature, top-k, top-p and min-p over a full sort of (value descending, id ascending), and the resulting
 * distribution. Deliberately the straightforward algorithm the engine avoids, written from the specification.
 */
public final class ReferenceSampler {

    private ReferenceSampler() {}

    /** One request's settings, as the tests build them. */
    public record Settings(float temperature, int topK, float topP, float minP, boolean temperatureLast) {
        public static Settings of(float temperature, int topK, float topP, float minP) {
            return new Settings(temperature, topK, topP, minP, false);
        }

        public void applyTo(SamplingParameters.Row row) {
            row.temperature(temperature).topK(topK).topP(topP).minP(minP).temperatureLast(temperatureLast);
        }
    }

    /**
     * Penalties over the distinct history tokens (repetition, then frequency and presence), biases, bitmask: the
     * formulas of {@link SamplingParameters}, in f32.
     */
    public static float[] process(
            float[] logits,
            int[] history,
            float repetition,
            float presence,
            float frequency,
            int[] biasIds,
            float[] biasValues,
            int[] bitmask) {
        float[] x = logits.clone();
        if (history != null) {
            int[] counts = new int[x.length];
            for (int t : history) {
                counts[t]++;
            }
            for (int t = 0; t < x.length; t++) {
                if (counts[t] == 0) {
                    continue;
                }
                float v = x[t];
                if (repetition != 1f) {
                    v = v > 0 ? v / repetition : v * repetition;
                }
                x[t] = v - (frequency * counts[t] + presence);
            }
        }
        if (biasIds != null) {
            for (int j = 0; j < biasIds.length; j++) {
                x[biasIds[j]] += biasValues[j];
            }
        }
        if (bitmask != null) {
            for (int t = 0; t < x.length; t++) {
                if ((bitmask[t / 32] >>> (t % 32) & 1) == 0) {
                    x[t] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return x;
    }

    /** Token ids sorted by value descending, ties by lower id, -inf left out. */
    public static Integer[] sortedCandidates(float[] z) {
        return java.util.stream.IntStream.range(0, z.length)
                .filter(i -> z[i] != Float.NEGATIVE_INFINITY)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -z[i]).thenComparingInt(i -> i))
                .toArray(Integer[]::new);
    }

    /** The distribution the token is drawn from (0 for every dropped token), given processed logits. */
    public static double[] distribution(float[] processed, Settings s) {
        int n = processed.length;
        double[] p = new double[n];
        if (s.temperature() == 0f) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (processed[i] > processed[best]) {
                    best = i;
                }
            }
            p[best] = 1;
            return p;
        }
        float inverse = 1f / s.temperature();
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = s.temperatureLast() ? processed[i] : processed[i] * inverse;
        }
        Integer[] order = sortedCandidates(z);
        int kept = order.length;
        if (s.topK() > 0 && s.topK() < kept) {
            kept = s.topK();
        }
        double max = z[order[0]];
        if (s.topP() < 1f) {
            double total = 0;
            for (int j = 0; j < kept; j++) {
                total += Math.exp(z[order[j]] - max);
            }
            double cumulative = 0;
            for (int j = 0; j < kept; j++) {
                cumulative += Math.exp(z[order[j]] - max) / total;
                if (cumulative >= s.topP()) {
                    kept = j + 1;
                    break;
                }
            }
        }
        if (s.minP() > 0f) {
            // probability >= minP * largest probability; the largest is order[0]'s
            int j = 0;
            while (j < kept && Math.exp(z[order[j]] - max) >= s.minP() * 1.0) {
                j++;
            }
            kept = j;
        }
        double total = 0;
        double[] weights = new double[kept];
        double scaledMax = s.temperatureLast() ? z[order[0]] * inverse : max;
        for (int j = 0; j < kept; j++) {
            double value = s.temperatureLast() ? z[order[j]] * inverse : z[order[j]];
            weights[j] = Math.exp(value - scaledMax);
            total += weights[j];
        }
        for (int j = 0; j < kept; j++) {
            p[order[j]] = weights[j] / total;
        }
        return p;
    }

    /** The ids with positive probability. */
    public static int[] support(double[] p) {
        return java.util.stream.IntStream.range(0, p.length)
                .filter(i -> p[i] > 0)
                .toArray();
    }

    public static int[] support(float[] processedLogits) {
        return java.util.stream.IntStream.range(0, processedLogits.length)
                .filter(i -> processedLogits[i] != Float.NEGATIVE_INFINITY)
                .toArray();
    }

    /** log-softmax in double. */
    public static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - lse;
        }
        return out;
    }

    // ---------------------------------------------------------------- chi-square goodness of fit

    /**
     * The p-value of Pearson's chi-square test of {@code observed} counts against probabilities {@code expected}
     * (summing to 1 over the support). Cells with expected count below 5 are pooled into one. Fails (returns 0)
     * when any count falls where the probability is 0.
     */
    public static double chiSquarePValue(long[] observed, double[] expected) {
        long draws = Arrays.stream(observed).sum();
        double stat = 0;
        int cells = 0;
        double pooledExpected = 0;
        long pooledObserved = 0;
        for (int i = 0; i < observed.length; i++) {
            double e = expected[i] * draws;
            if (expected[i] == 0) {
                if (observed[i] != 0) {
                    return 0;
                }
                continue;
            }
            if (e < 5) {
                pooledExpected += e;
                pooledObserved += observed[i];
                continue;
            }
            stat += (observed[i] - e) * (observed[i] - e) / e;
            cells++;
        }
        if (pooledExpected > 0) {
            stat += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
            cells++;
        }
        int df = cells - 1;
        if (df <= 0) {
            return 1;
        }
        return upperRegularizedGamma(df / 2.0, stat / 2.0);
    }

    /** Q(a, x) = Gamma(a, x) / Gamma(a) (Numerical Recipes: series below a + 1, continued fraction above). */
    public static double upperRegularizedGamma(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        double logPrefactor = -x + a * Math.log(x) - logGamma(a);
        if (x < a + 1) {
            double sum = 1 / a;
            double term = sum;
            for (int n = 1; n < 10_000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-16) {
                    break;
                }
            }
            return 1 - sum * Math.exp(logPrefactor);
        }
        double b = x + 1 - a;
        double c = 1 / 1e-300;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < 1e-300) {
                d = 1e-300;
            }
            c = b + an / c;
            if (Math.abs(c) < 1e-300) {
                c = 1e-300;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(logPrefactor) * h;
    }

    /** Lanczos approximation (g = 7, n = 9), accurate to ~1e-15. */
    public static double logGamma(double x) {
        double[] g = {
            0.99999999999980993,
            676.5203681218851,
            -1259.1392167224028,
            771.32342877765313,
            -176.61502916214059,
            12.507343278686905,
            -0.13857109526572012,
            9.9843695780195716e-6,
            1.5056327351493116e-7
        };
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += g[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
