// Written by hand in jextract 22's output form, not generated; see bindings/README.md.

package dev.softmax.bindings.omp;

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.*;

public class omp_h {

    omp_h() {
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

    private static class omp_set_num_threads {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            omp_h.C_INT
        );

        public static final MemorySegment ADDR = omp_h.findOrThrow("omp_set_num_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * void omp_set_num_threads(int)
     * }
     */
    public static FunctionDescriptor omp_set_num_threads$descriptor() {
        return omp_set_num_threads.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * void omp_set_num_threads(int)
     * }
     */
    public static MethodHandle omp_set_num_threads$handle() {
        return omp_set_num_threads.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * void omp_set_num_threads(int)
     * }
     */
    public static MemorySegment omp_set_num_threads$address() {
        return omp_set_num_threads.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void omp_set_num_threads(int)
     * }
     */
    public static void omp_set_num_threads(int x0) {
        var mh$ = omp_set_num_threads.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("omp_set_num_threads", x0);
            }
            mh$.invokeExact(x0);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class omp_get_max_threads {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            omp_h.C_INT    );

        public static final MemorySegment ADDR = omp_h.findOrThrow("omp_get_max_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int omp_get_max_threads()
     * }
     */
    public static FunctionDescriptor omp_get_max_threads$descriptor() {
        return omp_get_max_threads.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int omp_get_max_threads()
     * }
     */
    public static MethodHandle omp_get_max_threads$handle() {
        return omp_get_max_threads.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int omp_get_max_threads()
     * }
     */
    public static MemorySegment omp_get_max_threads$address() {
        return omp_get_max_threads.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int omp_get_max_threads()
     * }
     */
    public static int omp_get_max_threads() {
        var mh$ = omp_get_max_threads.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("omp_get_max_threads");
            }
            return (int)mh$.invokeExact();
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class omp_get_num_procs {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            omp_h.C_INT    );

        public static final MemorySegment ADDR = omp_h.findOrThrow("omp_get_num_procs");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int omp_get_num_procs()
     * }
     */
    public static FunctionDescriptor omp_get_num_procs$descriptor() {
        return omp_get_num_procs.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int omp_get_num_procs()
     * }
     */
    public static MethodHandle omp_get_num_procs$handle() {
        return omp_get_num_procs.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int omp_get_num_procs()
     * }
     */
    public static MemorySegment omp_get_num_procs$address() {
        return omp_get_num_procs.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int omp_get_num_procs()
     * }
     */
    public static int omp_get_num_procs() {
        var mh$ = omp_get_num_procs.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("omp_get_num_procs");
            }
            return (int)mh$.invokeExact();
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
}
