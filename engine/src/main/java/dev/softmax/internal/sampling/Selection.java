package dev.softmax.internal.sampling;

/**
 * Exact selection without sorting: a most-significant-digit radix search over order-preserving 32-bit keys of the
 * candidates' values (11, 11 and 10 bits), each level a histogram over the candidates still in play, so a row is
 * read once in full and then only the elements of one bucket. It serves top-p (amount = the token's weight,
 * target p times the total) and the first cut of a top-k over a whole row ({@link #topKCandidates}): it finds the
 * largest key K such that the amount of tokens with key >= K reaches the target, and the amount strictly above K.
 * The caller keeps every token above K and, among the tokens equal to K, the lowest ids until the target is met.
 * The final top-k over a candidate list uses a quickselect for its k-th value ({@link #keepTopK}), the same rule.
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
     * The k-th largest value comes from a quickselect ({@link #kthLargest}) rather than the radix search: on the
     * few hundred candidates of a top-k the radix search's three 2048-bucket histograms cost more to clear than to
     * fill (about 3 us a row, 7% of 256x32000 scenario (b); JFR, 2026-12-05).
     */
    static int keepTopK(SamplingScratch s, float[] values, int[] ids, float[] weights, int m, int k) {
        float kth = kthLargest(values, m, k, s.kthCounts);
        int above = 0;
        for (int i = 0; i < m; i++) {
            if (values[i] > kth) {
                above++;
            }
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
     * The k-th largest of {@code values[0, m)} ({@code 0 < k <= m}, no NaN; -0 and +0 are the same value, returned
     * as +0): three radix levels over the order-preserving keys (11, 11 and 10 bits), each a histogram of the
     * values still in the running, so the k-th key is found digit by digit. {@code counts} holds
     * {@link SamplingScratch#BUCKETS} zeros on entry and on return (each level clears the buckets it touched, not
     * all 2048).
     *
     * <p>Branch-free on purpose: a quickselect here mispredicted about every other comparison and cost about 4 us
     * on 500 candidates, 22% of a 256x32000 step (JFR, 2026-12-05).
     */
    static float kthLargest(float[] values, int m, int k, int[] counts) {
        int prefix = 0;
        int rank = k; // the wanted rank among the values whose key starts with the digits chosen so far
        for (int level = 0; level < 3; level++) {
            int shift = SHIFTS[level];
            int mask = MASKS[level];
            // the digits above this level, as a mask over the key (none at level 0)
            int high = level == 0 ? 0 : -1 << (shift + (level == 1 ? 11 : 10));
            int digit = 0; // the largest digit in the running: the search starts there, not at 2047
            for (int i = 0; i < m; i++) {
                int key = key(values[i]);
                int d = (key >>> shift) & mask;
                int running = ((key ^ prefix) & high) == 0 ? 1 : 0;
                counts[d] += running;
                digit = Math.max(digit, d * running);
            }
            while (counts[digit] < rank) {
                rank -= counts[digit];
                digit--;
            }
            prefix |= digit << shift;
            for (int i = 0; i < m; i++) {
                counts[(key(values[i]) >>> shift) & mask] = 0;
            }
        }
        return valueOf(prefix);
    }

    /**
     * A value at or below the k-th largest of {@code values[0, m)} ({@code 0 < k <= m}, no NaN) and at or above
     * every value whose top 11 key bits are below the k-th's: the smallest value of the k-th's radix bucket (a
     * quarter octave). One level of {@link #kthLargest}, for a threshold that only has to keep at least k.
     * {@code counts} as there.
     */
    static float lowerBoundOfKth(float[] values, int m, int k, int[] counts) {
        int digit = 0;
        for (int i = 0; i < m; i++) {
            int d = key(values[i]) >>> 21;
            counts[d]++;
            digit = Math.max(digit, d);
        }
        int rank = k;
        while (counts[digit] < rank) {
            rank -= counts[digit];
            digit--;
        }
        for (int i = 0; i < m; i++) {
            counts[key(values[i]) >>> 21] = 0;
        }
        return valueOf(digit << 21);
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
        double[] amount = s.bucketAmount;
        int[] count = s.bucketCount;
        int[] in = s.indices;
        double above = 0;
        int prefix = 0;
        int candidates = m;
        for (int level = 0; level < 3; level++) {
            int shift = SHIFTS[level];
            int mask = MASKS[level];
            java.util.Arrays.fill(amount, 0, mask + 1, 0.0);
            java.util.Arrays.fill(count, 0, mask + 1, 0);
            for (int c = 0; c < candidates; c++) {
                int i = level == 0 ? c : in[c];
                int digit = (key(values[i]) >>> shift) & mask;
                amount[digit] += weights == null ? 1.0 : weights[i];
                count[digit]++;
            }
            int chosen = -1;
            boolean reached = false;
            double before = above;
            for (int d = mask; d >= 0; d--) {
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
