package dev.softmax.spark;

import dev.softmax.Backend;
import dev.softmax.EdgePolicy;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * The one {@link SoftmaxEngine} of this JVM (a Spark executor, or the driver in local mode): created on first use
 * from the Spark configuration, shared by every task thread (the engine is thread-safe), closed when the JVM shuts
 * down.
 *
 * <p>Settings, read from the executor's {@link SparkConf} when the engine is created (else from system properties
 * of the same names, else the defaults):
 * <ul>
 *   <li>{@code spark.softmax.backend}: {@code auto} (default), {@code onednn} or {@code java};</li>
 *   <li>{@code spark.softmax.edgePolicy}: {@code zero} (default: a fully masked row gives probability 0), {@code nan}
 *       or {@code reject} (a NaN or +inf logit fails the task, naming the function and the row);</li>
 *   <li>{@code spark.softmax.warmUp}: {@code true} (default) compiles the kernels when the engine is created.</li>
 * </ul>
 * Every call is single-threaded ({@code threads = 1}): Spark's parallelism is its task slots, one per core.
 */
public final class ExecutorEngine {

    public static final String BACKEND = "spark.softmax.backend";
    public static final String EDGE_POLICY = "spark.softmax.edgePolicy";
    public static final String WARM_UP = "spark.softmax.warmUp";

    private static volatile SoftmaxEngine engine;

    private ExecutorEngine() {}

    /** This JVM's engine, created on the first call. */
    public static SoftmaxEngine get() {
        SoftmaxEngine e = engine;
        if (e == null) {
            synchronized (ExecutorEngine.class) {
                e = engine;
                if (e == null) {
                    e = SoftmaxEngine.create(options());
                    SoftmaxEngine created = e;
                    Runtime.getRuntime().addShutdownHook(new Thread(created::close, "softmax-engine-shutdown"));
                    engine = e;
                }
            }
        }
        return e;
    }

    /** The options the engine is (or would be) created with. */
    public static EngineOptions options() {
        EngineOptions.Builder builder = EngineOptions.builder().threads(1);
        String backend = setting(BACKEND);
        if (backend != null) {
            builder.backend(Backend.parse(backend, BACKEND));
        }
        String policy = setting(EDGE_POLICY);
        if (policy != null) {
            try {
                builder.edgePolicy(EdgePolicy.valueOf(policy.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        EDGE_POLICY + ": '" + policy + "' is not an edge policy; expected zero, nan or reject", e);
            }
        }
        String warmUp = setting(WARM_UP);
        builder.warmUp(warmUp == null || Boolean.parseBoolean(warmUp.strip()));
        return builder.build();
    }

    private static String setting(String key) {
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            SparkConf conf = env.conf();
            if (conf.contains(key)) {
                return conf.get(key);
            }
        }
        String property = System.getProperty(key);
        return property == null || property.isBlank() ? null : property;
    }
}
