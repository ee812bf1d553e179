package dev.softmax.cli.testing;

/** Softmax and log-softmax in double, written independently of the engine, for the end-to-end tests. */
public final class Reference {

    private Reference() {}

    /** Row-major {@code [rows, n]}, along the last axis. */
    public static double[] softmax(double[] x, int n, boolean log) {
        double[] y = new double[x.length];
        for (int row = 0; row < x.length / n; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[row * n + i]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(x[row * n + i] - max);
            }
            for (int i = 0; i < n; i++) {
                double shifted = x[row * n + i] - max;
                y[row * n + i] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
            }
        }
        return y;
    }
}
