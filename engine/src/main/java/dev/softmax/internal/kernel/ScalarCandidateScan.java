package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The candidate scan as a plain loop. */
final class ScalarCandidateScan implements CandidateScan {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Override
    public long collect(
            MemorySegment src,
            long offset,
            int from,
            int n,
            float threshold,
            float[] values,
            int[] ids,
            int count,
            int capacity) {
        float bound = CandidateScan.effectiveBound(threshold);
        int m = count;
        for (int i = from; i < n; i++) {
            float v = src.get(F32, offset + 4L * i);
            if (!(v < bound)) {
                if (m == capacity) {
                    return CandidateScan.result(i, m);
                }
                values[m] = v;
                ids[m] = i;
                m++;
            }
        }
        return CandidateScan.result(n, m);
    }

    @Override
    public int countNotBelow(float[] values, int m, float threshold) {
        int count = 0;
        for (int i = 0; i < m; i++) {
            count += values[i] < threshold ? 0 : 1;
        }
        return count;
    }

    @Override
    public int keepNotBelow(float[] values, int[] ids, int m, float threshold) {
        int kept = 0;
        for (int i = 0; i < m; i++) {
            float v = values[i];
            int id = ids[i];
            values[kept] = v;
            ids[kept] = id;
            kept += v < threshold ? 0 : 1;
        }
        return kept;
    }
}
