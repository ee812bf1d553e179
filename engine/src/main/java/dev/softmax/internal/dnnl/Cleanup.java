package dev.softmax.internal.dnnl;

/**
 * Runs every step of a release sequence even when one fails, then throws the first failure (later ones suppressed).
 *
 * <p>Why: a oneDNN destroy call that reports an error used to end {@code close()} there, and every handle after it
 * (other primitives, memory objects, streams, the engine) stayed allocated and counted live; found by
 * RELIABILITY.md's injected oneDNN statuses (one failing {@code dnnl_memory_destroy} left 9 handles). Now only the
 * handle whose destroy failed stays counted.
 */
final class Cleanup {

    private RuntimeException first;

    void run(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (first == null) {
                first = e;
            } else if (first != e) {
                first.addSuppressed(e);
            }
        }
    }

    void rethrow() {
        if (first != null) {
            throw first;
        }
    }
}
