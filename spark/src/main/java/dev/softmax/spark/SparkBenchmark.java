package dev.softmax.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * The timed Spark job of issue 16, one run: for each shape (rows x vocab, cached input) the {@code softmax} and
 * {@code top_k_logprobs(logits, 5)} SQL functions against (a) the same math in Spark SQL higher-order functions,
 * (b) a Java UDF over the boxed array (which unboxes into a float[] and calls the same engine, so the difference is
 * the boxed row conversion alone), and the engine's own time on the same floats outside Spark (one batched call
 * over an off-heap [rows, vocab] tensor on 2 threads; for top-k one batched log-sum-exp plus the same selection
 * code, rows split over 2 threads). Every Spark query is {@code select(f(logits)).write.format("noop")}, so the
 * results are produced and dropped alike. Engine queries: one warm-up, then the median of 3. Baselines: one
 * warm-up on a tenth of the rows and one timed run on {@code --baseline-rows} rows (all by default), reported per row.
 *
 * <pre>SparkBenchmark [--shapes 100000x1024,10000x32000] [--baseline-fraction F]</pre>
 */
public final class SparkBenchmark {

    private SparkBenchmark() {}

    record Result(String shape, String function, String variant, long rows, double seconds) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> shapes = List.of("100000x1024", "10000x32000");
        double baselineFraction = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shapes" -> shapes = List.of(args[++i].split(","));
                case "--baseline-fraction" -> baselineFraction = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SparkConf conf = new SparkConf().setAppName("softmax-spark-benchmark");
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[2]");
        }
        conf.set("spark.sql.extensions", SoftmaxSparkExtensions.class.getName());
        conf.set("spark.sql.shuffle.partitions", "2");
        conf.set("spark.sql.inMemoryColumnarStorage.batchSize", "256");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        List<Result> results = new ArrayList<>();
        try {
            spark.udf()
                    .register(
                            "boxed_softmax",
                            (UDF1<Seq<Float>, float[]>) SparkBenchmark::boxedSoftmax,
                            DataTypes.createArrayType(DataTypes.FloatType, false));
            spark.udf()
                    .register(
                            "boxed_top_k_logprobs",
                            (UDF1<Seq<Float>, Row[]>) SparkBenchmark::boxedTopK,
                            SoftmaxFunction.TOP_K_LOGPROBS.dataType);
            for (String shape : shapes) {
                String[] parts = shape.split("x");
                int rows = Integer.parseInt(parts[0]);
                int vocab = Integer.parseInt(parts[1]);
                runShape(spark, shape, rows, vocab, baselineFraction, results);
            }
        } finally {
            spark.stop();
        }
        System.out.println();
        System.out.println("| shape | function | variant | rows | seconds | rows/s | ns/element |");
        System.out.println("|---|---|---|--:|--:|--:|--:|");
        for (Result r : results) {
            int vocab = Integer.parseInt(r.shape().split("x")[1]);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %d | %.3f | %.0f | %.3f |%n",
                    r.shape(),
                    r.function(),
                    r.variant(),
                    r.rows(),
                    r.seconds(),
                    r.rowsPerSecond(),
                    1e9 * r.seconds() / r.rows() / vocab);
        }
        System.out.println();
        System.out.println("| shape | function | engine fn vs (a) HOF | vs (b) boxed UDF | Spark query / engine raw |");
        System.out.println("|---|---|--:|--:|--:|");
        for (String shape : shapes) {
            for (String function : List.of("softmax", "top_k_logprobs")) {
                double fn = rate(results, shape, function, "engine function (Spark SQL)");
                double hof = rate(results, shape, function, "(a) higher-order functions");
                double udf = rate(results, shape, function, "(b) boxed Java UDF");
                double raw = rate(results, shape, function, "engine raw, outside Spark");
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %.1fx faster | %.1fx faster | %.2fx |%n",
                        shape,
                        function,
                        fn / hof,
                        fn / udf,
                        raw / fn);
            }
        }
    }

    private static double rate(List<Result> results, String shape, String function, String variant) {
        return results.stream()
                .filter(r -> r.shape().equals(shape)
                        && r.function().equals(function)
                        && r.variant().equals(variant))
                .findFirst()
                .map(Result::rowsPerSecond)
                .orElse(Double.NaN);
    }

    private static void runShape(
            SparkSession spark, String shape, int rows, int vocab, double baselineFraction, List<Result> results)
            throws Exception {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        Dataset<Row> data = spark.range(0, rows, 1, 2)
                .map(
                        (MapFunction<Long, Row>) id -> RowFactory.create(
                                id,
                                scala.Predef.wrapFloatArray(GenerateLogits.logits(id, vocab, false))
                                        .toSeq()),
                        Encoders.row(schema))
                .persist(StorageLevel.MEMORY_ONLY());
        long count = data.count();
        log("%s: cached %d rows", shape, count);
        int baselineRows = (int) Math.max(1, Math.round(rows * baselineFraction));
        Dataset<Row> baseline = data.filter(col("id").lt(baselineRows));
        Dataset<Row> warm = data.filter(col("id").lt(Math.max(1, baselineRows / 10)));

        // Each as one expression whose per-row max and sum are computed once: aggregate's finish lambda receives them
        // (two stacked selects would be collapsed by the optimizer into a sum recomputed for every element).
        String maxAndSum = "aggregate(logits, named_struct('m', array_max(logits), 's', 0D),"
                + " (acc, y) -> named_struct('m', acc.m, 's', acc.s + exp(y - acc.m)), ";
        Column hofSoftmax = expr(maxAndSum + "acc -> transform(logits, x -> CAST(exp(x - acc.m) / acc.s AS FLOAT)))");
        Column hofTopK = expr(maxAndSum + "acc -> transform(slice(sort_array(transform(logits, (x, i) -> struct("
                + "CAST(x - acc.m - ln(acc.s) AS FLOAT) AS logprob, -i AS neg_token)), false), 1, 5),"
                + " e -> struct(-e.neg_token AS token, e.logprob AS logprob)))");

        // softmax
        timeEngine(results, shape, "softmax", data, rows, expr("softmax(logits)"));
        timeBaseline(
                results,
                shape,
                "softmax",
                "(a) higher-order functions",
                baseline,
                warm,
                baselineRows,
                df -> df.select(hofSoftmax));
        timeBaseline(
                results,
                shape,
                "softmax",
                "(b) boxed Java UDF",
                baseline,
                warm,
                baselineRows,
                df -> df.select(expr("boxed_softmax(logits)")));
        results.add(rawSoftmax(shape, rows, vocab));

        // top_k_logprobs(logits, 5)
        timeEngine(results, shape, "top_k_logprobs", data, rows, expr("top_k_logprobs(logits, 5)"));
        timeBaseline(
                results,
                shape,
                "top_k_logprobs",
                "(a) higher-order functions",
                baseline,
                warm,
                baselineRows,
                df -> df.select(hofTopK));
        timeBaseline(
                results,
                shape,
                "top_k_logprobs",
                "(b) boxed Java UDF",
                baseline,
                warm,
                baselineRows,
                df -> df.select(expr("boxed_top_k_logprobs(logits)")));
        results.add(rawTopK(shape, rows, vocab));
        data.unpersist(true);
    }

    private static void noop(Dataset<Row> df) {
        df.write().format("noop").mode("overwrite").save();
    }

    private static void timeEngine(
            List<Result> results, String shape, String function, Dataset<Row> data, long rows, Column column) {
        noop(data.select(column));
        double[] times = new double[3];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            noop(data.select(column));
            times[i] = (System.nanoTime() - start) / 1e9;
        }
        java.util.Arrays.sort(times);
        log("%s %s engine function: %.3f %.3f %.3f s", shape, function, times[0], times[1], times[2]);
        results.add(new Result(shape, function, "engine function (Spark SQL)", rows, times[1]));
    }

    private static void timeBaseline(
            List<Result> results,
            String shape,
            String function,
            String variant,
            Dataset<Row> baseline,
            Dataset<Row> warm,
            long rows,
            java.util.function.Function<Dataset<Row>, Dataset<Row>> query) {
        noop(query.apply(warm));
        long start = System.nanoTime();
        noop(query.apply(baseline));
        double seconds = (System.nanoTime() - start) / 1e9;
        log("%s %s %s: %.3f s on %d rows", shape, function, variant, seconds, rows);
        results.add(new Result(shape, function, variant, rows, seconds));
    }

    /** One batched softmax over an off-heap [rows, vocab] tensor of the same floats, on 2 threads. */
    private static Result rawSoftmax(String shape, int rows, int vocab) {
        try (Arena arena = Arena.ofShared();
                SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().threads(2).warmUp(true).build())) {
            TensorView src = fill(arena, rows, vocab);
            TensorView dst = TensorView.allocate(arena, DType.F32, rows, vocab);
            engine.softmax(src, dst);
            double[] times = new double[5];
            for (int i = 0; i < times.length; i++) {
                long start = System.nanoTime();
                engine.softmax(src, dst);
                times[i] = (System.nanoTime() - start) / 1e9;
            }
            java.util.Arrays.sort(times);
            log(
                    "%s softmax engine raw (2 threads, one call): median %.4f s (%s), backend %s",
                    shape, times[2], java.util.Arrays.toString(times), engine.statistics());
            return new Result(shape, "softmax", "engine raw, outside Spark", rows, times[2]);
        }
    }

    /** One batched log-sum-exp (2 threads) plus the functions' top-5 selection per row, rows split over 2 threads. */
    private static Result rawTopK(String shape, int rows, int vocab) throws Exception {
        try (Arena arena = Arena.ofShared();
                SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().threads(2).warmUp(true).build())) {
            TensorView src = fill(arena, rows, vocab);
            TensorView lse = TensorView.allocate(arena, DType.F32, rows);
            int[][] ids = new int[rows][];
            float[][] logprobs = new float[rows][];
            Runnable run = () -> {
                engine.logSumExp(src, lse, 1);
                Thread[] threads = new Thread[2];
                for (int t = 0; t < 2; t++) {
                    int first = t * rows / 2;
                    int last = (t + 1) * rows / 2;
                    threads[t] = new Thread(() -> {
                        int[] topIds = new int[5];
                        float[] topValues = new float[5];
                        MemorySegment segment = src.segment();
                        for (int r = first; r < last; r++) {
                            RowKernels.select(segment, (long) r * vocab, vocab, 5, topIds, topValues);
                            float l = lse.segment().getAtIndex(ValueLayout.JAVA_FLOAT, r);
                            float[] out = new float[5];
                            for (int j = 0; j < 5; j++) {
                                out[j] = topValues[j] - l;
                            }
                            ids[r] = topIds.clone();
                            logprobs[r] = out;
                        }
                    });
                    threads[t].start();
                }
                for (Thread thread : threads) {
                    try {
                        thread.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            run.run();
            double[] times = new double[5];
            for (int i = 0; i < times.length; i++) {
                long start = System.nanoTime();
                run.run();
                times[i] = (System.nanoTime() - start) / 1e9;
            }
            java.util.Arrays.sort(times);
            log("%s top_k_logprobs engine raw: median %.4f s (%s)", shape, times[2], java.util.Arrays.toString(times));
            return new Result(shape, "top_k_logprobs", "engine raw, outside Spark", rows, times[2]);
        }
    }

    private static TensorView fill(Arena arena, int rows, int vocab) {
        TensorView src = TensorView.allocate(arena, DType.F32, rows, vocab);
        for (int r = 0; r < rows; r++) {
            float[] x = GenerateLogits.logits(r, vocab, false);
            MemorySegment.copy(x, 0, src.segment(), ValueLayout.JAVA_FLOAT, (long) r * vocab, vocab);
        }
        return src;
    }

    // ---------------------------------------------------------------- (b): Java UDFs over the boxed array

    private static float[] unbox(Seq<Float> logits) {
        float[] x = new float[logits.size()];
        Iterator<Float> it = logits.iterator();
        for (int i = 0; it.hasNext(); i++) {
            x[i] = it.next();
        }
        return x;
    }

    /** What a user would write: unbox to float[], run the engine on it, return a float[]. */
    static float[] boxedSoftmax(Seq<Float> logits) {
        if (logits == null) {
            return null;
        }
        float[] x = unbox(logits);
        float[] out = new float[x.length];
        if (x.length > 0) {
            ExecutorEngine.get().softmax(TensorView.of(x, 1, x.length), TensorView.of(out, 1, x.length));
        }
        return out;
    }

    static Row[] boxedTopK(Seq<Float> logits) {
        if (logits == null) {
            return null;
        }
        float[] x = unbox(logits);
        int k = Math.min(5, x.length);
        float[] lse = new float[1];
        int[] ids = new int[k];
        float[] values = new float[k];
        if (x.length > 0) {
            ExecutorEngine.get().logSumExp(TensorView.of(x, 1, x.length), TensorView.of(lse, 1), 1);
            RowKernels.select(MemorySegment.ofArray(x), 0, x.length, k, ids, values);
        }
        Row[] out = new Row[k];
        for (int j = 0; j < k; j++) {
            out[j] = RowFactory.create(ids[j], values[j] - lse[0]);
        }
        return out;
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "SparkBenchmark: " + format + "%n", args);
        System.out.flush();
    }
}
