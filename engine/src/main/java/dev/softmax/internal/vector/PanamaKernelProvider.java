package dev.softmax.internal.vector;

import dev.softmax.internal.kernel.BackwardKernel;
import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.ForwardKernel;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.RowMath;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded by name from {@link KernelProvider} only after it has checked that
 * {@code jdk.incubator.vector} is present and C2 is on; this package is the only one that imports it.
 */
public final class PanamaKernelProvider extends KernelProvider {

    private final VectorSpecies<Float> species;
    private final ForwardKernel forward;
    private final BackwardKernel backward;
    private final RowMath math;
    private final Bf16Codec codec;

    public PanamaKernelProvider() {
        // PanamaVectorConstants' initialisation refuses widths it cannot serve, with the reason as its message.
        this.species = PanamaVectorConstants.SPECIES;
        this.forward = new PanamaForwardKernel();
        this.backward = new PanamaBackwardKernel();
        this.math = new PanamaRowMath();
        this.codec = new PanamaBf16Codec();
    }

    @Override
    public String name() {
        return "vector (" + species.vectorBitSize() + "-bit, " + species.length() + " float lanes)";
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
}
