package dev.softmax.internal.kernel;

import java.util.Optional;

/** Plain-Java kernels; always available. */
final class ScalarKernelProvider extends KernelProvider {

    private final RowKernel kernel = new ScalarRowKernel();
    private final String fallbackReason;

    ScalarKernelProvider(String fallbackReason) {
        this.fallbackReason = fallbackReason;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public RowKernel rowKernel() {
        return kernel;
    }

    @Override
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }
}
