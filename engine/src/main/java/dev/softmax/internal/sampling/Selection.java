package dev.softmax.internal.sampling;

import dev.softmax.internal.kernel.CandidateScan;

/**
 * Exact selection without sorting: a most-significant-digit radix search over order-preserving 32-bit keys of the
 * candidates' values (11, 11 and 10 bits), each level a histogram over the candidates still in play, so a row is
 * read once in full and then only the elements of one bucket. It serves top-p (amount = the token's weight,
 * target p times the total) and the first cut of a top-k over a whole row ({@link #topKCandidates}): it finds the
 * largest key K such that the amount of tokens with key >= K reaches the target, and the amount strictly above K.
 * The caller keeps every token above K and, among the tokens equal to K, the lowest ids until the target is met.
 * The final top-k over a candidate list bisects for its k-th value with vector counts ({@link #keepTopK}), the
 * same rule.
 *
 * <p>Candidates are kept in increasing token-id order throughout (compaction preserves order), which is what makes
 * "ties by lower id" a left-to-right scan.
 */
final class Selection {

    private static final int[] SHIFTS = {21, 10, 0};
    private static final int[] MASKS = {0x7FF, 0x7FF, 0x3FF};

    private Selection() {}

    /** An unsigned-comparable key with the order of the float values (-0 and +0 are the same key; no NaN here). */
    static int key(float value) {
        int bits = Float.floatToRawIntBits(value + 0.0f);
        // branch-free (signs are random in a row of logits): positive flips the sign bit, negative flips all bits
        return bits ^ ((bits >> 31) | 0x80000000);
    }

    /**
     * The candidates of a top-k over a whole f32 row, before the exact selection: one pass builds a histogram of the
     * keys' top 11 bits over the tokens above -inf, a second collects (in id order, into {@code s.values / s.ids})
     * the tokens whose digit is at or above the digit holding the k-th largest. That is every token of the top k
     * plus the rest of its bucket, usually a few hundred tokens of a 128k row; {@link #keepTopK} then finishes on
     * them. Returns how many were collected (all tokens above -inf when there are at most k).
     */
    static int topKCandidates(SamplingScratch s, float[] x, int n, int k) {
        int[] even = s.bucketCount;
        int[] odd = s.bucketCountOdd;
        java.util.Arrays.fill(even, 0);
        java.util.Arrays.fill(odd, 0);
        int finite = 0;
        int i = 0;
        // two histograms, alternating, so that runs of equal digits do not serialise on one counter
        for (; i + 1 < n; i += 2) {
            float a = x[i];
            float b = x[i + 1];
            if (a != Float.NEGATIVE_INFINITY) {
                even[key(a) >>> 21]++;
                finite++;
            }
            if (b != Float.NEGATIVE_INFINITY) {
                odd[key(b) >>> 21]++;
                finite++;
            }
        }
        if (i < n) {
            float a = x[i];
            if (a != Float.NEGATIVE_INFINITY) {
                even[key(a) >>> 21]++;
                finite++;
            }
        }
        int lowest = 0;
        if (finite > k) {
            long cumulative = 0;
            for (int d = SamplingScratch.BUCKETS - 1; d >= 0; d--) {
                cumulative += even[d] + odd[d];
                if (cumulative >= k) {
                    lowest = d;
                    break;
                }
            }
        }
        float[] values = s.values;
        int[] ids = s.ids;
        int m = 0;
        for (int j = 0; j < n; j++) {
            float v = x[j];
            if (v != Float.NEGATIVE_INFINITY && (key(v) >>> 21) >= lowest) {
                values[m] = v;
                ids[m] = j;
                m++;
            }
        }
        return m;
    }

    /**
     * Keeps the {@code k} largest of {@code values[0, m)} (ties: lower position, i.e. lower id), compacting
     * values, ids (and weights when non-null) in place in order. Returns the new count. Requires {@code 0 < k < m}.
     */
    static int keepTopK(CandidateScan scan, float[] values, int[] ids, float[] weights, int m, int k) {
        float kth = kthLargest(scan, values, m, k);
        if (weights == null) {
            // Every value at or above the k-th, in one vector pass; only ties at the k-th can make that more than k.
            m = scan.keepNotBelow(values, ids, m, kth);
            if (m == k) {
                return k;
            }
        }
        int above = 0;
        for (int i = 0; i < m; i++) {
            above += values[i] > kth ? 1 : 0;
        }
        int equalQuota = k - above;
        int kept = 0;
        for (int i = 0; i < m; i++) {
            float v = values[i];
            if (v > kth || (v == kth && equalQuota-- > 0)) {
                values[kept] = v;
                ids[kept] = ids[i];
                if (weights != null) {
                    weights[kept] = weights[i];
                }
                kept++;
            }
        }
        return kept;
    }

    /**
     * The k-th largest of {@code values[0, m)} ({@code 0 < k <= m}; -0 and +0 are the same value, returned as +0;
     * NaN counts as above +inf, so with NaN among the k largest the answer is +inf): a bisection over the
     * order-preserving keys, each step one {@link CandidateScan#countNotBelow} over the list, 32 steps in all.
     *
     * <p>Why counting: a three-level radix histogram (the version before) cost about 4 us on 512 candidates, as
     * long as the whole rest of a 256x32000 row's prefilter without it, because runs of equal digits serialise
     * on one counter and each level clears what it touched; before that, a quickselect mispredicted about every
     * other comparison (22% of a step). 32 vector counts over 512 floats are about 1000 compares of 16 lanes,
     * with no data-dependent branch (probes of the prefilter, this host, 2026-12-05).
     */
    static float kthLargest(CandidateScan scan, float[] values, int m, int k) {
        if (scan.countNotBelow(values, m, Float.POSITIVE_INFINITY) >= k) {
            return Float.POSITIVE_INFINITY;
        }
        // count(lo) >= k > count(hi), keys as unsigned; every key between -inf's and +inf's is a number
        long lo = Integer.toUnsignedLong(key(Float.NEGATIVE_INFINITY));
        long hi = Integer.toUnsignedLong(key(Float.POSITIVE_INFINITY));
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (scan.countNotBelow(values, m, valueOf((int) mid)) >= k) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // -0 and +0 count alike, so lo is +0's key when the answer is zero
        return valueOf((int) lo);
    }

    /** The float whose {@link #key} is {@code key}. */
    static float valueOf(int key) {
        return Float.intBitsToFloat(key < 0 ? key ^ 0x80000000 : ~key);
    }

    /**
     * Keeps the shortest prefix, in order of value (descending, ties by lower position), whose weight reaches
     * {@code target}; compacts in place. Returns the new count (at least 1 when m >= 1).
     */
    static int keepTopMass(SamplingScratch s, float[] values, int[] ids, float[] weights, int m, double target) {
        int threshold = thresholdKey(s, values, weights, m, target);
        double cumulative = s.above;
        int kept = 0;
        for (int i = 0; i < m; i++) {
            int c = Integer.compareUnsigned(key(values[i]), threshold);
            boolean keep = c > 0;
            if (c == 0 && cumulative < target) {
                keep = true;
                cumulative += weights[i];
            }
            if (keep) {
                values[kept] = values[i];
                ids[kept] = ids[i];
                weights[kept] = weights[i];
                kept++;
            }
        }
        if (kept == 0 && m > 0) {
            // Only reachable through rounding of the bucket sums: keep the largest, lowest id.
            int best = 0;
            for (int i = 1; i < m; i++) {
                if (values[i] > values[best]) {
                    best = i;
                }
            }
            values[0] = values[best];
            ids[0] = ids[best];
            weights[0] = weights[best];
            kept = 1;
        }
        return kept;
    }

    /**
     * The largest key K with amount(key >= K) >= target (amount = 1 per element when {@code weights} is null),
     * and in {@code s.above} the amount of keys strictly greater than K. When rounding keeps the target out of
     * reach, the smallest key present (everything is kept).
     */
    private static int thresholdKey(SamplingScratch s, float[] values, float[] weights, int m, double target) {
        double[] amount = s.thresholdAmount;
        int[] count = s.thresholdCount;
        int[] in = s.indices;
        double above = 0;
        int prefix = 0;
        int candidates = m;
        for (int level = 0; level < 3; level++) {
            int shift = SHIFTS[level];
            int mask = MASKS[level];
            int top = 0; // the largest digit present: the walk starts there, not at the top of the range
            for (int c = 0; c < candidates; c++) {
                int i = level == 0 ? c : in[c];
                int digit = (key(values[i]) >>> shift) & mask;
                amount[digit] += weights == null ? 1.0 : weights[i];
                count[digit]++;
                top = Math.max(top, digit);
            }
            int chosen = -1;
            boolean reached = false;
            double before = above;
            for (int d = top; d >= 0; d--) {
                if (count[d] == 0) {
                    continue;
                }
                chosen = d;
                if (above + amount[d] >= target) {
                    reached = true;
                    break;
                }
                before = above;
                above += amount[d];
            }
            if (!reached) {
                // The target is out of reach (rounding): step back into the lowest non-empty digit.
                above = before;
            }
            prefix |= chosen << shift;
            // Leave the histograms all zero: the few buckets touched, or all of them when that is fewer stores.
            // (Clearing all 2048 of each level, 52 KB a call, was most of a top-p over 50 candidates.)
            if (candidates > mask) {
                java.util.Arrays.fill(amount, 0, mask + 1, 0.0);
                java.util.Arrays.fill(count, 0, mask + 1, 0);
            } else {
                for (int c = 0; c < candidates; c++) {
                    int digit = (key(values[level == 0 ? c : in[c]]) >>> shift) & mask;
                    amount[digit] = 0;
                    count[digit] = 0;
                }
            }
            int next = 0;
            for (int c = 0; c < candidates; c++) {
                int i = level == 0 ? c : in[c];
                if (((key(values[i]) >>> shift) & mask) == chosen) {
                    in[next++] = i;
                }
            }
            candidates = next;
        }
        s.above = above;
        return prefix;
    }

    /**
     * The {@code n} largest of {@code values[0, m)} in descending order (ties: lower position first), into
     * {@code s.topValues} / {@code s.topIds} (positions mapped through {@code ids}, or the positions themselves
     * when ids is null). Returns how many were found (min(n, m)).
     */
    static int topN(SamplingScratch s, float[] values, int[] ids, int m, int n) {
        float[] topV = s.topValues;
        int[] topI = s.topIds;
        int size = 0;
        for (int i = 0; i < m; i++) {
            float v = values[i];
            if (size == n && !(v > topV[size - 1])) {
                continue;
            }
            int j = size < n ? size++ : size - 1;
            while (j > 0 && topV[j - 1] < v) {
                topV[j] = topV[j - 1];
                topI[j] = topI[j - 1];
                j--;
            }
            topV[j] = v;
            topI[j] = ids == null ? i : ids[i];
        }
        return size;
    }
}
