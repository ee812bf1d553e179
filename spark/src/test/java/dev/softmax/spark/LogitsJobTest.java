package dev.softmax.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Parquet job end to end: generated logits (ragged, with nulls, plus columns to carry) written as Parquet, the
 * job run with the command-line arguments run-local.sh passes, the output read back and checked against the
 * double-precision reference; with Parquet read on-heap and off-heap ({@code spark.sql.columnVector.offheap}).
 */
class LogitsJobTest {

    static SparkSession spark;
    static final Map<Integer, double[]> LOGITS = new HashMap<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessionForTests.create();
        Random random = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < 300; id++) {
            int n = id % 50 == 0 ? 0 : 1 + random.nextInt(700);
            List<Float> values = new ArrayList<>();
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                float v = (float) (random.nextGaussian() * 4);
                values.add(v);
                x[i] = v;
            }
            boolean isNull = id % 37 == 5;
            if (!isNull) {
                LOGITS.put(id, x);
            }
            rows.add(RowFactory.create(id, "doc-" + id, isNull ? null : values));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("doc", DataTypes.StringType)
                .add("scores", DataTypes.createArrayType(DataTypes.FloatType));
        spark.createDataFrame(rows, schema)
                .repartition(3)
                .write()
                .parquet(dir.resolve("in.parquet").toString());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theJobWritesTheFunctionsAndCarriesTheOtherColumns(boolean offHeap) {
        spark.conf().set("spark.sql.columnVector.offheap.enabled", String.valueOf(offHeap));
        String out = dir.resolve("out-" + offHeap + ".parquet").toString();
        long written = LogitsJob.run(spark, LogitsJob.parse(new String[] {
            "--in", dir.resolve("in.parquet").toString(),
            "--out", out,
            "--functions", "softmax,entropy,top_k_logprobs:5,logsumexp",
            "--temperature", "0.8",
            "--logits-column", "scores"
        }));
        assertThat(written).isEqualTo(300);
        List<Row> rows = spark.read().parquet(out).collectAsList();
        assertThat(spark.read().parquet(out).columns())
                .containsExactly("id", "doc", "softmax", "entropy", "top_k_logprobs", "logsumexp");
        assertThat(rows).hasSize(300);
        int checked = 0;
        for (Row row : rows) {
            int id = row.getInt(0);
            assertThat(row.getString(1)).isEqualTo("doc-" + id);
            double[] x = LOGITS.get(id);
            if (x == null) {
                assertThat(row.isNullAt(2)).isTrue();
                assertThat(row.isNullAt(3)).isTrue();
                assertThat(row.isNullAt(4)).isTrue();
                continue;
            }
            double[] p = Reference.softmax(x, 0.8);
            List<Float> got = row.getList(2);
            assertThat(got).hasSize(x.length);
            for (int i = 0; i < x.length; i++) {
                assertThat((double) got.get(i)).isCloseTo(p[i], within(2e-6 + 1e-5 * p[i]));
            }
            List<Row> top = row.getList(4);
            int[] ids = Reference.topK(x, 5);
            assertThat(top).hasSize(ids.length);
            double[] logp = Reference.logSoftmax(x, 0.8);
            for (int j = 0; j < ids.length; j++) {
                assertThat(top.get(j).getInt(0)).isEqualTo(ids[j]);
                assertThat((double) top.get(j).getFloat(1))
                        .isCloseTo(logp[ids[j]], within(2e-5 * Math.max(1, Math.abs(logp[ids[j]]))));
            }
            if (x.length == 0) {
                assertThat(row.isNullAt(3)).isTrue();
                assertThat(row.isNullAt(5)).isTrue();
            } else {
                double h = Reference.entropy(x, 0.8);
                assertThat((double) row.getFloat(3)).isCloseTo(h, within(2e-5 * Math.max(1, h)));
                double lse = Reference.logSumExp(x, 1);
                assertThat((double) row.getFloat(5)).isCloseTo(lse, within(2e-5 * Math.max(1, Math.abs(lse))));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(LOGITS.size());
    }

    @Test
    void badCommandLinesAreExplained() {
        assertThatThrownBy(() -> LogitsJob.parse(new String[] {"--in", "x"}))
                .hasMessageContaining("--in, --out and --functions are required");
        assertThatThrownBy(() -> LogitsJob.run(spark, LogitsJob.parse(new String[] {
                    "--in",
                    dir.resolve("in.parquet").toString(),
                    "--out",
                    dir.resolve("bad").toString(),
                    "--functions",
                    "softmax",
                    "--logits-column",
                    "nope"
                })))
                .hasMessageContaining("--logits-column: the input has no column 'nope'");
        assertThatThrownBy(() -> LogitsJob.run(spark, LogitsJob.parse(new String[] {
                    "--in",
                    dir.resolve("in.parquet").toString(),
                    "--out",
                    dir.resolve("bad2").toString(),
                    "--functions",
                    "softmax,top_k_logprobs",
                    "--logits-column",
                    "scores"
                })))
                .hasMessageContaining("'top_k_logprobs' needs a parameter");
    }

    @Test
    void inputIsWrittenAsParquet() throws Exception {
        assertThat(Files.list(dir.resolve("in.parquet"))
                        .anyMatch(p -> p.toString().endsWith(".parquet")))
                .isTrue();
    }
}
