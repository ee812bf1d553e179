package dev.softmax.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every function from SQL and from the DataFrame API against a double-precision reference, on ragged rows (lengths
 * 1 to 3000), empty arrays, null arrays, array<float> and array<double>; with whole-stage code generation and with
 * interpreted evaluation. One local[2] session for the class.
 *
 * <p>Tolerances (the functions compute in f32): probabilities 2e-6 absolute + 1e-5 relative; log-probabilities,
 * log-sum-exp, entropy 2e-5 * max(1, |reference|); KL divergence 5e-5 * max(1, |reference|) absolute (its terms
 * cancel).
 */
class SparkFunctionsTest {

    static SparkSession spark;
    static final List<double[]> ROWS = new ArrayList<>();
    static final List<double[]> STUDENTS = new ArrayList<>();
    static final int[] LENGTHS = {1, 7, 16, 33, 100, 1000, 3000, 0, 2, 513};

    @BeforeAll
    static void start() {
        spark = SparkSessionForTests.create();
        Random random = new Random(42);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            int n = LENGTHS[r % LENGTHS.length];
            double[] x = new double[n];
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = random.nextGaussian() * 3;
                s[i] = x[i] + random.nextGaussian();
            }
            if (n > 10 && r % 3 == 0) {
                x[3] = x[5]; // a tie
                x[7] = Double.NEGATIVE_INFINITY; // a masked token
                s[7] = Double.NEGATIVE_INFINITY;
            }
            ROWS.add(x);
            STUDENTS.add(s);
            rows.add(RowFactory.create(r, floats(x), doubles(x), floats(s), (long) r * 7 + 1));
        }
        rows.add(RowFactory.create(40, null, null, null, 0L));
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType))
                .add("dlogits", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("student", DataTypes.createArrayType(DataTypes.FloatType))
                .add("seed", DataTypes.LongType);
        Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2);
        df.cache().count();
        df.createOrReplaceTempView("t");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static List<Float> floats(double[] x) {
        List<Float> out = new ArrayList<>();
        for (double v : x) {
            out.add((float) v);
        }
        return out;
    }

    static List<Double> doubles(double[] x) {
        List<Double> out = new ArrayList<>();
        for (double v : x) {
            out.add((double) (float) v); // the same values, so float and double rows share one reference
        }
        return out;
    }

    static double[] reference(int id) {
        double[] x = ROWS.get(id);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    static double[] student(int id) {
        double[] s = STUDENTS.get(id);
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = (float) s[i];
        }
        return out;
    }

    static List<Row> sql(String query) {
        return spark.sql(query).collectAsList();
    }

    static void setCodegen(boolean codegen) {
        spark.conf().set("spark.sql.codegen.wholeStage", String.valueOf(codegen));
        spark.conf().set("spark.sql.codegen.factoryMode", codegen ? "CODEGEN_ONLY" : "NO_CODEGEN");
    }

    static void assertProbabilities(List<Float> got, double[] expected) {
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) got.get(i))
                    .as("element %d", i)
                    .isCloseTo(expected[i], within(2e-6 + 1e-5 * expected[i]));
        }
    }

    static void assertClose(double got, double expected, double tolerance, String what) {
        if (Double.isInfinite(expected)) {
            assertThat(got).as(what).isEqualTo(expected);
        } else {
            assertThat(got).as(what).isCloseTo(expected, within(tolerance * Math.max(1, Math.abs(expected))));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void softmaxAndLogSoftmaxFromSql(boolean codegen) {
        setCodegen(codegen);
        try {
            for (String column : List.of("logits", "dlogits")) {
                for (Row row : sql("SELECT id, softmax(" + column + "), log_softmax(" + column + ", 0.7), softmax("
                        + column + ", 2) FROM t")) {
                    int id = row.getInt(0);
                    if (id == 40) {
                        assertThat(row.isNullAt(1)).isTrue();
                        assertThat(row.isNullAt(2)).isTrue();
                        continue;
                    }
                    double[] x = reference(id);
                    assertProbabilities(row.getList(1), Reference.softmax(x, 1));
                    assertProbabilities(row.getList(3), Reference.softmax(x, 2));
                    double[] logp = Reference.logSoftmax(x, 0.7);
                    List<Float> got = row.getList(2);
                    assertThat(got).hasSize(x.length);
                    for (int i = 0; i < x.length; i++) {
                        assertClose(got.get(i), logp[i], 2e-5, column + " row " + id + " element " + i);
                    }
                }
            }
        } finally {
            setCodegen(true);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void reductionsFromSql(boolean codegen) {
        setCodegen(codegen);
        try {
            for (String column : List.of("logits", "dlogits")) {
                for (Row row : sql("SELECT id, logsumexp(" + column + "), entropy(" + column + "), entropy(" + column
                        + ", 1.5), kl_divergence(" + column + ", student), kl_divergence(" + column
                        + ", student, 2.0) FROM t")) {
                    int id = row.getInt(0);
                    if (id == 40 || ROWS.get(id).length == 0) {
                        for (int c = 1; c <= 5; c++) {
                            assertThat(row.isNullAt(c))
                                    .as("column %d of row %d", c, id)
                                    .isTrue();
                        }
                        continue;
                    }
                    double[] x = reference(id);
                    double[] s = student(id);
                    assertClose(row.getFloat(1), Reference.logSumExp(x, 1), 2e-5, "logsumexp " + id);
                    assertClose(row.getFloat(2), Reference.entropy(x, 1), 2e-5, "entropy " + id);
                    assertClose(row.getFloat(3), Reference.entropy(x, 1.5), 2e-5, "entropy T " + id);
                    assertClose(row.getFloat(4), Reference.kl(x, s, 1), 5e-5, "kl " + id);
                    assertClose(row.getFloat(5), Reference.kl(x, s, 2), 5e-5, "kl T " + id);
                    assertThat(row.getFloat(4)).isGreaterThanOrEqualTo(-1e-5f);
                }
            }
        } finally {
            setCodegen(true);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 20, 100})
    void topKLogprobsFromSql(int k) {
        for (String column : List.of("logits", "dlogits")) {
            for (Row row : sql("SELECT id, top_k_logprobs(" + column + ", " + k + "), top_k_logprobs(" + column + ", "
                    + k + ", 0.5) FROM t")) {
                int id = row.getInt(0);
                if (id == 40) {
                    assertThat(row.isNullAt(1)).isTrue();
                    continue;
                }
                double[] x = reference(id);
                for (int c = 1; c <= 2; c++) {
                    double t = c == 1 ? 1 : 0.5;
                    double[] logp = Reference.logSoftmax(x, t);
                    int[] ids = Reference.topK(x, k);
                    List<Row> got = row.getList(c);
                    assertThat(got).as("row %d", id).hasSize(ids.length);
                    for (int j = 0; j < ids.length; j++) {
                        assertThat(got.get(j).getInt(0))
                                .as("row %d rank %d", id, j)
                                .isEqualTo(ids[j]);
                        assertThat(got.get(j).<Integer>getAs("token")).isEqualTo(ids[j]);
                        assertClose(got.get(j).getFloat(1), logp[ids[j]], 2e-5, "row " + id + " rank " + j);
                    }
                }
            }
        }
    }

    @Test
    void dataFrameApiMatchesTheReference() {
        List<Row> rows = spark.table("t")
                .select(
                        col("id"),
                        SoftmaxFunctions.softmax(col("logits")),
                        SoftmaxFunctions.logSoftmax(col("dlogits"), 0.7),
                        SoftmaxFunctions.logSumExp(col("logits")),
                        SoftmaxFunctions.entropy(col("dlogits"), 1.5),
                        SoftmaxFunctions.topKLogprobs(col("logits"), 3),
                        SoftmaxFunctions.klDivergence(col("logits"), col("student"), 2.0),
                        SoftmaxFunctions.sampleToken(
                                col("logits"), col("seed"), col("id").cast("long")),
                        SoftmaxFunctions.softmax(col("logits"), 2.0),
                        SoftmaxFunctions.entropy(col("logits")),
                        SoftmaxFunctions.topKLogprobs(col("dlogits"), 2, 0.5),
                        SoftmaxFunctions.klDivergence(col("dlogits"), col("student")),
                        SoftmaxFunctions.logSoftmax(col("logits")))
                .collectAsList();
        assertThat(rows).hasSize(41);
        for (Row row : rows) {
            int id = row.getInt(0);
            if (id == 40) {
                for (int c = 1; c < row.size(); c++) {
                    assertThat(row.isNullAt(c)).isTrue();
                }
                continue;
            }
            double[] x = reference(id);
            assertProbabilities(row.getList(1), Reference.softmax(x, 1));
            assertProbabilities(row.getList(8), Reference.softmax(x, 2));
            List<Float> logp = row.getList(2);
            List<Float> logp1 = row.getList(12);
            double[] expected = Reference.logSoftmax(x, 0.7);
            double[] expected1 = Reference.logSoftmax(x, 1);
            for (int i = 0; i < x.length; i++) {
                assertClose(logp.get(i), expected[i], 2e-5, "log_softmax " + id);
                assertClose(logp1.get(i), expected1[i], 2e-5, "log_softmax " + id);
            }
            if (x.length == 0) {
                assertThat(row.isNullAt(3)).isTrue();
                assertThat(row.isNullAt(7)).isTrue();
                assertThat(row.<Row>getList(5)).isEmpty();
                continue;
            }
            double[] s = student(id);
            assertClose(row.getFloat(3), Reference.logSumExp(x, 1), 2e-5, "logsumexp");
            assertClose(row.getFloat(4), Reference.entropy(x, 1.5), 2e-5, "entropy");
            assertClose(row.getFloat(9), Reference.entropy(x, 1), 2e-5, "entropy");
            assertClose(row.getFloat(6), Reference.kl(x, s, 2), 5e-5, "kl");
            assertClose(row.getFloat(11), Reference.kl(x, s, 1), 5e-5, "kl");
            List<Row> top = row.getList(5);
            int[] ids = Reference.topK(x, 3);
            for (int j = 0; j < ids.length; j++) {
                assertThat(top.get(j).getInt(0)).isEqualTo(ids[j]);
                assertClose(top.get(j).getFloat(1), expected1[ids[j]], 2e-5, "top-k");
            }
            List<Row> top2 = row.getList(10);
            assertThat(top2.get(0).getInt(0)).isEqualTo(Reference.topK(x, 1)[0]);
            int token = row.getInt(7);
            assertThat(token).isBetween(0, x.length - 1);
            assertThat(x[token]).isGreaterThan(Double.NEGATIVE_INFINITY);
        }
    }

    /** sample_token gives the token SoftmaxEngine.sample gives for the same row, seed, step and settings. */
    @Test
    void sampleTokenEqualsTheEngineSampler() {
        String[] settings = {"", ", 1.0", ", 0.8, 50, 0.9, 0.0", ", 0.0", ", 1.3, 0, 1.0, 0.05", ", 0.7, 5, 1.0, 0.0"};
        for (String setting : settings) {
            for (String column : List.of("logits", "dlogits")) {
                List<Row> rows = sql("SELECT id, seed, sample_token(" + column + ", seed, id * 3" + setting
                        + ") FROM t WHERE id < 40 AND size(logits) > 0");
                assertThat(rows).isNotEmpty();
                for (Row row : rows) {
                    int id = row.getInt(0);
                    double[] x = reference(id);
                    float[] args = parseSettings(setting);
                    int expected = engineSample(x, row.getLong(1), id * 3L, args);
                    assertThat(row.getInt(2))
                            .as("row %d settings '%s' %s", id, setting, column)
                            .isEqualTo(expected);
                }
            }
        }
    }

    static float[] parseSettings(String setting) {
        float[] out = {1f, 0f, 1f, 0f};
        String[] parts = setting.replaceFirst("^, ", "").split(", ");
        for (int i = 0; i < parts.length && !parts[i].isEmpty(); i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }

    static int engineSample(double[] x, long seed, long step, float[] settings) {
        // A batch of three rows with the row of interest in the middle: a row's token never depends on the others.
        try (Arena arena = Arena.ofConfined()) {
            int n = x.length;
            TensorView logits = TensorView.allocate(arena, DType.F32, 3, n);
            Random random = new Random(seed);
            for (int i = 0; i < n; i++) {
                logits.setFloat((float) random.nextGaussian(), 0, i);
                logits.setFloat((float) x[i], 1, i);
                logits.setFloat((float) random.nextGaussian(), 2, i);
            }
            SamplingParameters parameters = SamplingParameters.allocate(arena, 3);
            parameters
                    .row(1)
                    .temperature(settings[0])
                    .topK((int) settings[1])
                    .topP(settings[2])
                    .minP(settings[3])
                    .seed(seed)
                    .step(step);
            TensorView tokens = TensorView.allocate(arena, DType.I32, 3);
            ExecutorEngine.get().sample(logits, parameters, DecodeOutputs.of(tokens));
            return tokens.segment().getAtIndex(ValueLayout.JAVA_INT, 1);
        }
    }

    /** The plan runs the expressions inside whole-stage generated code that calls them directly (no UDF). */
    @Test
    void generatedCodeCallsTheExpression() {
        spark.conf().set("spark.sql.adaptive.enabled", "false");
        try {
            checkGeneratedCode();
        } finally {
            spark.conf().set("spark.sql.adaptive.enabled", "true");
        }
    }

    private static void checkGeneratedCode() {
        Dataset<Row> df = spark.sql("SELECT softmax(logits), entropy(logits), sample_token(logits, seed, 0) FROM t");
        String plan = df.queryExecution().executedPlan().toString();
        assertThat(plan).contains("*(1) Project").doesNotContain("UDF");
        String code = org.apache.spark.sql.execution.debug.package$.MODULE$.codegenString(
                df.queryExecution().executedPlan());
        assertThat(code).contains(".evalArray(").contains(".evalFloat(").contains(".evalInt(");
        assertThat(df.collectAsList()).hasSize(41);
    }

    @Test
    void aNullElementIsAnErrorNamingFunctionArgumentAndRow() {
        Dataset<Row> df = spark.sql("SELECT array(1.0f, 2.0f, CAST(NULL AS FLOAT), 4.0f) AS logits");
        for (String query : List.of("softmax(logits)", "entropy(logits)", "top_k_logprobs(logits, 2)")) {
            String name = query.substring(0, query.indexOf('('));
            assertThatThrownBy(() -> df.selectExpr(query).collectAsList())
                    .hasStackTraceContaining(name + ": argument logits has a null element at index 2 in row 0");
        }
        Dataset<Row> two = spark.sql("SELECT array(1.0f, 2.0f) AS a, array(1.0d, CAST(NULL AS DOUBLE)) AS b");
        assertThatThrownBy(() -> two.selectExpr("kl_divergence(a, b)").collectAsList())
                .hasStackTraceContaining(
                        "kl_divergence: argument student_logits has a null element at index 1 in row 0");
        // A null in a later row of a cached table: the position counts rows of the partition.
        Dataset<Row> rows = spark.createDataFrame(
                        List.of(
                                RowFactory.create(Arrays.asList(1f, 2f)),
                                RowFactory.create(Arrays.asList(1f, 2f)),
                                RowFactory.create(Arrays.asList(1f, null, 3f))),
                        new StructType().add("logits", DataTypes.createArrayType(DataTypes.FloatType)))
                .coalesce(1);
        assertThatThrownBy(() ->
                        rows.select(SoftmaxFunctions.logSoftmax(col("logits"))).collectAsList())
                .hasStackTraceContaining(
                        "log_softmax: argument logits has a null element at index 1 in row 2 of partition 0");
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThatThrownBy(() -> sql("SELECT softmax(array(1.0f, 2.0f), 0.0)"))
                .hasStackTraceContaining("softmax: temperature is 0.0; expected a finite value > 0 in row 0");
        assertThatThrownBy(() -> sql("SELECT top_k_logprobs(array(1.0f, 2.0f), -1)"))
                .hasStackTraceContaining("top_k_logprobs: k is -1; expected k >= 0");
        assertThatThrownBy(() -> sql("SELECT kl_divergence(array(1.0f, 2.0f), array(1.0f))"))
                .hasStackTraceContaining("kl_divergence: teacher_logits has 2 elements and student_logits 1");
        assertThatThrownBy(() -> sql("SELECT softmax(array(1.0f), 1.0, 2.0)"))
                .hasStackTraceContaining("softmax takes 1 to 2 arguments (logits, temperature), not 3");
        assertThatThrownBy(() -> sql("SELECT softmax('abc')")).hasMessageContaining("softmax");
    }

    @Test
    void emptyArraysAndLiterals() {
        Row row = sql("SELECT softmax(CAST(array() AS array<float>)), logsumexp(CAST(array() AS array<double>)),"
                        + " top_k_logprobs(CAST(array() AS array<float>), 3), softmax(array(1, 2, 3)),"
                        + " softmax(CAST(NULL AS array<float>))")
                .get(0);
        assertThat(row.<Float>getList(0)).isEmpty();
        assertThat(row.isNullAt(1)).isTrue();
        assertThat(row.<Row>getList(2)).isEmpty();
        assertProbabilities(row.getList(3), Reference.softmax(new double[] {1, 2, 3}, 1));
        assertThat(row.isNullAt(4)).isTrue();
    }
}
