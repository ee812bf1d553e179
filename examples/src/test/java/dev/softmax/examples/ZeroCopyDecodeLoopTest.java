package dev.softmax.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.examples.ZeroCopyDecodeLoop.Model;
import dev.softmax.examples.ZeroCopyDecodeLoop.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example, run on small sizes (CI): its output, zero bytes copied, and the texts it generates. */
class ZeroCopyDecodeLoopTest {

    @Test
    void theExamplePrintsItsFiguresAndTexts() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ZeroCopyDecodeLoop.run(Model.BIGRAM, 5, 8, 20, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(output)
                .contains("bigram_lm.onnx (V = 207), batch 5, 8 steps")
                .contains("step    ORT us  engine us  bytes copied  heap B in ORT  heap B in engine")
                .contains("bytes copied in 8 steps: 0")
                .contains("alice was |")
                .contains("greedy, seed 1000");
        assertThat(output.lines().filter(line -> line.matches(" *\\d+ +[0-9.]+ +[0-9.]+ +0 +\\d+ +\\d+")))
                .as("one line per step, each with 0 bytes copied")
                .hasSize(8);
        // The ORT addresses printed are the engine's: "at 0x... , its data pointer 0x..." with the same value.
        for (String line :
                output.lines().filter(l -> l.contains("its data pointer")).toList()) {
            String engine = line.replaceAll(".* at (0x[0-9a-f]+):.*", "$1");
            String ort = line.replaceAll(".*its data pointer (0x[0-9a-f]+).*", "$1");
            assertThat(ort).as(line).isEqualTo(engine);
        }
    }

    @Test
    void everyStepCopiesNothingAndTheTextsAreTheModelsAndRepeatable() throws Exception {
        String[] first = new String[3];
        for (int run = 0; run < 2; run++) {
            try (ZeroCopyDecodeLoop loop = new ZeroCopyDecodeLoop(Model.BIGRAM, 16, 12)) {
                loop.warmUp(run * 7); // a warm-up is forgotten: the texts do not depend on it
                for (int s = 0; s < 12; s++) {
                    Step step = loop.step();
                    assertThat(step.bytesCopied()).as("step %d", s).isZero();
                    assertThat(step.step()).isEqualTo(s);
                }
                for (int r = 0; r < 16; r++) {
                    for (long token : loop.tokens(r)) {
                        assertThat(token).isBetween(0L, loop.vocabularySize() - 1);
                    }
                }
                for (int r = 0; r < 3; r++) {
                    if (run == 0) {
                        first[r] = loop.text(r);
                    } else {
                        assertThat(loop.text(r))
                                .as("row %d, same seeds and steps", r)
                                .isEqualTo(first[r]);
                    }
                }
                // Greedy row 0 follows the bigram chain of the text: "alice was beginning to ..."
                assertThat(loop.text(0)).startsWith("alice was | beginning to");
            }
        }
    }

    @Test
    void theTimingModelRunsOnTheSameBridge() throws Exception {
        try (ZeroCopyDecodeLoop loop = new ZeroCopyDecodeLoop(Model.LM_32000, 2, 3)) {
            assertThat(loop.vocabularySize()).isEqualTo(32000);
            for (int s = 0; s < 3; s++) {
                assertThat(loop.step().bytesCopied()).isZero();
            }
            assertThat(loop.tokens(1)).hasSize(3);
        }
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        assertThatThrownBy(() -> new ZeroCopyDecodeLoop(Model.BIGRAM, 0, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch: 0");
        assertThatThrownBy(() -> ZeroCopyDecodeLoop.main(new String[] {"--model", "gpt"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model: gpt; expected bigram or lm-32000");
    }
}
