package dev.softmax.testing;

import dev.softmax.Backend;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;

/** Run in a child JVM by {@link dev.softmax.KernelVariantTest}: prints which Java kernel an engine got, and why. */
public final class KernelProbeMain {

    private KernelProbeMain() {}

    public static void main(String[] args) {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(Backend.JAVA).build())) {
            System.out.println("kernel=" + engine.backend().javaKernel());
            System.out.println("note=" + engine.backend().javaKernelNote().orElse(""));
            float[] out = new float[2];
            engine.softmax(TensorView.of(new float[] {0f, 0f}, 2), TensorView.of(out, 2));
            System.out.println("softmax=" + out[0] + "," + out[1]);
        }
    }
}
