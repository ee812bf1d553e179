package dev.softmax.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Finds and loads oneDNN (and the GNU OpenMP runtime it is linked against) once per class loader.
 *
 * <p>Search order, the first that loads wins:
 * <ol>
 *   <li><b>explicit</b>: {@code -Dsoftmax.dnnl.library=PATH}, else the environment variable
 *       {@code SOFTMAX_DNNL_LIBRARY}. When given, it is the only candidate: a user who names a file wants that
 *       file or an error, never a silent substitute.</li>
 *   <li><b>bundled</b>: {@code libgomp.so.1} and {@code libdnnl.so.3} from the {@code org.bytedeco:dnnl} jar
 *       on the class path, extracted into the per-user cache (see {@link BundledLibraryCache}).</li>
 *   <li><b>system</b>: {@code libdnnl.so.3} in {@code java.library.path}, {@code LD_LIBRARY_PATH} or the
 *       standard library folders.</li>
 * </ol>
 * Before anything is loaded, {@code OMP_WAIT_POLICY=PASSIVE} is put into the C environment unless the user set
 * it (or {@code -Dsoftmax.omp.defaults=false}): with the default active policy, idle OpenMP threads spin and on
 * small machines they steal the CPU from the thread that has work (a 1024x1024 softmax measured 7.4 ms
 * instead of 0.24 ms on a 2-vCPU host).
 *
 * <p>Symbols become visible to {@link SymbolLookup#loaderLookup()} of classes in the same class loader, which is
 * how the jextract-form bindings find them. Loading needs native access:
 * run with {@code --enable-native-access=ALL-UNNAMED} (or the module's name).
 */
public final class DnnlLibrary {

    /** Names the library must export for us to accept a loaded file as oneDNN. */
    private static final String PROBE_SYMBOL = "dnnl_version";

    private static final String MANIFEST = "bundled-natives.properties";

    private static final Object LOCK = new Object();
    private static LoadedDnnl loaded;
    private static NativeLibraryUnavailableException failure;

    private DnnlLibrary() {}

    /**
     * Loads oneDNN if this has not happened yet, and returns what was loaded. Safe to call from any thread,
     * any number of times; a failure is remembered and reported again (a process cannot retry a partially
     * loaded native library meaningfully).
     *
     * @throws NativeLibraryUnavailableException listing every place tried and why each failed
     */
    public static LoadedDnnl load() {
        synchronized (LOCK) {
            if (loaded != null) {
                return loaded;
            }
            if (failure != null) {
                throw new NativeLibraryUnavailableException(firstLine(failure.getMessage()), failure.attempts());
            }
            try {
                loaded = new DnnlLibrary.Search(Platform.current(), BundledLibraryCache.defaultRoot()).run();
                return loaded;
            } catch (NativeLibraryUnavailableException e) {
                failure = e;
                throw e;
            }
        }
    }

    /**
     * Runs one search without remembering its outcome; for tests that need a platform or cache folder other
     * than this process's. It may still load libraries into the process, like {@link #load()}.
     */
    static LoadedDnnl search(Platform platform, Path cacheRoot) {
        return new Search(platform, cacheRoot).run();
    }

    /** The library loaded so far, without trying to load it. */
    public static Optional<LoadedDnnl> loadedLibrary() {
        synchronized (LOCK) {
            return Optional.ofNullable(loaded);
        }
    }

    private static String firstLine(String message) {
        int newline = message.indexOf(" Tried, in order:");
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** One search; separated from the static state so that its steps read top to bottom. */
    private static final class Search {
        private final Platform platform;
        private final BundledLibraryCache cache;
        private final List<LoadAttempt> attempts = new ArrayList<>();
        private final Map<String, String> environmentApplied = new LinkedHashMap<>();

        Search(Platform platform, Path cacheRoot) {
            this.platform = platform;
            this.cache = new BundledLibraryCache(cacheRoot);
        }

        LoadedDnnl run() {
            applyOpenMpDefaults();
            String explicit = Settings.get("softmax.dnnl.library", "SOFTMAX_DNNL_LIBRARY");
            if (explicit != null) {
                return loadExplicit(
                        Path.of(explicit), Settings.describe("softmax.dnnl.library", "SOFTMAX_DNNL_LIBRARY"));
            }
            LoadedDnnl bundled = tryBundled();
            if (bundled != null) {
                return bundled;
            }
            LoadedDnnl system = trySystem();
            if (system != null) {
                return system;
            }
            throw new NativeLibraryUnavailableException(
                    "oneDNN could not be loaded for platform " + platform + ".", attempts);
        }

        private void applyOpenMpDefaults() {
            String enabled = Settings.get("softmax.omp.defaults", "SOFTMAX_OMP_DEFAULTS");
            if ("false".equalsIgnoreCase(enabled)) {
                return;
            }
            if (ProcessEnvironment.setIfAbsent("OMP_WAIT_POLICY", "PASSIVE")) {
                environmentApplied.put("OMP_WAIT_POLICY", "PASSIVE");
            }
        }

        private LoadedDnnl loadExplicit(Path path, String setting) {
            String location = path.toString();
            if (!Files.exists(path)) {
                attempts.add(LoadAttempt.failed(LibrarySource.EXPLICIT, location, "no such file"));
                throw new NativeLibraryUnavailableException(
                        "oneDNN was requested from " + location + " (" + setting
                                + ") but there is no such file. Fix or unset it to use the bundled copy.",
                        attempts);
            }
            if (!Files.isRegularFile(path)) {
                attempts.add(LoadAttempt.failed(LibrarySource.EXPLICIT, location, "not a regular file"));
                throw new NativeLibraryUnavailableException(
                        "oneDNN was requested from " + location + " (" + setting + ") but it is not a regular file.",
                        attempts);
            }
            Path absolute = path.toAbsolutePath().normalize();
            // A libgomp beside the requested library is the one it was built with; load it first so that the
            // dynamic linker does not pick some other OpenMP runtime.
            Path gomp = platform.openMpFileName()
                    .map(absolute.resolveSibling(".")::resolve)
                    .map(Path::normalize)
                    .filter(Files::isRegularFile)
                    .orElse(null);
            String problem = loadPair(gomp, absolute);
            if (problem != null) {
                attempts.add(LoadAttempt.failed(LibrarySource.EXPLICIT, location, problem));
                throw new NativeLibraryUnavailableException(
                        "oneDNN was requested from " + location + " (" + setting + ") but could not be loaded: "
                                + problem,
                        attempts);
            }
            attempts.add(LoadAttempt.loaded(LibrarySource.EXPLICIT, location));
            return result(LibrarySource.EXPLICIT, absolute, gomp);
        }

        private LoadedDnnl tryBundled() {
            ClassLoader loader = DnnlLibrary.class.getClassLoader();
            String folder = platform.bundledResourceFolder();
            Optional<String> dnnlName = platform.dnnlFileName();
            if (!platform.isSupported() || dnnlName.isEmpty()) {
                attempts.add(LoadAttempt.failed(
                        LibrarySource.BUNDLED,
                        "classpath:" + folder,
                        "this build bundles oneDNN only for linux-x86_64, not for " + platform
                                + " (add org.bytedeco:dnnl with classifier " + platform.classifier()
                                + " and test it, or install oneDNN 3.x and set SOFTMAX_DNNL_LIBRARY)"));
                return null;
            }
            Properties manifest = readManifest(loader);
            String artifact = manifest.getProperty("dnnl.artifact", "org.bytedeco:dnnl") + ":" + platform.classifier();
            String dnnlResource = folder + dnnlName.get();
            if (loader.getResource(dnnlResource) == null) {
                attempts.add(LoadAttempt.failed(
                        LibrarySource.BUNDLED,
                        "classpath:" + dnnlResource,
                        "not on the class path (the jar " + artifact + " is missing)"));
                return null;
            }
            try {
                Path gomp = null;
                if (platform.openMpFileName().isPresent()) {
                    gomp = extract(
                            loader, manifest, folder, platform.openMpFileName().get());
                }
                Path dnnl = extract(loader, manifest, folder, dnnlName.get());
                String problem = loadPair(gomp, dnnl);
                if (problem != null) {
                    attempts.add(LoadAttempt.failed(LibrarySource.BUNDLED, dnnl.toString(), problem));
                    return null;
                }
                attempts.add(LoadAttempt.loaded(LibrarySource.BUNDLED, dnnl.toString()));
                return result(LibrarySource.BUNDLED, dnnl, gomp);
            } catch (IOException | UncheckedIOException e) {
                attempts.add(LoadAttempt.failed(
                        LibrarySource.BUNDLED,
                        "classpath:" + dnnlResource,
                        "could not extract into " + cache.root() + ": " + e.getMessage()));
                return null;
            }
        }

        private Path extract(ClassLoader loader, Properties manifest, String folder, String fileName)
                throws IOException {
            String key = platform.classifier() + "/" + fileName;
            String sha256 = manifest.getProperty(key + ".sha256");
            String size = manifest.getProperty(key + ".size");
            if (sha256 == null || size == null) {
                throw new IOException("no checksum for " + key + " in " + MANIFEST);
            }
            return cache.materialise(loader, folder + fileName, fileName, sha256, Long.parseLong(size));
        }

        private LoadedDnnl trySystem() {
            Optional<String> dnnlName = platform.dnnlFileName();
            if (dnnlName.isEmpty()) {
                attempts.add(LoadAttempt.failed(
                        LibrarySource.SYSTEM,
                        "(none)",
                        "no known oneDNN file name for operating system " + platform.os()));
                return null;
            }
            for (Path folder : systemFolders()) {
                Path candidate = folder.resolve(dnnlName.get());
                if (!Files.isRegularFile(candidate)) {
                    attempts.add(LoadAttempt.failed(LibrarySource.SYSTEM, candidate.toString(), "no such file"));
                    continue;
                }
                String problem = loadPair(null, candidate.toAbsolutePath());
                if (problem == null) {
                    attempts.add(LoadAttempt.loaded(LibrarySource.SYSTEM, candidate.toString()));
                    return result(LibrarySource.SYSTEM, candidate.toAbsolutePath(), null);
                }
                attempts.add(LoadAttempt.failed(LibrarySource.SYSTEM, candidate.toString(), problem));
            }
            return null;
        }

        private static Set<Path> systemFolders() {
            Set<Path> folders = new LinkedHashSet<>();
            addPathList(folders, System.getProperty("java.library.path"));
            addPathList(folders, System.getenv("LD_LIBRARY_PATH"));
            for (String standard : List.of(
                    "/usr/local/lib",
                    "/usr/lib/x86_64-linux-gnu",
                    "/usr/lib64",
                    "/usr/lib",
                    "/lib/x86_64-linux-gnu",
                    "/lib64",
                    "/lib")) {
                folders.add(Path.of(standard));
            }
            return folders;
        }

        private static void addPathList(Set<Path> folders, String list) {
            if (list == null) {
                return;
            }
            for (String entry : list.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    folders.add(Path.of(entry).toAbsolutePath().normalize());
                }
            }
        }

        /** Loads the OpenMP runtime (if given) then oneDNN; returns why it failed, or null. */
        private static String loadPair(Path gomp, Path dnnl) {
            try {
                if (gomp != null) {
                    System.load(gomp.toString());
                }
                System.load(dnnl.toString());
            } catch (UnsatisfiedLinkError e) {
                return "the dynamic linker refused it: " + e.getMessage();
            } catch (IllegalCallerException e) {
                return "native access is not enabled for this code; run java with "
                        + "--enable-native-access=ALL-UNNAMED (" + e.getMessage() + ")";
            }
            if (SymbolLookup.loaderLookup().find(PROBE_SYMBOL).isEmpty()) {
                return "it loaded but does not export " + PROBE_SYMBOL + ", so it is not oneDNN";
            }
            return null;
        }

        private LoadedDnnl result(LibrarySource source, Path dnnl, Path gomp) {
            return new LoadedDnnl(source, dnnl, gomp, platform, attempts, environmentApplied);
        }

        private static Properties readManifest(ClassLoader loader) {
            Properties properties = new Properties();
            try (InputStream in = DnnlLibrary.class.getResourceAsStream(MANIFEST)) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + MANIFEST, e);
            }
            return properties;
        }
    }
}
