package dev.softmax.internal.vector;

import dev.softmax.internal.kernel.KernelProvider;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded by name from {@link KernelProvider} only after it has checked that
 * {@code jdk.incubator.vector} is present and C2 is on; this package is the only one that imports it.
 */
public final class PanamaKernelProvider extends KernelProvider {

    private final VectorSpecies<Float> species;

    public PanamaKernelProvider() {
        // PanamaVectorConstants' initialisation (reached by the first kernel constructed) refuses widths it cannot
        // serve, with the reason as its message.
        super(
                new PanamaForwardKernel(),
                new PanamaBackwardKernel(),
                new PanamaRowMath(),
                PanamaBf16Codec.SHARED,
                new PanamaCandidateScan(),
                new PanamaAttentionKernel());
        this.species = PanamaVectorConstants.SPECIES;
    }

    @Override
    public String name() {
        return "vector (" + species.vectorBitSize() + "-bit, " + species.length() + " float lanes)";
    }
}
