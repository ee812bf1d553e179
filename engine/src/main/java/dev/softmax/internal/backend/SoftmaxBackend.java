package dev.softmax.internal.backend;

import dev.softmax.internal.forward.SoftmaxCall;
import dev.softmax.internal.grad.BackwardCall;
import java.util.Optional;

/**
 * One implementation of the forward and backward operations. Receives only validated calls with at least one
 * element, and either computes a call completely or declines it without writing anything, saying why; the
 * dispatcher then routes the call to the Java backend, which never declines, and counts the reason.
 */
public interface SoftmaxBackend extends AutoCloseable {

    /** Short name for reports ("onednn", "java"). */
    String name();

    /** Computes the call and returns empty, or declines it (nothing written) and returns why. */
    Optional<Decline> forward(SoftmaxCall call);

    /** Computes a backward call and returns empty, or declines it (nothing written) and returns why. */
    Optional<Decline> backward(BackwardCall call);

    /** Counters of native state for the engine's statistics. */
    default BackendCounters counters() {
        return BackendCounters.NONE;
    }

    /** Resets the counters that warm-up calls would otherwise leave behind (cache hits and misses). */
    default void resetCounters() {}

    @Override
    void close();
}
