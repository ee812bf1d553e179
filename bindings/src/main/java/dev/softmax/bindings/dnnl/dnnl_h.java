// Written by hand in jextract 22's output form, not generated; see bindings/README.md.

package dev.softmax.bindings.dnnl;

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.*;

public class dnnl_h {

    dnnl_h() {
        // Should not be called directly
    }

    static final Arena LIBRARY_ARENA = Arena.ofAuto();
    static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

    static void traceDowncall(String name, Object... args) {
         String traceArgs = Arrays.stream(args)
                       .map(Object::toString)
                       .collect(Collectors.joining(", "));
         System.out.printf("%s(%s)\n", name, traceArgs);
    }

    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP.find(symbol)
            .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    static MethodHandle upcallHandle(Class<?> fi, String name, FunctionDescriptor fdesc) {
        try {
            return MethodHandles.lookup().findVirtual(fi, name, fdesc.toMethodType());
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    static MemoryLayout align(MemoryLayout layout, long align) {
        return switch (layout) {
            case PaddingLayout p -> p;
            case ValueLayout v -> v.withByteAlignment(align);
            case GroupLayout g -> {
                MemoryLayout[] alignedMembers = g.memberLayouts().stream()
                        .map(m -> align(m, align)).toArray(MemoryLayout[]::new);
                yield g instanceof StructLayout ?
                        MemoryLayout.structLayout(alignedMembers) : MemoryLayout.unionLayout(alignedMembers);
            }
            case SequenceLayout s -> MemoryLayout.sequenceLayout(s.elementCount(), align(s.elementLayout(), align));
        };
    }

    static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup.loaderLookup()
            .or(Linker.nativeLinker().defaultLookup());

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    private static final int DNNL_RUNTIME_NONE = (int)0L;
    /**
     * {@snippet lang=c :
     * #define DNNL_RUNTIME_NONE 0
     * }
     */
    public static int DNNL_RUNTIME_NONE() {
        return DNNL_RUNTIME_NONE;
    }
    private static final int DNNL_RUNTIME_SEQ = (int)1L;
    /**
     * {@snippet lang=c :
     * #define DNNL_RUNTIME_SEQ 1
     * }
     */
    public static int DNNL_RUNTIME_SEQ() {
        return DNNL_RUNTIME_SEQ;
    }
    private static final int DNNL_RUNTIME_OMP = (int)2L;
    /**
     * {@snippet lang=c :
     * #define DNNL_RUNTIME_OMP 2
     * }
     */
    public static int DNNL_RUNTIME_OMP() {
        return DNNL_RUNTIME_OMP;
    }
    private static final int DNNL_RUNTIME_TBB = (int)4L;
    /**
     * {@snippet lang=c :
     * #define DNNL_RUNTIME_TBB 4
     * }
     */
    public static int DNNL_RUNTIME_TBB() {
        return DNNL_RUNTIME_TBB;
    }
    private static final int DNNL_RUNTIME_THREADPOOL = (int)8L;
    /**
     * {@snippet lang=c :
     * #define DNNL_RUNTIME_THREADPOOL 8
     * }
     */
    public static int DNNL_RUNTIME_THREADPOOL() {
        return DNNL_RUNTIME_THREADPOOL;
    }
    private static final int DNNL_CPU_RUNTIME = (int)2L;
    /**
     * {@snippet lang=c :
     * #define DNNL_CPU_RUNTIME 2
     * }
     */
    public static int DNNL_CPU_RUNTIME() {
        return DNNL_CPU_RUNTIME;
    }
    private static final int dnnl_success = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_success = 0
     * }
     */
    public static int dnnl_success() {
        return dnnl_success;
    }
    private static final int dnnl_out_of_memory = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_out_of_memory = 1
     * }
     */
    public static int dnnl_out_of_memory() {
        return dnnl_out_of_memory;
    }
    private static final int dnnl_invalid_arguments = (int)2L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_invalid_arguments = 2
     * }
     */
    public static int dnnl_invalid_arguments() {
        return dnnl_invalid_arguments;
    }
    private static final int dnnl_unimplemented = (int)3L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_unimplemented = 3
     * }
     */
    public static int dnnl_unimplemented() {
        return dnnl_unimplemented;
    }
    private static final int dnnl_last_impl_reached = (int)4L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_last_impl_reached = 4
     * }
     */
    public static int dnnl_last_impl_reached() {
        return dnnl_last_impl_reached;
    }
    private static final int dnnl_runtime_error = (int)5L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_runtime_error = 5
     * }
     */
    public static int dnnl_runtime_error() {
        return dnnl_runtime_error;
    }
    private static final int dnnl_not_required = (int)6L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_not_required = 6
     * }
     */
    public static int dnnl_not_required() {
        return dnnl_not_required;
    }
    private static final int dnnl_invalid_graph = (int)7L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_invalid_graph = 7
     * }
     */
    public static int dnnl_invalid_graph() {
        return dnnl_invalid_graph;
    }
    private static final int dnnl_invalid_graph_op = (int)8L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_invalid_graph_op = 8
     * }
     */
    public static int dnnl_invalid_graph_op() {
        return dnnl_invalid_graph_op;
    }
    private static final int dnnl_invalid_shape = (int)9L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_invalid_shape = 9
     * }
     */
    public static int dnnl_invalid_shape() {
        return dnnl_invalid_shape;
    }
    private static final int dnnl_invalid_data_type = (int)10L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_invalid_data_type = 10
     * }
     */
    public static int dnnl_invalid_data_type() {
        return dnnl_invalid_data_type;
    }
    private static final int dnnl_data_type_undef = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_data_type_undef = 0
     * }
     */
    public static int dnnl_data_type_undef() {
        return dnnl_data_type_undef;
    }
    private static final int dnnl_f16 = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_f16 = 1
     * }
     */
    public static int dnnl_f16() {
        return dnnl_f16;
    }
    private static final int dnnl_bf16 = (int)2L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_bf16 = 2
     * }
     */
    public static int dnnl_bf16() {
        return dnnl_bf16;
    }
    private static final int dnnl_f32 = (int)3L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_f32 = 3
     * }
     */
    public static int dnnl_f32() {
        return dnnl_f32;
    }
    private static final int dnnl_s32 = (int)4L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_s32 = 4
     * }
     */
    public static int dnnl_s32() {
        return dnnl_s32;
    }
    private static final int dnnl_s8 = (int)5L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_s8 = 5
     * }
     */
    public static int dnnl_s8() {
        return dnnl_s8;
    }
    private static final int dnnl_u8 = (int)6L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_u8 = 6
     * }
     */
    public static int dnnl_u8() {
        return dnnl_u8;
    }
    private static final int dnnl_f64 = (int)7L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_f64 = 7
     * }
     */
    public static int dnnl_f64() {
        return dnnl_f64;
    }
    private static final int DNNL_MAX_NDIMS = (int)12L;
    /**
     * {@snippet lang=c :
     * #define DNNL_MAX_NDIMS 12
     * }
     */
    public static int DNNL_MAX_NDIMS() {
        return DNNL_MAX_NDIMS;
    }
    /**
     * {@snippet lang=c :
     * typedef int64_t dnnl_dim_t
     * }
     */
    public static final OfLong dnnl_dim_t = dnnl_h.C_LONG;
    private static final int dnnl_any_engine = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_any_engine = 0
     * }
     */
    public static int dnnl_any_engine() {
        return dnnl_any_engine;
    }
    private static final int dnnl_cpu = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu = 1
     * }
     */
    public static int dnnl_cpu() {
        return dnnl_cpu;
    }
    private static final int dnnl_gpu = (int)2L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_gpu = 2
     * }
     */
    public static int dnnl_gpu() {
        return dnnl_gpu;
    }
    /**
     * {@snippet lang=c :
     * typedef struct dnnl_engine *dnnl_engine_t
     * }
     */
    public static final AddressLayout dnnl_engine_t = dnnl_h.C_POINTER;
    private static final int dnnl_stream_in_order = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_stream_in_order = 1
     * }
     */
    public static int dnnl_stream_in_order() {
        return dnnl_stream_in_order;
    }
    private static final int dnnl_stream_out_of_order = (int)2L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_stream_out_of_order = 2
     * }
     */
    public static int dnnl_stream_out_of_order() {
        return dnnl_stream_out_of_order;
    }
    private static final int dnnl_stream_default_flags = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_stream_default_flags = 1
     * }
     */
    public static int dnnl_stream_default_flags() {
        return dnnl_stream_default_flags;
    }
    /**
     * {@snippet lang=c :
     * typedef struct dnnl_stream *dnnl_stream_t
     * }
     */
    public static final AddressLayout dnnl_stream_t = dnnl_h.C_POINTER;
    private static final int DNNL_VERSION_MAJOR = (int)3L;
    /**
     * {@snippet lang=c :
     * #define DNNL_VERSION_MAJOR 3
     * }
     */
    public static int DNNL_VERSION_MAJOR() {
        return DNNL_VERSION_MAJOR;
    }
    private static final int DNNL_VERSION_MINOR = (int)13L;
    /**
     * {@snippet lang=c :
     * #define DNNL_VERSION_MINOR 13
     * }
     */
    public static int DNNL_VERSION_MINOR() {
        return DNNL_VERSION_MINOR;
    }
    private static final int DNNL_VERSION_PATCH = (int)0L;
    /**
     * {@snippet lang=c :
     * #define DNNL_VERSION_PATCH 0
     * }
     */
    public static int DNNL_VERSION_PATCH() {
        return DNNL_VERSION_PATCH;
    }

    private static class dnnl_engine_get_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_LONG,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_engine_get_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * size_t dnnl_engine_get_count(dnnl_engine_kind_t kind)
     * }
     */
    public static FunctionDescriptor dnnl_engine_get_count$descriptor() {
        return dnnl_engine_get_count.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * size_t dnnl_engine_get_count(dnnl_engine_kind_t kind)
     * }
     */
    public static MethodHandle dnnl_engine_get_count$handle() {
        return dnnl_engine_get_count.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * size_t dnnl_engine_get_count(dnnl_engine_kind_t kind)
     * }
     */
    public static MemorySegment dnnl_engine_get_count$address() {
        return dnnl_engine_get_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * size_t dnnl_engine_get_count(dnnl_engine_kind_t kind)
     * }
     */
    public static long dnnl_engine_get_count(int kind) {
        var mh$ = dnnl_engine_get_count.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_engine_get_count", kind);
            }
            return (long)mh$.invokeExact(kind);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_engine_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_LONG
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_engine_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_create(dnnl_engine_t *engine, dnnl_engine_kind_t kind, size_t index)
     * }
     */
    public static FunctionDescriptor dnnl_engine_create$descriptor() {
        return dnnl_engine_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_create(dnnl_engine_t *engine, dnnl_engine_kind_t kind, size_t index)
     * }
     */
    public static MethodHandle dnnl_engine_create$handle() {
        return dnnl_engine_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_create(dnnl_engine_t *engine, dnnl_engine_kind_t kind, size_t index)
     * }
     */
    public static MemorySegment dnnl_engine_create$address() {
        return dnnl_engine_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_create(dnnl_engine_t *engine, dnnl_engine_kind_t kind, size_t index)
     * }
     */
    public static int dnnl_engine_create(MemorySegment engine, int kind, long index) {
        var mh$ = dnnl_engine_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_engine_create", engine, kind, index);
            }
            return (int)mh$.invokeExact(engine, kind, index);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_engine_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_engine_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_destroy(dnnl_engine_t engine)
     * }
     */
    public static FunctionDescriptor dnnl_engine_destroy$descriptor() {
        return dnnl_engine_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_destroy(dnnl_engine_t engine)
     * }
     */
    public static MethodHandle dnnl_engine_destroy$handle() {
        return dnnl_engine_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_destroy(dnnl_engine_t engine)
     * }
     */
    public static MemorySegment dnnl_engine_destroy$address() {
        return dnnl_engine_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_engine_destroy(dnnl_engine_t engine)
     * }
     */
    public static int dnnl_engine_destroy(MemorySegment engine) {
        var mh$ = dnnl_engine_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_engine_destroy", engine);
            }
            return (int)mh$.invokeExact(engine);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_stream_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_stream_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_create(dnnl_stream_t *stream, dnnl_engine_t engine, unsigned int flags)
     * }
     */
    public static FunctionDescriptor dnnl_stream_create$descriptor() {
        return dnnl_stream_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_create(dnnl_stream_t *stream, dnnl_engine_t engine, unsigned int flags)
     * }
     */
    public static MethodHandle dnnl_stream_create$handle() {
        return dnnl_stream_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_create(dnnl_stream_t *stream, dnnl_engine_t engine, unsigned int flags)
     * }
     */
    public static MemorySegment dnnl_stream_create$address() {
        return dnnl_stream_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_create(dnnl_stream_t *stream, dnnl_engine_t engine, unsigned int flags)
     * }
     */
    public static int dnnl_stream_create(MemorySegment stream, MemorySegment engine, int flags) {
        var mh$ = dnnl_stream_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_stream_create", stream, engine, flags);
            }
            return (int)mh$.invokeExact(stream, engine, flags);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_stream_wait {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_stream_wait");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_wait(dnnl_stream_t stream)
     * }
     */
    public static FunctionDescriptor dnnl_stream_wait$descriptor() {
        return dnnl_stream_wait.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_wait(dnnl_stream_t stream)
     * }
     */
    public static MethodHandle dnnl_stream_wait$handle() {
        return dnnl_stream_wait.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_wait(dnnl_stream_t stream)
     * }
     */
    public static MemorySegment dnnl_stream_wait$address() {
        return dnnl_stream_wait.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_wait(dnnl_stream_t stream)
     * }
     */
    public static int dnnl_stream_wait(MemorySegment stream) {
        var mh$ = dnnl_stream_wait.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_stream_wait", stream);
            }
            return (int)mh$.invokeExact(stream);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_stream_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_stream_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_destroy(dnnl_stream_t stream)
     * }
     */
    public static FunctionDescriptor dnnl_stream_destroy$descriptor() {
        return dnnl_stream_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_destroy(dnnl_stream_t stream)
     * }
     */
    public static MethodHandle dnnl_stream_destroy$handle() {
        return dnnl_stream_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_destroy(dnnl_stream_t stream)
     * }
     */
    public static MemorySegment dnnl_stream_destroy$address() {
        return dnnl_stream_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_stream_destroy(dnnl_stream_t stream)
     * }
     */
    public static int dnnl_stream_destroy(MemorySegment stream) {
        var mh$ = dnnl_stream_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_stream_destroy", stream);
            }
            return (int)mh$.invokeExact(stream);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_set_verbose {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_set_verbose");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_verbose(int level)
     * }
     */
    public static FunctionDescriptor dnnl_set_verbose$descriptor() {
        return dnnl_set_verbose.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_verbose(int level)
     * }
     */
    public static MethodHandle dnnl_set_verbose$handle() {
        return dnnl_set_verbose.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_verbose(int level)
     * }
     */
    public static MemorySegment dnnl_set_verbose$address() {
        return dnnl_set_verbose.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_verbose(int level)
     * }
     */
    public static int dnnl_set_verbose(int level) {
        var mh$ = dnnl_set_verbose.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_set_verbose", level);
            }
            return (int)mh$.invokeExact(level);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_POINTER    );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const dnnl_version_t *dnnl_version()
     * }
     */
    public static FunctionDescriptor dnnl_version$descriptor() {
        return dnnl_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const dnnl_version_t *dnnl_version()
     * }
     */
    public static MethodHandle dnnl_version$handle() {
        return dnnl_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const dnnl_version_t *dnnl_version()
     * }
     */
    public static MemorySegment dnnl_version$address() {
        return dnnl_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const dnnl_version_t *dnnl_version()
     * }
     */
    public static MemorySegment dnnl_version() {
        var mh$ = dnnl_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_version");
            }
            return (MemorySegment)mh$.invokeExact();
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static final int dnnl_format_kind_undef = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_format_kind_undef = 0
     * }
     */
    public static int dnnl_format_kind_undef() {
        return dnnl_format_kind_undef;
    }
    private static final int dnnl_format_kind_any = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_format_kind_any = 1
     * }
     */
    public static int dnnl_format_kind_any() {
        return dnnl_format_kind_any;
    }
    private static final int dnnl_blocked = (int)2L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_blocked = 2
     * }
     */
    public static int dnnl_blocked() {
        return dnnl_blocked;
    }
    private static final int dnnl_prop_kind_undef = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_prop_kind_undef = 0
     * }
     */
    public static int dnnl_prop_kind_undef() {
        return dnnl_prop_kind_undef;
    }
    private static final int dnnl_forward_training = (int)64L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_forward_training = 64
     * }
     */
    public static int dnnl_forward_training() {
        return dnnl_forward_training;
    }
    private static final int dnnl_forward_inference = (int)96L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_forward_inference = 96
     * }
     */
    public static int dnnl_forward_inference() {
        return dnnl_forward_inference;
    }
    private static final int dnnl_backward_data = (int)160L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_backward_data = 160
     * }
     */
    public static int dnnl_backward_data() {
        return dnnl_backward_data;
    }
    private static final int dnnl_softmax_accurate = (int)196608L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_softmax_accurate = 196608
     * }
     */
    public static int dnnl_softmax_accurate() {
        return dnnl_softmax_accurate;
    }
    private static final int dnnl_softmax_log = (int)196609L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_softmax_log = 196609
     * }
     */
    public static int dnnl_softmax_log() {
        return dnnl_softmax_log;
    }
    /**
     * {@snippet lang=c :
     * typedef struct dnnl_memory_desc *dnnl_memory_desc_t
     * }
     */
    public static final AddressLayout dnnl_memory_desc_t = dnnl_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef const struct dnnl_memory_desc *const_dnnl_memory_desc_t
     * }
     */
    public static final AddressLayout const_dnnl_memory_desc_t = dnnl_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef struct dnnl_memory *dnnl_memory_t
     * }
     */
    public static final AddressLayout dnnl_memory_t = dnnl_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef struct dnnl_primitive_desc *dnnl_primitive_desc_t
     * }
     */
    public static final AddressLayout dnnl_primitive_desc_t = dnnl_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef const struct dnnl_primitive_desc *const_dnnl_primitive_desc_t
     * }
     */
    public static final AddressLayout const_dnnl_primitive_desc_t = dnnl_h.C_POINTER;
    private static final int dnnl_scratchpad_mode_library = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_scratchpad_mode_library = 0
     * }
     */
    public static int dnnl_scratchpad_mode_library() {
        return dnnl_scratchpad_mode_library;
    }
    private static final int dnnl_scratchpad_mode_user = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_scratchpad_mode_user = 1
     * }
     */
    public static int dnnl_scratchpad_mode_user() {
        return dnnl_scratchpad_mode_user;
    }
    /**
     * {@snippet lang=c :
     * typedef struct dnnl_primitive_attr *dnnl_primitive_attr_t
     * }
     */
    public static final AddressLayout dnnl_primitive_attr_t = dnnl_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef const struct dnnl_primitive_attr *const_dnnl_primitive_attr_t
     * }
     */
    public static final AddressLayout const_dnnl_primitive_attr_t = dnnl_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef struct dnnl_primitive *dnnl_primitive_t
     * }
     */
    public static final AddressLayout dnnl_primitive_t = dnnl_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef const struct dnnl_primitive *const_dnnl_primitive_t
     * }
     */
    public static final AddressLayout const_dnnl_primitive_t = dnnl_h.C_POINTER;
    private static final int DNNL_ARG_SRC_0 = (int)1L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_SRC_0 1
     * }
     */
    public static int DNNL_ARG_SRC_0() {
        return DNNL_ARG_SRC_0;
    }
    private static final int DNNL_ARG_SRC = (int)1L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_SRC 1
     * }
     */
    public static int DNNL_ARG_SRC() {
        return DNNL_ARG_SRC;
    }
    private static final int DNNL_ARG_DST_0 = (int)17L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_DST_0 17
     * }
     */
    public static int DNNL_ARG_DST_0() {
        return DNNL_ARG_DST_0;
    }
    private static final int DNNL_ARG_DST = (int)17L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_DST 17
     * }
     */
    public static int DNNL_ARG_DST() {
        return DNNL_ARG_DST;
    }
    private static final int DNNL_ARG_WORKSPACE = (int)64L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_WORKSPACE 64
     * }
     */
    public static int DNNL_ARG_WORKSPACE() {
        return DNNL_ARG_WORKSPACE;
    }
    private static final int DNNL_ARG_SCRATCHPAD = (int)80L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_SCRATCHPAD 80
     * }
     */
    public static int DNNL_ARG_SCRATCHPAD() {
        return DNNL_ARG_SCRATCHPAD;
    }
    private static final int DNNL_ARG_DIFF_SRC = (int)129L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_DIFF_SRC 129
     * }
     */
    public static int DNNL_ARG_DIFF_SRC() {
        return DNNL_ARG_DIFF_SRC;
    }
    private static final int DNNL_ARG_DIFF_DST = (int)145L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_DIFF_DST 145
     * }
     */
    public static int DNNL_ARG_DIFF_DST() {
        return DNNL_ARG_DIFF_DST;
    }
    private static final int DNNL_ARG_ATTR_SCALES = (int)4096L;
    /**
     * {@snippet lang=c :
     * #define DNNL_ARG_ATTR_SCALES 4096
     * }
     */
    public static int DNNL_ARG_ATTR_SCALES() {
        return DNNL_ARG_ATTR_SCALES;
    }
    private static final int dnnl_query_undef = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_undef = 0
     * }
     */
    public static int dnnl_query_undef() {
        return dnnl_query_undef;
    }
    private static final int dnnl_query_impl_info_str = (int)8L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_impl_info_str = 8
     * }
     */
    public static int dnnl_query_impl_info_str() {
        return dnnl_query_impl_info_str;
    }
    private static final int dnnl_query_strides = (int)14L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_strides = 14
     * }
     */
    public static int dnnl_query_strides() {
        return dnnl_query_strides;
    }
    private static final int dnnl_query_src_md = (int)129L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_src_md = 129
     * }
     */
    public static int dnnl_query_src_md() {
        return dnnl_query_src_md;
    }
    private static final int dnnl_query_diff_src_md = (int)130L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_diff_src_md = 130
     * }
     */
    public static int dnnl_query_diff_src_md() {
        return dnnl_query_diff_src_md;
    }
    private static final int dnnl_query_dst_md = (int)133L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_dst_md = 133
     * }
     */
    public static int dnnl_query_dst_md() {
        return dnnl_query_dst_md;
    }
    private static final int dnnl_query_diff_dst_md = (int)134L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_diff_dst_md = 134
     * }
     */
    public static int dnnl_query_diff_dst_md() {
        return dnnl_query_diff_dst_md;
    }
    private static final int dnnl_query_workspace_md = (int)135L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_workspace_md = 135
     * }
     */
    public static int dnnl_query_workspace_md() {
        return dnnl_query_workspace_md;
    }
    private static final int dnnl_query_scratchpad_md = (int)136L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_scratchpad_md = 136
     * }
     */
    public static int dnnl_query_scratchpad_md() {
        return dnnl_query_scratchpad_md;
    }
    private static final int dnnl_query_ndims_s32 = (int)256L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_ndims_s32 = 256
     * }
     */
    public static int dnnl_query_ndims_s32() {
        return dnnl_query_ndims_s32;
    }
    private static final int dnnl_query_dims = (int)257L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_dims = 257
     * }
     */
    public static int dnnl_query_dims() {
        return dnnl_query_dims;
    }
    private static final int dnnl_query_data_type = (int)258L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_data_type = 258
     * }
     */
    public static int dnnl_query_data_type() {
        return dnnl_query_data_type;
    }
    private static final int dnnl_query_format_kind = (int)262L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_query_format_kind = 262
     * }
     */
    public static int dnnl_query_format_kind() {
        return dnnl_query_format_kind;
    }
    private static final int dnnl_cpu_isa_default = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_default = 0
     * }
     */
    public static int dnnl_cpu_isa_default() {
        return dnnl_cpu_isa_default;
    }
    private static final int dnnl_cpu_isa_sse41 = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_sse41 = 1
     * }
     */
    public static int dnnl_cpu_isa_sse41() {
        return dnnl_cpu_isa_sse41;
    }
    private static final int dnnl_cpu_isa_avx = (int)3L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx = 3
     * }
     */
    public static int dnnl_cpu_isa_avx() {
        return dnnl_cpu_isa_avx;
    }
    private static final int dnnl_cpu_isa_avx2 = (int)7L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx2 = 7
     * }
     */
    public static int dnnl_cpu_isa_avx2() {
        return dnnl_cpu_isa_avx2;
    }
    private static final int dnnl_cpu_isa_avx2_vnni = (int)15L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx2_vnni = 15
     * }
     */
    public static int dnnl_cpu_isa_avx2_vnni() {
        return dnnl_cpu_isa_avx2_vnni;
    }
    private static final int dnnl_cpu_isa_avx2_vnni_2 = (int)31L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx2_vnni_2 = 31
     * }
     */
    public static int dnnl_cpu_isa_avx2_vnni_2() {
        return dnnl_cpu_isa_avx2_vnni_2;
    }
    private static final int dnnl_cpu_isa_avx512_core = (int)39L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx512_core = 39
     * }
     */
    public static int dnnl_cpu_isa_avx512_core() {
        return dnnl_cpu_isa_avx512_core;
    }
    private static final int dnnl_cpu_isa_avx512_core_vnni = (int)103L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx512_core_vnni = 103
     * }
     */
    public static int dnnl_cpu_isa_avx512_core_vnni() {
        return dnnl_cpu_isa_avx512_core_vnni;
    }
    private static final int dnnl_cpu_isa_avx512_core_bf16 = (int)231L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx512_core_bf16 = 231
     * }
     */
    public static int dnnl_cpu_isa_avx512_core_bf16() {
        return dnnl_cpu_isa_avx512_core_bf16;
    }
    private static final int dnnl_cpu_isa_avx10_1_512 = (int)495L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx10_1_512 = 495
     * }
     */
    public static int dnnl_cpu_isa_avx10_1_512() {
        return dnnl_cpu_isa_avx10_1_512;
    }
    private static final int dnnl_cpu_isa_avx512_core_fp16 = (int)495L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx512_core_fp16 = 495
     * }
     */
    public static int dnnl_cpu_isa_avx512_core_fp16() {
        return dnnl_cpu_isa_avx512_core_fp16;
    }
    private static final int dnnl_cpu_isa_avx10_1_512_amx = (int)4079L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx10_1_512_amx = 4079
     * }
     */
    public static int dnnl_cpu_isa_avx10_1_512_amx() {
        return dnnl_cpu_isa_avx10_1_512_amx;
    }
    private static final int dnnl_cpu_isa_avx512_core_amx = (int)4079L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx512_core_amx = 4079
     * }
     */
    public static int dnnl_cpu_isa_avx512_core_amx() {
        return dnnl_cpu_isa_avx512_core_amx;
    }
    private static final int dnnl_cpu_isa_avx10_1_512_amx_fp16 = (int)8175L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx10_1_512_amx_fp16 = 8175
     * }
     */
    public static int dnnl_cpu_isa_avx10_1_512_amx_fp16() {
        return dnnl_cpu_isa_avx10_1_512_amx_fp16;
    }
    private static final int dnnl_cpu_isa_avx512_core_amx_fp16 = (int)8175L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx512_core_amx_fp16 = 8175
     * }
     */
    public static int dnnl_cpu_isa_avx512_core_amx_fp16() {
        return dnnl_cpu_isa_avx512_core_amx_fp16;
    }
    private static final int dnnl_cpu_isa_avx10_2 = (int)131583L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx10_2 = 131583
     * }
     */
    public static int dnnl_cpu_isa_avx10_2() {
        return dnnl_cpu_isa_avx10_2;
    }
    private static final int dnnl_cpu_isa_avx10_2_512 = (int)131583L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx10_2_512 = 131583
     * }
     */
    public static int dnnl_cpu_isa_avx10_2_512() {
        return dnnl_cpu_isa_avx10_2_512;
    }
    private static final int dnnl_cpu_isa_avx10_2_amx_2 = (int)143359L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx10_2_amx_2 = 143359
     * }
     */
    public static int dnnl_cpu_isa_avx10_2_amx_2() {
        return dnnl_cpu_isa_avx10_2_amx_2;
    }
    private static final int dnnl_cpu_isa_avx10_2_512_amx_2 = (int)143359L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.dnnl_cpu_isa_avx10_2_512_amx_2 = 143359
     * }
     */
    public static int dnnl_cpu_isa_avx10_2_512_amx_2() {
        return dnnl_cpu_isa_avx10_2_512_amx_2;
    }

    private static class dnnl_primitive_desc_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_desc_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_destroy(dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_desc_destroy$descriptor() {
        return dnnl_primitive_desc_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_destroy(dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static MethodHandle dnnl_primitive_desc_destroy$handle() {
        return dnnl_primitive_desc_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_destroy(dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static MemorySegment dnnl_primitive_desc_destroy$address() {
        return dnnl_primitive_desc_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_destroy(dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static int dnnl_primitive_desc_destroy(MemorySegment primitive_desc) {
        var mh$ = dnnl_primitive_desc_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_desc_destroy", primitive_desc);
            }
            return (int)mh$.invokeExact(primitive_desc);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_desc_query {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_desc_query");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_query(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index, void *result)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_desc_query$descriptor() {
        return dnnl_primitive_desc_query.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_query(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index, void *result)
     * }
     */
    public static MethodHandle dnnl_primitive_desc_query$handle() {
        return dnnl_primitive_desc_query.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_query(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index, void *result)
     * }
     */
    public static MemorySegment dnnl_primitive_desc_query$address() {
        return dnnl_primitive_desc_query.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_desc_query(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index, void *result)
     * }
     */
    public static int dnnl_primitive_desc_query(MemorySegment primitive_desc, int what, int index, MemorySegment result) {
        var mh$ = dnnl_primitive_desc_query.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_desc_query", primitive_desc, what, index, result);
            }
            return (int)mh$.invokeExact(primitive_desc, what, index, result);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_desc_query_md {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_desc_query_md");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const_dnnl_memory_desc_t dnnl_primitive_desc_query_md(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_desc_query_md$descriptor() {
        return dnnl_primitive_desc_query_md.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const_dnnl_memory_desc_t dnnl_primitive_desc_query_md(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static MethodHandle dnnl_primitive_desc_query_md$handle() {
        return dnnl_primitive_desc_query_md.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const_dnnl_memory_desc_t dnnl_primitive_desc_query_md(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static MemorySegment dnnl_primitive_desc_query_md$address() {
        return dnnl_primitive_desc_query_md.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const_dnnl_memory_desc_t dnnl_primitive_desc_query_md(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static MemorySegment dnnl_primitive_desc_query_md(MemorySegment primitive_desc, int what, int index) {
        var mh$ = dnnl_primitive_desc_query_md.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_desc_query_md", primitive_desc, what, index);
            }
            return (MemorySegment)mh$.invokeExact(primitive_desc, what, index);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_desc_query_s32 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_desc_query_s32");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int dnnl_primitive_desc_query_s32(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_desc_query_s32$descriptor() {
        return dnnl_primitive_desc_query_s32.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int dnnl_primitive_desc_query_s32(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static MethodHandle dnnl_primitive_desc_query_s32$handle() {
        return dnnl_primitive_desc_query_s32.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int dnnl_primitive_desc_query_s32(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static MemorySegment dnnl_primitive_desc_query_s32$address() {
        return dnnl_primitive_desc_query_s32.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int dnnl_primitive_desc_query_s32(const_dnnl_primitive_desc_t primitive_desc, dnnl_query_t what, int index)
     * }
     */
    public static int dnnl_primitive_desc_query_s32(MemorySegment primitive_desc, int what, int index) {
        var mh$ = dnnl_primitive_desc_query_s32.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_desc_query_s32", primitive_desc, what, index);
            }
            return (int)mh$.invokeExact(primitive_desc, what, index);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_create(dnnl_primitive_t *primitive, const_dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_create$descriptor() {
        return dnnl_primitive_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_create(dnnl_primitive_t *primitive, const_dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static MethodHandle dnnl_primitive_create$handle() {
        return dnnl_primitive_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_create(dnnl_primitive_t *primitive, const_dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static MemorySegment dnnl_primitive_create$address() {
        return dnnl_primitive_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_create(dnnl_primitive_t *primitive, const_dnnl_primitive_desc_t primitive_desc)
     * }
     */
    public static int dnnl_primitive_create(MemorySegment primitive, MemorySegment primitive_desc) {
        var mh$ = dnnl_primitive_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_create", primitive, primitive_desc);
            }
            return (int)mh$.invokeExact(primitive, primitive_desc);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_execute {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_execute");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t primitive, dnnl_stream_t stream, int nargs, const dnnl_exec_arg_t *args)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_execute$descriptor() {
        return dnnl_primitive_execute.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t primitive, dnnl_stream_t stream, int nargs, const dnnl_exec_arg_t *args)
     * }
     */
    public static MethodHandle dnnl_primitive_execute$handle() {
        return dnnl_primitive_execute.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t primitive, dnnl_stream_t stream, int nargs, const dnnl_exec_arg_t *args)
     * }
     */
    public static MemorySegment dnnl_primitive_execute$address() {
        return dnnl_primitive_execute.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_execute(const_dnnl_primitive_t primitive, dnnl_stream_t stream, int nargs, const dnnl_exec_arg_t *args)
     * }
     */
    public static int dnnl_primitive_execute(MemorySegment primitive, MemorySegment stream, int nargs, MemorySegment args) {
        var mh$ = dnnl_primitive_execute.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_execute", primitive, stream, nargs, args);
            }
            return (int)mh$.invokeExact(primitive, stream, nargs, args);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_destroy(dnnl_primitive_t primitive)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_destroy$descriptor() {
        return dnnl_primitive_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_destroy(dnnl_primitive_t primitive)
     * }
     */
    public static MethodHandle dnnl_primitive_destroy$handle() {
        return dnnl_primitive_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_destroy(dnnl_primitive_t primitive)
     * }
     */
    public static MemorySegment dnnl_primitive_destroy$address() {
        return dnnl_primitive_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_destroy(dnnl_primitive_t primitive)
     * }
     */
    public static int dnnl_primitive_destroy(MemorySegment primitive) {
        var mh$ = dnnl_primitive_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_destroy", primitive);
            }
            return (int)mh$.invokeExact(primitive);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_attr_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_attr_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_create(dnnl_primitive_attr_t *attr)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_attr_create$descriptor() {
        return dnnl_primitive_attr_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_create(dnnl_primitive_attr_t *attr)
     * }
     */
    public static MethodHandle dnnl_primitive_attr_create$handle() {
        return dnnl_primitive_attr_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_create(dnnl_primitive_attr_t *attr)
     * }
     */
    public static MemorySegment dnnl_primitive_attr_create$address() {
        return dnnl_primitive_attr_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_create(dnnl_primitive_attr_t *attr)
     * }
     */
    public static int dnnl_primitive_attr_create(MemorySegment attr) {
        var mh$ = dnnl_primitive_attr_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_attr_create", attr);
            }
            return (int)mh$.invokeExact(attr);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_attr_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_attr_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_destroy(dnnl_primitive_attr_t attr)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_attr_destroy$descriptor() {
        return dnnl_primitive_attr_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_destroy(dnnl_primitive_attr_t attr)
     * }
     */
    public static MethodHandle dnnl_primitive_attr_destroy$handle() {
        return dnnl_primitive_attr_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_destroy(dnnl_primitive_attr_t attr)
     * }
     */
    public static MemorySegment dnnl_primitive_attr_destroy$address() {
        return dnnl_primitive_attr_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_destroy(dnnl_primitive_attr_t attr)
     * }
     */
    public static int dnnl_primitive_attr_destroy(MemorySegment attr) {
        var mh$ = dnnl_primitive_attr_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_attr_destroy", attr);
            }
            return (int)mh$.invokeExact(attr);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_attr_get_scratchpad_mode {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_attr_get_scratchpad_mode");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_get_scratchpad_mode(const_dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t *mode)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_attr_get_scratchpad_mode$descriptor() {
        return dnnl_primitive_attr_get_scratchpad_mode.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_get_scratchpad_mode(const_dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t *mode)
     * }
     */
    public static MethodHandle dnnl_primitive_attr_get_scratchpad_mode$handle() {
        return dnnl_primitive_attr_get_scratchpad_mode.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_get_scratchpad_mode(const_dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t *mode)
     * }
     */
    public static MemorySegment dnnl_primitive_attr_get_scratchpad_mode$address() {
        return dnnl_primitive_attr_get_scratchpad_mode.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_get_scratchpad_mode(const_dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t *mode)
     * }
     */
    public static int dnnl_primitive_attr_get_scratchpad_mode(MemorySegment attr, MemorySegment mode) {
        var mh$ = dnnl_primitive_attr_get_scratchpad_mode.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_attr_get_scratchpad_mode", attr, mode);
            }
            return (int)mh$.invokeExact(attr, mode);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_attr_set_scratchpad_mode {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_attr_set_scratchpad_mode");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scratchpad_mode(dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t mode)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_attr_set_scratchpad_mode$descriptor() {
        return dnnl_primitive_attr_set_scratchpad_mode.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scratchpad_mode(dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t mode)
     * }
     */
    public static MethodHandle dnnl_primitive_attr_set_scratchpad_mode$handle() {
        return dnnl_primitive_attr_set_scratchpad_mode.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scratchpad_mode(dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t mode)
     * }
     */
    public static MemorySegment dnnl_primitive_attr_set_scratchpad_mode$address() {
        return dnnl_primitive_attr_set_scratchpad_mode.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scratchpad_mode(dnnl_primitive_attr_t attr, dnnl_scratchpad_mode_t mode)
     * }
     */
    public static int dnnl_primitive_attr_set_scratchpad_mode(MemorySegment attr, int mode) {
        var mh$ = dnnl_primitive_attr_set_scratchpad_mode.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_attr_set_scratchpad_mode", attr, mode);
            }
            return (int)mh$.invokeExact(attr, mode);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_primitive_attr_set_scales_mask {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_primitive_attr_set_scales_mask");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scales_mask(dnnl_primitive_attr_t attr, int arg, int mask)
     * }
     */
    public static FunctionDescriptor dnnl_primitive_attr_set_scales_mask$descriptor() {
        return dnnl_primitive_attr_set_scales_mask.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scales_mask(dnnl_primitive_attr_t attr, int arg, int mask)
     * }
     */
    public static MethodHandle dnnl_primitive_attr_set_scales_mask$handle() {
        return dnnl_primitive_attr_set_scales_mask.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scales_mask(dnnl_primitive_attr_t attr, int arg, int mask)
     * }
     */
    public static MemorySegment dnnl_primitive_attr_set_scales_mask$address() {
        return dnnl_primitive_attr_set_scales_mask.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_primitive_attr_set_scales_mask(dnnl_primitive_attr_t attr, int arg, int mask)
     * }
     */
    public static int dnnl_primitive_attr_set_scales_mask(MemorySegment attr, int arg, int mask) {
        var mh$ = dnnl_primitive_attr_set_scales_mask.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_primitive_attr_set_scales_mask", attr, arg, mask);
            }
            return (int)mh$.invokeExact(attr, arg, mask);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_desc_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_desc_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_destroy(dnnl_memory_desc_t memory_desc)
     * }
     */
    public static FunctionDescriptor dnnl_memory_desc_destroy$descriptor() {
        return dnnl_memory_desc_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_destroy(dnnl_memory_desc_t memory_desc)
     * }
     */
    public static MethodHandle dnnl_memory_desc_destroy$handle() {
        return dnnl_memory_desc_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_destroy(dnnl_memory_desc_t memory_desc)
     * }
     */
    public static MemorySegment dnnl_memory_desc_destroy$address() {
        return dnnl_memory_desc_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_destroy(dnnl_memory_desc_t memory_desc)
     * }
     */
    public static int dnnl_memory_desc_destroy(MemorySegment memory_desc) {
        var mh$ = dnnl_memory_desc_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_desc_destroy", memory_desc);
            }
            return (int)mh$.invokeExact(memory_desc);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_desc_create_with_strides {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_desc_create_with_strides");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_create_with_strides(dnnl_memory_desc_t *memory_desc, int ndims, const dnnl_dims_t dims, dnnl_data_type_t data_type, const dnnl_dims_t strides)
     * }
     */
    public static FunctionDescriptor dnnl_memory_desc_create_with_strides$descriptor() {
        return dnnl_memory_desc_create_with_strides.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_create_with_strides(dnnl_memory_desc_t *memory_desc, int ndims, const dnnl_dims_t dims, dnnl_data_type_t data_type, const dnnl_dims_t strides)
     * }
     */
    public static MethodHandle dnnl_memory_desc_create_with_strides$handle() {
        return dnnl_memory_desc_create_with_strides.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_create_with_strides(dnnl_memory_desc_t *memory_desc, int ndims, const dnnl_dims_t dims, dnnl_data_type_t data_type, const dnnl_dims_t strides)
     * }
     */
    public static MemorySegment dnnl_memory_desc_create_with_strides$address() {
        return dnnl_memory_desc_create_with_strides.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_create_with_strides(dnnl_memory_desc_t *memory_desc, int ndims, const dnnl_dims_t dims, dnnl_data_type_t data_type, const dnnl_dims_t strides)
     * }
     */
    public static int dnnl_memory_desc_create_with_strides(MemorySegment memory_desc, int ndims, MemorySegment dims, int data_type, MemorySegment strides) {
        var mh$ = dnnl_memory_desc_create_with_strides.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_desc_create_with_strides", memory_desc, ndims, dims, data_type, strides);
            }
            return (int)mh$.invokeExact(memory_desc, ndims, dims, data_type, strides);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_desc_query {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_desc_query");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_query(const_dnnl_memory_desc_t memory_desc, dnnl_query_t what, void *result)
     * }
     */
    public static FunctionDescriptor dnnl_memory_desc_query$descriptor() {
        return dnnl_memory_desc_query.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_query(const_dnnl_memory_desc_t memory_desc, dnnl_query_t what, void *result)
     * }
     */
    public static MethodHandle dnnl_memory_desc_query$handle() {
        return dnnl_memory_desc_query.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_query(const_dnnl_memory_desc_t memory_desc, dnnl_query_t what, void *result)
     * }
     */
    public static MemorySegment dnnl_memory_desc_query$address() {
        return dnnl_memory_desc_query.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_desc_query(const_dnnl_memory_desc_t memory_desc, dnnl_query_t what, void *result)
     * }
     */
    public static int dnnl_memory_desc_query(MemorySegment memory_desc, int what, MemorySegment result) {
        var mh$ = dnnl_memory_desc_query.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_desc_query", memory_desc, what, result);
            }
            return (int)mh$.invokeExact(memory_desc, what, result);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_desc_equal {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_desc_equal");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int dnnl_memory_desc_equal(const_dnnl_memory_desc_t lhs, const_dnnl_memory_desc_t rhs)
     * }
     */
    public static FunctionDescriptor dnnl_memory_desc_equal$descriptor() {
        return dnnl_memory_desc_equal.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int dnnl_memory_desc_equal(const_dnnl_memory_desc_t lhs, const_dnnl_memory_desc_t rhs)
     * }
     */
    public static MethodHandle dnnl_memory_desc_equal$handle() {
        return dnnl_memory_desc_equal.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int dnnl_memory_desc_equal(const_dnnl_memory_desc_t lhs, const_dnnl_memory_desc_t rhs)
     * }
     */
    public static MemorySegment dnnl_memory_desc_equal$address() {
        return dnnl_memory_desc_equal.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int dnnl_memory_desc_equal(const_dnnl_memory_desc_t lhs, const_dnnl_memory_desc_t rhs)
     * }
     */
    public static int dnnl_memory_desc_equal(MemorySegment lhs, MemorySegment rhs) {
        var mh$ = dnnl_memory_desc_equal.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_desc_equal", lhs, rhs);
            }
            return (int)mh$.invokeExact(lhs, rhs);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_desc_get_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_LONG,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_desc_get_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * size_t dnnl_memory_desc_get_size(const_dnnl_memory_desc_t memory_desc)
     * }
     */
    public static FunctionDescriptor dnnl_memory_desc_get_size$descriptor() {
        return dnnl_memory_desc_get_size.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * size_t dnnl_memory_desc_get_size(const_dnnl_memory_desc_t memory_desc)
     * }
     */
    public static MethodHandle dnnl_memory_desc_get_size$handle() {
        return dnnl_memory_desc_get_size.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * size_t dnnl_memory_desc_get_size(const_dnnl_memory_desc_t memory_desc)
     * }
     */
    public static MemorySegment dnnl_memory_desc_get_size$address() {
        return dnnl_memory_desc_get_size.ADDR;
    }

    /**
     * {@snippet lang=c :
     * size_t dnnl_memory_desc_get_size(const_dnnl_memory_desc_t memory_desc)
     * }
     */
    public static long dnnl_memory_desc_get_size(MemorySegment memory_desc) {
        var mh$ = dnnl_memory_desc_get_size.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_desc_get_size", memory_desc);
            }
            return (long)mh$.invokeExact(memory_desc);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_create(dnnl_memory_t *memory, const_dnnl_memory_desc_t memory_desc, dnnl_engine_t engine, void *handle)
     * }
     */
    public static FunctionDescriptor dnnl_memory_create$descriptor() {
        return dnnl_memory_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_create(dnnl_memory_t *memory, const_dnnl_memory_desc_t memory_desc, dnnl_engine_t engine, void *handle)
     * }
     */
    public static MethodHandle dnnl_memory_create$handle() {
        return dnnl_memory_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_create(dnnl_memory_t *memory, const_dnnl_memory_desc_t memory_desc, dnnl_engine_t engine, void *handle)
     * }
     */
    public static MemorySegment dnnl_memory_create$address() {
        return dnnl_memory_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_create(dnnl_memory_t *memory, const_dnnl_memory_desc_t memory_desc, dnnl_engine_t engine, void *handle)
     * }
     */
    public static int dnnl_memory_create(MemorySegment memory, MemorySegment memory_desc, MemorySegment engine, MemorySegment handle) {
        var mh$ = dnnl_memory_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_create", memory, memory_desc, engine, handle);
            }
            return (int)mh$.invokeExact(memory, memory_desc, engine, handle);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_get_data_handle {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_get_data_handle");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_get_data_handle(const_dnnl_memory_t memory, void **handle)
     * }
     */
    public static FunctionDescriptor dnnl_memory_get_data_handle$descriptor() {
        return dnnl_memory_get_data_handle.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_get_data_handle(const_dnnl_memory_t memory, void **handle)
     * }
     */
    public static MethodHandle dnnl_memory_get_data_handle$handle() {
        return dnnl_memory_get_data_handle.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_get_data_handle(const_dnnl_memory_t memory, void **handle)
     * }
     */
    public static MemorySegment dnnl_memory_get_data_handle$address() {
        return dnnl_memory_get_data_handle.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_get_data_handle(const_dnnl_memory_t memory, void **handle)
     * }
     */
    public static int dnnl_memory_get_data_handle(MemorySegment memory, MemorySegment handle) {
        var mh$ = dnnl_memory_get_data_handle.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_get_data_handle", memory, handle);
            }
            return (int)mh$.invokeExact(memory, handle);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_set_data_handle {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_set_data_handle");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_set_data_handle(dnnl_memory_t memory, void *handle)
     * }
     */
    public static FunctionDescriptor dnnl_memory_set_data_handle$descriptor() {
        return dnnl_memory_set_data_handle.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_set_data_handle(dnnl_memory_t memory, void *handle)
     * }
     */
    public static MethodHandle dnnl_memory_set_data_handle$handle() {
        return dnnl_memory_set_data_handle.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_set_data_handle(dnnl_memory_t memory, void *handle)
     * }
     */
    public static MemorySegment dnnl_memory_set_data_handle$address() {
        return dnnl_memory_set_data_handle.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_set_data_handle(dnnl_memory_t memory, void *handle)
     * }
     */
    public static int dnnl_memory_set_data_handle(MemorySegment memory, MemorySegment handle) {
        var mh$ = dnnl_memory_set_data_handle.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_set_data_handle", memory, handle);
            }
            return (int)mh$.invokeExact(memory, handle);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_memory_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_memory_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_destroy(dnnl_memory_t memory)
     * }
     */
    public static FunctionDescriptor dnnl_memory_destroy$descriptor() {
        return dnnl_memory_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_destroy(dnnl_memory_t memory)
     * }
     */
    public static MethodHandle dnnl_memory_destroy$handle() {
        return dnnl_memory_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_destroy(dnnl_memory_t memory)
     * }
     */
    public static MemorySegment dnnl_memory_destroy$address() {
        return dnnl_memory_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_memory_destroy(dnnl_memory_t memory)
     * }
     */
    public static int dnnl_memory_destroy(MemorySegment memory) {
        var mh$ = dnnl_memory_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_memory_destroy", memory);
            }
            return (int)mh$.invokeExact(memory);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_softmax_forward_primitive_desc_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_softmax_forward_primitive_desc_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_forward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_prop_kind_t prop_kind, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t src_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static FunctionDescriptor dnnl_softmax_forward_primitive_desc_create$descriptor() {
        return dnnl_softmax_forward_primitive_desc_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_forward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_prop_kind_t prop_kind, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t src_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static MethodHandle dnnl_softmax_forward_primitive_desc_create$handle() {
        return dnnl_softmax_forward_primitive_desc_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_forward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_prop_kind_t prop_kind, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t src_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static MemorySegment dnnl_softmax_forward_primitive_desc_create$address() {
        return dnnl_softmax_forward_primitive_desc_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_forward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_prop_kind_t prop_kind, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t src_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static int dnnl_softmax_forward_primitive_desc_create(MemorySegment primitive_desc, MemorySegment engine, int prop_kind, int alg_kind, MemorySegment src_desc, MemorySegment dst_desc, int softmax_axis, MemorySegment attr) {
        var mh$ = dnnl_softmax_forward_primitive_desc_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_softmax_forward_primitive_desc_create", primitive_desc, engine, prop_kind, alg_kind, src_desc, dst_desc, softmax_axis, attr);
            }
            return (int)mh$.invokeExact(primitive_desc, engine, prop_kind, alg_kind, src_desc, dst_desc, softmax_axis, attr);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_softmax_backward_primitive_desc_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER,
            dnnl_h.C_INT,
            dnnl_h.C_POINTER,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_softmax_backward_primitive_desc_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_backward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t diff_src_desc, const_dnnl_memory_desc_t diff_dst_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_desc_t hint_fwd_pd, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static FunctionDescriptor dnnl_softmax_backward_primitive_desc_create$descriptor() {
        return dnnl_softmax_backward_primitive_desc_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_backward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t diff_src_desc, const_dnnl_memory_desc_t diff_dst_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_desc_t hint_fwd_pd, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static MethodHandle dnnl_softmax_backward_primitive_desc_create$handle() {
        return dnnl_softmax_backward_primitive_desc_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_backward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t diff_src_desc, const_dnnl_memory_desc_t diff_dst_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_desc_t hint_fwd_pd, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static MemorySegment dnnl_softmax_backward_primitive_desc_create$address() {
        return dnnl_softmax_backward_primitive_desc_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_softmax_backward_primitive_desc_create(dnnl_primitive_desc_t *primitive_desc, dnnl_engine_t engine, dnnl_alg_kind_t alg_kind, const_dnnl_memory_desc_t diff_src_desc, const_dnnl_memory_desc_t diff_dst_desc, const_dnnl_memory_desc_t dst_desc, int softmax_axis, const_dnnl_primitive_desc_t hint_fwd_pd, const_dnnl_primitive_attr_t attr)
     * }
     */
    public static int dnnl_softmax_backward_primitive_desc_create(MemorySegment primitive_desc, MemorySegment engine, int alg_kind, MemorySegment diff_src_desc, MemorySegment diff_dst_desc, MemorySegment dst_desc, int softmax_axis, MemorySegment hint_fwd_pd, MemorySegment attr) {
        var mh$ = dnnl_softmax_backward_primitive_desc_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_softmax_backward_primitive_desc_create", primitive_desc, engine, alg_kind, diff_src_desc, diff_dst_desc, dst_desc, softmax_axis, hint_fwd_pd, attr);
            }
            return (int)mh$.invokeExact(primitive_desc, engine, alg_kind, diff_src_desc, diff_dst_desc, dst_desc, softmax_axis, hint_fwd_pd, attr);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_get_primitive_cache_capacity {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_POINTER
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_get_primitive_cache_capacity");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_get_primitive_cache_capacity(int *capacity)
     * }
     */
    public static FunctionDescriptor dnnl_get_primitive_cache_capacity$descriptor() {
        return dnnl_get_primitive_cache_capacity.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_get_primitive_cache_capacity(int *capacity)
     * }
     */
    public static MethodHandle dnnl_get_primitive_cache_capacity$handle() {
        return dnnl_get_primitive_cache_capacity.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_get_primitive_cache_capacity(int *capacity)
     * }
     */
    public static MemorySegment dnnl_get_primitive_cache_capacity$address() {
        return dnnl_get_primitive_cache_capacity.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_get_primitive_cache_capacity(int *capacity)
     * }
     */
    public static int dnnl_get_primitive_cache_capacity(MemorySegment capacity) {
        var mh$ = dnnl_get_primitive_cache_capacity.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_get_primitive_cache_capacity", capacity);
            }
            return (int)mh$.invokeExact(capacity);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_set_primitive_cache_capacity {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_set_primitive_cache_capacity");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_primitive_cache_capacity(int capacity)
     * }
     */
    public static FunctionDescriptor dnnl_set_primitive_cache_capacity$descriptor() {
        return dnnl_set_primitive_cache_capacity.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_primitive_cache_capacity(int capacity)
     * }
     */
    public static MethodHandle dnnl_set_primitive_cache_capacity$handle() {
        return dnnl_set_primitive_cache_capacity.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_primitive_cache_capacity(int capacity)
     * }
     */
    public static MemorySegment dnnl_set_primitive_cache_capacity$address() {
        return dnnl_set_primitive_cache_capacity.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_primitive_cache_capacity(int capacity)
     * }
     */
    public static int dnnl_set_primitive_cache_capacity(int capacity) {
        var mh$ = dnnl_set_primitive_cache_capacity.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_set_primitive_cache_capacity", capacity);
            }
            return (int)mh$.invokeExact(capacity);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_set_max_cpu_isa {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_set_max_cpu_isa");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_max_cpu_isa(dnnl_cpu_isa_t isa)
     * }
     */
    public static FunctionDescriptor dnnl_set_max_cpu_isa$descriptor() {
        return dnnl_set_max_cpu_isa.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_max_cpu_isa(dnnl_cpu_isa_t isa)
     * }
     */
    public static MethodHandle dnnl_set_max_cpu_isa$handle() {
        return dnnl_set_max_cpu_isa.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_max_cpu_isa(dnnl_cpu_isa_t isa)
     * }
     */
    public static MemorySegment dnnl_set_max_cpu_isa$address() {
        return dnnl_set_max_cpu_isa.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_status_t dnnl_set_max_cpu_isa(dnnl_cpu_isa_t isa)
     * }
     */
    public static int dnnl_set_max_cpu_isa(int isa) {
        var mh$ = dnnl_set_max_cpu_isa.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_set_max_cpu_isa", isa);
            }
            return (int)mh$.invokeExact(isa);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_get_effective_cpu_isa {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_INT    );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_get_effective_cpu_isa");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * dnnl_cpu_isa_t dnnl_get_effective_cpu_isa()
     * }
     */
    public static FunctionDescriptor dnnl_get_effective_cpu_isa$descriptor() {
        return dnnl_get_effective_cpu_isa.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * dnnl_cpu_isa_t dnnl_get_effective_cpu_isa()
     * }
     */
    public static MethodHandle dnnl_get_effective_cpu_isa$handle() {
        return dnnl_get_effective_cpu_isa.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * dnnl_cpu_isa_t dnnl_get_effective_cpu_isa()
     * }
     */
    public static MemorySegment dnnl_get_effective_cpu_isa$address() {
        return dnnl_get_effective_cpu_isa.ADDR;
    }

    /**
     * {@snippet lang=c :
     * dnnl_cpu_isa_t dnnl_get_effective_cpu_isa()
     * }
     */
    public static int dnnl_get_effective_cpu_isa() {
        var mh$ = dnnl_get_effective_cpu_isa.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_get_effective_cpu_isa");
            }
            return (int)mh$.invokeExact();
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_status2str {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_POINTER,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_status2str");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *dnnl_status2str(dnnl_status_t v)
     * }
     */
    public static FunctionDescriptor dnnl_status2str$descriptor() {
        return dnnl_status2str.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *dnnl_status2str(dnnl_status_t v)
     * }
     */
    public static MethodHandle dnnl_status2str$handle() {
        return dnnl_status2str.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *dnnl_status2str(dnnl_status_t v)
     * }
     */
    public static MemorySegment dnnl_status2str$address() {
        return dnnl_status2str.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *dnnl_status2str(dnnl_status_t v)
     * }
     */
    public static MemorySegment dnnl_status2str(int v) {
        var mh$ = dnnl_status2str.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_status2str", v);
            }
            return (MemorySegment)mh$.invokeExact(v);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_dt2str {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_POINTER,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_dt2str");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *dnnl_dt2str(dnnl_data_type_t v)
     * }
     */
    public static FunctionDescriptor dnnl_dt2str$descriptor() {
        return dnnl_dt2str.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *dnnl_dt2str(dnnl_data_type_t v)
     * }
     */
    public static MethodHandle dnnl_dt2str$handle() {
        return dnnl_dt2str.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *dnnl_dt2str(dnnl_data_type_t v)
     * }
     */
    public static MemorySegment dnnl_dt2str$address() {
        return dnnl_dt2str.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *dnnl_dt2str(dnnl_data_type_t v)
     * }
     */
    public static MemorySegment dnnl_dt2str(int v) {
        var mh$ = dnnl_dt2str.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_dt2str", v);
            }
            return (MemorySegment)mh$.invokeExact(v);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class dnnl_cpu_isa2str {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            dnnl_h.C_POINTER,
            dnnl_h.C_INT
        );

        public static final MemorySegment ADDR = dnnl_h.findOrThrow("dnnl_cpu_isa2str");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *dnnl_cpu_isa2str(dnnl_cpu_isa_t v)
     * }
     */
    public static FunctionDescriptor dnnl_cpu_isa2str$descriptor() {
        return dnnl_cpu_isa2str.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *dnnl_cpu_isa2str(dnnl_cpu_isa_t v)
     * }
     */
    public static MethodHandle dnnl_cpu_isa2str$handle() {
        return dnnl_cpu_isa2str.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *dnnl_cpu_isa2str(dnnl_cpu_isa_t v)
     * }
     */
    public static MemorySegment dnnl_cpu_isa2str$address() {
        return dnnl_cpu_isa2str.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *dnnl_cpu_isa2str(dnnl_cpu_isa_t v)
     * }
     */
    public static MemorySegment dnnl_cpu_isa2str(int v) {
        var mh$ = dnnl_cpu_isa2str.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("dnnl_cpu_isa2str", v);
            }
            return (MemorySegment)mh$.invokeExact(v);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
}
