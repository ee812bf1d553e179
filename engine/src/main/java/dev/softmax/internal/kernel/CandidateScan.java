package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The one pass of a top-k selection that touches the whole row: appending the few elements at or above a
 * threshold, in index order, to a candidate list that the caller compacts (raising the threshold) whenever it
 * fills, so that the exact selection runs on a few hundred tokens instead of the row.
 *
 * <p>Why a kernel: on a 128k-token row the scalar histogram pass that preceded it cost about 6x the engine's own
 * softmax of the row (449 us against 58 us, {@code bench/results/REPORT.md} of be9e2de, 1x128256 scenario (b));
 * a vector compare whose mask is almost always empty reads the row at load speed. The two list operations beside
 * it are kernels for the same reason: as scalar loops with a branch per value, the compactions of a 512-entry
 * list between scans cost about 2.5 us each, more than the scan itself (a replay of the scans of 256x32000
 * scenario (b) with and without them, this host, 2026-12-05). Implementations are stateless and thread-safe.
 */
public interface CandidateScan {

    /**
     * Scans the elements {@code [from, n)} of the contiguous f32 row at {@code src + offset} (bytes) in index
     * order, appending each whose value is not below {@code threshold} and not -inf (so NaN and +inf always
     * qualify: the caller's check of the row finds them among the candidates) to
     * {@code values / ids} at position {@code count} onwards. Stops at the first qualifying element that finds the
     * list holding {@code capacity} entries (that element is not appended). Returns {@link #result}(the index where
     * the scan stopped, n when it finished; the new count). The arrays must hold {@link #SLACK} entries past
     * {@code capacity}: a vector implementation stores whole vectors there.
     */
    long collect(
            MemorySegment src,
            long offset,
            int from,
            int n,
            float threshold,
            float[] values,
            int[] ids,
            int count,
            int capacity);

    /**
     * How many of {@code values[0, m)} are not below {@code threshold} ({@code !(v < threshold)}: NaN counts). The
     * selections over a candidate list are built on it ({@code Selection.kthLargest} bisects the threshold with
     * it), so it must be fast on a few hundred values.
     */
    int countNotBelow(float[] values, int m, float threshold);

    /**
     * Keeps, in place and in order, the entries of {@code values / ids [0, m)} whose value is not below
     * {@code threshold} (as {@link #countNotBelow}); returns how many.
     */
    int keepNotBelow(float[] values, int[] ids, int m, float threshold);

    /** Entries the candidate lists must hold past their capacity (the widest vector's lanes). */
    int SLACK = 64;

    /** Packs a scan's stopping index and count. */
    static long result(int position, int count) {
        return ((long) position << 32) | (count & 0xFFFFFFFFL);
    }

    /** The index where a scan stopped (n when it finished). */
    static int position(long result) {
        return (int) (result >>> 32);
    }

    /** The candidate count after a scan. */
    static int count(long result) {
        return (int) result;
    }

    /** The comparison bound that also excludes -inf: {@code !(v < bound)} iff v qualifies. */
    static float effectiveBound(float threshold) {
        return Math.max(threshold, -Float.MAX_VALUE);
    }
}
