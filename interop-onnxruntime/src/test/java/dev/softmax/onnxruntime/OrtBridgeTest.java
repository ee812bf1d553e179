package dev.softmax.onnxruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession;
import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bridge in one JVM: no copy (by ONNX Runtime's own data addresses), values, shapes, and bad calls. */
class OrtBridgeTest {

    private OrtSession session;
    private OrtBridge bridge;

    @BeforeEach
    void open() throws Exception {
        session = TinyLm.session();
        bridge = OrtBridge.create(session);
    }

    private boolean sessionClosed;

    @AfterEach
    void close() throws Exception {
        bridge.close();
        if (!sessionClosed) {
            session.close(); // ONNX Runtime's own OrtSession.close() throws when called twice
        }
    }

    private static void writeIds(TensorView ids, long... values) {
        for (int i = 0; i < values.length; i++) {
            ids.segment().setAtIndex(ValueLayout.JAVA_LONG, i, values[i]);
        }
    }

    private static void assertLogitsOf(TensorView logits, long... tokens) {
        for (int r = 0; r < tokens.length; r++) {
            for (int j = 0; j < TinyLm.VOCABULARY; j++) {
                assertThat(logits.getFloat(r, j))
                        .as("logit [%d, %d] after token %d", r, j, tokens[r])
                        .isEqualTo(TinyLm.logit(tokens[r], j));
            }
        }
    }

    @Test
    void onnxRuntimeReadsAndWritesTheEngineSegmentsThemselves() throws Exception {
        TensorView ids = bridge.input("token_ids", 3);
        TensorView logits = bridge.output("logits", 3, TinyLm.VOCABULARY);

        assertThat(bridge.ortDataAddress("token_ids"))
                .as("ONNX Runtime's input data address")
                .isEqualTo(ids.segment().address());
        assertThat(bridge.ortDataAddress("logits"))
                .as("ONNX Runtime's output data address")
                .isEqualTo(logits.segment().address());
        assertThat(ids.dtype()).isEqualTo(DType.I64);
        assertThat(logits.dtype()).isEqualTo(DType.F32);
        assertThat(logits.shape()).containsExactly(3, TinyLm.VOCABULARY);
        assertThat(logits.segment().address() % 64).as("alignment").isZero();

        logits.segment().fill((byte) 0x7f); // a NaN pattern: every value must come from the run
        writeIds(ids, 0, 5, 7);
        bridge.run();
        assertLogitsOf(logits, 0, 5, 7);

        // The engine's write into the input segment is what the next run reads: no copy on the way in either.
        writeIds(ids, 2, 2, 1);
        bridge.run();
        assertLogitsOf(logits, 2, 2, 1);
        assertThat(bridge.ortDataAddress("logits")).isEqualTo(logits.segment().address());
    }

    @Test
    void theEngineSamplesOrtOutputIntoOrtInputInPlace() throws Exception {
        TensorView ids = bridge.input("token_ids", 4);
        TensorView logits = bridge.output("logits");
        try (SoftmaxEngine engine = SoftmaxEngine.create();
                Arena arena = Arena.ofConfined()) {
            SamplingParameters greedy = SamplingParameters.allocate(arena, 4).forEachRow(row -> row.temperature(0f));
            DecodeOutputs next = DecodeOutputs.of(ids);
            writeIds(ids, 0, 1, 2, 3);
            long[] tokens = {0, 1, 2, 3};
            for (int step = 0; step < 5; step++) {
                bridge.run();
                assertLogitsOf(logits, tokens);
                engine.sample(logits, greedy, next);
                for (int r = 0; r < 4; r++) {
                    tokens[r] = argmax(tokens[r]);
                    assertThat(ids.segment().getAtIndex(ValueLayout.JAVA_LONG, r))
                            .as("step %d row %d", step, r)
                            .isEqualTo(tokens[r]);
                }
            }
        }
        assertThat(bridge.ortDataAddress("token_ids")).isEqualTo(ids.segment().address());
    }

    private static long argmax(long token) {
        int best = 0;
        for (int j = 1; j < TinyLm.VOCABULARY; j++) {
            if (TinyLm.logit(token, j) > TinyLm.logit(token, best)) {
                best = j;
            }
        }
        return best;
    }

    @Test
    void anOutputWithoutShapeTakesItsNamedDimensionsFromTheOtherBindings() throws Exception {
        bridge.input("token_ids", 5);
        assertThat(bridge.output("logits").shape()).containsExactly(5, TinyLm.VOCABULARY);
    }

    @Test
    void twoSymbolicDimensionsAreResolvedPerCall() throws Exception {
        try (OrtSession session2d = TinyLm.session("tiny_lm_2d.onnx");
                OrtBridge bridge2d = OrtBridge.create(session2d)) {
            for (int[] bs : new int[][] {{2, 3}, {1, 7}, {2, 3}}) {
                TensorView ids = bridge2d.input("token_ids", bs[0], bs[1]);
                TensorView logits = bridge2d.output("logits");
                assertThat(logits.shape()).containsExactly(bs[0], bs[1], TinyLm.VOCABULARY);
                for (int i = 0; i < bs[0] * bs[1]; i++) {
                    ids.segment().setAtIndex(ValueLayout.JAVA_LONG, i, (i * 3L) % TinyLm.VOCABULARY);
                }
                bridge2d.run();
                for (int b = 0; b < bs[0]; b++) {
                    for (int s = 0; s < bs[1]; s++) {
                        long token = ((b * bs[1] + s) * 3L) % TinyLm.VOCABULARY;
                        for (int j = 0; j < TinyLm.VOCABULARY; j++) {
                            assertThat(logits.getFloat(b, s, j)).isEqualTo(TinyLm.logit(token, j));
                        }
                    }
                }
                assertThat(bridge2d.ortDataAddress("logits"))
                        .isEqualTo(logits.segment().address());
            }
        }
    }

    @Test
    void theSameShapeReturnsTheSameViewAndASmallerOneReusesTheMemory() throws Exception {
        TensorView first = bridge.input("token_ids", 4);
        assertThat(bridge.input("token_ids", 4)).isSameAs(first);
        assertThat(bridge.view("token_ids")).isSameAs(first);

        TensorView smaller = bridge.input("token_ids", 2);
        assertThat(smaller.segment().address()).isEqualTo(first.segment().address());
        assertThat(bridge.ortDataAddress("token_ids")).isEqualTo(first.segment().address());
        first.segment().get(ValueLayout.JAVA_LONG, 0); // still alive: the memory was reused, not freed

        TensorView larger = bridge.input("token_ids", 1000);
        assertThat(bridge.ortDataAddress("token_ids"))
                .isEqualTo(larger.segment().address());
        assertThatThrownBy(() -> first.segment().get(ValueLayout.JAVA_LONG, 0))
                .as("the outgrown memory is freed, and its views with it")
                .isInstanceOf(IllegalStateException.class);
        bridge.output("logits");
        writeIds(larger, new long[1000]);
        bridge.run();
        assertLogitsOf(bridge.view("logits"), new long[1000]);
    }

    @Test
    void badBindingsAreRefusedNamingTheArgument() throws Exception {
        assertThatThrownBy(() -> bridge.input("ids", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 'ids'")
                .hasMessageContaining("[token_ids]");
        assertThatThrownBy(() -> bridge.output("token_ids", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[logits]");
        assertThatThrownBy(() -> bridge.input("token_ids", 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank 2")
                .hasMessageContaining("[batch], rank 1");
        assertThatThrownBy(() -> bridge.output("logits", 3, 9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 1 = 9")
                .hasMessageContaining("fixes it at 8");
        assertThatThrownBy(() -> bridge.input("token_ids", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected >= 0");
        assertThatThrownBy(() -> bridge.output("logits"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 0 ('batch') is not fixed by the model and no binding gives it");
        assertThatThrownBy(() -> bridge.input("token_ids", (long[]) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aTensorOverTheBufferLimitIsRefusedNamingTheLimitBeforeAnythingIsAllocated() throws Exception {
        // ONNX Runtime for Java refuses more than Integer.MAX_VALUE - 8 elements' bytes: 2147483615 for f32.
        assertThat(OrtBridge.maxTensorBytes(DType.F32)).isEqualTo(2_147_483_615L);
        assertThatThrownBy(() -> bridge.output("logits", 67_108_863, TinyLm.VOCABULARY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output 'logits'")
                .hasMessageContaining("is 2147483616 bytes")
                .hasMessageContaining("at most 2147483615 bytes for F32");
        assertThatThrownBy(() -> bridge.input("token_ids", Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 2^63 bytes");
        assertThat(bridge.toString()).doesNotContain("logits");
    }

    @Test
    void runRefusesBindingsThatCannotRunBeforeOnnxRuntimeSeesThem() throws Exception {
        assertThatThrownBy(bridge::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("model input 'token_ids' is not bound");
        bridge.input("token_ids", 3);
        assertThatThrownBy(bridge::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no output is bound");
        TensorView logits = bridge.output("logits", 4, TinyLm.VOCABULARY);
        logits.segment().fill((byte) 1);
        assertThatThrownBy(bridge::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dimension 'batch' is 3 in input 'token_ids' but 4 in output 'logits'");
        assertThat(logits.segment().get(ValueLayout.JAVA_BYTE, 0))
                .as("nothing written")
                .isEqualTo((byte) 1);
        bridge.output("logits", 3, TinyLm.VOCABULARY);
        bridge.run();
    }

    @Test
    void aClosedBridgeRefusesEveryCallAndItsViewsAreClosed() throws Exception {
        TensorView ids = bridge.input("token_ids", 2);
        TensorView logits = bridge.output("logits");
        bridge.close();
        bridge.close();
        assertThat(bridge.isClosed()).isTrue();
        assertThat(bridge.toString()).contains("closed");
        assertThatThrownBy(bridge::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> bridge.input("token_ids", 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bridge.output("logits")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bridge.view("logits")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bridge.ortDataAddress("logits")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> logits.getFloat(0, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ids.segment().set(ValueLayout.JAVA_LONG, 0, 1L))
                .isInstanceOf(IllegalStateException.class);
        try (SoftmaxEngine engine = SoftmaxEngine.create()) {
            assertThatThrownBy(() -> engine.softmax(logits, logits)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void runAfterTheSessionIsClosedIsAnException() throws Exception {
        bridge.input("token_ids", 2);
        bridge.output("logits");
        session.close();
        sessionClosed = true;
        assertThatThrownBy(bridge::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed OrtSession");
    }
}
