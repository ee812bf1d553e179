package dev.softmax.bindings.abi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Copies the oneDNN C headers out of the {@code org.bytedeco:dnnl} jar on the test class path (it arrives
 * through softmax-native), so that the probe is compiled against exactly the headers of the binary that is
 * loaded, not against whatever happens to be installed on the machine.
 */
final class DnnlHeaders {

    static final String RESOURCE_ROOT = "org/bytedeco/dnnl/linux-x86_64/include/";
    private static final String MARKER = RESOURCE_ROOT + "oneapi/dnnl/dnnl.h";

    private DnnlHeaders() {}

    /** Copies the include tree into {@code target} and returns {@code target}, ready for {@code gcc -I}. */
    static Path copyTo(Path target) {
        URL marker = DnnlHeaders.class.getClassLoader().getResource(MARKER);
        if (marker == null) {
            throw new IllegalStateException(MARKER + " is not on the test class path: the org.bytedeco:dnnl "
                    + "jar (linux-x86_64) should arrive through the softmax-native test dependency");
        }
        try {
            switch (marker.getProtocol()) {
                case "jar" -> copyFromJar(marker, target);
                case "file" -> copyFromFolder(marker, target);
                default -> throw new IllegalStateException("cannot read headers from " + marker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static void copyFromJar(URL marker, Path target) throws IOException {
        JarURLConnection connection = (JarURLConnection) marker.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            for (JarEntry entry : jar.stream().toList()) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith(RESOURCE_ROOT)) {
                    continue;
                }
                Path destination = resolveInside(target, name.substring(RESOURCE_ROOT.length()));
                Files.createDirectories(destination.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void copyFromFolder(URL marker, Path target) throws IOException {
        Path root;
        try {
            // .../include/oneapi/dnnl/dnnl.h -> .../include
            root = Path.of(marker.toURI()).getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path destination = resolveInside(target, root.relativize(file).toString());
                Files.createDirectories(destination.getParent());
                Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static Path resolveInside(Path target, String relative) {
        Path destination = target.resolve(relative).normalize();
        if (!destination.startsWith(target)) {
            throw new IllegalStateException("refusing to write " + relative + " outside " + target);
        }
        return destination;
    }
}
