package dev.softmax.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes synthetic logits as Parquet, for trying the job and for the benchmark: {@code id} (bigint), {@code doc}
 * (string) and {@code logits} (array<float>, Gaussian with standard deviation 3, reproducible from the row id).
 *
 * <pre>GenerateLogits --out X.parquet --rows 10000 --vocab 1024 [--ragged]</pre>
 *
 * With {@code --ragged} row lengths vary between 1 and vocab.
 */
public final class GenerateLogits {

    private GenerateLogits() {}

    public static void main(String[] args) {
        String out = null;
        long rows = 1000;
        int vocab = 1024;
        boolean ragged = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = args[++i];
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--vocab" -> vocab = Integer.parseInt(args[++i]);
                case "--ragged" -> ragged = true;
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + args[i] + "'; usage: --out X.parquet --rows N --vocab V [--ragged]");
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out is required");
        }
        SparkConf conf = new SparkConf().setAppName("softmax-generate-logits");
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        try {
            generate(session, rows, vocab, ragged).write().mode("overwrite").parquet(out);
            System.out.println("GenerateLogits: wrote " + rows + " rows of up to " + vocab + " logits to " + out);
        } finally {
            session.stop();
        }
    }

    /** The rows: id, doc, logits. */
    public static Dataset<Row> generate(SparkSession session, long rows, int vocab, boolean ragged) {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("doc", DataTypes.StringType, false)
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return session.range(rows).map((MapFunction<Long, Row>) id -> row(id, vocab, ragged), Encoders.row(schema));
    }

    static Row row(long id, int vocab, boolean ragged) {
        float[] x = logits(id, vocab, ragged);
        List<Float> values = new ArrayList<>(x.length);
        for (float v : x) {
            values.add(v);
        }
        return RowFactory.create(
                id, "doc-" + id, CollectionConverters.asScala(values).toSeq());
    }

    /** The logits of row {@code id}: Gaussian, standard deviation 3, reproducible from the id. */
    public static float[] logits(long id, int vocab, boolean ragged) {
        SplittableRandom random = new SplittableRandom(id * 0x9E3779B97F4A7C15L + 1);
        int n = ragged ? 1 + random.nextInt(vocab) : vocab;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller.
            double u = random.nextDouble();
            double v = random.nextDouble();
            x[i] = (float) (3 * Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }
}
