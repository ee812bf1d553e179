package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;

/**
 * Runs the engine's code paths on small inputs until the JIT has compiled them. The Vector API kernel's first
 * call takes about 100 ms and needs on the order of a thousand calls to reach its steady speed; an explicit
 * warm-up at engine creation moves that cost out of the first real requests.
 */
final class WarmUp {

    private static final int CALLS = 3000;

    private WarmUp() {
    }

    /**
     * Exercises every forward and backward path of {@code dispatcher} (both backends when present, both
     * operations). Backward is included because its oneDNN path runs the vectorised edge classification of two
     * tensors; left to warm up under real traffic it ran unboxed only after seconds (a quick JMH run measured
     * 13 MB allocated and 12x the time of oneDNN from C per 4096x128 call).
     */
    static void run(BackendDispatcher dispatcher, EdgePolicy policy) {
        try (Arena arena = Arena.ofConfined()) {
            TensorView small = TensorView.allocate(arena, DType.F32, 8, 16);
            TensorView wide = TensorView.allocate(arena, DType.F32, 4, 4096);
            float[] values = new float[4 * 4096];
            for (int i = 0; i < values.length; i++) {
                values[i] = (i * 7919 % 1000) / 125f - 4f;
            }
            wide.copyFrom(values);
            small.copyFrom(java.util.Arrays.copyOf(values, 8 * 16));
            TensorView smallOut = TensorView.allocate(arena, DType.F32, 8, 16);
            TensorView wideOut = TensorView.allocate(arena, DType.F32, 4, 4096);
            TensorView smallGrad = TensorView.allocate(arena, DType.F32, 8, 16);
            TensorView wideGrad = TensorView.allocate(arena, DType.F32, 4, 4096);
            for (int i = 0; i < CALLS; i++) {
                for (Operation operation : Operation.values()) {
                    dispatcher.forward(CallValidator.forward(operation, small, smallOut, -1, 1f, policy));
                    dispatcher.forward(CallValidator.forward(operation, wide, wideOut, -1, 1f, policy));
                    dispatcher.backward(CallValidator.backward(operation, smallOut, "y", small, "dy", smallGrad,
                            "dx", -1, policy), "y", "dy");
                    dispatcher.backward(CallValidator.backward(operation, wideOut, "y", wide, "dy", wideGrad,
                            "dx", -1, policy), "y", "dy");
                }
            }
        }
    }
}
