package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The smoke path: oneDNN engine and stream, a softmax on a MemorySegment, everything freed on close. */
class OnednnSmokeTest {

    @Test
    void softmaxOnASegmentThroughOnednnMatchesTheDoubleReferenceAndFreesEveryHandle() {
        float[] logits = {1f, 2f, 3f, -1f, 0f, 1000f, -4f, 0.5f};
        SoftmaxEngine engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.ONEDNN).build());
        try (Arena arena = Arena.ofConfined()) {
            TensorView src = TensorView.allocate(arena, DType.F32, 2, 4).copyFrom(logits);
            TensorView dst = TensorView.allocate(arena, DType.F32, 2, 4);

            engine.softmax(src, dst);

            float[] result = dst.toFloatArray();
            for (int row = 0; row < 2; row++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < 4; i++) {
                    max = Math.max(max, logits[4 * row + i]);
                }
                double sum = 0;
                for (int i = 0; i < 4; i++) {
                    sum += Math.exp(logits[4 * row + i] - max);
                }
                for (int i = 0; i < 4; i++) {
                    double expected = Math.exp(logits[4 * row + i] - max) / sum;
                    assertThat((double) result[4 * row + i])
                            .as("row %d column %d", row, i)
                            .isCloseTo(expected, within(2e-6 * expected + 1e-37));
                }
            }
            assertThat(engine.statistics().onednnCalls()).isEqualTo(1);
            assertThat(engine.statistics().liveNativeHandles())
                    .as("engine, stream, descriptors, primitive")
                    .isPositive();
        } finally {
            engine.close();
        }
        assertThat(engine.statistics().liveNativeHandles())
                .as("live oneDNN handles after close")
                .isZero();
    }

    @Test
    void backendReportsVersionIsaAndLibraryLocation() {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.ONEDNN).build())) {
            BackendInfo info = engine.backend();
            assertThat(info.onednnAvailable()).isTrue();
            assertThat(info.onednnVersion())
                    .hasValueSatisfying(v -> assertThat(v).startsWith("3.13."));
            assertThat(info.onednnIsa())
                    .hasValueSatisfying(isa -> assertThat(isa).isNotBlank());
            assertThat(info.onednnLibrary())
                    .hasValueSatisfying(l -> assertThat(l).endsWith("libdnnl.so.3"));
        }
    }
}
