package dev.softmax.internal.rows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread f32 rows for layouts the kernels cannot read in place (16-bit types, strided axes). Each grows to
 * the longest row seen on its thread and is then reused, so steady-state calls allocate nothing.
 *
 * <p>Native memory, 64-byte aligned: vector loads from a heap array segment were measured several times slower
 * in this role, and wrapping an array in a fresh segment on every call allocated. The memory belongs to an
 * automatic arena, so it is freed with the thread.
 */
public final class WorkingRow {

    private static final ThreadLocal<MemorySegment[]> ROWS = ThreadLocal.withInitial(() -> new MemorySegment[2]);

    private WorkingRow() {}

    /** A segment of at least {@code n} floats, private to the calling thread. */
    public static MemorySegment get(long n) {
        return get(0, n);
    }

    /** A second such segment, distinct from {@link #get}, for calls that need an input and an output row. */
    public static MemorySegment second(long n) {
        return get(1, n);
    }

    private static MemorySegment get(int slot, long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a strided or 16-bit row of " + n + " elements is longer than a working row can hold (2^31 - 9)");
        }
        MemorySegment[] rows = ROWS.get();
        MemorySegment row = rows[slot];
        if (row == null || row.byteSize() < 4 * n) {
            long capacity = Math.max(n, row == null ? 1024 : Math.min(Integer.MAX_VALUE - 8, 2 * row.byteSize() / 4));
            row = Arena.ofAuto().allocate(4 * capacity, 64);
            rows[slot] = row;
        }
        return row;
    }
}
