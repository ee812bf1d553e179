package dev.softmax.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The committed one-node models load in ONNX Runtime and compute (log-)softmax along the last axis. */
class OnnxModelsTest {

    @ParameterizedTest
    @CsvSource({"softmax.onnx, Softmax, false", "log_softmax.onnx, LogSoftmax, true"})
    void modelLoadsAndComputesTheOperator(String file, String opType, boolean log) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(OrtBenchmark.model(file), options)) {
            assertThat(session.getInputNames()).containsExactly("x");
            assertThat(session.getOutputNames()).containsExactly("y");
            assertThat(session.getMetadata().getProducerName()).contains("make_models.py");

            for (Shape shape : new Shape[] {new Shape(3, 5), new Shape(2, 1000)}) {
                float[] x = Data.logits(shape);
                FloatBuffer in = direct(x.length).put(0, x);
                FloatBuffer out = direct(x.length);
                try (OnnxTensor input = OnnxTensor.createTensor(env, in, shape.dims());
                        OnnxTensor output = OnnxTensor.createTensor(env, out, shape.dims());
                        OrtSession.Result result = session.run(Map.of("x", input), Map.of("y", output))) {
                    assertThat(result.isResultOwner(0))
                            .as("the pinned output is not owned by the result")
                            .isFalse();
                    Reference.Result check = Reference.checkForward(
                            log ? Reference.Op.LOG_SOFTMAX : Reference.Op.SOFTMAX,
                            shape,
                            x,
                            r -> {
                                float[] row = new float[shape.columns()];
                                out.get(r * shape.columns(), row);
                                return row;
                            },
                            false,
                            Reference.Bound.PEER,
                            opType + " " + shape);
                    assertThat(check.worstOverBound()).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    private static FloatBuffer direct(int count) {
        return ByteBuffer.allocateDirect(count * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }
}
