package dev.softmax.spark;

import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The SQL functions: name, arguments (each bound to a slot of the row computation), result type and usage. */
public enum SoftmaxFunction {
    SOFTMAX(
            "softmax",
            DataTypes.createArrayType(DataTypes.FloatType, false),
            1,
            List.of(Slot.LOGITS, Slot.TEMPERATURE),
            "_FUNC_(logits[, temperature]) - softmax(logits / temperature) of each row, as array<float>"),
    LOG_SOFTMAX(
            "log_softmax",
            DataTypes.createArrayType(DataTypes.FloatType, false),
            1,
            List.of(Slot.LOGITS, Slot.TEMPERATURE),
            "_FUNC_(logits[, temperature]) - log_softmax(logits / temperature) of each row, as array<float>"),
    LOGSUMEXP(
            "logsumexp",
            DataTypes.FloatType,
            1,
            List.of(Slot.LOGITS),
            "_FUNC_(logits) - log(sum(exp(logits))) of each row, computed stably; null for an empty array"),
    ENTROPY(
            "entropy",
            DataTypes.FloatType,
            1,
            List.of(Slot.LOGITS, Slot.TEMPERATURE),
            "_FUNC_(logits[, temperature]) - entropy in nats of softmax(logits / temperature); null for an empty array"),
    TOP_K_LOGPROBS(
            "top_k_logprobs",
            DataTypes.createArrayType(
                    new StructType(new StructField[] {
                        new StructField("token", DataTypes.IntegerType, false, Metadata.empty()),
                        new StructField("logprob", DataTypes.FloatType, false, Metadata.empty())
                    }),
                    false),
            2,
            List.of(Slot.LOGITS, Slot.K, Slot.TEMPERATURE),
            "_FUNC_(logits, k[, temperature]) - the k largest log-probabilities of softmax(logits / temperature) with"
                    + " their token ids, descending (ties by lower id)"),
    SAMPLE_TOKEN(
            "sample_token",
            DataTypes.IntegerType,
            3,
            List.of(Slot.LOGITS, Slot.SEED, Slot.STEP, Slot.TEMPERATURE, Slot.K, Slot.TOP_P, Slot.MIN_P),
            "_FUNC_(logits, seed, step[, temperature, top_k, top_p, min_p]) - a token drawn by the engine's"
                    + " reproducible sampler (Philox stream (seed, step)); temperature 0 is greedy; null for an empty"
                    + " array"),
    KL_DIVERGENCE(
            "kl_divergence",
            DataTypes.FloatType,
            2,
            List.of(Slot.LOGITS, Slot.SECOND, Slot.TEMPERATURE),
            "_FUNC_(teacher_logits, student_logits[, temperature]) - KL(softmax(teacher / T) || softmax(student / T))"
                    + " in nats (not scaled by T^2); null for empty arrays");

    /** What an argument is; each is passed to the row computation in its own parameter. */
    enum Slot {
        LOGITS("logits"),
        SECOND("student_logits"),
        TEMPERATURE("temperature"),
        K("k"),
        SEED("seed"),
        STEP("step"),
        TOP_P("top_p"),
        MIN_P("min_p");

        final String label;

        Slot(String label) {
            this.label = label;
        }
    }

    final String sqlName;
    final DataType dataType;
    final int requiredArguments;
    final List<Slot> slots;
    final String usage;

    SoftmaxFunction(String sqlName, DataType dataType, int requiredArguments, List<Slot> slots, String usage) {
        this.sqlName = sqlName;
        this.dataType = dataType;
        this.requiredArguments = requiredArguments;
        this.slots = slots;
        this.usage = usage;
    }

    /** The function's SQL name. */
    public String sqlName() {
        return sqlName;
    }

    String[] argumentNames() {
        String[] names = new String[slots.size()];
        for (int i = 0; i < names.length; i++) {
            Slot slot = slots.get(i);
            names[i] = this == KL_DIVERGENCE && slot == Slot.LOGITS
                    ? "teacher_logits"
                    : this == SAMPLE_TOKEN && slot == Slot.K ? "top_k" : slot.label;
        }
        return names;
    }

    boolean returnsArray() {
        return dataType instanceof ArrayType;
    }
}
