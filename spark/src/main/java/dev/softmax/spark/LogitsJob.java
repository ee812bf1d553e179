package dev.softmax.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Parquet logits job: reads Parquet, applies a list of the functions to a column of logits, carries every other
 * column through, and writes Parquet.
 *
 * <pre>
 * LogitsJob --in X.parquet --out Y.parquet --functions softmax,entropy,top_k_logprobs:5
 *           [--temperature T] [--logits-column NAME] [--keep-logits] [--mode overwrite|error]
 * </pre>
 *
 * Functions: {@code softmax}, {@code log_softmax}, {@code logsumexp}, {@code entropy}, {@code top_k_logprobs:K},
 * {@code sample_token:SEED} (step from {@code --step-column NAME}, else 0), {@code kl_divergence:STUDENT_COLUMN};
 * each result is a column named after the function. The temperature applies to every function that takes one.
 * Runs on {@code local[*]} unless a master is configured (as {@code spark-submit} does).
 */
public final class LogitsJob {

    private LogitsJob() {}

    /** The parsed command line ({@link #parse}). */
    public record Arguments(
            String in,
            String out,
            List<String> functions,
            double temperature,
            String logitsColumn,
            String stepColumn,
            boolean keepLogits,
            String mode) {}

    public static void main(String[] args) {
        Arguments arguments = parse(args);
        SparkConf conf = new SparkConf().setAppName("softmax-logits-job");
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.set("spark.sql.extensions", SoftmaxSparkExtensions.class.getName());
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        try {
            long start = System.nanoTime();
            long rows = run(session, arguments);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "LogitsJob: wrote %d rows to %s in %.1f s (%.0f rows/s)%n",
                    rows,
                    arguments.out(),
                    seconds,
                    rows / seconds);
        } finally {
            session.stop();
        }
    }

    /** Runs the job in a session (with the functions registered) and returns the number of rows written. */
    public static long run(SparkSession session, Arguments arguments) {
        SoftmaxFunctions.register(session);
        Dataset<Row> input = session.read().parquet(arguments.in());
        String logitsName = arguments.logitsColumn();
        if (!List.of(input.columns()).contains(logitsName)) {
            throw new IllegalArgumentException("--logits-column: the input has no column '" + logitsName
                    + "'; its columns are " + String.join(", ", input.columns()));
        }
        Column logits = col(quote(logitsName));
        List<Column> columns = new ArrayList<>();
        for (String name : input.columns()) {
            if (arguments.keepLogits() || !name.equals(logitsName)) {
                columns.add(col(quote(name)));
            }
        }
        double t = arguments.temperature();
        for (String spec : arguments.functions()) {
            String[] parts = spec.split(":", 2);
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            String parameter = parts.length > 1 ? parts[1].strip() : null;
            Column result = switch (name) {
                case "softmax" -> SoftmaxFunctions.softmax(logits, t);
                case "log_softmax" -> SoftmaxFunctions.logSoftmax(logits, t);
                case "logsumexp" -> SoftmaxFunctions.logSumExp(logits);
                case "entropy" -> SoftmaxFunctions.entropy(logits, t);
                case "top_k_logprobs" ->
                    SoftmaxFunctions.topKLogprobs(logits, integer(spec, require(spec, parameter)), t);
                case "sample_token" ->
                    SoftmaxFunctions.sampleToken(
                            logits,
                            lit(Long.parseLong(require(spec, parameter))),
                            arguments.stepColumn() == null ? lit(0L) : col(quote(arguments.stepColumn())),
                            t,
                            0,
                            1,
                            0);
                case "kl_divergence" -> SoftmaxFunctions.klDivergence(logits, col(quote(require(spec, parameter))), t);
                default ->
                    throw new IllegalArgumentException("--functions: unknown function '" + name
                            + "'; expected softmax, log_softmax, logsumexp, entropy, top_k_logprobs:K,"
                            + " sample_token:SEED or kl_divergence:STUDENT_COLUMN");
            };
            columns.add(result.as(name));
        }
        Dataset<Row> output = input.select(columns.toArray(Column[]::new));
        output.write().mode(arguments.mode()).parquet(arguments.out());
        return session.read().parquet(arguments.out()).count();
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String require(String spec, String parameter) {
        if (parameter == null || parameter.isEmpty()) {
            throw new IllegalArgumentException("--functions: '" + spec + "' needs a parameter after ':'");
        }
        return parameter;
    }

    private static int integer(String spec, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--functions: '" + spec + "': '" + value + "' is not an integer", e);
        }
    }

    public static Arguments parse(String[] args) {
        String in = null;
        String out = null;
        List<String> functions = new ArrayList<>();
        double temperature = 1;
        String logitsColumn = "logits";
        String stepColumn = null;
        boolean keepLogits = false;
        String mode = "errorifexists";
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--keep-logits" -> keepLogits = true;
                case "--in", "--out", "--functions", "--temperature", "--logits-column", "--step-column", "--mode" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                    String value = args[++i];
                    switch (option) {
                        case "--in" -> in = value;
                        case "--out" -> out = value;
                        case "--functions" -> {
                            for (String f : value.split(",")) {
                                if (!f.isBlank()) {
                                    functions.add(f.strip());
                                }
                            }
                        }
                        case "--temperature" -> {
                            try {
                                temperature = Double.parseDouble(value);
                            } catch (NumberFormatException e) {
                                throw new IllegalArgumentException("--temperature: '" + value + "' is not a number");
                            }
                        }
                        case "--logits-column" -> logitsColumn = value;
                        case "--step-column" -> stepColumn = value;
                        default -> mode = value;
                    }
                }
                default ->
                    throw new IllegalArgumentException("unknown option '" + option
                            + "'; usage: --in X.parquet --out Y.parquet --functions softmax,entropy,top_k_logprobs:5"
                            + " [--temperature T] [--logits-column NAME] [--step-column NAME] [--keep-logits]"
                            + " [--mode overwrite|errorifexists]");
            }
        }
        if (in == null || out == null || functions.isEmpty()) {
            throw new IllegalArgumentException("--in, --out and --functions are required");
        }
        return new Arguments(in, out, functions, temperature, logitsColumn, stepColumn, keepLogits, mode);
    }
}
