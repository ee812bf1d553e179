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
        this.species = PanamaRowKernel.SPECIES;
        if (species.vectorBitSize() < 128) {
            throw new IllegalStateException("the preferred float vector has only " + species.vectorBitSize()
                    + " bits; the scalar kernel is faster");
        }
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
