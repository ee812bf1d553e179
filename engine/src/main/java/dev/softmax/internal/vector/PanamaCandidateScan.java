package dev.softmax.internal.vector;

import static dev.softmax.internal.vector.PanamaVectorConstants.F32;
import static dev.softmax.internal.vector.PanamaVectorConstants.INTS;
import static dev.softmax.internal.vector.PanamaVectorConstants.LANES;
import static dev.softmax.internal.vector.PanamaVectorConstants.ORDER;
import static dev.softmax.internal.vector.PanamaVectorConstants.SPECIES;

import dev.softmax.internal.kernel.CandidateScan;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The candidate scan on the Vector API: four vectors compared per step and their masks joined, so a step with no
 * qualifying element costs four loads, four compares and one test; a step with some appends each vector's
 * qualifying lanes with {@code compress} (values, and the lane indices beside them), without a branch per lane.
 *
 * <p>Figures that decided it (256x32000 f32 rows of 2 N(0,1), this host, 2026-12-05): appending lane by lane
 * cost about 25 ns per qualifying element (a mispredicted branch per lane, and {@code v.lane(i)} with a variable
 * index boxed the vector), so a threshold passing 1% of the row doubled the scan (8.7 to 16.6 us a row).
 * {@code compress} stores a whole vector, so the lists must have {@code LANES} entries of slack past
 * {@code capacity}; only the step that would overflow the capacity runs element by element, to stop exactly.
 * (Running every step element by element once the list was within one step of full cost 15 us of a 23 us
 * 256x32000 row: a list refilled at a high threshold spends thousands of elements there. JFR and a probe of
 * {@code TopKPrefilter.collect}, this host, 2026-12-05.)
 */
final class PanamaCandidateScan implements CandidateScan {

    private static final IntVector IOTA = IntVector.zero(INTS).addIndex(1);

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
        MemorySegment srcExact = src.asSlice(0);
        if (values.length < capacity + LANES || ids.length < capacity + LANES) {
            throw new IllegalArgumentException("candidate lists need " + LANES + " entries of slack past capacity");
        }
        float bound = CandidateScan.effectiveBound(threshold);
        // A scan resumed mid-row starts anywhere: element by element up to a vector-aligned address, since
        // every load split across two cache lines made a resumed scan about 3x slower per element (0.5 against
        // 0.16 ns, 256x32000 f32, this host, 2026-12-05).
        int head = (int) Math.min(n - from, alignmentGap(src, offset + 4L * from));
        long scalar = appendRange(src, offset, from, from + head, bound, values, ids, count, capacity);
        if (CandidateScan.position(scalar) < from + head) {
            return scalar;
        }
        int m = CandidateScan.count(scalar);
        int i = from + head;
        int bound4 = n - (n - i) % (4 * LANES);
        for (; i < bound4; i += 4 * LANES) {
            long at = offset + 4L * i;
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, srcExact, at, ORDER);
            FloatVector b = FloatVector.fromMemorySegment(SPECIES, srcExact, at + 4L * LANES, ORDER);
            FloatVector c = FloatVector.fromMemorySegment(SPECIES, srcExact, at + 8L * LANES, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, srcExact, at + 12L * LANES, ORDER);
            VectorMask<Float> ma = a.compare(VectorOperators.LT, bound).not();
            VectorMask<Float> mb = b.compare(VectorOperators.LT, bound).not();
            VectorMask<Float> mc = c.compare(VectorOperators.LT, bound).not();
            VectorMask<Float> md = d.compare(VectorOperators.LT, bound).not();
            int ca = ma.trueCount();
            int cb = mb.trueCount();
            int cc = mc.trueCount();
            int cd = md.trueCount();
            if (m + ca + cb + cc + cd > capacity) {
                // This step overflows the list: element by element, to stop exactly at the first that does not fit.
                return appendRange(src, offset, i, i + 4 * LANES, bound, values, ids, m, capacity);
            }
            a.compress(ma).intoArray(values, m);
            IOTA.add(i).compress(ma.cast(INTS)).intoArray(ids, m);
            m += ca;
            b.compress(mb).intoArray(values, m);
            IOTA.add(i + LANES).compress(mb.cast(INTS)).intoArray(ids, m);
            m += cb;
            c.compress(mc).intoArray(values, m);
            IOTA.add(i + 2 * LANES).compress(mc.cast(INTS)).intoArray(ids, m);
            m += cc;
            d.compress(md).intoArray(values, m);
            IOTA.add(i + 3 * LANES).compress(md.cast(INTS)).intoArray(ids, m);
            m += cd;
        }
        return appendRange(src, offset, i, n, bound, values, ids, m, capacity);
    }

    @Override
    public int countNotBelow(float[] values, int m, float threshold) {
        int count = 0;
        int i = 0;
        for (int upper = SPECIES.loopBound(m); i < upper; i += LANES) {
            count += FloatVector.fromArray(SPECIES, values, i)
                    .compare(VectorOperators.LT, threshold)
                    .not()
                    .trueCount();
        }
        for (; i < m; i++) {
            count += values[i] < threshold ? 0 : 1;
        }
        return count;
    }

    @Override
    public int keepNotBelow(float[] values, int[] ids, int m, float threshold) {
        int kept = 0;
        int i = 0;
        // In place: each compressed store ends at or before the end of the vector just loaded.
        for (int upper = SPECIES.loopBound(m); i < upper; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, values, i);
            IntVector id = IntVector.fromArray(INTS, ids, i);
            VectorMask<Float> keep = v.compare(VectorOperators.LT, threshold).not();
            v.compress(keep).intoArray(values, kept);
            id.compress(keep.cast(INTS)).intoArray(ids, kept);
            kept += keep.trueCount();
        }
        for (; i < m; i++) {
            float v = values[i];
            int id = ids[i];
            values[kept] = v;
            ids[kept] = id;
            kept += v < threshold ? 0 : 1;
        }
        return kept;
    }

    /** Elements from the byte offset to the next vector-aligned address (0 for a heap segment, whose is unknown). */
    private static long alignmentGap(MemorySegment src, long at) {
        if (!src.isNative()) {
            return 0;
        }
        long vectorBytes = 4L * LANES;
        long misalignment = (src.address() + at) & (vectorBytes - 1);
        return misalignment == 0 ? 0 : (vectorBytes - misalignment) >>> 2;
    }

    /** Elements {@code [from, to)} one by one, as {@link CandidateScan#collect} specifies. */
    private static long appendRange(
            MemorySegment src,
            long offset,
            int from,
            int to,
            float bound,
            float[] values,
            int[] ids,
            int count,
            int capacity) {
        int m = count;
        for (int j = from; j < to; j++) {
            float v = src.get(F32, offset + 4L * j);
            if (!(v < bound)) {
                if (m == capacity) {
                    return CandidateScan.result(j, m);
                }
                values[m] = v;
                ids[m] = j;
                m++;
            }
        }
        return CandidateScan.result(to, m);
    }
}
