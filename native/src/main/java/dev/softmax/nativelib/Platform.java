package dev.softmax.nativelib;

import java.util.Locale;
import java.util.Optional;

/**
 * The operating system and CPU architecture this JVM runs on, named the way the
 * {@code org.bytedeco:dnnl} jars name their classifiers ({@code linux-x86_64}, {@code macosx-arm64}, ...).
 *
 * <p>Only {@code linux-x86_64} is built and tested by this project; every other platform is recognised so
 * that the loader can say precisely which artifact would be needed instead of failing obscurely.
 */
public record Platform(String os, String arch) {

    /** Platform of the running JVM, from {@code os.name} and {@code os.arch}. */
    public static Platform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** Normalises Java's {@code os.name}/{@code os.arch} strings; unknown values are kept, lower-cased. */
    public static Platform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os;
        if (name.startsWith("linux")) {
            os = "linux";
        } else if (name.startsWith("mac") || name.startsWith("darwin")) {
            os = "macosx";
        } else if (name.startsWith("windows")) {
            os = "windows";
        } else {
            os = name.replace(' ', '_');
        }
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64", "em64t" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
        return new Platform(os, arch);
    }

    /** The classifier of the {@code org.bytedeco:dnnl} jar that would carry this platform's binaries. */
    public String classifier() {
        return os + "-" + arch;
    }

    /** True for the only platform whose binaries this project ships and tests. */
    public boolean isSupported() {
        return "linux".equals(os) && "x86_64".equals(arch);
    }

    /** File name of oneDNN's shared library on this platform, if the platform is known at all. */
    public Optional<String> dnnlFileName() {
        return switch (os) {
            case "linux" -> Optional.of("libdnnl.so.3");
            case "macosx" -> Optional.of("libdnnl.3.dylib");
            case "windows" -> Optional.of("dnnl.dll");
            default -> Optional.empty();
        };
    }

    /** File name of the GNU OpenMP runtime oneDNN is linked against, where one is shipped beside it. */
    public Optional<String> openMpFileName() {
        return "linux".equals(os) ? Optional.of("libgomp.so.1") : Optional.empty();
    }

    /** Folder of the bundled binaries inside the dnnl jar, as a class-path resource prefix. */
    public String bundledResourceFolder() {
        return "org/bytedeco/dnnl/" + classifier() + "/";
    }

    @Override
    public String toString() {
        return classifier();
    }
}
