/**
 * The softmax engine: the API ({@code dev.softmax}) and the DLPack bridge ({@code dev.softmax.dlpack}); everything
 * under {@code dev.softmax.internal} stays inside the module.
 *
 * <p>The Vector API kernels need {@code jdk.incubator.vector}, which is optional: the kernel provider loads them by
 * name and falls back to the scalar kernels when the module is absent, so it is a static dependency and an
 * application adds it with {@code --add-modules jdk.incubator.vector}. Native access is needed by this module and
 * the two below it: {@code --enable-native-access=dev.softmax.engine,dev.softmax.bindings,dev.softmax.nativelib}.
 */
module dev.softmax.engine {
    requires transitive dev.softmax.nativelib;
    requires dev.softmax.bindings;
    requires static jdk.incubator.vector;
    // KernelProvider reads HotSpot flags (HotSpotDiagnosticMXBean) to notice a disabled JIT.
    requires jdk.management;

    exports dev.softmax;
    exports dev.softmax.dlpack;
}
