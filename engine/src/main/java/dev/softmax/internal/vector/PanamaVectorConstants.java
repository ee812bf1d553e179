package dev.softmax.internal.vector;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the Vector API kernels share (in Lucene's {@code PanamaVectorConstants} role): the species, lane counts,
 * shuffles and layouts. The kernels are {@link PanamaForwardKernel}, {@link PanamaBackwardKernel},
 * {@link PanamaRowMath} and {@link PanamaBf16Codec}, with full-width vectors and a scalar tail:
 *
 * <ul>
 *   <li>Maxima are exact, so their reduction order does not matter. Lane-wise MAX follows {@code Math.max}, so a
 *       NaN anywhere reaches the maximum and makes the row NaN, as the edge contract requires; the short-row
 *       passes instead compare and blend (NaN skipped, found afterwards by the sum) and fold by
 *       {@link #maxOfLanes}.</li>
 *   <li>Exponentials come from {@link VectorExp}, whose results do not depend on the JIT tier.</li>
 *   <li>Sums are accumulated in f32 lanes over blocks of {@value #SUM_BLOCK} elements, each block widened into
 *       double lanes, and the double lanes are added in a fixed order at the end. A single f32 accumulator per
 *       lane lost up to 1e-5 of the normaliser on 128k-element rows; blocks keep it near 1e-7. Short rows fold
 *       their f32 lanes by a fixed shuffle tree ({@code SWAP_32} down to {@code SWAP_1}). Every step is a
 *       lane-wise IEEE operation, so results are bit-reproducible in every JIT tier ({@code reduceLanes(ADD)}
 *       would not be: its order differs between the interpreter and C2).</li>
 * </ul>
 *
 * <p>Shape of the code, measured: a vector passed to or returned from a call C2 does not inline is boxed (an
 * allocation per call), and C2 stops inlining once a compilation grows past its node budget, which a few inlined
 * copies of the exponential reach. So each pass is its own method taking and returning only scalars, holds at
 * most one copy of the exponential per row it works on, and folds its sums without helper calls; the public
 * methods only sequence passes. Temperature has its own passes so that no loop is unswitched into two exponential
 * copies.
 *
 * <p>Why the blocked sum (eight passes) and the shuffle-tree fold (three) are written out in every pass instead
 * of existing once here: they were tried as static helpers in this class (the widening of a finished block into
 * the two double accumulators, the final fold of the double lanes, the shuffle tree), and C2 did not inline
 * them into the passes that also inline an exponential ({@code -XX:+PrintInlining}: "NodeCountInliningCutoff",
 * "callee uses too much stack", "inlining prohibited by policy"). After warm-up those passes allocated in every
 * run: at 512 bits 1552 B per call on 16384-element rows (a boxed vector per 1024-element block) and 352 B on
 * 512-element rows, at 128 bits 608 B and 128 B. With the folds written out they allocate nothing, as before the
 * split (allocated bytes of the calling thread over 300-call windows after 4000 to 20000 warm-up calls, every
 * pass, three runs at each of 128, 256 and 512 bits; a stray run, before and after the split alike, compiles a
 * pass differently and allocates). User code cannot mark a method {@code @ForceInline}, which is what keeps the
 * Vector API's own small methods inlined in a large compilation. So no method of these kernels takes or returns
 * a vector, and each copy says so in a comment; the blocked-sum copies differ only in their loop bodies. The one
 * exception is {@link #maxOfLanes}, called only from passes without an exponential (see there).
 *
 * <p>Why the double lanes are added by {@code lanewise(ADD, v)}, and the long rows' maxima taken by
 * {@code lanewise(MAX, v)}, rather than by {@code add(v)} and {@code max(v)}: those are final JDK methods whose call
 * of the abstract {@code lanewise} C2 binds only by that one method's receiver profile, shared by every caller
 * (the JDK loads every shape's vector class, so no class-hierarchy proof binds it). {@code DoubleVector.add} runs
 * once per 1024-element block and {@code FloatVector.max} only in the long rows' maximum: rarely enough that a pass
 * compiled before the profile filled (or after tier-2 code, which records none) kept a virtual call and boxed its
 * vectors for the rest of the run. That was the stray run of the paragraph above: 2304 and 4608 B per call on
 * {@code [4, 128]} attention rows with key lengths, a bias and the log-sum-exp, in 2 of 15 child JVMs on a busy
 * host ({@code -XX:+PrintInlining}: "DoubleVector::lanewise (0 bytes) failed to inline: virtual call" in
 * {@code PanamaRowMath.expSum}, "FloatVector::lanewise ... virtual call" under {@code FloatVector::max} in
 * {@code PanamaRowMath.max}; 2026-12-06). Called directly, {@code lanewise} is profiled at the pass's own call
 * site, as {@code lane}, {@code blend}, {@code compare} and {@code convertShape} are. The wrappers that remain
 * ({@code add}, {@code sub}, {@code mul}, {@code fma} of f32 vectors) are called by every exponential, whose first
 * calls fill their profiles.
 *
 * <p>Why every pass first takes {@code asSlice(0)} of the segments its loops read and write: before C2 compiles
 * them, the kernels run in the interpreter and C1, where the Vector API's {@code reinterpretAs...} is Java code that
 * stores and loads the vector through a heap {@code byte[]} segment. So the JDK's shared profile of the segment
 * class at the vector accesses holds two classes, native and heap (about 35,000 heap accesses in a probe's first
 * seconds). C2 then inlines both, the access's base may be null or an array, and it fences every vector access
 * with CPU-order barriers that kill memory: the loop reloads the segment's length, session and address and checks
 * them again for every vector, about 60 instructions around the 8 of the work, and is not unrolled (disassembly of
 * {@code logitsBf16}, 2026-12-06). A slice made inside the method is an allocation whose class C2 knows exactly:
 * the accesses become native-only, the checks leave the loop, and escape analysis removes the slice (0 B a call,
 * {@code AttentionAllocationTest}). It keeps the segment's bounds and session, so a closed arena still fails as
 * before. The slice ({@code srcExact} for parameter {@code src}) feeds only the vector loads and stores, which are
 * force-inlined down to the intrinsic: passed to another method, or to a scalar {@code get} or {@code set} (a
 * VarHandle chain C2 may leave uninlined in a large compilation), it would escape and be allocated. That happened
 * when the short row's scalar tail read through the slice and C2 inlined that pass into {@code softmaxRows}: 40 B a
 * row on 256x512 and 1024x1024, 8x16 320 B a call (thread-allocated bytes, after warm-up). Calls and scalar
 * accesses use the parameter.
 * Measured (this host, 2026-12-06): a bf16 logits loop in a JVM whose profile holds both classes, 0.29 ns an
 * element against 0.13-0.14 with the slice (a scratch program); attention with a bias, {@code [4, 16, 512, 512]},
 * 1 thread (one JVM each, median of the second half of 6-8 s): bf16 9.2-9.3 ms to 7.3-7.4 ms, f32 13.2 to 12.3 ms
 * (its plain softmax 11.0 to 9.7 ms); causal {@code [8, 32, 128, 128]} f32 2.22 to 1.98 ms (plain 1.94 to 1.65).
 */
final class PanamaVectorConstants {

    /**
     * Must be a static final: C2 only intrinsifies vector operations whose species is a constant. The preferred
     * width, unless {@code -Dsoftmax.vector.bits=128|256|512} asks for a narrower one (tests run every width the
     * machine has through the same suite).
     */
    static final VectorSpecies<Float> SPECIES = chooseSpecies();
    /** Doubles in a vector of the same width: half as many lanes. */
    static final VectorSpecies<Double> WIDE =
            VectorSpecies.of(double.class, VectorShape.forBitSize(SPECIES.vectorBitSize()));

    static final int LANES = SPECIES.length();
    /** Ints and shorts with as many lanes as {@link #SPECIES}, for bf16 conversions. */
    static final VectorSpecies<Integer> INTS = SPECIES.withLanes(int.class);

    static final VectorSpecies<Short> HALF =
            VectorSpecies.of(short.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));
    static final int WIDE_LANES = WIDE.length();
    /** Elements summed in f32 lanes before the block is widened into double lanes. */
    static final int SUM_BLOCK = 1024;
    /** Lane {@code i} to lane {@code i ^ d} (identity where d >= LANES): the steps of the shuffle-tree fold. */
    static final VectorShuffle<Float> SWAP_32 = swap(32);

    static final VectorShuffle<Float> SWAP_16 = swap(16);
    static final VectorShuffle<Float> SWAP_8 = swap(8);
    static final VectorShuffle<Float> SWAP_4 = swap(4);
    static final VectorShuffle<Float> SWAP_2 = swap(2);
    static final VectorShuffle<Float> SWAP_1 = swap(1);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private PanamaVectorConstants() {}

    /**
     * Checked here, before any other species is derived from the result: a 64-bit species would fail while
     * building {@link #HALF} (no 32-bit shape exists), and the provider's readable refusal would never be reached.
     */
    private static VectorSpecies<Float> chooseSpecies() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String requested = System.getProperty("softmax.vector.bits");
        int bits = requested == null || requested.isBlank() ? preferred : Integer.parseInt(requested.strip());
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalStateException("float vectors of " + bits + " bits"
                    + (requested == null || requested.isBlank() ? " (this CPU's widest)" : " (softmax.vector.bits)")
                    + " are not supported; expected 128, 256 or 512 (the scalar kernel serves instead)");
        }
        if (bits > preferred) {
            throw new IllegalStateException(
                    "softmax.vector.bits=" + bits + " is wider than this CPU's " + preferred + "-bit vectors");
        }
        return bits == preferred
                ? FloatVector.SPECIES_PREFERRED
                : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /**
     * Two floats as one long, {@code a}'s bits in the high half: how the pair passes return both rows' maxima or
     * sums, since a vector or an object returned from a call C2 does not inline is boxed (see above).
     */
    static long floatPair(float a, float b) {
        return ((long) Float.floatToRawIntBits(a) << 32) | (Float.floatToRawIntBits(b) & 0xFFFF_FFFFL);
    }

    /** The first float of a {@link #floatPair}. */
    static float high(long pair) {
        return Float.intBitsToFloat((int) (pair >>> 32));
    }

    /** The second float of a {@link #floatPair}. */
    static float low(long pair) {
        return Float.intBitsToFloat((int) pair);
    }

    /**
     * The largest lane of {@code maxes}, which holds no NaN (the passes' compare-and-blend maxima skip NaN), by a
     * shuffle tree of compare-and-blend steps. Why not {@code reduceLanes(MAX)}: that follows {@code Math.max}
     * (NaN and signed zeros), which C2 compiles on AVX-512 into several instructions a step; this tree is three.
     * JAVA f32 softmax of 4096x128 (a two-row pair's maxima, one JVM each, three runs each, this host, 2026-12-06):
     * median 350-359 us with {@code reduceLanes}, 315-319 us with the tree. Equal lanes keep the first, so of a
     * -0 and a +0 either may come back; the passes using this subtract it from x for a softmax, where that makes
     * no difference.
     *
     * <p>The one helper that takes a vector: it is called only from passes without an inlined exponential, and is
     * small, so C2 inlines it. Allocated bytes per call after 6 s of warm-up, 1000 calls, JAVA softmax of
     * 4096x128, 7x128, 3x100, 1x1000 and 64x512 at 512, 256 and 128 bits: 0 in every case (a scratch program,
     * 2026-12-06); {@code AttentionAllocationTest} covers the attention passes.
     */
    static float maxOfLanes(FloatVector maxes) {
        FloatVector m = maxes;
        if (LANES > 32) {
            FloatVector other = m.rearrange(SWAP_32);
            m = m.blend(other, other.compare(VectorOperators.GT, m));
        }
        if (LANES > 16) {
            FloatVector other = m.rearrange(SWAP_16);
            m = m.blend(other, other.compare(VectorOperators.GT, m));
        }
        if (LANES > 8) {
            FloatVector other = m.rearrange(SWAP_8);
            m = m.blend(other, other.compare(VectorOperators.GT, m));
        }
        if (LANES > 4) {
            FloatVector other = m.rearrange(SWAP_4);
            m = m.blend(other, other.compare(VectorOperators.GT, m));
        }
        if (LANES > 2) {
            FloatVector other = m.rearrange(SWAP_2);
            m = m.blend(other, other.compare(VectorOperators.GT, m));
        }
        FloatVector other = m.rearrange(SWAP_1);
        return m.blend(other, other.compare(VectorOperators.GT, m)).lane(0);
    }

    private static VectorShuffle<Float> swap(int distance) {
        return VectorShuffle.fromOp(SPECIES, lane -> distance < LANES ? lane ^ distance : lane);
    }
}
