package dev.softmax.internal.vector;

import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.RowKernel;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded by name from {@link KernelProvider} only after it has checked that
 * {@code jdk.incubator.vector} is present and C2 is on; this package is the only one that imports it.
 */
public final class PanamaKernelProvider extends KernelProvider {

    private final VectorSpecies<Float> species;
    private final RowKernel kernel;

    public PanamaKernelProvider() {
        // PanamaRowKernel's initialisation refuses widths it cannot serve, with the reason as its message.
        this.species = PanamaRowKernel.SPECIES;
        this.kernel = new PanamaRowKernel();
    }

    @Override
    public String name() {
        return "vector (" + species.vectorBitSize() + "-bit, " + species.length() + " float lanes)";
    }

    @Override
    public RowKernel rowKernel() {
        return kernel;
    }
}
