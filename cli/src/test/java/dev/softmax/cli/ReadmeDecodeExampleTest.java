package dev.softmax.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.cli.testing.Launcher;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's decode-step example ("The decode step"), verbatim in its body, with its results checked; and the
 * check that the README's code block is still this one (every line of it appears here).
 */
class ReadmeDecodeExampleTest {

    @Test
    void theDecodeStepExampleRunsAndComputesWhatItSays() {
        long[] drawn = new long[2];
        float[] chosen;
        float[] top;
        long[] ids = new long[6];
        // ---- README begin
        try (SoftmaxEngine engine = SoftmaxEngine.create();
                Arena arena = Arena.ofConfined()) {
            TensorView logits = TensorView.allocate(arena, DType.F32, 2, 8).copyFrom(new float[] {
                3.2f,
                2.3f,
                1.8f,
                1.5f,
                1.0f,
                0.5f,
                0.1f,
                -1.0f, // "the cat sat on a"
                0f,
                4f,
                4f,
                1f,
                -2f,
                Float.NEGATIVE_INFINITY,
                0f,
                3f
            });
            SamplingParameters params = SamplingParameters.allocate(arena, 2); // T 1, no filter, seed 0
            params.row(0).topP(0.9f).seed(2024).step(0); // request A: nucleus sampling, its own seed and step
            params.row(1).temperature(0f); // request B: greedy

            TensorView tokens = TensorView.allocate(arena, DType.I64, 2);
            TensorView logprobs = TensorView.allocate(arena, DType.F32, 2);
            TensorView topIds = TensorView.allocate(arena, DType.I64, 2, 3);
            TensorView topLogprobs = TensorView.allocate(arena, DType.F32, 2, 3);
            DecodeOutputs outputs = DecodeOutputs.of(tokens)
                    .withLogprobs(logprobs)
                    .withTopLogprobs(topIds, topLogprobs, DecodeOutputs.LogprobSource.PROCESSED);

            engine.sample(logits, params, outputs); // one fused call per batch step; logits are not modified

            for (int r = 0; r < 2; r++) {
                System.out.printf(
                        "row %d: token %d, log-probability %.4f%n",
                        r, tokens.segment().getAtIndex(ValueLayout.JAVA_LONG, r), logprobs.getFloat(r));
            }
            // row 0: one of tokens 0..4 (top-p 0.9 keeps mat, rug, chair, floor, sofa), the same every run
            // row 1: token 1 (the argmax; ids 1 and 2 tie, the lower id wins), log-probability 0
            // ---- README end
            for (int r = 0; r < 2; r++) {
                drawn[r] = tokens.segment().getAtIndex(ValueLayout.JAVA_LONG, r);
            }
            chosen = logprobs.toFloatArray();
            top = topLogprobs.toFloatArray();
            for (int i = 0; i < 6; i++) {
                ids[i] = topIds.segment().getAtIndex(ValueLayout.JAVA_LONG, i);
            }
        }
        double[] kept = SampleIT.Kept.distribution(DemoCommand.LOGITS, 1f, 0, 0.9f, 0f);
        assertThat(drawn[0]).isBetween(0L, 4L);
        assertThat((double) chosen[0]).isCloseTo(Math.log(kept[(int) drawn[0]]), within(1e-5));
        assertThat(ids).startsWith(0L, 1L, 2L);
        assertThat((double) top[0]).isCloseTo(Math.log(kept[0]), within(1e-5));
        assertThat(drawn[1]).isEqualTo(1L);
        assertThat(chosen[1]).isZero();
        assertThat(ids[3]).isEqualTo(1L);
        assertThat(top[3]).isZero();
        assertThat(new long[] {ids[4], ids[5]}).containsOnly(-1L);
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        String readme = Files.readString(Launcher.ROOT.resolve("README.md"));
        int section = readme.indexOf("## The decode step");
        assertThat(section).as("README section 'The decode step'").isNotNegative();
        int start = readme.indexOf("```java", section) + "```java".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        String source = Files.readString(Path.of("src/test/java/dev/softmax/cli/ReadmeDecodeExampleTest.java"));
        String body = source.substring(source.indexOf("// ---- README begin"), source.indexOf("// ---- README end"));
        // Compared as code, not as layout: the formatter lays this file out its own way (comments and line breaks
        // move), so both sides drop comments, imports and white space before the README's code must appear here.
        String readmeCode = codeOnly(block);
        assertThat(readmeCode).isNotEmpty();
        assertThat(codeOnly(body))
                .as("the README's example, as code")
                .contains(readmeCode.substring(0, readmeCode.lastIndexOf('}')));
    }

    private static String codeOnly(String text) {
        return text.lines()
                .filter(line -> !line.strip().startsWith("import "))
                .map(line -> line.replaceAll("//.*$", ""))
                .collect(java.util.stream.Collectors.joining())
                .replaceAll("\\s+", "");
    }
}
