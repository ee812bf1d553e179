package dev.softmax.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.bench.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report generator on a hand-made raw folder: JMH JSON, a trial record and C output. */
class ReportMainTest {

    @TempDir
    Path raw;

    @Test
    void ratiosComeFromMediansOfOneRun() throws Exception {
        Files.createDirectories(raw.resolve("jmh"));
        Files.createDirectories(raw.resolve("c"));
        Files.createDirectories(raw.resolve("trials"));
        Files.writeString(
                raw.resolve("jmh/01.json"),
                "["
                        + String.join(
                                ",",
                                jmh(
                                        "EngineBenchmark.softmax",
                                        "\"backend\":\"ONEDNN\",\"dtype\":\"F32\",\"threads\":\"1\",",
                                        1100,
                                        1000,
                                        1200),
                                jmh(
                                        "EngineBenchmark.softmax",
                                        "\"backend\":\"JAVA\",\"dtype\":\"F32\",\"threads\":\"1\",",
                                        1300,
                                        1200,
                                        1250),
                                jmh(
                                        "EngineBenchmark.softmax",
                                        "\"backend\":\"AUTO\",\"dtype\":\"F32\",\"threads\":\"1\",",
                                        1100,
                                        1000,
                                        1150),
                                jmh("OrtBenchmark.softmax", "\"threads\":\"1\",", 2200, 2000, 2100),
                                jmh("CopyBenchmark.copy", "\"dtype\":\"F32\",", 500, 550, 450),
                                jmh("NaiveBenchmark.softmax", "", 9000, 9900, 8800),
                                jmh(
                                        "BackwardBenchmark.softmaxBackward",
                                        "\"backend\":\"JAVA\",\"dtype\":\"F32\",\"threads\":\"1\",",
                                        1000,
                                        900,
                                        1100))
                        + "]");
        Files.writeString(raw.resolve("c/dnnl.txt"), """
                # dnnl_softmax_bench: oneDNN 3.13.0 (N/A) isa=cpu_isa_test
                RESULT impl=onednn-c op=softmax dtype=f32 placement=out threads=1 shape=64x32000 elements=2048000 \
                check=ok check_max_err=1e-07 impl_name=jit:test sample_ns=1000.0,1000.0,900.0
                """);
        Files.writeString(raw.resolve("trials/t.properties"), """
                key=dev.softmax.bench.EngineBenchmark.softmax;backend\\=AUTO;dtype\\=F32;shape\\=64x32000;threads\\=1
                engine.onednnCalls=5
                engine.javaCalls=0
                engine.onednnDeclined=0
                engine.onednnImplementations=jit\\:test
                check.maxError=2e-07
                """);

        ReportMain.main(new String[] {
            "--raw",
            raw.toString(),
            "--out",
            raw.resolve("REPORT.md").toString(),
            "--chart",
            raw.resolve("chart.png").toString()
        });

        String report = Files.readString(raw.resolve("REPORT.md"));
        // FFM / C = 1100 / 1000; Java / oneDNN = 1250 / 1100; AUTO / ORT = 1100 / 2100; AUTO / copy = 1100 / 500
        assertThat(report)
                .contains("| 1.10 (1.11) | 1.14 (1.20) | 0.52 (0.50) | 2.20 (2.22) | 8.18 (8.80) | oneDNN jit:test |")
                // engine JAVA backward / its own forward = 1000 / 1250 (best 900 / 1200)
                .containsPattern("\\| 64x32000 \\| softmax_bwd \\|.*\\| n/a \\| 0\\.80 \\(0\\.75\\) \\|\n")
                .doesNotContain("Engine: **n/a**")
                .contains("| oneDNN from C | softmax | f32 | out | 1 |");
        assertThat(Files.size(raw.resolve("chart.png"))).isGreaterThan(1000);
        Results results = Results.load(raw);
        assertThat(results.all()).hasSize(8);
        Result auto = results.find(Result.ENGINE_AUTO, "softmax", "f32", "out", 1, new Shape(64, 32000))
                .orElseThrow();
        assertThat(auto.median()).isEqualTo(1100);
        assertThat(auto.best()).isEqualTo(1000);
        assertThat(auto.allocBytesPerOp()).isEqualTo(0.001);
        assertThat(ReportMain.computedBy(auto)).isEqualTo("oneDNN jit:test");
    }

    @Test
    void bf16TableDividesAutoByOnednnFromCAndByOrtF32() throws Exception {
        Files.createDirectories(raw.resolve("jmh"));
        Files.createDirectories(raw.resolve("c"));
        Files.createDirectories(raw.resolve("trials"));
        Files.writeString(
                raw.resolve("jmh/01.json"),
                "["
                        + String.join(
                                ",",
                                jmh(
                                        "EngineBenchmark.softmax",
                                        "\"backend\":\"AUTO\",\"dtype\":\"BF16\",\"threads\":\"1\",",
                                        800,
                                        700,
                                        900),
                                jmh(
                                        "EngineBenchmark.softmax",
                                        "\"backend\":\"AUTO\",\"dtype\":\"F32\",\"threads\":\"1\",",
                                        1000,
                                        1000,
                                        1000),
                                jmh(
                                        "EngineBenchmark.softmax",
                                        "\"backend\":\"ONEDNN\",\"dtype\":\"BF16\",\"threads\":\"1\",",
                                        1100,
                                        1100,
                                        1100),
                                jmh("OrtBenchmark.softmax", "\"threads\":\"1\",", 1600, 1500, 1700))
                        + "]");
        Files.writeString(raw.resolve("c/dnnl.txt"), """
                # dnnl_softmax_bench: oneDNN 3.13.0 (N/A) isa=cpu_isa_test
                RESULT impl=onednn-c op=softmax dtype=bf16 placement=out threads=1 shape=64x32000 elements=2048000 \
                check=ok check_max_err=1e-03 impl_name=jit:test sample_ns=1000.0,1000.0,900.0
                """);
        Files.writeString(raw.resolve("trials/t.properties"), """
                key=dev.softmax.bench.EngineBenchmark.softmax;backend\\=AUTO;dtype\\=BF16;shape\\=64x32000;threads\\=1
                engine.onednnCalls=0
                engine.javaCalls=5
                engine.onednnDeclined=0
                check.maxError=2e-03
                """);

        ReportMain.main(new String[] {
            "--raw", raw.toString(), "--out", raw.resolve("REPORT.md").toString()
        });

        // AUTO / C = 800 / 1000 (best 700 / 900); AUTO / ORT f32 = 800 / 1600 (best 700 / 1500); ONEDNN / C =
        // 1100 / 1000; AUTO bf16 / AUTO f32 = 800 / 1000
        assertThat(Files.readString(raw.resolve("REPORT.md")))
                .contains("## bf16 in, bf16 out")
                .contains("| 64x32000 | 0.000 | Java | 0.001 | n/a | 0.000 | 0.80 (0.78) | 0.50 (0.47) |"
                        + " 1.10 (1.22) | 0.80 (0.70) |");
    }

    @Test
    void decodeStepSectionDividesByTheSoftmaxOfTheSameBatchAndMergesTorch() throws Exception {
        Files.createDirectories(raw.resolve("jmh"));
        Files.createDirectories(raw.resolve("torch"));
        Files.writeString(
                raw.resolve("jmh/01.json"),
                "["
                        + String.join(
                                ",",
                                jmh("SamplingBenchmark.sample", "\"scenario\":\"TOPK_TOPP\",", 1200, 1100, 1300),
                                jmh("SamplingBenchmark.softmax", "\"scenario\":\"GREEDY\",", 1000, 900, 1100),
                                jmh("NaiveSamplerBenchmark.sample", "\"scenario\":\"TOPK_TOPP\",", 24000, 22000, 26000))
                        + "]");
        Files.writeString(raw.resolve("torch/sampling.json"), """
                {"torch": "1.13.0", "threads": 1, "results": [
                  {"shape": "64x32000", "scenario": "TOPK_TOPP", "samples_ns": [60000, 66000, 72000]}]}
                """);

        ReportMain.main(new String[] {
            "--raw", raw.toString(), "--out", raw.resolve("REPORT.md").toString()
        });

        String report = Files.readString(raw.resolve("REPORT.md"));
        // engine / softmax = 1200 / 1000 (best 1100 / 900); naive / engine = 24000 / 1200; torch / engine = 66000 /
        // 1200
        assertThat(report)
                .contains("## Decode step (sampling)")
                .contains("PyTorch: PyTorch 1.13.0 (Debian python3-torch), 1 thread.")
                .contains("| 64x32000 | (b) T 0.8 + top-k 50 + top-p 0.9 | 1.20 µs | 1.00 µs | 1.20 (1.22) | 24.0 µs |"
                        + " 20.0 (20.0) | 66.0 µs | 55.0 (54.5) | 0 |");
        Results results = Results.load(raw);
        assertThat(results.all())
                .as("decode-step results stay out of the softmax tables")
                .isEmpty();
        assertThat(results.sampling()).hasSize(4);
    }

    @Test
    void zeroCopyDecodeLoopSectionDividesTheBridgeStepByThePlainSample() throws Exception {
        Files.createDirectories(raw.resolve("jmh"));
        Files.writeString(
                raw.resolve("jmh/01.json"),
                "["
                        + String.join(
                                ",",
                                jmh("DecodeLoopBenchmark.engineStep", "\"batch\":\"16\",", 2100, 2000, 2300),
                                jmh("DecodeLoopBenchmark.plainSample", "\"batch\":\"16\",", 2000, 1900, 2200),
                                jmh("DecodeLoopBenchmark.ortStep", "\"batch\":\"16\",", 300),
                                jmh("DecodeLoopBenchmark.fullStep", "\"batch\":\"16\",", 2500))
                        + "]");

        ReportMain.main(new String[] {
            "--raw", raw.toString(), "--out", raw.resolve("REPORT.md").toString()
        });

        // 2100 / 2000 = 1.05x, within the 1.1x target; a slower bridge step would print "**no**".
        assertThat(Files.readString(raw.resolve("REPORT.md")))
                .contains("## Zero-copy decode loop")
                .contains("| 2.1 µs, 0 B/op | 2.0 µs, 0 B/op | 1.05x | yes | 0.3 µs | 2.5 µs |");
        assertThat(Results.load(raw).all()).isEmpty();
    }

    @Test
    void withoutTorchTheDecodeStepSaysItWasNotMeasured() throws Exception {
        Files.createDirectories(raw.resolve("jmh"));
        Files.writeString(
                raw.resolve("jmh/01.json"),
                "[" + jmh("SamplingBenchmark.sample", "\"scenario\":\"GREEDY\",", 1200) + "]");

        ReportMain.main(new String[] {
            "--raw", raw.toString(), "--out", raw.resolve("REPORT.md").toString()
        });

        assertThat(Files.readString(raw.resolve("REPORT.md")))
                .contains("PyTorch: not measured (python3-torch absent).")
                .contains("| 64x32000 | (a) greedy | 1.20 µs | n/a | n/a | n/a | n/a | not measured | n/a | 0 |");
    }

    @Test
    void jsonReaderHandlesJmhOutput() {
        Object parsed =
                Json.parse("{\"a\": [1, 2.5e3, \"NaN\"], \"b\": {\"c\": true, \"d\": null}, \"e\": \"x\\\"y\"}");
        var map = Json.object(parsed);
        assertThat(Json.array(map.get("a"))).hasSize(3);
        assertThat(Json.number(Json.array(map.get("a")).get(1))).isEqualTo(2500);
        assertThat(Json.number(Json.array(map.get("a")).get(2))).isNaN();
        assertThat(map.get("e")).isEqualTo("x\"y");
        assertThat(List.of(ReportMain.perElement(0.123456), ReportMain.perElement(4.5678), ReportMain.time(1500)))
                .containsExactly("0.123", "4.57", "1.50 µs");
    }

    private static String jmh(String benchmark, String params, double... samples) {
        StringBuilder raw = new StringBuilder();
        for (double s : samples) {
            raw.append(raw.isEmpty() ? "" : ",").append(s);
        }
        return """
                {"benchmark": "dev.softmax.bench.%s", "mode": "avgt",
                 "params": {%s"shape": "64x32000"},
                 "primaryMetric": {"score": 0, "scoreError": "NaN", "scoreUnit": "ns/op", "rawData": [[%s]]},
                 "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 0.001, "scoreUnit": "B/op"}}}
                """.formatted(benchmark, params, raw);
    }
}
