package dev.softmax.internal;

import java.lang.foreign.MemorySegment;

/**
 * A per-thread f32 row for layouts the kernels cannot read in place (16-bit types, strided axes). It grows
 * to the longest row seen on that thread and is then reused, so steady-state calls do not allocate it.
 */
final class WorkingRow {

    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[1024]);
    private static final ThreadLocal<float[]> SECOND_ROW = ThreadLocal.withInitial(() -> new float[1024]);

    private WorkingRow() {
    }

    /** A segment of at least {@code n} floats, private to the calling thread. */
    static MemorySegment get(long n) {
        return get(ROW, n);
    }

    /** A second such segment, distinct from {@link #get}, for calls that need an input and an output row. */
    static MemorySegment second(long n) {
        return get(SECOND_ROW, n);
    }

    private static MemorySegment get(ThreadLocal<float[]> slot, long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a strided or 16-bit row of " + n
                    + " elements is longer than a working row can hold (2^31 - 9)");
        }
        float[] row = slot.get();
        if (row.length < n) {
            row = new float[(int) Math.max(n, Math.min(Integer.MAX_VALUE - 8, 2L * row.length))];
            slot.set(row);
        }
        return MemorySegment.ofArray(row);
    }
}
