package dev.softmax.testing;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;

/**
 * Child-JVM body of {@code KernelAllocationTest} and {@code OnednnAllocationTest}: repeated calls of each forward
 * and backward operation on the same views, on the backend named by the first argument (JAVA when none), one shape per row path (paired short rows, single short rows, long rows) and f32 and
 * bf16, and the Java heap bytes the calling thread allocates per call once compiled, one line per setting:
 * {@code bytes=<n> setting=<description> onednnCalls=<calls oneDNN computed>}. The measuring loop is written out as in {@link AttentionAllocationMain}
 * rather than shared through a helper taking the call as a lambda, which would make the measured call site
 * megamorphic and change what C2 compiles around it.
 */
public final class KernelAllocationMain {

    /** The forward and backward operations, each one call on the views of a setting. */
    private enum Operation {
        SOFTMAX,
        LOG_SOFTMAX,
        SOFTMAX_TEMPERATURE,
        SOFTMAX_BACKWARD,
        LOG_SOFTMAX_BACKWARD;

        void call(SoftmaxEngine engine, TensorView x, TensorView y, TensorView dx) {
            switch (this) {
                case SOFTMAX -> engine.softmax(x, y);
                case LOG_SOFTMAX -> engine.logSoftmax(x, y);
                case SOFTMAX_TEMPERATURE -> engine.softmax(x, y, -1, 0.7f);
                case SOFTMAX_BACKWARD -> engine.softmaxBackward(y, x, dx);
                case LOG_SOFTMAX_BACKWARD -> engine.logSoftmaxBackward(y, x, dx);
            }
        }
    }

    /** Rows x keys: paired short rows, single short rows (up to 512 keys), long rows. */
    public static final List<long[]> SHAPES = List.of(new long[] {8, 16}, new long[] {64, 512}, new long[] {4, 4096});

    public static final List<DType> TYPES = List.of(DType.F32, DType.BF16);

    public static int settings() {
        return SHAPES.size() * TYPES.size() * Operation.values().length;
    }

    private KernelAllocationMain() {}

    public static void main(String[] args) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Backend backend = args.length > 0 ? Backend.valueOf(args[0]) : Backend.JAVA;
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(backend).threads(1).build());
                Arena arena = Arena.ofConfined()) {
            System.out.println("kernel=" + engine.backend().javaKernel());
            System.out.println("backend=" + engine.backend());
            for (long[] shape : SHAPES) {
                int elements = (int) (shape[0] * shape[1]);
                for (DType type : TYPES) {
                    TensorView x = TensorView.allocate(arena, type, shape)
                            .copyFrom(TestTensors.normal(new Random(1), elements, 2));
                    TensorView y = TensorView.allocate(arena, type, shape);
                    TensorView dx = TensorView.allocate(arena, type, shape);
                    engine.softmax(x, y);
                    for (Operation operation : Operation.values()) {
                        long onednnBefore = engine.statistics().onednnCalls();
                        long perCall = Long.MAX_VALUE;
                        // Rounds until a clean one, for up to 20 s (as in AttentionAllocationMain): C2 may finish
                        // its compilations late on a loaded machine, and C1 code boxes vectors.
                        long deadline = System.nanoTime() + 20_000_000_000L;
                        for (int round = 0; perCall != 0 && (round < 20 || System.nanoTime() < deadline); round++) {
                            for (int i = 0; i < 3_000; i++) {
                                operation.call(engine, x, y, dx);
                            }
                            int calls = 300;
                            long before = threads.getCurrentThreadAllocatedBytes();
                            for (int i = 0; i < calls; i++) {
                                operation.call(engine, x, y, dx);
                            }
                            perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
                        }
                        System.out.println("bytes=" + perCall + " setting=" + operation + " " + type + " " + shape[0]
                                + "x" + shape[1] + " onednnCalls="
                                + (engine.statistics().onednnCalls() - onednnBefore));
                    }
                }
            }
        }
    }
}
