package dev.softmax.spark;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;

/**
 * The functions for the DataFrame API. Each builds a call of the SQL function of the same name, so it resolves to
 * the same Catalyst expression as SQL does; the session needs the functions registered, either by
 * {@code spark.sql.extensions=dev.softmax.spark.SoftmaxSparkExtensions} or by {@link #register(SparkSession)}.
 *
 * <pre>{@code
 * df.select(SoftmaxFunctions.entropy(col("logits")), SoftmaxFunctions.topKLogprobs(col("logits"), 5))
 * }</pre>
 */
public final class SoftmaxFunctions {

    private SoftmaxFunctions() {}

    /**
     * Registers the SQL functions in an existing session (the same as the extension does for new sessions);
     * idempotent.
     */
    public static void register(SparkSession session) {
        FunctionRegistry registry = ((org.apache.spark.sql.classic.SparkSession) session)
                .sessionState()
                .functionRegistry();
        for (SoftmaxFunction function : SoftmaxFunction.values()) {
            var description = SoftmaxSparkExtensions.description(function);
            var identifier = FunctionRegistry$.MODULE$.builtinFunctionIdentifier(function.sqlName);
            if (!registry.functionExists(identifier)) {
                registry.registerFunction(identifier, description._2(), description._3());
            }
        }
    }

    public static Column softmax(Column logits) {
        return call_function("softmax", logits);
    }

    public static Column softmax(Column logits, double temperature) {
        return call_function("softmax", logits, lit(temperature));
    }

    public static Column logSoftmax(Column logits) {
        return call_function("log_softmax", logits);
    }

    public static Column logSoftmax(Column logits, double temperature) {
        return call_function("log_softmax", logits, lit(temperature));
    }

    public static Column logSumExp(Column logits) {
        return call_function("logsumexp", logits);
    }

    public static Column entropy(Column logits) {
        return call_function("entropy", logits);
    }

    public static Column entropy(Column logits, double temperature) {
        return call_function("entropy", logits, lit(temperature));
    }

    public static Column topKLogprobs(Column logits, int k) {
        return call_function("top_k_logprobs", logits, lit(k));
    }

    public static Column topKLogprobs(Column logits, int k, double temperature) {
        return call_function("top_k_logprobs", logits, lit(k), lit(temperature));
    }

    /** A token from the engine's sampler with the given seed and step columns (temperature 1, no filters). */
    public static Column sampleToken(Column logits, Column seed, Column step) {
        return call_function("sample_token", logits, seed, step);
    }

    /** A token with temperature, top-k (0 = off), top-p (1 = off) and min-p (0 = off). */
    public static Column sampleToken(
            Column logits, Column seed, Column step, double temperature, int topK, double topP, double minP) {
        return call_function("sample_token", logits, seed, step, lit(temperature), lit(topK), lit(topP), lit(minP));
    }

    public static Column klDivergence(Column teacherLogits, Column studentLogits) {
        return call_function("kl_divergence", teacherLogits, studentLogits);
    }

    public static Column klDivergence(Column teacherLogits, Column studentLogits, double temperature) {
        return call_function("kl_divergence", teacherLogits, studentLogits, lit(temperature));
    }
}
