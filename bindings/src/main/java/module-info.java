/**
 * FFM bindings, in jextract's form, for oneDNN, the OpenMP runtime calls and DLPack's structs. Only the engine
 * reads them; the packages are exported to it alone. Downcalls and upcall stubs are restricted methods: an
 * application on the module path grants {@code --enable-native-access=dev.softmax.bindings} (with the engine and
 * native modules; see the README).
 */
module dev.softmax.bindings {
    exports dev.softmax.bindings.dnnl to
            dev.softmax.engine;
    exports dev.softmax.bindings.omp to
            dev.softmax.engine;
    exports dev.softmax.bindings.dlpack to
            dev.softmax.engine;
}
