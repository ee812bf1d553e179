package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Steady-state decode steps allocate (almost) nothing on the heap: measured with the thread allocation counter.
 * The one object left is the validated call record (32 bytes), as for the other Java-only operations.
 */
class SamplingAllocationTest {

    @Test
    void steadyStateCallsAllocateAtMostAFewSmallObjects() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rows = 4;
        int vocab = 32000;
        try (SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder().backend(Backend.JAVA).build());
             Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, rows, vocab)
                    .copyFrom(TestTensors.normal(new Random(1), rows * vocab, 2));
            SamplingParameters params = SamplingParameters.allocate(arena, rows)
                    .forEachRow(r -> r.temperature(0.8f).topK(50).topP(0.9f));
            TensorView tokens = TensorView.allocate(arena, DType.I32, rows);
            TensorView lp = TensorView.allocate(arena, DType.F32, rows);
            TensorView ids = TensorView.allocate(arena, DType.I32, rows, 20);
            TensorView lps = TensorView.allocate(arena, DType.F32, rows, 20);
            DecodeOutputs outputs = DecodeOutputs.of(tokens).withLogprobs(lp)
                    .withTopLogprobs(ids, lps, DecodeOutputs.LogprobSource.PROCESSED);
            for (int i = 0; i < 5_000; i++) {
                params.row(0).step(i);
                engine.sample(logits, params, outputs);
            }
            int calls = 500;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                engine.sample(logits, params, outputs);
            }
            long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
            System.out.println("sample: " + perCall + " bytes per call after warm-up");
            assertThat(perCall).as("bytes allocated per call").isLessThanOrEqualTo(64);
        }
    }
}
