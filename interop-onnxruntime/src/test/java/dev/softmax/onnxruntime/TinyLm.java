package dev.softmax.onnxruntime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The test models written by {@code examples/models/make_lm_models.py}: {@code token_ids} int64 {@code [batch]} (or
 * {@code [batch, sequence]}) -> Gather(embedding [8, 4]) -> MatMul(projection [4, 8]) -> {@code logits} f32, with
 * small integer weights, so that {@link #logit} computes the expected value exactly.
 */
final class TinyLm {

    static final int VOCABULARY = 8;
    static final int WIDTH = 4;

    private TinyLm() {}

    static OrtSession session(String file) throws OrtException {
        return OrtEnvironment.getEnvironment().createSession(model(file), new OrtSession.SessionOptions());
    }

    static OrtSession session() throws OrtException {
        return session("tiny_lm.onnx");
    }

    static byte[] model(String file) {
        try (InputStream in = TinyLm.class.getResourceAsStream("/dev/softmax/onnxruntime/" + file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is not on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float embedding(long token, int d) {
        return (float) ((token + d) % 3 - 1);
    }

    static float projection(int d, int j) {
        return (float) ((d * j) % 5 - 2);
    }

    /** The logit of vocabulary entry j after token: sum over d of embedding[token, d] * projection[d, j]. */
    static float logit(long token, int j) {
        float sum = 0;
        for (int d = 0; d < WIDTH; d++) {
            sum += embedding(token, d) * projection(d, j);
        }
        return sum;
    }
}
