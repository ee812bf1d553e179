package dev.softmax.spark;

import org.apache.spark.sql.SparkSession;

/** The test session: local[2], no UI, two shuffle partitions, the functions registered by the extension. */
final class SparkSessionForTests {

    private SparkSessionForTests() {}

    static SparkSession create() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("softmax-spark-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.extensions", SoftmaxSparkExtensions.class.getName())
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/softmax-spark-warehouse")
                .getOrCreate();
    }
}
