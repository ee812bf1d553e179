package dev.softmax.nativelib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledLibraryCacheTest {

    private static final String GOMP = "org/bytedeco/dnnl/linux-x86_64/libgomp.so.1";

    @TempDir
    Path temp;

    @Test
    void manifestMatchesTheJarOnTheClassPath() throws Exception {
        Properties manifest = new Properties();
        try (InputStream in = DnnlLibrary.class.getResourceAsStream("bundled-natives.properties")) {
            manifest.load(in);
        }
        for (String file : new String[] {"libdnnl.so.3", "libgomp.so.1"}) {
            byte[] content;
            try (InputStream in =
                    getClass().getClassLoader().getResourceAsStream("org/bytedeco/dnnl/linux-x86_64/" + file)) {
                assertThat(in).as(file + " in the dnnl jar").isNotNull();
                content = in.readAllBytes();
            }
            String sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            assertThat(manifest.getProperty("linux-x86_64/" + file + ".sha256"))
                    .as(file)
                    .isEqualTo(sha256);
            assertThat(manifest.getProperty("linux-x86_64/" + file + ".size"))
                    .as(file)
                    .isEqualTo(Long.toString(content.length));
        }
    }

    @Test
    void extractsOnceIntoAnOwnerOnlyFolderNamedByTheHash() throws Exception {
        BundledLibraryCache cache = new BundledLibraryCache(temp.resolve("root"));
        String sha = expected("sha256");
        long size = Long.parseLong(expected("size"));

        Path first = cache.materialise(getClass().getClassLoader(), GOMP, "libgomp.so.1", sha, size);
        long modified = Files.getLastModifiedTime(first).toMillis();
        Path second = cache.materialise(getClass().getClassLoader(), GOMP, "libgomp.so.1", sha, size);

        assertThat(first)
                .isEqualTo(temp.resolve("root")
                        .resolve(sha)
                        .resolve("libgomp.so.1")
                        .toAbsolutePath());
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis())
                .as("second call reuses the file")
                .isEqualTo(modified);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("root"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void contentWithTheWrongHashIsRejectedAndLeavesNothingBehind() throws IOException {
        BundledLibraryCache cache = new BundledLibraryCache(temp.resolve("root"));
        String wrong = "0".repeat(64);

        assertThatThrownBy(() -> cache.materialise(
                        getClass().getClassLoader(), GOMP, "libgomp.so.1", wrong, Long.parseLong(expected("size"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has SHA-256 " + expected("sha256"))
                .hasMessageContaining("but " + wrong + " was expected");
        try (Stream<Path> files = Files.walk(temp.resolve("root"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aTruncatedCachedFileIsReplaced() throws Exception {
        BundledLibraryCache cache = new BundledLibraryCache(temp.resolve("root"));
        String sha = expected("sha256");
        long size = Long.parseLong(expected("size"));
        Path target = cache.materialise(getClass().getClassLoader(), GOMP, "libgomp.so.1", sha, size);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Files.write(target, new byte[100]);

        Path again = cache.materialise(getClass().getClassLoader(), GOMP, "libgomp.so.1", sha, size);

        assertThat(Files.size(again)).isEqualTo(size);
    }

    @Test
    void aCacheFolderOthersCanWriteToIsTightenedBeforeUse() throws Exception {
        Path root = Files.createDirectory(temp.resolve("root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        BundledLibraryCache cache = new BundledLibraryCache(root);

        cache.materialise(
                getClass().getClassLoader(),
                GOMP,
                "libgomp.so.1",
                expected("sha256"),
                Long.parseLong(expected("size")));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void aFolderThisProcessCreatedIsAcceptedWhenItsUserHasNoName() throws Exception {
        // A uid without a passwd entry (docker --user 1000, OpenShift) makes the JDK report user.name "?",
        // while the folder's owner reads back as the numeric uid.
        String userName = System.getProperty("user.name");
        System.setProperty("user.name", "?");
        Path target;
        try {
            BundledLibraryCache cache = new BundledLibraryCache(temp.resolve("root"));
            target = cache.materialise(
                    getClass().getClassLoader(),
                    GOMP,
                    "libgomp.so.1",
                    expected("sha256"),
                    Long.parseLong(expected("size")));
        } finally {
            System.setProperty("user.name", userName);
        }

        assertThat(Files.size(target)).isEqualTo(Long.parseLong(expected("size")));
    }

    @Test
    void aCacheFolderOwnedBySomeoneElseIsRefused() throws Exception {
        Path root = Files.createDirectory(temp.resolve("root"));
        UserPrincipal owner = Files.getOwner(root);
        // A uid with no passwd entry is looked up by its number; uid + 1 is someone other than the owner.
        UserPrincipal someoneElse = root.getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(Integer.toString((Integer) Files.getAttribute(root, "unix:uid") + 1));
        assertThat(someoneElse).isNotEqualTo(owner);
        BundledLibraryCache cache = new BundledLibraryCache(root, someoneElse);

        assertThatThrownBy(() -> cache.materialise(
                        getClass().getClassLoader(),
                        GOMP,
                        "libgomp.so.1",
                        expected("sha256"),
                        Long.parseLong(expected("size"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cache folder " + root.toAbsolutePath() + " belongs to " + owner.getName()
                        + ", not to " + someoneElse.getName() + "; refusing to load native code from it");
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).as("nothing extracted into the refused folder").isEmpty();
        }
    }

    @Test
    void aCacheRootThatIsAFileIsReported() throws Exception {
        Path file = Files.writeString(temp.resolve("root"), "x");
        BundledLibraryCache cache = new BundledLibraryCache(file);

        assertThatThrownBy(() -> cache.materialise(
                        getClass().getClassLoader(),
                        GOMP,
                        "libgomp.so.1",
                        expected("sha256"),
                        Long.parseLong(expected("size"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " exists but is not a folder");
    }

    private static String expected(String what) throws IOException {
        Properties manifest = new Properties();
        try (InputStream in = DnnlLibrary.class.getResourceAsStream("bundled-natives.properties")) {
            manifest.load(in);
        }
        return manifest.getProperty("linux-x86_64/libgomp.so.1." + what);
    }
}
