package dev.softmax.internal.grad;

import dev.softmax.TensorView;

/**
 * The explicit softmax Jacobian {@code J[i][j] = s[i] (δij - s[j])} of one row, for teaching, tests and
 * inspection. Every computation that needs J applied uses the backward pass or the JVP, which never form it.
 */
public final class Jacobian {

    private Jacobian() {}

    /** Validates and writes J of {@code probabilities} ({@code [n]}) into {@code out} ({@code [n, n]}). */
    public static void compute(TensorView probabilities, TensorView out) {
        JacobianValidation.validate(probabilities, out);
        long n = probabilities.dim(0);
        double[] s = new double[(int) n];
        for (int i = 0; i < n; i++) {
            s[i] = probabilities.getFloat(i);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out.setFloat((float) ((i == j ? s[i] : 0) - s[i] * s[j]), i, j);
            }
        }
    }
}
