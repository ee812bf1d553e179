package dev.softmax.internal.backend;

import java.util.Optional;

/**
 * Why a backend declined a call (writing nothing), so that another computes it. The labels are the keys of
 * {@link dev.softmax.EngineStatistics#declinedByReason()}; each case is measured on oneDNN 3.13 (see the README's
 * table of declined cases).
 */
public enum Decline {
    HEAP_MEMORY("heap memory (oneDNN needs native memory)"),
    MISALIGNED("address not aligned to the element size"),
    UNIMPLEMENTED("no oneDNN implementation (dnnl_unimplemented)"),
    LAYOUT_REJECTED("layout rejected by oneDNN (dnnl_invalid_arguments)"),
    REFERENCE_ONLY("only oneDNN's reference implementation (ref:any) offered: slower and less accurate than Java"),
    STRIDED_ROWS("rows not contiguous at one stride (oneDNN offers only its reference implementation)"),
    /**
     * oneDNN's softmax primitive has no mask, bias, soft-cap, sinks or log-sum-exp output: every attention-softmax
     * call the dispatcher would have given oneDNN is counted here and computed by the Java kernel.
     */
    ATTENTION("attention options (oneDNN has no masked softmax)");

    private final String label;
    private final Optional<Decline> result = Optional.of(this);

    Decline(String label) {
        this.label = label;
    }

    /**
     * This decline as a backend returns it, one shared instance per reason: a call that oneDNN declines, and Java
     * computes, allocates nothing (a new {@code Optional} was 16 B a call, as on f32 64x16 with a temperature).
     */
    public Optional<Decline> asResult() {
        return result;
    }

    /** The sentence counted in the engine's statistics. */
    public String label() {
        return label;
    }
}
