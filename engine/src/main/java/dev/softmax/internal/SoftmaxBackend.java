package dev.softmax.internal;

/** One implementation of the forward operations. Receives only validated calls with at least one element. */
public interface SoftmaxBackend extends AutoCloseable {

    /** Short name for reports ("onednn", "java"). */
    String name();

    /**
     * Computes the call, or declines it without writing anything.
     *
     * @return {@code null} when done, else a short reason why this backend declined (the caller then
     *         routes the call to another backend and counts the reason)
     */
    String forward(SoftmaxCall call);

    /** Computes a backward call, or declines it without writing anything (same convention as forward). */
    String backward(BackwardCall call);

    @Override
    void close();
}
