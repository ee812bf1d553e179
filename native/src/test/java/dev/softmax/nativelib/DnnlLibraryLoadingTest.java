package dev.softmax.nativelib;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading in fresh JVMs: each search order rule, the failure messages, and concurrent extraction. */
class DnnlLibraryLoadingTest {

    @TempDir
    Path temp;

    @Test
    void bundledCopyIsExtractedIntoTheCacheAndLoaded() throws Exception {
        Path cache = temp.resolve("cache");
        ChildJvm.Outcome outcome =
                ChildJvm.run(ChildJvm.fullClassPath(), List.of("-Dsoftmax.native.cache=" + cache), Map.of());

        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(outcome.output()).contains("LOADED BUNDLED " + cache.toAbsolutePath());
        assertThat(outcome.output()).contains("GOMP " + cache.toAbsolutePath());
        // The loader must give OpenMP the passive wait policy before libgomp reads its environment.
        assertThat(outcome.output()).contains("ENV {OMP_WAIT_POLICY=PASSIVE}", "OMP_WAIT_POLICY=PASSIVE");
    }

    @Test
    void bundledCopyLoadsWhenTheUserHasNoName() throws Exception {
        // What the JDK reports for a uid that has no passwd entry (docker --user 1000, OpenShift).
        Path cache = temp.resolve("cache");
        ChildJvm.Outcome outcome = ChildJvm.run(
                ChildJvm.fullClassPath(), List.of("-Duser.name=?", "-Dsoftmax.native.cache=" + cache), Map.of());

        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(outcome.output()).contains("LOADED BUNDLED " + cache.toAbsolutePath());
    }

    @Test
    void userChosenWaitPolicyIsLeftAlone() throws Exception {
        ChildJvm.Outcome outcome = ChildJvm.run(
                ChildJvm.fullClassPath(),
                List.of("-Dsoftmax.native.cache=" + temp.resolve("cache")),
                Map.of("OMP_WAIT_POLICY", "ACTIVE"));

        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(outcome.output()).contains("ENV {}", "OMP_WAIT_POLICY=ACTIVE");
    }

    @Test
    void twoProcessesExtractingIntoAnEmptyCacheAtOnceBothLoad() throws Exception {
        Path cache = temp.resolve("shared-cache");
        Path go = temp.resolve("go");
        List<String> options = List.of("-Dsoftmax.native.cache=" + cache);
        Process first = ChildJvm.start(ChildJvm.fullClassPath(), options, Map.of(), List.of(go.toString()));
        Process second = ChildJvm.start(ChildJvm.fullClassPath(), options, Map.of(), List.of(go.toString()));
        // Both JVMs are started and spinning on the go file; releasing them together makes them race on
        // the same empty cache folder.
        Thread.sleep(1500);
        Files.createFile(go);

        ChildJvm.Outcome a = ChildJvm.await(first);
        ChildJvm.Outcome b = ChildJvm.await(second);

        assertThat(a.exitCode()).as(a.output()).isZero();
        assertThat(b.exitCode()).as(b.output()).isZero();
        assertThat(a.output()).contains("LOADED BUNDLED " + cache.toAbsolutePath());
        assertThat(b.output()).contains("LOADED BUNDLED " + cache.toAbsolutePath());
        try (Stream<Path> files = Files.walk(cache)) {
            List<String> names = files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .toList();
            // No temporary file may survive, and each library exists exactly once.
            assertThat(names).containsExactlyInAnyOrder("libdnnl.so.3", "libgomp.so.1");
        }
    }

    @Test
    void explicitPathThatDoesNotExistFailsNamingThePath() throws Exception {
        ChildJvm.Outcome outcome = ChildJvm.run(
                ChildJvm.fullClassPath(), List.of(), Map.of("SOFTMAX_DNNL_LIBRARY", "/nonexistent/libdnnl.so.3"));

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.output())
                .contains("FAILED oneDNN was requested from /nonexistent/libdnnl.so.3")
                .contains("SOFTMAX_DNNL_LIBRARY=/nonexistent/libdnnl.so.3")
                .contains("no such file")
                // An explicit request must not silently fall back to the bundled copy.
                .doesNotContain("  bundled ");
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() throws Exception {
        ChildJvm.Outcome outcome = ChildJvm.run(
                ChildJvm.fullClassPath(),
                List.of("-Dsoftmax.dnnl.library=/from/property/libdnnl.so.3"),
                Map.of("SOFTMAX_DNNL_LIBRARY", "/from/environment/libdnnl.so.3"));

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.output()).contains("/from/property/libdnnl.so.3").doesNotContain("/from/environment");
    }

    @Test
    void explicitPathToAFileThatIsNotALibraryFailsWithTheLinkersReason() throws Exception {
        Path bogus = Files.writeString(temp.resolve("libdnnl.so.3"), "not an ELF file");
        ChildJvm.Outcome outcome =
                ChildJvm.run(ChildJvm.fullClassPath(), List.of(), Map.of("SOFTMAX_DNNL_LIBRARY", bogus.toString()));

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.output()).contains(bogus.toString()).contains("the dynamic linker refused it");
    }

    @Test
    void explicitPathToTheExtractedCopyLoadsIt() throws Exception {
        Path cache = temp.resolve("cache");
        ChildJvm.Outcome first =
                ChildJvm.run(ChildJvm.fullClassPath(), List.of("-Dsoftmax.native.cache=" + cache), Map.of());
        assertThat(first.exitCode()).as(first.output()).isZero();
        Path extracted;
        try (Stream<Path> files = Files.walk(cache)) {
            extracted = files.filter(p -> p.getFileName().toString().equals("libdnnl.so.3"))
                    .findFirst()
                    .orElseThrow();
        }

        ChildJvm.Outcome outcome = ChildJvm.run(
                ChildJvm.classPathWithoutDnnl(), List.of(), Map.of("SOFTMAX_DNNL_LIBRARY", extracted.toString()));

        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(outcome.output()).contains("LOADED EXPLICIT " + extracted);
    }

    @Test
    void withNoOneDnnAnywhereTheErrorListsEveryPlaceTried() throws Exception {
        Path emptyLibraryFolder = Files.createDirectory(temp.resolve("empty-lib"));
        ChildJvm.Outcome outcome = ChildJvm.run(
                ChildJvm.classPathWithoutDnnl(), List.of("-Djava.library.path=" + emptyLibraryFolder), Map.of());

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.output())
                .contains("FAILED oneDNN could not be loaded for platform linux-x86_64")
                .contains("bundled classpath:org/bytedeco/dnnl/linux-x86_64/libdnnl.so.3: not on the class path")
                .contains("org.bytedeco:dnnl:3.13-1.5.14:linux-x86_64 is missing")
                .contains("system " + emptyLibraryFolder.resolve("libdnnl.so.3") + ": no such file")
                .contains("system /usr/lib/x86_64-linux-gnu/libdnnl.so.3: no such file")
                .contains("system /usr/local/lib/libdnnl.so.3: no such file");
        // Bundled is tried before system, and the java.library.path entry before the standard folders.
        String text = outcome.output();
        assertThat(text.indexOf("bundled classpath")).isLessThan(text.indexOf("system "));
        assertThat(text.indexOf(emptyLibraryFolder.toString())).isLessThan(text.indexOf("/usr/lib/x86_64-linux-gnu"));
    }
}
