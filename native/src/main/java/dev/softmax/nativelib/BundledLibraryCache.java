package dev.softmax.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The per-user folder that bundled native libraries are extracted into, one sub-folder per file content
 * ({@code <root>/<sha256>/<file name>}).
 *
 * <p>Why this shape: a shared library must be a real file to be {@code dlopen}ed, extracting 90 MB on every
 * start is slow, and two JVMs starting at once must never load a half-written file. Keying by content hash
 * gives a new oneDNN a new folder, writing to a temporary name in the same folder followed by an atomic
 * {@code rename} means a reader sees either no file or a complete one, and hashing the cached file again before
 * each load means a file changed on disk (tampered with, damaged) is replaced instead of loaded.
 * Folders are created {@code rwx------} and a folder another user can write to is refused, since anything
 * loaded from it runs as native code in this process.
 */
final class BundledLibraryCache {

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_LIBRARY = PosixFilePermissions.fromString("r-x------");

    /** How long a partial file must be untouched before it counts as left behind by a killed process. */
    static final java.time.Duration STALE_PARTIAL = java.time.Duration.ofMinutes(10);

    private final Path root;
    /** Null until a folder is first checked; see {@link #processOwner()}. */
    private UserPrincipal processOwner;

    BundledLibraryCache(Path root) {
        this(root, null);
    }

    /**
     * @param processOwner the owner the cache folders must have, or null to use whoever owns a file this
     *                     process creates (tests pass another user to see a foreign folder refused)
     */
    BundledLibraryCache(Path root, UserPrincipal processOwner) {
        this.root = root.toAbsolutePath().normalize();
        this.processOwner = processOwner;
    }

    /**
     * The cache root: {@code -Dsoftmax.native.cache}, else {@code SOFTMAX_NATIVE_CACHE}, else
     * {@code $XDG_CACHE_HOME/softmax-engine}, else {@code ~/.cache/softmax-engine}.
     */
    static Path defaultRoot() {
        String configured = Settings.get("softmax.native.cache", "SOFTMAX_NATIVE_CACHE");
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "softmax-engine");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "softmax-engine");
    }

    Path root() {
        return root;
    }

    /**
     * Returns the cached copy of a bundled file, extracting it first if this content is not cached yet.
     *
     * @param resource       class-path resource to extract
     * @param fileName       name the file must have on disk (the dynamic linker matches sonames)
     * @param expectedSha256 lower-case hex SHA-256 the content must have
     * @param expectedSize   size in bytes the content must have
     */
    Path materialise(ClassLoader loader, String resource, String fileName, String expectedSha256, long expectedSize)
            throws IOException {
        Path folder = root.resolve(expectedSha256);
        ensurePrivateFolder(root, true);
        ensurePrivateFolder(folder, false);
        Path target = folder.resolve(fileName);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == expectedSize) {
            // The size alone is not proof: a file of the right size with other bytes (tampered with, or damaged
            // on disk) must never be loaded. Hashing 90 MB costs 0.15-0.4 s per JVM start; such a file is replaced.
            if (sha256Of(target).equals(expectedSha256)) {
                return target;
            }
            System.Logger log = System.getLogger(BundledLibraryCache.class.getName());
            log.log(
                    System.Logger.Level.WARNING,
                    "cached " + target + " does not have SHA-256 " + expectedSha256 + "; extracting it again");
        }
        removeStalePartials(folder, fileName);
        Path partial = Files.createTempFile(folder, "." + fileName + ".", ".partial");
        try {
            String actual = copyHashing(loader, resource, partial);
            if (!actual.equals(expectedSha256)) {
                throw new IOException("content of " + resource + " has SHA-256 " + actual + " but " + expectedSha256
                        + " was expected (a different dnnl jar on the class path?)");
            }
            Files.setPosixFilePermissions(partial, OWNER_ONLY_LIBRARY);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the cache folder " + folder + " does not support atomic renames", e);
            }
            return target;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * A process killed while extracting leaves its {@code .<name>.*.partial} file behind (90 MB for oneDNN). Such a
     * file untouched for {@link #STALE_PARTIAL} cannot belong to a live extraction (which writes it in about a
     * second), so it is deleted; younger ones may be another process's work in progress and are left alone.
     */
    private static void removeStalePartials(Path folder, String fileName) throws IOException {
        java.nio.file.attribute.FileTime cutoff =
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(STALE_PARTIAL));
        try (java.nio.file.DirectoryStream<Path> partials =
                Files.newDirectoryStream(folder, "." + fileName + ".*.partial")) {
            for (Path partial : partials) {
                try {
                    if (Files.isRegularFile(partial, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(partial, LinkOption.NOFOLLOW_LINKS)
                                            .compareTo(cutoff)
                                    < 0) {
                        Files.deleteIfExists(partial);
                    }
                } catch (IOException vanished) {
                    // Another process removed or renamed it meanwhile: nothing left to clean.
                }
            }
        }
    }

    /** The SHA-256 of a file's content, read without following a symbolic link at its name. */
    static String sha256Of(Path file) throws IOException {
        MessageDigest sha256 = newSha256();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    private static String copyHashing(ClassLoader loader, String resource, Path destination) throws IOException {
        MessageDigest sha256 = newSha256();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " vanished from the class path");
            }
            try (FileChannel channel = FileChannel.open(
                            destination, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha256)) {
                in.transferTo(out);
                out.flush();
                // Durable before the rename publishes it: a crash must not leave a complete-looking empty file.
                channel.force(true);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /**
     * The user this process's files belong to, learnt from a file it creates in the root (which exists by
     * the time any folder is checked).
     *
     * <p>Not {@code user.name}: for a uid without a passwd entry (docker {@code --user 1000}, OpenShift's
     * random uids) the JDK reports {@code "?"} while file owners read back as the numeric uid, so the name
     * check refused the very folder this process had just created. A file of our own carries exactly the
     * identity the folders are compared with, however (or whether) that identity is named. Two threads may
     * both probe; they get the same answer.
     */
    private UserPrincipal processOwner() throws IOException {
        if (processOwner == null) {
            Path probe = Files.createTempFile(root, ".owner-probe.", ".tmp");
            try {
                processOwner = Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
            } finally {
                Files.deleteIfExists(probe);
            }
        }
        return processOwner;
    }

    /**
     * Creates the folder owner-only, or checks that an existing one is a real folder that only its owner,
     * who must be us, can write to.
     */
    private void ensurePrivateFolder(Path folder, boolean createParents) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            if (createParents && folder.getParent() != null) {
                Files.createDirectories(folder.getParent());
            }
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another process created it first; it is checked below like any existing folder.
            }
        }
        PosixFileAttributes attributes =
                Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(folder + " exists but is not a folder");
        }
        UserPrincipal owner = attributes.owner();
        UserPrincipal me;
        try {
            me = processOwner();
        } catch (IOException e) {
            throw new IOException(
                    "cannot create a file in cache folder " + folder + " (owned by " + owner.getName()
                            + ") to learn which user this process runs as",
                    e);
        }
        if (!owner.equals(me)) {
            throw new IOException("cache folder " + folder + " belongs to " + owner.getName() + ", not to "
                    + me.getName() + "; refusing to load native code from it");
        }
        Set<PosixFilePermission> permissions = EnumSet.copyOf(attributes.permissions());
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            // It is ours, so tightening it is safe; a folder others could write to must not stay that way.
            permissions.removeAll(EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
            Files.setPosixFilePermissions(folder, permissions);
        }
    }
}
