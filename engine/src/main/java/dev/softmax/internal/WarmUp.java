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

    /** Exercises every forward path of {@code dispatcher} (both backends when present, both operations). */
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
            for (int i = 0; i < CALLS; i++) {
                for (Operation operation : Operation.values()) {
                    dispatcher.forward(CallValidator.forward(operation, small, smallOut, -1, 1f, policy));
                    dispatcher.forward(CallValidator.forward(operation, wide, wideOut, -1, 1f, policy));
                }
            }
        }
    }
}
