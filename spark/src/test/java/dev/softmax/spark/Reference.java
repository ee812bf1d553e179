package dev.softmax.spark;

/** Double-precision references for the SQL functions. */
final class Reference {

    private Reference() {}

    static double logSumExp(double[] x, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v / t - max);
        }
        return max + Math.log(sum);
    }

    static double[] logSoftmax(double[] x, double t) {
        double lse = logSumExp(x, t);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / t - lse;
        }
        return out;
    }

    static double[] softmax(double[] x, double t) {
        double[] out = logSoftmax(x, t);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(out[i]);
        }
        return out;
    }

    static double entropy(double[] x, double t) {
        double[] logp = logSoftmax(x, t);
        double h = 0;
        for (double lp : logp) {
            double p = Math.exp(lp);
            if (p > 0) {
                h -= p * lp;
            }
        }
        return h;
    }

    static double kl(double[] teacher, double[] student, double t) {
        double[] lt = logSoftmax(teacher, t);
        double[] ls = logSoftmax(student, t);
        double kl = 0;
        for (int i = 0; i < lt.length; i++) {
            double p = Math.exp(lt[i]);
            if (p > 0) {
                kl += p * (lt[i] - ls[i]);
            }
        }
        return kl;
    }

    /** Token ids of the k largest logits, descending, ties by lower id. */
    static int[] topK(double[] x, int k) {
        Integer[] ids = new Integer[x.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        java.util.Arrays.sort(ids, (a, b) -> x[a] != x[b] ? Double.compare(x[b], x[a]) : Integer.compare(a, b));
        int[] out = new int[Math.min(k, x.length)];
        for (int j = 0; j < out.length; j++) {
            out[j] = ids[j];
        }
        return out;
    }
}
