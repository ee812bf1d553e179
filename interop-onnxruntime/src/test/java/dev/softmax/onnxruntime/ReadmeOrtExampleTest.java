package dev.softmax.onnxruntime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's ONNX Runtime example ("ONNX Runtime: zero-copy hand-off"), verbatim in its body, run on the tiny test
 * model; and the check that every line of the README's code block is still in this body.
 */
class ReadmeOrtExampleTest {

    @TempDir
    Path folder;

    @Test
    void theOrtExampleRunsWithoutACopy() throws Exception {
        String modelPath = folder.resolve("lm.onnx").toString();
        Files.write(Path.of(modelPath), TinyLm.model("tiny_lm.onnx"));
        long[] greedy = new long[17];
        boolean sameAddress;
        // ---- README begin
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(modelPath, options);
                OrtBridge bridge = OrtBridge.create(session);
                SoftmaxEngine engine = SoftmaxEngine.create();
                Arena arena = Arena.ofConfined()) {
            TensorView ids = bridge.input("token_ids", 4); // int64 [4]: the model's "batch" is now 4
            TensorView logits = bridge.output("logits"); // f32 [4, V]: batch from the input, V from the model
            SamplingParameters params = SamplingParameters.allocate(arena, 4);
            params.row(0).temperature(0f); // greedy
            params.row(1).topK(5).seed(1); // every row is its own request
            params.row(2).topP(0.9f).seed(2);
            params.row(3).temperature(0.8f).minP(0.1f).seed(3);
            DecodeOutputs next = DecodeOutputs.of(ids); // tokens go straight into ORT's input segment

            for (int r = 0; r < 4; r++) {
                ids.segment().setAtIndex(ValueLayout.JAVA_LONG, r, r); // the prompts' last tokens
            }
            for (int step = 0; step < 16; step++) {
                for (int r = 0; r < 4; r++) {
                    params.row(r).step(step);
                }
                bridge.run(); // ORT writes the logits into engine memory
                engine.sample(logits, params, next); // the engine writes the next tokens where ORT reads them
                greedy[step + 1] = ids.segment().getAtIndex(ValueLayout.JAVA_LONG, 0); // (test only)
            }
            // ORT's own data pointer (from its C API) is the engine segment's address: nothing was copied.
            System.out.println(
                    bridge.ortDataAddress("logits") == logits.segment().address()); // true
            // ---- README end
            sameAddress = bridge.ortDataAddress("logits") == logits.segment().address();
        }
        assertThat(sameAddress).isTrue();
        for (int step = 0; step < 16; step++) {
            long token = greedy[step];
            int best = 0;
            for (int j = 1; j < TinyLm.VOCABULARY; j++) {
                best = TinyLm.logit(token, j) > TinyLm.logit(token, best) ? j : best;
            }
            assertThat(greedy[step + 1]).as("greedy row, step %d", step).isEqualTo(best);
        }
    }

    @Test
    void theReadmeBlockIsThisTestsBody() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("## ONNX Runtime: zero-copy hand-off"));
        int open = section.indexOf("```java") + "```java".length();
        String block = section.substring(open, section.indexOf("```", open));
        String source = Files.readString(Path.of("src/test/java/dev/softmax/onnxruntime/ReadmeOrtExampleTest.java"));
        String body =
                source.substring(source.indexOf("// ---- README begin"), source.lastIndexOf("// ---- README end"));
        String flatBody = body.replaceAll("\\s+", ""); // the formatter may break lines anywhere
        List<String> missing = new ArrayList<>();
        for (String line : block.split("\n")) {
            String flat = line.replaceAll("\\s+", "");
            if (!flat.isEmpty() && !flat.startsWith("import") && !flatBody.contains(flat)) {
                missing.add(line);
            }
        }
        assertThat(missing).as("README lines not in the test body").isEmpty();
    }
}
