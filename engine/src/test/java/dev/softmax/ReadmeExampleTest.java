package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The README's example, verbatim in its body, with its results checked. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRunsAndComputesWhatItSays() {
        float[] last;
        String description;
        float[] inPlace;
        try (SoftmaxEngine engine = SoftmaxEngine.create(); // backend AUTO, 1 thread, policy ZERO
                Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, 2, 4)
                    .copyFrom(new float[] {3.2f, 1.3f, 0.2f, -1f, 0f, Float.NEGATIVE_INFINITY, 1f, 2f});
            TensorView probs = TensorView.allocate(arena, DType.F32, 2, 4);

            engine.softmax(logits, probs); // along the last axis
            engine.logSoftmax(logits, probs, -1, 0.7f); // log-softmax of logits / 0.7
            engine.softmax(logits, logits, 0); // in place, along axis 0

            System.out.println(java.util.Arrays.toString(probs.toFloatArray()));
            System.out.println(engine.backend().describe()); // which backend, why, oneDNN version and ISA
            last = probs.toFloatArray();
            description = engine.backend().describe();
            inPlace = logits.toFloatArray();
        }
        // log-softmax of row 0 at temperature 0.7
        double[] row = {3.2 / 0.7, 1.3 / 0.7, 0.2 / 0.7, -1 / 0.7};
        double logSum = Math.log(Math.exp(row[0]) + Math.exp(row[1]) + Math.exp(row[2]) + Math.exp(row[3]));
        for (int i = 0; i < 4; i++) {
            assertThat((double) last[i]).isCloseTo(row[i] - logSum, within(1e-5));
        }
        assertThat(last[5]).isEqualTo(Float.NEGATIVE_INFINITY);
        // softmax along axis 0 of column 1: (1.3, -inf) -> (1, 0)
        assertThat(inPlace[1]).isEqualTo(1f);
        assertThat(inPlace[5]).isEqualTo(0f);
        assertThat((double) inPlace[0]).isCloseTo(Math.exp(3.2) / (Math.exp(3.2) + 1), within(1e-6));
        assertThat(description).contains("backend requested: auto");
    }
}
