package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.testing.OptionsProbeMain;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where the backend comes from: the builder beats the system property {@code softmax.backend}, which beats the
 * environment variable {@code SOFTMAX_BACKEND}, which beats the default AUTO. The property is set and restored
 * here; the environment variable can only be set for a child JVM.
 */
class EngineOptionsTest {

    private static final String PROPERTY = "softmax.backend";
    private String savedProperty;

    @BeforeEach
    void saveProperty() {
        savedProperty = System.getProperty(PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, savedProperty);
        }
    }

    /** What configuredBackend() gives when the property is absent: the environment's value, else AUTO. */
    private static Backend fromEnvironmentOrAuto() {
        String environment = System.getenv("SOFTMAX_BACKEND");
        return environment == null || environment.isBlank()
                ? Backend.AUTO
                : Backend.parse(environment, "environment variable SOFTMAX_BACKEND");
    }

    @ParameterizedTest(name = "-Dsoftmax.backend=''{0}'' -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {"java|JAVA", "onednn|ONEDNN", "auto|AUTO", "  OneDNN  |ONEDNN", "JAVA|JAVA"})
    void systemPropertyChoosesTheBackend(String value, Backend expected) {
        System.setProperty(PROPERTY, value);
        assertThat(EngineOptions.configuredBackend()).isEqualTo(expected);
        assertThat(EngineOptions.defaults().backend()).isEqualTo(expected);
        assertThat(EngineOptions.builder().build().backend()).isEqualTo(expected);
    }

    @Test
    void builderBeatsTheSystemProperty() {
        System.setProperty(PROPERTY, "java");
        for (Backend backend : Backend.values()) {
            assertThat(EngineOptions.builder().backend(backend).build().backend())
                    .isEqualTo(backend);
        }
        System.setProperty(PROPERTY, "onednn");
        assertThat(EngineOptions.builder().backend(Backend.JAVA).build().backend())
                .isEqualTo(Backend.JAVA);
    }

    @Test
    void blankOrAbsentPropertyFallsBackToEnvironmentThenAuto() {
        System.clearProperty(PROPERTY);
        assertThat(EngineOptions.configuredBackend()).isEqualTo(fromEnvironmentOrAuto());
        System.setProperty(PROPERTY, "   ");
        assertThat(EngineOptions.configuredBackend()).isEqualTo(fromEnvironmentOrAuto());
    }

    @Test
    void badPropertyValueNamesThePropertyAndTheValue() {
        System.setProperty(PROPERTY, "cuda");
        assertThatThrownBy(EngineOptions::configuredBackend)
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("system property softmax.backend")
                .hasMessageContaining("'cuda'")
                .hasMessageContaining("auto, onednn or java");
        assertThatThrownBy(EngineOptions::defaults).isInstanceOf(IllegalArgumentException.class);
        // The builder's own value does not consult the property at all.
        assertThat(EngineOptions.builder().backend(Backend.JAVA).build().backend())
                .isEqualTo(Backend.JAVA);
    }

    @Test
    void engineFromDefaultsUsesTheProperty() {
        System.setProperty(PROPERTY, "java");
        try (SoftmaxEngine engine = SoftmaxEngine.create()) {
            assertThat(engine.options().backend()).isEqualTo(Backend.JAVA);
            assertThat(engine.backend().requested()).isEqualTo(Backend.JAVA);
            assertThat(engine.backend().onednnAvailable()).isFalse();
        }
    }

    @Test
    void defaultsAndRoundTrip() {
        EngineOptions options = EngineOptions.builder().backend(Backend.ONEDNN).build();
        assertThat(options.threads()).isEqualTo(1);
        assertThat(options.primitiveCacheCapacity())
                .isEqualTo(EngineOptions.DEFAULT_PRIMITIVE_CACHE_CAPACITY)
                .isEqualTo(256);
        assertThat(options.edgePolicy()).isEqualTo(EdgePolicy.ZERO);
        assertThat(options.warmUp()).isFalse();
        EngineOptions custom = EngineOptions.builder()
                .backend(Backend.JAVA)
                .threads(3)
                .primitiveCacheCapacity(7)
                .edgePolicy(EdgePolicy.REJECT)
                .warmUp(true)
                .build();
        assertThat(custom.toBuilder().build()).isEqualTo(custom);
        assertThat(EngineOptions.builder()
                        .backend(Backend.JAVA)
                        .threads(4096)
                        .primitiveCacheCapacity(1_000_000)
                        .build()
                        .threads())
                .isEqualTo(4096);
        try (SoftmaxEngine engine = SoftmaxEngine.create(custom)) {
            assertThat(engine.options()).isEqualTo(custom);
            assertThat(engine.backend().threads()).isEqualTo(3);
        }
    }

    /**
     * Warm-up must reach what real traffic will use: under AUTO that includes oneDNN (bf16 rows), which an
     * f32-only warm-up never touched. Its calls and cache lookups are not counted afterwards.
     */
    @Test
    void warmUpUnderAutoReachesOnednnAndIsNotCounted() {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.AUTO).warmUp(true).build())) {
            org.junit.jupiter.api.Assumptions.assumeTrue(engine.backend().onednnAvailable(), "needs oneDNN");
            EngineStatistics statistics = engine.statistics();
            assertThat(statistics.primitiveCacheSize())
                    .as("oneDNN primitives built by the warm-up")
                    .isGreaterThan(0);
            assertThat(statistics.javaCalls()).isZero();
            assertThat(statistics.onednnCalls()).isZero();
            assertThat(statistics.primitiveCacheHits()).isZero();
            assertThat(statistics.primitiveCacheMisses()).isZero();
        }
    }

    @Test
    void nullsAreRejectedByName() {
        assertThatThrownBy(() -> EngineOptions.builder().backend(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("backend");
        assertThatThrownBy(() -> EngineOptions.builder().edgePolicy(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("edgePolicy");
        assertThatThrownBy(() -> new EngineOptions(Backend.AUTO, 1, 1, null, false))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("edgePolicy");
    }

    // ---------------------------------------------------------------------------------------------------------
    // The environment variable, in a child JVM.

    static Map<String, String> probe(String environmentValue, String propertyValue) throws Exception {
        List<String> command = ChildJvm.command(
                false,
                propertyValue == null ? List.of() : List.of("-D" + PROPERTY + "=" + propertyValue),
                OptionsProbeMain.class);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SOFTMAX_BACKEND");
        if (environmentValue != null) {
            builder.environment().put("SOFTMAX_BACKEND", environmentValue);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("child output: %s", output).isZero();
        Map<String, String> answers = new LinkedHashMap<>();
        output.lines().filter(line -> line.contains("=")).forEach(line -> {
            int at = line.indexOf('=');
            answers.put(line.substring(0, at), line.substring(at + 1));
        });
        return answers;
    }

    @Test
    void environmentVariableChoosesTheBackendWhenNoPropertyIsSet() throws Exception {
        Map<String, String> answers = probe("java", null);
        assertThat(answers)
                .containsEntry("configured", "JAVA")
                .containsEntry("defaults", "JAVA")
                .containsEntry("builder", "AUTO");
        assertThat(probe(null, null)).containsEntry("configured", "AUTO");
    }

    @Test
    void systemPropertyBeatsEnvironmentVariableAndBuilderBeatsBoth() throws Exception {
        Map<String, String> answers = probe("java", "onednn");
        assertThat(answers)
                .containsEntry("configured", "ONEDNN")
                .containsEntry("defaults", "ONEDNN")
                .containsEntry("builder", "AUTO");
        // A blank property does not hide the environment.
        assertThat(probe("onednn", "")).containsEntry("configured", "ONEDNN");
    }

    @Test
    void badEnvironmentValueNamesTheVariable() throws Exception {
        Map<String, String> answers = probe("tpu", null);
        assertThat(answers.get("configured"))
                .startsWith("IllegalArgumentException")
                .contains("environment variable SOFTMAX_BACKEND", "'tpu'");
        assertThat(answers).containsEntry("builder", "AUTO");
        // A good property makes the bad environment value irrelevant.
        assertThat(probe("tpu", "java")).containsEntry("configured", "JAVA");
    }
}
