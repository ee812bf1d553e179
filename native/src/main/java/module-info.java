/**
 * Finds, verifies, extracts and loads libdnnl.so.3 and libgomp.so.1. The libraries are read as resources of the
 * {@code org.bytedeco:dnnl} jar through the class loader; that jar stays on the class path (its own module
 * descriptor requires JavaCPP's {@code org.bytedeco.dnnl}, which this project does not use). Loading a library is
 * a restricted method: grant {@code --enable-native-access=dev.softmax.nativelib}.
 */
module dev.softmax.nativelib {
    exports dev.softmax.nativelib;
}
