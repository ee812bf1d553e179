package dev.softmax.testing;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

/**
 * Run in a fresh JVM by {@link dev.softmax.ConcurrencyTest}: repeats one call on one engine and prints a line each
 * time the result's bits differ from the previous call's ("iteration N: hash"). A deterministic engine prints one
 * line.
 */
public final class RepeatedCallMain {

    public static final int REPEATS = 2000;

    private RepeatedCallMain() {}

    public static void main(String[] args) {
        Backend backend = Backend.valueOf(args[0]);
        String operation = args[1];
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(backend).build());
                Arena arena = Arena.ofConfined()) {
            int n = 4096;
            TensorView src = TensorView.allocate(arena, DType.F32, 4, n);
            Random random = new Random(1);
            float[] values = new float[4 * n];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 3);
            }
            src.copyFrom(values);
            TensorView dst = TensorView.allocate(arena, DType.F32, 4, n);
            int previous = 0;
            float[] first = null;
            for (int i = 0; i < REPEATS; i++) {
                switch (operation) {
                    case "softmax" -> engine.softmax(src, dst);
                    case "softmax-T0.7" -> engine.softmax(src, dst, -1, 0.7f);
                    case "log-softmax" -> engine.logSoftmax(src, dst);
                    default -> throw new IllegalArgumentException(operation);
                }
                float[] result = dst.toFloatArray();
                int hash = Arrays.hashCode(result);
                if (first == null || hash != previous) {
                    String detail = "";
                    if (first != null) {
                        int at = 0;
                        while (Float.floatToRawIntBits(first[at]) == Float.floatToRawIntBits(result[at])) {
                            at++;
                        }
                        detail = " (first difference at element " + at + ": " + first[at] + " then " + result[at] + ")";
                    } else {
                        first = result;
                    }
                    System.out.println("iteration " + i + ": result hash " + Integer.toHexString(hash) + detail);
                    previous = hash;
                }
            }
        }
    }
}
