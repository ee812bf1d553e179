package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.call.Operation;
import dev.softmax.internal.forward.ForwardValidation;
import dev.softmax.internal.forward.SoftmaxCall;
import dev.softmax.internal.grad.BackwardValidation;
import java.lang.foreign.Arena;

/**
 * Runs the engine's code paths on small inputs until the JIT has compiled them. The Vector API kernel's first
 * call takes about 100 ms and needs on the order of a thousand calls to reach its steady speed; an explicit
 * warm-up at engine creation moves that cost out of the first real requests.
 */
final class WarmUp {

    private static final int CALLS = 3000;

    private WarmUp() {}

    /**
     * Exercises every forward and backward path {@code dispatcher} routes to, for f32 and bf16 (its routing
     * decides the backend: under AUTO the bf16 long rows' log-softmax and backward go to oneDNN and everything
     * else to Java, exactly as real calls would). Backward is included because its oneDNN path runs the
     * vectorised edge classification of two tensors; left to warm up under real traffic it ran unboxed only
     * after seconds (a quick JMH run measured 13 MB allocated and 12x the time of oneDNN from C per 4096x128
     * call). bf16 is included because an f32-only warm-up never reached oneDNN under AUTO, nor the Java kernel's
     * 16-bit conversions.
     */
    static void run(BackendDispatcher dispatcher, EdgePolicy policy) {
        // One shape per row path of the kernels: paired short rows (16), single short rows (512), and long rows
        // (16384, which is also past the oneDNN path's re-normalisation threshold). A path first met under real
        // traffic compiles late: a quick JMH run measured 12.5 MB allocated per 1x1000000 oneDNN call when only
        // 4096-wide rows had been warmed.
        long[][] shapes = {{8, 16}, {4, 512}, {2, 16384}};
        DType[] types = {DType.F32, DType.BF16};
        try (Arena arena = Arena.ofConfined()) {
            int count = shapes.length * types.length;
            TensorView[] x = new TensorView[count];
            TensorView[] y = new TensorView[count];
            TensorView[] dx = new TensorView[count];
            for (int k = 0; k < count; k++) {
                long[] shape = shapes[k % shapes.length];
                DType type = types[k / shapes.length];
                x[k] = TensorView.allocate(arena, type, shape);
                y[k] = TensorView.allocate(arena, type, shape);
                dx[k] = TensorView.allocate(arena, type, shape);
                float[] values = new float[(int) (shape[0] * shape[1])];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (i * 7919 % 1000) / 125f - 4f;
                }
                x[k].copyFrom(values);
            }
            for (int i = 0; i < CALLS; i++) {
                for (int k = 0; k < count; k++) {
                    if (k % shapes.length == shapes.length - 1 && i % 2 == 1) {
                        continue; // the long rows need fewer calls to be compiled
                    }
                    for (Operation operation : Operation.values()) {
                        dispatcher.forward(ForwardValidation.validate(
                                operation, x[k], y[k], -1, SoftmaxCall.NO_TEMPERATURE, policy));
                        dispatcher.backward(
                                BackwardValidation.validate(operation, y[k], "y", x[k], "dy", dx[k], "dx", -1, policy));
                    }
                }
            }
        }
    }
}
