package dev.softmax.internal;

import dev.softmax.SoftmaxNativeException;
import dev.softmax.internal.backend.SoftmaxBackend;
import dev.softmax.internal.dnnl.DnnlRuntime;
import dev.softmax.nativelib.NativeLibraryUnavailableException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An engine's oneDNN backend, which under {@link dev.softmax.Backend#AUTO} is opened by the first call that
 * prefers it rather than at engine creation. One attempt: if oneDNN cannot be loaded, the reason is kept and every
 * later call goes to Java, as an AUTO engine created without oneDNN always did.
 *
 * <p>Why lazy: loading {@code libdnnl} and opening its engine cost every AUTO engine 0.3-0.5 s at creation, also
 * when every call went to the Java kernel (f32 operands): {@code softmax apply} on a 256x128256 f32 .npy took
 * 1.42-1.65 s under AUTO against 1.15 s with {@code --backend java} (issue 13).
 *
 * <p>Thread-safe: the loaded backend is published through a volatile field; loading holds a lock, so two calls
 * that need oneDNN at once load it once. The engine's close waits for calls in progress, so no load races with
 * {@link #close}.
 */
final class NativeBackendSlot implements AutoCloseable {

    private final Supplier<DnnlRuntime> opener;
    private final Function<DnnlRuntime, SoftmaxBackend> factory;
    private final Object lock = new Object();
    /** The backend once opened; null before, and for ever when it cannot be. */
    private volatile SoftmaxBackend backend;
    /** Why the backend is not in use and never will be (not wanted, failed to load, closed); null otherwise. */
    private volatile String problem;

    private volatile DnnlRuntime runtime;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    private NativeBackendSlot(
            Supplier<DnnlRuntime> opener,
            Function<DnnlRuntime, SoftmaxBackend> factory,
            DnnlRuntime runtime,
            SoftmaxBackend backend,
            String problem) {
        this.opener = opener;
        this.factory = factory;
        this.runtime = runtime;
        this.backend = backend;
        this.problem = problem;
    }

    /** A slot that never opens oneDNN, for {@code problem}'s reason (backend JAVA, or oneDNN failed to load). */
    static NativeBackendSlot unavailable(String problem) {
        return new NativeBackendSlot(null, null, null, null, problem);
    }

    /** A slot holding a backend opened already (backend ONEDNN, which must fail at creation if it cannot). */
    static NativeBackendSlot opened(DnnlRuntime runtime, SoftmaxBackend backend) {
        return new NativeBackendSlot(null, null, runtime, backend, null);
    }

    /** A slot that opens the runtime with {@code opener} and wraps it with {@code factory} when first needed. */
    static NativeBackendSlot lazy(Supplier<DnnlRuntime> opener, Function<DnnlRuntime, SoftmaxBackend> factory) {
        return new NativeBackendSlot(opener, factory, null, null, null);
    }

    /** Whether a call may still be sent to oneDNN: it is open, or not yet tried. Does not load it. */
    boolean mayBeUsed() {
        return problem == null;
    }

    /** The backend if it is open, else null. Does not load it. */
    SoftmaxBackend ifOpen() {
        return backend;
    }

    /** The backend, opened now if this is the first call that needs it; null if it cannot be used. */
    SoftmaxBackend get() {
        SoftmaxBackend open = backend;
        if (open != null || problem != null) {
            return open;
        }
        synchronized (lock) {
            if (backend == null && problem == null && !closed) {
                load();
            }
            return backend;
        }
    }

    private void load() {
        DnnlRuntime opened;
        try {
            opened = opener.get();
        } catch (NativeLibraryUnavailableException | IllegalStateException | SoftmaxNativeException e) {
            problem = e.getMessage();
            return;
        }
        try {
            SoftmaxBackend created = factory.apply(opened);
            runtime = opened;
            backend = created;
        } catch (RuntimeException | Error e) {
            problem = "oneDNN loaded but its backend could not be created: " + e.getMessage();
            opened.close();
            throw e;
        }
    }

    /** Why oneDNN is not in use: empty when it is open or not yet tried. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** The open runtime, for the engine's description; empty before oneDNN is opened. */
    Optional<DnnlRuntime> runtime() {
        return Optional.ofNullable(runtime);
    }

    /**
     * Closes the backend if it was opened, once; after this nothing is opened. The backend stays reachable through
     * {@link #ifOpen} so that its counters (live native handles) can still be read after close.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (problem == null && backend == null) {
                problem = "the engine was closed before oneDNN was needed";
            }
            SoftmaxBackend open = backend;
            if (open != null) {
                open.close();
            }
        }
    }
}
