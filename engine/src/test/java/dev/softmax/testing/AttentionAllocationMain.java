package dev.softmax.testing;

import dev.softmax.AttentionOptions;
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
 * Child-JVM body of {@code AttentionAllocationTest}: repeated attention calls on the same views and options, and
 * the Java heap bytes the calling thread allocates per call once compiled, one line per setting:
 * {@code bytes=<n> setting=<description>}.
 */
public final class AttentionAllocationMain {

    private AttentionAllocationMain() {}

    public static void main(String[] args) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).threads(1).build());
                Arena arena = Arena.ofConfined()) {
            System.out.println("kernel=" + engine.backend().javaKernel());
            long[] shape = {4, 128};
            TensorView x = TensorView.allocate(arena, DType.F32, shape)
                    .copyFrom(TestTensors.normal(new Random(1), 4 * 128, 2));
            TensorView y = TensorView.allocate(arena, DType.F32, shape);
            TensorView y16 = TensorView.allocate(arena, DType.BF16, shape);
            TensorView x16 = TensorView.allocate(arena, DType.BF16, shape)
                    .copyFrom(TestTensors.normal(new Random(1), 4 * 128, 2));
            TensorView lengths = TensorView.allocate(arena, DType.I32, 4);
            for (int b = 0; b < 4; b++) {
                lengths.setFloat(30 * b + 10, b);
            }
            TensorView bias =
                    TensorView.allocate(arena, DType.F32, 128).copyFrom(TestTensors.normal(new Random(2), 128, 1));
            TensorView lse = TensorView.allocate(arena, DType.F32, 4);
            List<AttentionOptions> settings = List.of(
                    AttentionOptions.defaults().scale(0.125f).causal(100),
                    AttentionOptions.defaults().scale(0.125f).causal(-1),
                    AttentionOptions.defaults().scale(0.5f).keyLengths(lengths),
                    AttentionOptions.defaults().scale(0.125f).bias(bias),
                    AttentionOptions.defaults().keyLengths(lengths).bias(bias).logSumExpOut(lse),
                    AttentionOptions.defaults().softcap(20f).logSoftmax(true));
            for (AttentionOptions options : settings) {
                for (TensorView[] pair :
                        List.of(new TensorView[] {x, y}, new TensorView[] {x, y16}, new TensorView[] {x16, y16})) {
                    TensorView src = pair[0];
                    TensorView dst = pair[1];
                    long perCall = Long.MAX_VALUE;
                    // Rounds until a clean one, for up to 20 s: C2 may finish its compilations late on a loaded
                    // machine (C1 code boxes); calls of four short rows are so quick that a fixed count of rounds
                    // could end before C2 had compiled the kernels at all.
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    for (int round = 0; perCall != 0 && (round < 20 || System.nanoTime() < deadline); round++) {
                        for (int i = 0; i < 5_000; i++) {
                            engine.attentionSoftmax(src, dst, options);
                        }
                        int calls = 500;
                        long before = threads.getCurrentThreadAllocatedBytes();
                        for (int i = 0; i < calls; i++) {
                            engine.attentionSoftmax(src, dst, options);
                        }
                        perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
                    }
                    System.out.println(
                            "bytes=" + perCall + " setting=" + options + " " + src.dtype() + " -> " + dst.dtype());
                }
            }
        }
    }
}
