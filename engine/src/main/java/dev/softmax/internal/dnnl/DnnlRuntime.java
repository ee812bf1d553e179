package dev.softmax.internal.dnnl;

import static dev.softmax.bindings.dnnl.dnnl_h.*;

import dev.softmax.DType;
import dev.softmax.TensorView;
import dev.softmax.bindings.dnnl.dnnl_version_t;
import dev.softmax.bindings.omp.omp_h;
import dev.softmax.internal.dnnl.NativeHandleCounter.Kind;
import dev.softmax.nativelib.DnnlLibrary;
import dev.softmax.nativelib.LoadedDnnl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One oneDNN CPU engine and the streams that execute on it. Sole owner of every native handle the oneDNN
 * backend creates: all creation and destruction goes through here and is counted in {@link #handles()}.
 *
 * <p>Thread-safe. Streams are not (oneDNN allows one thread per stream at a time), so each call leases one
 * from a pool.
 */
public final class DnnlRuntime implements AutoCloseable {

    private static final int SUPPORTED_MAJOR = 3;

    private final LoadedDnnl library;
    private final NativeHandleCounter handles = new NativeHandleCounter();
    private final MemorySegment engine;
    private final HandlePool<MemorySegment> streams;
    private final String version;
    private final String cpuIsa;
    private final boolean threadControl;
    private volatile boolean closed;

    private DnnlRuntime(LoadedDnnl library) {
        this.library = library;
        MemorySegment versionStruct = dnnl_version().reinterpret(dnnl_version_t.sizeof());
        int major = dnnl_version_t.major(versionStruct);
        int minor = dnnl_version_t.minor(versionStruct);
        int patch = dnnl_version_t.patch(versionStruct);
        if (major != SUPPORTED_MAJOR) {
            throw new IllegalStateException("oneDNN " + major + "." + minor + " at " + library.dnnlLibrary()
                    + " is not supported; this engine is built against the oneDNN 3.x C API");
        }
        MemorySegment hash = dnnl_version_t.hash(versionStruct);
        String commit = cString(hash);
        this.version = major + "." + minor + "." + patch
                + (commit.isEmpty() || commit.equals("N/A") ? "" : " (" + commit + ")");
        String isa = cString(dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()));
        this.cpuIsa = isa.startsWith("cpu_isa_") ? isa.substring("cpu_isa_".length()) : isa;
        this.threadControl = probeThreadControl();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlStatus.check(dnnl_engine_create(out, dnnl_cpu(), 0), "dnnl_engine_create", "CPU engine 0");
            this.engine = out.get(ValueLayout.ADDRESS, 0);
            handles.created(Kind.ENGINE);
        }
        this.streams = new HandlePool<>(HandlePool.defaultCapacity(), this::createStream, this::destroyStream);
    }

    /** Loads oneDNN (once per process) and opens a CPU engine on it. */
    public static DnnlRuntime open() {
        return new DnnlRuntime(DnnlLibrary.load());
    }

    public LoadedDnnl library() {
        return library;
    }

    /** "3.13.0 (hash)". */
    public String version() {
        return version;
    }

    /** The most capable instruction set oneDNN may dispatch to on this CPU, e.g. "avx512_core_fp16". */
    public String cpuIsa() {
        return cpuIsa;
    }

    public NativeHandleCounter handles() {
        return handles;
    }

    MemorySegment engine() {
        requireOpen();
        return engine;
    }

    MemorySegment acquireStream() {
        requireOpen();
        return streams.acquire();
    }

    void releaseStream(MemorySegment stream) {
        streams.release(stream);
    }

    /**
     * Caps the OpenMP team of the calling thread's next oneDNN execution. OpenMP keeps this per thread, so it
     * is set before every execution rather than once.
     */
    void limitThreads(int threads) {
        if (threadControl) {
            omp_h.omp_set_num_threads(threads);
        }
    }

    /** A memory descriptor with the view's shape, strides and type; the caller destroys it. */
    MemorySegment memoryDesc(TensorView view) {
        int rank = view.rank();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = arena.allocate(ValueLayout.JAVA_LONG, rank);
            MemorySegment strides = arena.allocate(ValueLayout.JAVA_LONG, rank);
            for (int d = 0; d < rank; d++) {
                dims.setAtIndex(ValueLayout.JAVA_LONG, d, view.dim(d));
                strides.setAtIndex(ValueLayout.JAVA_LONG, d, view.stride(d));
            }
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int status = dnnl_memory_desc_create_with_strides(out, rank, dims, dataType(view.dtype()), strides);
            DnnlStatus.check(status, "dnnl_memory_desc_create_with_strides", view.toString());
            handles.created(Kind.MEMORY_DESC);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** A one-element f32 descriptor, for runtime scales. */
    MemorySegment scalarDesc() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlStatus.check(
                    dnnl_memory_desc_create_with_strides(out, 1, one, dnnl_f32(), one),
                    "dnnl_memory_desc_create_with_strides",
                    "scale");
            handles.created(Kind.MEMORY_DESC);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    void destroyMemoryDesc(MemorySegment md) {
        if (!md.equals(MemorySegment.NULL)) {
            DnnlStatus.check(dnnl_memory_desc_destroy(md), "dnnl_memory_desc_destroy", null);
            handles.destroyed(Kind.MEMORY_DESC);
        }
    }

    /** A memory object over {@code md} with no data yet (the handle is set per call). */
    MemorySegment memory(MemorySegment md, MemorySegment data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlStatus.check(dnnl_memory_create(out, md, engine(), data), "dnnl_memory_create", null);
            handles.created(Kind.MEMORY);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    void destroyMemory(MemorySegment memory) {
        DnnlStatus.check(dnnl_memory_destroy(memory), "dnnl_memory_destroy", null);
        handles.destroyed(Kind.MEMORY);
    }

    MemorySegment createAttr() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlStatus.check(dnnl_primitive_attr_create(out), "dnnl_primitive_attr_create", null);
            handles.created(Kind.PRIMITIVE_ATTR);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    void destroyAttr(MemorySegment attr) {
        DnnlStatus.check(dnnl_primitive_attr_destroy(attr), "dnnl_primitive_attr_destroy", null);
        handles.destroyed(Kind.PRIMITIVE_ATTR);
    }

    /** Records a primitive descriptor created by a oneDNN constructor call made elsewhere. */
    void adoptPrimitiveDesc() {
        handles.created(Kind.PRIMITIVE_DESC);
    }

    void destroyPrimitiveDesc(MemorySegment pd) {
        DnnlStatus.check(dnnl_primitive_desc_destroy(pd), "dnnl_primitive_desc_destroy", null);
        handles.destroyed(Kind.PRIMITIVE_DESC);
    }

    MemorySegment createPrimitive(MemorySegment pd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlStatus.check(dnnl_primitive_create(out, pd), "dnnl_primitive_create", null);
            handles.created(Kind.PRIMITIVE);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    void destroyPrimitive(MemorySegment primitive) {
        DnnlStatus.check(dnnl_primitive_destroy(primitive), "dnnl_primitive_destroy", null);
        handles.destroyed(Kind.PRIMITIVE);
    }

    static int dataType(DType type) {
        return switch (type) {
            case F32 -> dnnl_f32();
            case BF16 -> dnnl_bf16();
            case F16 -> dnnl_f16();
            case I32 -> dnnl_s32();
            case I64 -> throw new IllegalArgumentException("oneDNN has no 64-bit integer type");
            case U8 -> dnnl_u8();
        };
    }

    private MemorySegment createStream() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlStatus.check(dnnl_stream_create(out, engine, dnnl_stream_default_flags()), "dnnl_stream_create", null);
            handles.created(Kind.STREAM);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    private void destroyStream(MemorySegment stream) {
        DnnlStatus.check(dnnl_stream_destroy(stream), "dnnl_stream_destroy", null);
        handles.destroyed(Kind.STREAM);
    }

    private static boolean probeThreadControl() {
        try {
            return omp_h.omp_get_max_threads() >= 1;
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            // oneDNN found its OpenMP runtime on its own; we cannot reach it, so oneDNN uses its default.
            return false;
        }
    }

    static String cString(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL)
                ? ""
                : pointer.reinterpret(4096).getString(0);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the oneDNN runtime is closed");
        }
    }

    /** Destroys the streams and the engine. Everything built on the engine must be destroyed first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Cleanup cleanup = new Cleanup();
        cleanup.run(streams::drain);
        cleanup.run(() -> {
            DnnlStatus.check(dnnl_engine_destroy(engine), "dnnl_engine_destroy", null);
            handles.destroyed(Kind.ENGINE);
        });
        cleanup.rethrow();
    }
}
