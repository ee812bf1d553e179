package dev.softmax.internal.kernel;

import java.util.Optional;

/** Plain-Java kernels; always available. */
final class ScalarKernelProvider extends KernelProvider {

    private final String fallbackReason;

    ScalarKernelProvider(String fallbackReason) {
        super(
                new ScalarForwardKernel(),
                new ScalarBackwardKernel(),
                new ScalarRowMath(),
                new ScalarBf16Codec(),
                new ScalarCandidateScan(),
                new ScalarAttentionKernel());
        this.fallbackReason = fallbackReason;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }
}
