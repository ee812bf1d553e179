package dev.softmax.internal;

import java.lang.foreign.MemorySegment;

/**
 * A per-thread f32 row for layouts the kernels cannot read in place (16-bit types, strided axes). It grows
 * to the longest row seen on that thread and is then reused, so steady-state calls do not allocate it.
 */
final class WorkingRow {

    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[1024]);

    private WorkingRow() {
    }

    /** A segment of at least {@code n} floats, private to the calling thread. */
    static MemorySegment get(long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a strided or 16-bit row of " + n
                    + " elements is longer than a working row can hold (2^31 - 9)");
        }
        float[] row = ROW.get();
        if (row.length < n) {
            row = new float[(int) Math.max(n, Math.min(Integer.MAX_VALUE - 8, 2L * row.length))];
            ROW.set(row);
        }
        return MemorySegment.ofArray(row);
    }
}
