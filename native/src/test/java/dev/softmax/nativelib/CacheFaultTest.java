package dev.softmax.nativelib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into the native-library cache (RELIABILITY.md, "Injected faults"): a tampered library of the
 * right size, symbolic links where files and folders belong, and extraction killed mid-write. The cache must never
 * hand out a file whose bytes are not the bundled ones, and the next run must recover.
 */
class CacheFaultTest {

    private static final String GOMP = "org/bytedeco/dnnl/linux-x86_64/libgomp.so.1";

    @TempDir
    Path temp;

    @Test
    void aCachedFileOfTheRightSizeWithOtherBytesIsDetectedAndReplaced() throws Exception {
        BundledLibraryCache cache = new BundledLibraryCache(temp.resolve("root"));
        Path target = materialiseGomp(cache);
        tamper(target);
        assertThat(BundledLibraryCache.sha256Of(target)).isNotEqualTo(manifest("libgomp.so.1", "sha256"));

        Path again = materialiseGomp(cache);

        assertThat(again).isEqualTo(target);
        assertThat(BundledLibraryCache.sha256Of(again)).isEqualTo(manifest("libgomp.so.1", "sha256"));
        assertNoPartialFiles(temp.resolve("root"));
    }

    @Test
    void aSymbolicLinkInPlaceOfTheCachedFileIsReplacedNotFollowed() throws Exception {
        BundledLibraryCache cache = new BundledLibraryCache(temp.resolve("root"));
        Path target = materialiseGomp(cache);
        // An attacker's file of the right size, linked where the library belongs.
        Path elsewhere = temp.resolve("elsewhere.so");
        Files.copy(target, elsewhere);
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
        tamper(elsewhere);
        Files.delete(target);
        Files.createSymbolicLink(target, elsewhere);

        Path again = materialiseGomp(cache);

        assertThat(Files.isSymbolicLink(again)).isFalse();
        assertThat(BundledLibraryCache.sha256Of(again)).isEqualTo(manifest("libgomp.so.1", "sha256"));
        assertThat(BundledLibraryCache.sha256Of(elsewhere))
                .as("the link's target is left alone")
                .isNotEqualTo(manifest("libgomp.so.1", "sha256"));
    }

    @Test
    void aCacheRootThatIsASymbolicLinkIsRefused() throws Exception {
        Path real = Files.createDirectory(temp.resolve("real"));
        Path link = Files.createSymbolicLink(temp.resolve("root"), real);
        BundledLibraryCache cache = new BundledLibraryCache(link);

        assertThatThrownBy(() -> materialiseGomp(cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(link + " exists but is not a folder");
        try (Stream<Path> files = Files.list(real)) {
            assertThat(files).as("nothing written through the link").isEmpty();
        }
    }

    @Test
    void aHashFolderThatIsASymbolicLinkIsRefused() throws Exception {
        Path root = Files.createDirectory(temp.resolve("root"));
        Path real = Files.createDirectory(temp.resolve("real"));
        Path link = Files.createSymbolicLink(root.resolve(manifest("libgomp.so.1", "sha256")), real);
        BundledLibraryCache cache = new BundledLibraryCache(root);

        assertThatThrownBy(() -> materialiseGomp(cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(link.toAbsolutePath() + " exists but is not a folder");
        try (Stream<Path> files = Files.list(real)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aLeftoverPartialFileFromAKilledExtractionDoesNotStopTheNextRun() throws Exception {
        BundledLibraryCache cache = new BundledLibraryCache(temp.resolve("root"));
        Path folder = Files.createDirectories(temp.resolve("root").resolve(manifest("libgomp.so.1", "sha256")));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(folder.getParent(), PosixFilePermissions.fromString("rwx------"));
        Path leftover = folder.resolve(".libgomp.so.1.123456.partial");
        Files.write(leftover, new byte[4096]);
        Files.setLastModifiedTime(
                leftover,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now()
                        .minus(BundledLibraryCache.STALE_PARTIAL)
                        .minusSeconds(1)));
        // A younger partial file may be another process's extraction in progress: it must be left alone.
        Path inProgress = Files.write(folder.resolve(".libgomp.so.1.777.partial"), new byte[10]);

        Path target = materialiseGomp(cache);

        assertThat(BundledLibraryCache.sha256Of(target)).isEqualTo(manifest("libgomp.so.1", "sha256"));
        assertThat(leftover).as("left behind by a killed process").doesNotExist();
        assertThat(inProgress).exists();
    }

    /**
     * The real fault: a JVM extracting into an empty cache is killed with SIGKILL at staggered moments; each time the
     * next JVM must load oneDNN from the same cache, from the verified bundled bytes.
     */
    @Test
    void extractionKilledMidWriteIsRecoveredByTheNextRun() throws Exception {
        int leftPartials = 0;
        int[] delaysMillis = {150, 400, 700, 1000, 1400};
        for (int delay : delaysMillis) {
            Path cache = temp.resolve("cache-" + delay);
            List<String> options = List.of("-Dsoftmax.native.cache=" + cache);
            Process victim = ChildJvm.start(ChildJvm.fullClassPath(), options, Map.of(), List.of());
            Thread.sleep(delay);
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
            leftPartials += partialFiles(cache).size();

            ChildJvm.Outcome next = ChildJvm.run(ChildJvm.fullClassPath(), options, Map.of());

            assertThat(next.exitCode())
                    .as("run after a kill at %d ms:%n%s", delay, next.output())
                    .isZero();
            assertThat(next.output()).contains("LOADED BUNDLED " + cache.toAbsolutePath());
            Path dnnl = cache.toAbsolutePath()
                    .resolve(manifest("libdnnl.so.3", "sha256"))
                    .resolve("libdnnl.so.3");
            assertThat(BundledLibraryCache.sha256Of(dnnl)).isEqualTo(manifest("libdnnl.so.3", "sha256"));
        }
        System.out.println("extraction killed " + delaysMillis.length + " times; partial files left behind: "
                + leftPartials + "; every next run loaded");
    }

    /** A tampered libdnnl.so.3 (same size, other bytes) in the cache of a real JVM: replaced, never loaded. */
    @Test
    void aTamperedLibdnnlInTheCacheIsReExtractedBeforeLoading() throws Exception {
        Path cache = temp.resolve("cache");
        List<String> options = List.of("-Dsoftmax.native.cache=" + cache);
        ChildJvm.Outcome first = ChildJvm.run(ChildJvm.fullClassPath(), options, Map.of());
        assertThat(first.exitCode()).as(first.output()).isZero();
        Path dnnl = cache.toAbsolutePath()
                .resolve(manifest("libdnnl.so.3", "sha256"))
                .resolve("libdnnl.so.3");
        tamper(dnnl);

        ChildJvm.Outcome second = ChildJvm.run(ChildJvm.fullClassPath(), options, Map.of());

        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.output()).contains("does not have SHA-256", "LOADED BUNDLED " + dnnl);
        assertThat(BundledLibraryCache.sha256Of(dnnl)).isEqualTo(manifest("libdnnl.so.3", "sha256"));
    }

    /** Flips bytes in the middle of the file, keeping its size. */
    static void tamper(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= (byte) 0x5A;
        }
        Files.write(file, bytes);
    }

    private Path materialiseGomp(BundledLibraryCache cache) throws IOException {
        return cache.materialise(
                getClass().getClassLoader(),
                GOMP,
                "libgomp.so.1",
                manifest("libgomp.so.1", "sha256"),
                Long.parseLong(manifest("libgomp.so.1", "size")));
    }

    static List<Path> partialFiles(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().endsWith(".partial")).forEach(found::add);
        }
        return found;
    }

    private static void assertNoPartialFiles(Path root) throws IOException {
        assertThat(partialFiles(root)).isEmpty();
    }

    static String manifest(String file, String what) throws IOException {
        Properties manifest = new Properties();
        try (InputStream in = DnnlLibrary.class.getResourceAsStream("bundled-natives.properties")) {
            manifest.load(in);
        }
        return manifest.getProperty("linux-x86_64/" + file + "." + what);
    }
}
