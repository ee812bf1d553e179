package dev.softmax.internal.kernel;

import java.util.Optional;

/** Plain-Java kernels; always available. */
final class ScalarKernelProvider extends KernelProvider {

    private final ForwardKernel forward = new ScalarForwardKernel();
    private final BackwardKernel backward = new ScalarBackwardKernel();
    private final RowMath math = new ScalarRowMath();
    private final Bf16Codec codec = new ScalarBf16Codec();
    private final String fallbackReason;

    ScalarKernelProvider(String fallbackReason) {
        this.fallbackReason = fallbackReason;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public ForwardKernel forward() {
        return forward;
    }

    @Override
    public BackwardKernel backward() {
        return backward;
    }

    @Override
    public RowMath math() {
        return math;
    }

    @Override
    public Bf16Codec codec() {
        return codec;
    }

    @Override
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }
}
