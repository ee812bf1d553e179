package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Steady-state decode steps allocate (almost) nothing on the heap: measured with the thread allocation counter.
 * A step that names the same operands as the thread's previous one reuses its validated call record.
 */
class SamplingAllocationTest {

    @Test
    void steadyStateCallsAllocateAtMostAFewSmallObjects() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rows = 4;
        int vocab = 4096;
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).build());
                Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, rows, vocab)
                    .copyFrom(TestTensors.normal(new Random(1), rows * vocab, 2));
            TensorView tokens = TensorView.allocate(arena, DType.I32, rows);
            TensorView lp = TensorView.allocate(arena, DType.F32, rows);
            TensorView ids = TensorView.allocate(arena, DType.I32, rows, 20);
            TensorView lps = TensorView.allocate(arena, DType.F32, rows, 20);
            List<SamplingParameters> settings = List.of(
                    SamplingParameters.allocate(arena, rows)
                            .forEachRow(r -> r.temperature(0.8f).topK(50).topP(0.9f)),
                    SamplingParameters.allocate(arena, rows).forEachRow(r -> r.temperature(1f)),
                    SamplingParameters.allocate(arena, rows).forEachRow(r -> r.temperature(0f)),
                    SamplingParameters.allocate(arena, rows)
                            .forEachRow(r -> r.topP(0.95f).minP(0.01f)));
            List<DecodeOutputs> outputs = List.of(
                    DecodeOutputs.of(tokens)
                            .withLogprobs(lp)
                            .withTopLogprobs(ids, lps, DecodeOutputs.LogprobSource.PROCESSED),
                    DecodeOutputs.of(tokens));
            for (SamplingParameters params : settings) {
                for (DecodeOutputs out : outputs) {
                    long perCall = Long.MAX_VALUE;
                    // until the JIT has compiled the path (escape analysis lives in C2): at most a few rounds
                    for (int round = 0; round < 4 && perCall != 0; round++) {
                        for (int i = 0; i < 5_000; i++) {
                            params.row(0).step(i);
                            engine.sample(logits, params, out);
                        }
                        int calls = 500;
                        long before = threads.getCurrentThreadAllocatedBytes();
                        for (int i = 0; i < calls; i++) {
                            engine.sample(logits, params, out);
                        }
                        perCall = (threads.getCurrentThreadAllocatedBytes() - before) / calls;
                    }
                    System.out.println("sample: " + perCall + " bytes per call after warm-up");
                    assertThat(perCall)
                            .as("bytes allocated per call, row 0 settings temperature " + params.temperature(0)
                                    + " topK " + params.topK(0) + " topP " + params.topP(0))
                            .isZero();
                }
            }
        }
    }
}
