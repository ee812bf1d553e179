package dev.softmax.nativelib;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by the tests: loads oneDNN the way an application would and reports the outcome on
 * stdout, so each test gets a fresh process (a JVM can load a native library only once).
 *
 * <p>Arguments: an optional path of a "go" file to wait for before loading, so that two processes can be
 * released at the same moment.
 */
public final class LoadProbeMain {

    private LoadProbeMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            Path go = Path.of(args[0]);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    System.out.println("TIMEOUT waiting for " + go);
                    System.exit(4);
                }
                Thread.onSpinWait();
            }
        }
        try {
            LoadedDnnl loaded = DnnlLibrary.load();
            System.out.println("LOADED " + loaded.source() + " " + loaded.dnnlLibrary());
            System.out.println("GOMP " + loaded.gompLibrary());
            System.out.println("ENV " + loaded.environmentApplied());
            System.out.println("OMP_WAIT_POLICY=" + ProcessEnvironment.get("OMP_WAIT_POLICY"));
        } catch (NativeLibraryUnavailableException e) {
            System.out.println("FAILED " + e.getMessage());
            System.exit(3);
        }
    }
}
