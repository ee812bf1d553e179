package dev.softmax.cli.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Test helper: whole-array reads and writes through Java arrays, for small files (fixtures, short outputs). The
 * CLI itself goes through {@link NpyArray} and {@link NpyOutput}, which never copy the data onto the heap.
 *
 * <p>Values are always in logical row-major order: element {@code (i, j)} of a 2-d array is at {@code i * cols + j}
 * whether the file is in C or Fortran order. Writes go through {@link NpyOutput} (so they are atomic too).
 */
public final class NpyIO {

    private NpyIO() {}

    /** Writes floats as f4, f2 (rounded to nearest-even) or f8. */
    public static void write(Path target, NpyDType dtype, long[] shape, float[] values) throws IOException {
        write(target, dtype, shape, values, false, null);
    }

    /** Writes doubles as f8, f4 or f2 (f2 rounded through f4). */
    public static void write(Path target, NpyDType dtype, long[] shape, double[] values) throws IOException {
        write(target, dtype, shape, values, false, null);
    }

    /** Writes ints as i4 or i8. */
    public static void write(Path target, NpyDType dtype, long[] shape, int[] values) throws IOException {
        write(target, dtype, shape, values, false, null);
    }

    /** Writes longs as i8 or i4 (each value must fit in an int). */
    public static void write(Path target, NpyDType dtype, long[] shape, long[] values) throws IOException {
        write(target, dtype, shape, values, false, null);
    }

    /** The writes above, with the memory order and format version chosen ({@code version} null: as NumPy). */
    static void write(
            Path target, NpyDType dtype, long[] shape, Object values, boolean fortranOrder, NpyVersion version)
            throws IOException {
        Objects.requireNonNull(values, "values");
        int length = java.lang.reflect.Array.getLength(values);
        checkConvertible(values, dtype);
        try (NpyOutput out = NpyOutput.create(target, dtype, shape, fortranOrder, version);
                Arena arena = Arena.ofConfined()) {
            if (out.elementCount() != length) {
                throw new IllegalArgumentException(length + " values for shape "
                        + out.header().shapeString() + ", which has " + out.elementCount() + " elements");
            }
            MemorySegment data = out.data(arena);
            long[] outShape = out.shape();
            long[] strides = out.stridesInElements();
            for (int k = 0; k < length; k++) {
                long offset = physicalIndex(k, outShape, strides) * dtype.itemSize();
                switch (values) {
                    case float[] v -> putFloating(data, dtype, offset, v[k]);
                    case double[] v -> putFloating(data, dtype, offset, v[k]);
                    case int[] v -> putIntegral(data, dtype, offset, v[k], k);
                    case long[] v -> putIntegral(data, dtype, offset, v[k], k);
                    default -> throw new AssertionError(values.getClass());
                }
            }
            out.commit();
        }
    }

    private static void checkConvertible(Object values, NpyDType dtype) {
        boolean floating = values instanceof float[] || values instanceof double[];
        boolean integral = values instanceof int[] || values instanceof long[];
        if (!floating && !integral) {
            throw new IllegalArgumentException("values must be a float[], double[], int[] or long[], not "
                    + values.getClass().getSimpleName());
        }
        if (floating != dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(
                    values.getClass().getSimpleName() + " values cannot be written as " + dtype.descr());
        }
    }

    private static void putFloating(MemorySegment data, NpyDType dtype, long offset, double value) {
        switch (dtype) {
            case F4 -> data.set((ValueLayout.OfFloat) dtype.layout(), offset, (float) value);
            case F2 -> data.set((ValueLayout.OfShort) dtype.layout(), offset, Float.floatToFloat16((float) value));
            case F8 -> data.set((ValueLayout.OfDouble) dtype.layout(), offset, value);
            default -> throw new AssertionError(dtype);
        }
    }

    private static void putIntegral(MemorySegment data, NpyDType dtype, long offset, long value, int k) {
        switch (dtype) {
            case I4 -> {
                if (value != (int) value) {
                    throw new IllegalArgumentException("value " + value + " at index " + k + " does not fit in <i4");
                }
                data.set((ValueLayout.OfInt) dtype.layout(), offset, (int) value);
            }
            case I8 -> data.set((ValueLayout.OfLong) dtype.layout(), offset, value);
            case B1, U1 -> {
                if (value < 0 || value > (dtype == NpyDType.B1 ? 1 : 255)) {
                    throw new IllegalArgumentException(
                            "value " + value + " at index " + k + " does not fit in " + dtype.descr());
                }
                data.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
            }
            default -> throw new AssertionError(dtype);
        }
    }

    /** All elements as floats, row-major; f8 is rounded to the nearest float. */
    public static float[] readFloats(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NpyArray array = NpyArray.open(path, arena);
            requireFloating(array);
            float[] out = new float[arrayLength(array)];
            if (array.dtype() == NpyDType.F4 && isRowMajor(array)) {
                MemorySegment.copy(array.data(), (ValueLayout.OfFloat) NpyDType.F4.layout(), 0, out, 0, out.length);
                return out;
            }
            long[] shape = array.shape();
            long[] strides = array.stridesInElements();
            for (int k = 0; k < out.length; k++) {
                out[k] = (float) NpyArray.readAsDouble(array.data(), array.dtype(), physicalIndex(k, shape, strides));
            }
            return out;
        }
    }

    /** All elements as doubles, row-major. */
    public static double[] readDoubles(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NpyArray array = NpyArray.open(path, arena);
            requireFloating(array);
            double[] out = new double[arrayLength(array)];
            long[] shape = array.shape();
            long[] strides = array.stridesInElements();
            for (int k = 0; k < out.length; k++) {
                out[k] = NpyArray.readAsDouble(array.data(), array.dtype(), physicalIndex(k, shape, strides));
            }
            return out;
        }
    }

    /** All elements of an i4 or i8 file as longs, row-major. */
    public static long[] readLongs(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NpyArray array = NpyArray.open(path, arena);
            requireIntegral(array);
            long[] out = new long[arrayLength(array)];
            long[] shape = array.shape();
            long[] strides = array.stridesInElements();
            for (int k = 0; k < out.length; k++) {
                out[k] = readIntegral(array, physicalIndex(k, shape, strides));
            }
            return out;
        }
    }

    /** All elements of an i4 file, or of an i8 file whose values all fit in an int, row-major. */
    public static int[] readInts(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NpyArray array = NpyArray.open(path, arena);
            requireIntegral(array);
            int[] out = new int[arrayLength(array)];
            long[] shape = array.shape();
            long[] strides = array.stridesInElements();
            for (int k = 0; k < out.length; k++) {
                long value = readIntegral(array, physicalIndex(k, shape, strides));
                if (value != (int) value) {
                    throw new NpyFormatException(
                            path.toString(), "value " + value + " at index " + k + " does not fit in a 32-bit int");
                }
                out[k] = (int) value;
            }
            return out;
        }
    }

    private static long readIntegral(NpyArray array, long element) {
        long offset = element * array.dtype().itemSize();
        return switch (array.dtype()) {
            case I4 -> array.data().get((ValueLayout.OfInt) NpyDType.I4.layout(), offset);
            case B1, U1 -> array.data().get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
            default -> array.data().get((ValueLayout.OfLong) NpyDType.I8.layout(), offset);
        };
    }

    private static void requireFloating(NpyArray array) {
        if (!array.dtype().isFloatingPoint()) {
            throw new NpyFormatException(
                    array.path().toString(),
                    "expected floating-point data (<f4, <f2, <f8), " + "the file holds "
                            + array.dtype().descr());
        }
    }

    private static void requireIntegral(NpyArray array) {
        if (array.dtype().isFloatingPoint()) {
            throw new NpyFormatException(
                    array.path().toString(),
                    "expected integer data (<i4, <i8), the file holds "
                            + array.dtype().descr());
        }
    }

    private static int arrayLength(NpyArray array) {
        long count = array.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(array.path() + ": " + count
                    + " elements do not fit in a Java array; map the file with NpyArray instead");
        }
        return (int) count;
    }

    private static boolean isRowMajor(NpyArray array) {
        return !array.fortranOrder() || array.shape().length <= 1;
    }

    /** The storage position of the k-th element in row-major order. */
    private static long physicalIndex(long k, long[] shape, long[] strides) {
        long offset = 0;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            offset += (k % shape[axis]) * strides[axis];
            k /= shape[axis];
        }
        return offset;
    }
}
