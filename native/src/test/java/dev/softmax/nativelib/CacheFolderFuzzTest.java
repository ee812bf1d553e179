package dev.softmax.nativelib;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.softmax.fuzzing.FuzzStats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the native-library cache with arbitrary folder contents before an extraction: wrong files, truncated files,
 * files of the right size with other bytes, folders where files belong, symbolic links (to files, folders, nowhere,
 * themselves) and odd permissions, at the root, the hash folder and the library's own name.
 *
 * <p>The property: {@link BundledLibraryCache#materialise} either returns {@code <root>/<sha256>/<name>}, a regular
 * file (not a link) holding exactly the bundled bytes, or throws {@link IOException}; never another exception, and
 * never a {@code .partial} file left behind. The bundled content is a 3000-byte payload served by a class loader of
 * the test's own, so each execution is cheap; the cache code does not depend on what the bytes are.
 *
 * <p>In CI this runs in regression mode over {@code CacheFolderFuzzTestInputs/}; {@code ci/fuzz-long.sh} runs it
 * coverage-guided (see RELIABILITY.md).
 */
class CacheFolderFuzzTest {

    private static final byte[] PAYLOAD = payload();
    private static final String SHA256 = sha256(PAYLOAD);
    private static final String NAME = "libfuzz.so.1";
    private static final String RESOURCE = "fuzz/libfuzz.so.1";
    private static final Path WORK = workFolder();

    private static final ClassLoader LOADER = new ClassLoader(null) {
        @Override
        public InputStream getResourceAsStream(String name) {
            return RESOURCE.equals(name) ? new ByteArrayInputStream(PAYLOAD) : null;
        }
    };

    @FuzzTest
    void anyCacheFolderContentGivesTheVerifiedFileOrAnIOException(FuzzedDataProvider data) throws Exception {
        FuzzStats.count("CacheFolderFuzzTest");
        wipe(WORK);
        Files.createDirectories(WORK);
        Path root = WORK.resolve("root");
        Path outside = Files.createDirectory(WORK.resolve("outside"));
        Files.write(outside.resolve("copy"), PAYLOAD);
        Path folder = root.resolve(SHA256);
        Path target = folder.resolve(NAME);
        List<Path> places = List.of(
                root,
                folder,
                target,
                folder.resolve("." + NAME + ".1.partial"),
                root.resolve("other"),
                folder.resolve("other"));
        int operations = data.consumeInt(0, 8);
        for (int i = 0; i < operations; i++) {
            Path place = data.pickValue(places);
            try {
                Files.createDirectories(place.getParent());
                plant(data, place, outside);
            } catch (IOException refusedByTheFileSystem) {
                // A place under a file or a link loop cannot be created; the folder stays as it is.
            }
        }
        List<Path> partialsBefore = CacheFaultTest.partialFiles(WORK);

        BundledLibraryCache cache = new BundledLibraryCache(root);
        Path result;
        try {
            result = cache.materialise(LOADER, RESOURCE, NAME, SHA256, PAYLOAD.length);
        } catch (IOException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(CacheFaultTest.partialFiles(WORK)).isSubsetOf(partialsBefore);
            return;
        }
        assertThat(result).isEqualTo(target.toAbsolutePath().normalize());
        assertThat(Files.isRegularFile(result, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readAllBytes(result)).isEqualTo(PAYLOAD);
        assertThat(Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS))
                .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        assertThat(CacheFaultTest.partialFiles(WORK)).isSubsetOf(partialsBefore);
    }

    private static void plant(FuzzedDataProvider data, Path place, Path outside) throws IOException {
        Files.deleteIfExists(place);
        switch (data.consumeInt(0, 9)) {
            case 0 -> Files.write(place, Arrays.copyOf(PAYLOAD, data.consumeInt(0, PAYLOAD.length - 1))); // truncated
            case 1 -> { // right size, other bytes
                byte[] bytes = PAYLOAD.clone();
                bytes[data.consumeInt(0, bytes.length - 1)] ^= (byte) (1 + data.consumeInt(0, 254));
                Files.write(place, bytes);
            }
            case 2 -> Files.write(place, data.consumeBytes(64)); // arbitrary bytes
            case 3 -> Files.write(place, PAYLOAD); // the right file, put there by someone
            case 4 -> Files.createDirectory(place);
            case 5 -> Files.createSymbolicLink(place, outside.resolve("copy"));
            case 6 -> Files.createSymbolicLink(place, outside);
            case 7 -> Files.createSymbolicLink(place, outside.resolve("nowhere"));
            case 8 -> Files.createSymbolicLink(place, place); // a loop
            default -> {
                Files.createDirectories(place);
                Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
                int bits = data.consumeInt(0, 0777);
                PosixFilePermission[] all = PosixFilePermission.values();
                for (int b = 0; b < all.length; b++) {
                    if ((bits & (1 << (8 - b))) != 0) {
                        permissions.add(all[b]);
                    }
                }
                Files.setPosixFilePermissions(place, permissions);
            }
        }
    }

    /** Deletes a folder tree without following links, making folders writable first (the fuzzer may chmod 000). */
    static void wipe(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (!(e instanceof NoSuchFileException)) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
                    wipe(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static byte[] payload() {
        byte[] bytes = new byte[3000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** In memory (/dev/shm) where there is one: each execution creates and deletes a dozen files. */
    private static Path workFolder() {
        try {
            Path shm = Path.of("/dev/shm");
            Path target = Path.of("target");
            Path base = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? shm
                    : Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
            Path folder = Files.createTempDirectory(base, "cache-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    wipe(folder);
                } catch (IOException ignored) {
                    // best effort
                }
            }));
            return folder;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
