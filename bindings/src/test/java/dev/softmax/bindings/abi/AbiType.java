package dev.softmax.bindings.abi;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;

/**
 * The part of a type that decides how a value crosses the C ABI: its kind and its size in bytes. A C type and
 * the Java layout bound to it must agree on both; signedness and enum-ness do not matter to the calling
 * convention (jextract binds {@code unsigned} and enums to {@code JAVA_INT}).
 */
record AbiType(Kind kind, long size) {

    enum Kind {
        VOID,
        INTEGER,
        POINTER,
        REAL,
        RECORD,
        ARRAY,
        OTHER
    }

    static final AbiType VOID = new AbiType(Kind.VOID, 0);

    /**
     * From what GCC's {@code __builtin_classify_type} returns (gcc/typeclass.h) plus {@code sizeof}. An array
     * passed to the builtin has already decayed, so arrays are recognised by the caller, not here.
     */
    static AbiType fromGccTypeClass(int typeClass, long size) {
        Kind kind = switch (typeClass) {
            case 0 -> Kind.VOID;
            case 1, 2, 3, 4 -> Kind.INTEGER; // integer, char, enumeral, boolean
            case 5, 6 -> Kind.POINTER; // pointer, reference
            case 8 -> Kind.REAL;
            case 12, 13 -> Kind.RECORD; // struct, union
            case 14 -> Kind.ARRAY;
            default -> Kind.OTHER;
        };
        return new AbiType(kind, kind == Kind.VOID ? 0 : size);
    }

    static AbiType of(MemoryLayout layout) {
        return switch (layout) {
            case AddressLayout address -> new AbiType(Kind.POINTER, address.byteSize());
            case ValueLayout value
            when value.carrier() == float.class || value.carrier() == double.class ->
                new AbiType(Kind.REAL, value.byteSize());
            case ValueLayout value -> new AbiType(Kind.INTEGER, value.byteSize());
            case GroupLayout group -> new AbiType(Kind.RECORD, group.byteSize());
            case SequenceLayout sequence -> new AbiType(Kind.ARRAY, sequence.byteSize());
            case PaddingLayout padding -> new AbiType(Kind.OTHER, padding.byteSize());
        };
    }

    @Override
    public String toString() {
        return kind == Kind.VOID ? "void" : kind.name().toLowerCase(java.util.Locale.ROOT) + " of " + size + " bytes";
    }
}
