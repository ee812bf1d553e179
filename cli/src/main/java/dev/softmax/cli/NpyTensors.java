package dev.softmax.cli;

import dev.softmax.DType;
import dev.softmax.TensorView;
import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyHeader;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** Turns mapped .npy data into engine views: zero-copy for f32/f16/int, one conversion for f64. */
final class NpyTensors {

    private NpyTensors() {}

    /** The engine type that holds this file's elements as they are, or null when they must be converted. */
    static DType engineType(NpyDType type) {
        return switch (type) {
            case F4 -> DType.F32;
            case F2 -> DType.F16;
            case I4 -> DType.I32;
            case I8 -> DType.I64;
            case B1, U1 -> DType.U8;
            case F8 -> null;
        };
    }

    static void requireFloatingPoint(Path file, NpyHeader header, String what) {
        if (!header.dtype().isFloatingPoint()) {
            throw new BadInputException(file + ": holds " + header.dtype().descr() + " integers; " + what
                    + " must be floating point (<f4, <f2 or <f8)");
        }
    }

    static void requireInteger(Path file, NpyHeader header, String what) {
        if (header.dtype() != NpyDType.I4 && header.dtype() != NpyDType.I8) {
            throw new BadInputException(
                    file + ": holds " + header.dtype().descr() + "; " + what + " must be integers (<i4 or <i8)");
        }
    }

    /** Says, once per file, that f64 input is computed in f32. */
    static void noteConversion(PrintWriter err, Path file, NpyHeader header) {
        if (header.dtype() == NpyDType.F8) {
            err.println("softmax: note: " + file + " is float64; it is converted to float32 for the engine");
        }
    }

    /**
     * A view of {@code shape} over {@code data} laid out with {@code strides} (elements), converting f64 to f32
     * into {@code arena} (the only case that copies).
     */
    static TensorView view(MemorySegment data, NpyDType type, long[] shape, long[] strides, Arena arena) {
        return wrap(data, type, shape, strides, arena);
    }

    /**
     * {@link #view} for an input the engine reads: mapped data is first copied into {@code arena} (memory of this
     * process), so that the kernels never read the file's pages themselves.
     *
     * <p>Why: another process may truncate the file while it is mapped. A load from a page past the new end raises
     * SIGBUS. The JDK turns that into an {@link InternalError} for its own memory copies and scalar accesses, but
     * not for Vector API loads in C2-compiled code: there it killed the JVM (hs_err, SIGBUS in
     * {@code FloatVector.fromMemorySegment}; found by FaultInjectionIT truncating the input during
     * {@code softmax apply}). The copy is one memcpy per window: 1.3-1.6 ms per 16 MiB window beside 3.4-5.7 ms
     * for the softmax of it (file in the page cache); {@code softmax apply} on a 131 MB input went from 1.71-1.85 s to
     * 1.96-2.02 s with this copy and the output's reservation together. A truncation during the copy is reported by
     * {@link SoftmaxCommand} in one line.
     */
    static TensorView input(MemorySegment data, NpyDType type, long[] shape, long[] strides, Arena arena) {
        if (engineType(type) != null && data.isMapped() && data.byteSize() > 0) {
            MemorySegment staged = arena.allocate(data.byteSize(), 64);
            MemorySegment.copy(data, 0, staged, 0, data.byteSize());
            data = staged;
        }
        return wrap(data, type, shape, strides, arena);
    }

    private static TensorView wrap(MemorySegment data, NpyDType type, long[] shape, long[] strides, Arena arena) {
        long[] viewShape = shape.length == 0 ? new long[] {1} : shape;
        long[] viewStrides = shape.length == 0 ? new long[] {1} : strides;
        DType engineType = engineType(type);
        if (engineType != null) {
            return TensorView.wrap(data, engineType, viewShape, viewStrides);
        }
        long count = data.byteSize() / 8;
        MemorySegment converted = arena.allocate(Math.max(4, 4 * count), 64);
        for (long i = 0; i < count; i++) {
            converted.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) data.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, 8 * i));
        }
        return TensorView.wrap(converted, DType.F32, viewShape, viewStrides);
    }
}
