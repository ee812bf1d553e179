package dev.softmax.nativelib;

/** Where a loaded oneDNN came from, in the order the loader tries them. */
public enum LibrarySource {
    /** A path the user named with {@code -Dsoftmax.dnnl.library} or {@code SOFTMAX_DNNL_LIBRARY}. */
    EXPLICIT,
    /** The copy inside the {@code org.bytedeco:dnnl} jar on the class path, extracted to the per-user cache. */
    BUNDLED,
    /** A {@code libdnnl.so.3} installed on the system (library path or the standard library folders). */
    SYSTEM
}
