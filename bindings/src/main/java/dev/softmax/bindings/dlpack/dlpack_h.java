// Written by hand in jextract 22's output form, not generated; see bindings/README.md.

package dev.softmax.bindings.dlpack;

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.*;

public class dlpack_h {

    dlpack_h() {
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
    private static final int DLPACK_MAJOR_VERSION = (int)1L;
    /**
     * {@snippet lang=c :
     * #define DLPACK_MAJOR_VERSION 1
     * }
     */
    public static int DLPACK_MAJOR_VERSION() {
        return DLPACK_MAJOR_VERSION;
    }
    private static final int DLPACK_MINOR_VERSION = (int)1L;
    /**
     * {@snippet lang=c :
     * #define DLPACK_MINOR_VERSION 1
     * }
     */
    public static int DLPACK_MINOR_VERSION() {
        return DLPACK_MINOR_VERSION;
    }
    private static final int kDLCPU = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.kDLCPU = 1
     * }
     */
    public static int kDLCPU() {
        return kDLCPU;
    }
    private static final int kDLCUDA = (int)2L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.kDLCUDA = 2
     * }
     */
    public static int kDLCUDA() {
        return kDLCUDA;
    }
    private static final int kDLCUDAHost = (int)3L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.kDLCUDAHost = 3
     * }
     */
    public static int kDLCUDAHost() {
        return kDLCUDAHost;
    }
    private static final int kDLInt = (int)0L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.kDLInt = 0
     * }
     */
    public static int kDLInt() {
        return kDLInt;
    }
    private static final int kDLUInt = (int)1L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.kDLUInt = 1
     * }
     */
    public static int kDLUInt() {
        return kDLUInt;
    }
    private static final int kDLFloat = (int)2L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.kDLFloat = 2
     * }
     */
    public static int kDLFloat() {
        return kDLFloat;
    }
    private static final int kDLBfloat = (int)4L;
    /**
     * {@snippet lang=c :
     * enum <anonymous>.kDLBfloat = 4
     * }
     */
    public static int kDLBfloat() {
        return kDLBfloat;
    }
    private static final long DLPACK_FLAG_BITMASK_READ_ONLY = (long)1L;
    /**
     * {@snippet lang=c :
     * #define DLPACK_FLAG_BITMASK_READ_ONLY 1
     * }
     */
    public static long DLPACK_FLAG_BITMASK_READ_ONLY() {
        return DLPACK_FLAG_BITMASK_READ_ONLY;
    }
    private static final long DLPACK_FLAG_BITMASK_IS_COPIED = (long)2L;
    /**
     * {@snippet lang=c :
     * #define DLPACK_FLAG_BITMASK_IS_COPIED 2
     * }
     */
    public static long DLPACK_FLAG_BITMASK_IS_COPIED() {
        return DLPACK_FLAG_BITMASK_IS_COPIED;
    }
    private static final long DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED = (long)4L;
    /**
     * {@snippet lang=c :
     * #define DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED 4
     * }
     */
    public static long DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED() {
        return DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED;
    }
}
