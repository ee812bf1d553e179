package dev.softmax.internal.sampling;

import dev.softmax.internal.kernel.CandidateScan;
import java.lang.foreign.MemorySegment;

/**
 * The top-k candidates of a dense f32 row read where it lies (no working copy), in one {@link CandidateScan} pass
 * with a rising threshold: the scan appends every finite token at or above the threshold (at first, every finite
 * token) to a list of {@code max(512, 4k)} entries; when the list is full, the threshold rises to the list's k-th
 * largest value, the list keeps only the tokens at or above it (in id order), and the scan goes on.
 *
 * <p>Exact whatever the row looks like: a token is dropped, or never appended, only for being below a threshold
 * that never falls, so at the end the list holds every token at or above the final threshold, and at least k of
 * them (or every finite token, if there are fewer). The caller checks that the k-th largest value it keeps is
 * above every value left out (see {@link SamplingComputation}), and takes the general path when a check fails,
 * so an unlucky row costs time, never a different token.
 *
 * <p>Why a rising threshold rather than one estimated from a strided sample of the row (the first version): on a
 * batch the rows are not in cache, and 500 strided reads of a 32000-token row missed to memory, about 30 us a row,
 * making 256x32000 cost 2.0x its softmax (JMH, this host, 2026-12-05). On a row in random order the list is
 * appended to about {@code L + k ln(n / L)} times (L the list size; about 760 for k = 50 on 128k tokens) and
 * compacted once or twice; on an ascending row every token is appended, which is slower but still linear.
 *
 * <p>Why the exact k-th value as the new threshold, rather than the lower bound of its quarter-octave bucket (the
 * version before, cheaper with a scalar histogram): the list then restarts with k entries instead of about 2k,
 * and a threshold that high lets fewer tokens in afterwards, so a 32000-token row of 256x32000 scenario (b)
 * compacts once instead of three times.
 */
final class TopKPrefilter {

    private static final int MIN_LIST = 512;

    /** {@link #collect}: the row holds NaN or +inf, or no finite token; it fails its check. */
    static final int REJECTED = -2;
    /** {@link #collect}: ties at the threshold keep the list from shrinking; take the general path. */
    static final int OVERFLOW = -1;

    private TopKPrefilter() {}

    /** Whether the prefilter pays for a top-k of k over n tokens: few candidates against the row. */
    static boolean worthwhile(int n, int k) {
        return k > 0 && 16L * k <= n && n >= 1024;
    }

    /**
     * Collects into {@code s.values / s.ids} (id order) every finite token at or above a threshold, with at least
     * min(k, finite tokens) of them; returns their count and leaves the threshold in {@code s.prefilterThreshold}
     * (-inf when every finite token was collected). Returns {@link #OVERFLOW} when ties at the threshold keep the
     * list from shrinking (more than half of it equal to the k-th value), and {@link #REJECTED} when the row
     * fails the decode step's check (NaN or +inf anywhere, or no finite token): the scan doubles as that check, so
     * a row on this path is read once.
     */
    static int collect(CandidateScan scan, MemorySegment src, long offset, int n, int k, SamplingScratch s) {
        float[] values = s.values;
        int[] ids = s.ids;
        int capacity = (int) Math.min(values.length - CandidateScan.SLACK, Math.max(MIN_LIST, 4L * k));
        float threshold = Float.NEGATIVE_INFINITY;
        int m = 0;
        int position = 0;
        while (true) {
            long result = scan.collect(src, offset, position, n, threshold, values, ids, m, capacity);
            position = CandidateScan.position(result);
            m = CandidateScan.count(result);
            if (position == n) {
                break;
            }
            threshold = Selection.kthLargest(scan, values, m, k);
            int kept = scan.keepNotBelow(values, ids, m, threshold); // NaN stays, to be found below
            if (kept > capacity / 2) {
                return OVERFLOW;
            }
            m = kept;
        }
        // The row's check, from its candidates: NaN and +inf are never below a threshold, so all of them are here;
        // and with none here, every token is -inf.
        for (int i = 0; i < m; i++) {
            if (Float.isNaN(values[i]) || values[i] == Float.POSITIVE_INFINITY) {
                return REJECTED;
            }
        }
        if (m == 0) {
            return REJECTED;
        }
        s.prefilterThreshold = threshold;
        return m;
    }
}
