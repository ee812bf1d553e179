/** ONNX Runtime sessions whose inputs and pinned outputs are engine memory, without a copy. */
module dev.softmax.onnxruntime {
    requires transitive dev.softmax.engine;
    requires transitive com.microsoft.onnxruntime;

    exports dev.softmax.onnxruntime;
}
