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

/**
 * {@snippet lang=c :
 * struct {
 *     uint8_t code;
 *     uint8_t bits;
 *     uint16_t lanes;
 * }
 * }
 */
public class DLDataType {

    DLDataType() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        dlpack_h.C_CHAR.withName("code"),
        dlpack_h.C_CHAR.withName("bits"),
        dlpack_h.C_SHORT.withName("lanes")
    ).withName("$anon$200:9");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final OfByte code$LAYOUT = (OfByte)$LAYOUT.select(groupElement("code"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * uint8_t code
     * }
     */
    public static final OfByte code$layout() {
        return code$LAYOUT;
    }

    private static final long code$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint8_t code
     * }
     */
    public static final long code$offset() {
        return code$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * uint8_t code
     * }
     */
    public static byte code(MemorySegment struct) {
        return struct.get(code$LAYOUT, code$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * uint8_t code
     * }
     */
    public static void code(MemorySegment struct, byte fieldValue) {
        struct.set(code$LAYOUT, code$OFFSET, fieldValue);
    }

    private static final OfByte bits$LAYOUT = (OfByte)$LAYOUT.select(groupElement("bits"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * uint8_t bits
     * }
     */
    public static final OfByte bits$layout() {
        return bits$LAYOUT;
    }

    private static final long bits$OFFSET = 1;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint8_t bits
     * }
     */
    public static final long bits$offset() {
        return bits$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * uint8_t bits
     * }
     */
    public static byte bits(MemorySegment struct) {
        return struct.get(bits$LAYOUT, bits$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * uint8_t bits
     * }
     */
    public static void bits(MemorySegment struct, byte fieldValue) {
        struct.set(bits$LAYOUT, bits$OFFSET, fieldValue);
    }

    private static final OfShort lanes$LAYOUT = (OfShort)$LAYOUT.select(groupElement("lanes"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * uint16_t lanes
     * }
     */
    public static final OfShort lanes$layout() {
        return lanes$LAYOUT;
    }

    private static final long lanes$OFFSET = 2;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint16_t lanes
     * }
     */
    public static final long lanes$offset() {
        return lanes$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * uint16_t lanes
     * }
     */
    public static short lanes(MemorySegment struct) {
        return struct.get(lanes$LAYOUT, lanes$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * uint16_t lanes
     * }
     */
    public static void lanes(MemorySegment struct, short fieldValue) {
        struct.set(lanes$LAYOUT, lanes$OFFSET, fieldValue);
    }

    /**
     * Obtains a slice of {@code arrayParam} which selects the array element at {@code index}.
     * The returned segment has address {@code arrayParam.address() + index * layout().byteSize()}
     */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(layout().byteSize() * index);
    }

    /**
     * The size (in bytes) of this struct
     */
    public static long sizeof() { return layout().byteSize(); }

    /**
     * Allocate a segment of size {@code layout().byteSize()} using {@code allocator}
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(layout());
    }

    /**
     * Allocate an array of size {@code elementCount} using {@code allocator}.
     * The returned segment has size {@code elementCount * layout().byteSize()}.
     */
    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, layout()));
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanupAction} (if any).
     * The returned segment has size {@code layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {
        return reinterpret(addr, 1, arena, cleanup);
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanupAction} (if any).
     * The returned segment has size {@code elementCount * layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, long elementCount, Arena arena, Consumer<MemorySegment> cleanup) {
        return addr.reinterpret(layout().byteSize() * elementCount, arena, cleanup);
    }
}
