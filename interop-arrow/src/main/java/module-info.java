/** Apache Arrow vectors as engine tensors and back, without a copy. */
module dev.softmax.arrow {
    requires transitive dev.softmax.engine;
    requires transitive org.apache.arrow.vector;
    requires transitive org.apache.arrow.memory.core;

    exports dev.softmax.arrow;
}
