package dev.softmax.internal.attention;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.NonFiniteInputException;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.AttentionKernel;
import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.ForwardKernel;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.RowMath;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.RowParallelism;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Attention rows on the Java kernels. Per row:
 * <ol>
 *   <li>the valid prefix: keys at or beyond {@code min(keyLength, i + causalOffset + 1)} are masked, so the row is
 *       computed as a shorter row and the rest written as 0 (log: -inf), never read;</li>
 *   <li>a row with nothing but a scale (no bias, mask, soft-cap, sinks or log-sum-exp) and scale 1 goes straight
 *       to the softmax kernel on the caller's memory; otherwise one {@link AttentionKernel#prepare} pass writes
 *       {@code cap(scale x) + bias} into the working row (the destination itself when it is contiguous f32), the
 *       masks set -inf in place, and the softmax kernel finishes there in place;</li>
 *   <li>with sinks or a log-sum-exp output the normaliser is assembled from {@link RowMath} passes (maximum, sum
 *       of exponentials plus the sink's, then one scaled-exponential or shift pass), so that the log-sum-exp
 *       written is the one the row was normalised with.</li>
 * </ol>
 * Rows are independent, so the result is the same for any number of threads.
 */
public final class AttentionComputation {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Elements in each block of constants that masked tails and pads are copied from. */
    private static final int BLOCK = 1024;

    private static final MemorySegment ZEROS = constantBlock(0f);
    private static final MemorySegment NEGATIVE_INFINITIES = constantBlock(Float.NEGATIVE_INFINITY);
    private static final MemorySegment NANS = constantBlock(Float.NaN);

    private final ForwardKernel kernel;
    private final RowMath math;
    private final Bf16Codec codec;
    private final AttentionKernel attention;
    private final RowParallelism parallelism;
    /** Created once: a method reference bound per call would allocate. */
    private final RowParallelism.RangeTask<AttentionCall> rowTask;

    public AttentionComputation(KernelProvider kernels, RowParallelism parallelism) {
        this.kernel = kernels.forward();
        this.math = kernels.math();
        this.codec = kernels.codec();
        this.attention = kernels.attention();
        this.parallelism = parallelism;
        this.rowTask = this::computeRows;
    }

    /** Computes every row, on the engine's threads when it pays. */
    public void compute(AttentionCall call) {
        RowLayout rows = call.rows();
        boolean shareable = shareable(call.x())
                && shareable(call.dst())
                && shareable(call.bias())
                && shareable(call.mask())
                && shareable(call.keyLengths())
                && shareable(call.sinks())
                && shareable(call.logSumExp());
        parallelism.forEachRange(rows.rowCount(), rows.rowLength(), shareable, call, rowTask);
    }

    private boolean shareable(TensorView view) {
        return view == null || parallelism.canShare(view.segment());
    }

    /** Rows {@code first .. first+count-1} of the call; runs on any worker. */
    void computeRows(AttentionCall call, long first, long count) {
        RowLayout rows = call.rows();
        // A uniform batch needs no cursor (its offsets are multiples of one stride), so nothing is allocated.
        RowLayout.Cursor cursor = rows.cursorUnlessUniform(first);
        if (prefixOnly(call)) {
            computePrefixRuns(call, first, first + count, cursor);
            return;
        }
        boolean staged = stagedFusedBias(call);
        if (groupable(call) || staged) {
            int shared = call.hasBias() && cursor != null ? rows.broadcastDimension(AttentionCall.BIAS) : -1;
            if (shared >= 0) {
                computeTiles(call, first, first + count, cursor, shared, staged);
            } else {
                computeRuns(call, first, first + count, cursor, staged);
            }
            return;
        }
        for (long r = first; r < first + count; r++) {
            computeRow(call, r, cursor);
            if (cursor != null) {
                cursor.advance();
            }
        }
    }

    /**
     * A causal mask or key lengths (or both) and a scale, nothing else (no bias, mask, soft-cap, sinks or
     * log-sum-exp; softmax), on rows contiguous in x and the destination, each f32 or bf16: {@link
     * ForwardKernel#prefixSoftmaxRows} computes them where they lie.
     */
    private static boolean prefixOnly(AttentionCall call) {
        RowLayout rows = call.rows();
        return (call.causal() || call.hasKeyLengths())
                && rows.rowLength() > 0
                && !call.hasBias()
                && !call.hasMask()
                && call.softcap() <= 0f
                && !call.log()
                && !call.hasSinks()
                && !call.hasLogSumExp()
                && (call.x().dtype() == DType.F32 || call.x().dtype() == DType.BF16)
                && (call.dst().dtype() == DType.F32 || call.dst().dtype() == DType.BF16)
                && rows.isContiguous(AttentionCall.X)
                && rows.isContiguous(AttentionCall.DST);
    }

    /**
     * Causal rows without key lengths: runs of consecutive rows of one block of queries (the valid prefix grows by
     * one key a row) whose x and destination rows each lie one fixed step apart, each run one {@link
     * ForwardKernel#prefixSoftmaxRows} call. With key lengths, one call a row, with the row's own valid prefix.
     */
    private void computePrefixRuns(AttentionCall call, long first, long end, RowLayout.Cursor cursor) {
        RowLayout rows = call.rows();
        long n = rows.rowLength();
        long queries = call.queries();
        // Clamped as in validPrefix, so that no limit overflows.
        long offset = Math.max(-queries - 1, Math.min(call.causalOffset(), n));
        boolean bf16Source = call.x().dtype() == DType.BF16;
        boolean bf16Destination = call.dst().dtype() == DType.BF16;
        long xBytes = bf16Source ? 2 : 4;
        long dstBytes = bf16Destination ? 2 : 4;
        MemorySegment work = bf16Destination ? WorkingRow.get(4 * n) : null;
        boolean zeroMasked = call.policy() != EdgePolicy.NAN;
        boolean perRow = call.hasKeyLengths();
        long r = first;
        while (r < end) {
            long run = perRow ? 1 : Math.min(end - r, queries - r % queries);
            if (cursor != null) {
                run = Math.min(run, cursor.rowsToInnerEnd());
            }
            kernel.prefixSoftmaxRows(
                    call.x().segment(),
                    xBytes * at(call, cursor, r, AttentionCall.X),
                    xBytes * step(call, cursor, AttentionCall.X),
                    bf16Source,
                    call.dst().segment(),
                    dstBytes * at(call, cursor, r, AttentionCall.DST),
                    dstBytes * step(call, cursor, AttentionCall.DST),
                    bf16Destination,
                    n,
                    run,
                    perRow ? validPrefix(call, r, cursor) : r % queries + offset + 1,
                    call.scale(),
                    zeroMasked,
                    work);
            r += run;
            if (cursor != null) {
                cursor.moveTo(r);
            }
        }
    }

    /** Nothing to apply before the softmax and x a contiguous f32 row: the kernel reads x where it lies. */
    private static boolean plainDirect(AttentionCall call) {
        return call.isPlain()
                && call.scale() == 1f
                && call.x().dtype() == DType.F32
                && call.rows().isContiguous(AttentionCall.X);
    }

    /**
     * Whether the rows of this call may be computed in groups ({@link #computeGroups}): softmax (no sinks, no
     * log-sum-exp), each group loaded by {@link #load} passes into a contiguous f32 destination, or for any other
     * destination into a working block, and normalised there in place.
     */
    private static boolean groupable(AttentionCall call) {
        return call.rows().rowLength() > 0 // rows of no keys have nothing to group (and would divide by 0 below)
                && !call.log()
                && !call.hasSinks()
                && !call.hasLogSumExp()
                && !plainDirect(call);
    }

    /**
     * Bytes of destination rows per group (at least two rows, for the pair kernel): small, so that the loads of
     * the next group's rows, which wait for memory, follow the softmax of this group's closely and overlap it.
     * Against 16 KB groups, 2 KB took a bias-and-mask style row (prepared, then normalised) of [4, 16, 512, 512]
     * from 1.44x to 1.29x the plain softmax and the causal [8, 32, 128, 128] from 1.09-1.14x to 1.06-1.09x
     * (probes on a loaded host, 2026-12-05).
     */
    private static final long GROUP_BYTES = 2 * 1024;

    /**
     * Runs of consecutive rows whose padded valid prefixes have the same length (a causal row's neighbours
     * almost always do: 16 rows share each multiple of 16) are loaded into the destination one by one, then
     * normalised by one {@link ForwardKernel#softmaxRows} call, which pairs short rows to interleave their
     * dependency chains (maximum, exponentials, sum, scale) as the plain softmax does. The pair kernel computes
     * each row with exactly the single-row arithmetic, so the bits do not depend on the grouping.
     *
     * <p>Why: one row at a time, the causal workload {@code [8, 32, 128, 128]} cost 1.42x the plain softmax of
     * the same shape (JFR: 57% in the single-row short softmax, latency-bound on rows of about 70 keys), against
     * issue 14's target of 1.15x. A kernel call per pair of rows instead made C2 inline the kernel into this
     * class's row loop, past its inlining budget, and box vectors (2.7 KB a call in the full test JVM); one call
     * per group keeps the kernel's loop in the kernel, as the plain softmax's batches do.
     */
    private void computeGroups(AttentionCall call, long first, long end, RowLayout.Cursor cursor) {
        if (fusedBias(call)) {
            computeFusedRuns(call, first, end, cursor);
            return;
        }
        long n = call.rows().rowLength();
        boolean staged = !dstDirect(call);
        // Rows of a group must lie one step apart in the destination: a uniform batch's row stride, or, through a
        // cursor (an operand broadcast, such as a bias shared by the heads), rows packed end to end. A destination
        // of another type or layout is staged: the group is computed in a working block, then each row rounded out.
        long step = staged || cursor != null ? n : call.rows().rowStride(AttentionCall.DST);
        boolean zeroMasked = call.policy() != EdgePolicy.NAN;
        long group = Math.max(2, GROUP_BYTES / (4 * n));
        MemorySegment work = staged ? WorkingRow.get(group * n) : call.dst().segment();
        long r = first;
        while (r < end) {
            long limit = validPrefix(call, r, cursor);
            if (limit == 0) {
                computeRow(call, r, cursor);
                advance(cursor);
                r++;
                continue;
            }
            long padded = padded(limit, n);
            long start = staged ? 0 : at(call, cursor, r, AttentionCall.DST);
            long g = r;
            while (g < end && g - r < group) {
                long rowLimit = g == r ? limit : validPrefix(call, g, cursor);
                long at = staged ? (g - r) * n : at(call, cursor, g, AttentionCall.DST);
                if (rowLimit == 0 || padded(rowLimit, n) != padded || at != start + (g - r) * step) {
                    break;
                }
                load(call, g, cursor, rowLimit, padded, work, 4 * at);
                advance(cursor);
                g++;
            }
            kernel.softmaxRows(work, 4 * start, 4 * step, work, 4 * start, 4 * step, padded, g - r, zeroMasked);
            if (padded < n) {
                for (long k = r; k < g; k++) {
                    fillTail(work, 4 * (start + (k - r) * step), padded, n, false);
                }
            }
            if (staged) {
                scatterGroup(call, cursor, r, g, work);
            }
            r = g;
        }
    }

    /** Rows {@code first .. end-1}, computed at {@code work}'s start one after another, written to the destination. */
    private void scatterGroup(AttentionCall call, RowLayout.Cursor cursor, long first, long end, MemorySegment work) {
        RowLayout rows = call.rows();
        long n = rows.rowLength();
        if (cursor != null) {
            cursor.moveTo(first);
        }
        for (long k = first; k < end; k++) {
            RowCopy.scatter(
                    codec,
                    work,
                    4 * (k - first) * n,
                    n,
                    call.dst(),
                    at(call, cursor, k, AttentionCall.DST),
                    rows.axisStride(AttentionCall.DST));
            advance(cursor);
        }
    }

    /**
     * A bias and a scale, nothing else (every key valid, no mask, no soft-cap), on rows contiguous in x (f32 or bf16),
     * the bias (f32) and the destination (f32 or bf16): the kernel computes the logits inside its softmax and
     * rounds a bf16 result in its last pass ({@link ForwardKernel#softmaxRowsScaledBiased}).
     */
    private static boolean fusedBias(AttentionCall call) {
        RowLayout rows = call.rows();
        return call.hasBias()
                && !call.hasMask()
                && !call.hasKeyLengths()
                && !call.causal()
                && call.softcap() <= 0f
                && (call.x().dtype() == DType.F32 || call.x().dtype() == DType.BF16)
                && rows.isContiguous(AttentionCall.X)
                && call.bias().dtype() == DType.F32
                && rows.isContiguous(AttentionCall.BIAS)
                && (call.dst().dtype() == DType.F32 || call.dst().dtype() == DType.BF16)
                && rows.isContiguous(AttentionCall.DST);
    }

    /**
     * Runs of consecutive rows whose x, bias and destination rows each lie one fixed step apart (a whole uniform
     * batch; through a cursor, the rest of the innermost outer dimension, such as the rows of one head), each run
     * one fused kernel call. The run is read off the layout rather than found by comparing each row's offsets:
     * with the comparison, the engine's call took about 0.5 ms (15 ns a row) more than the same kernel calls made
     * directly on {@code [4, 16, 512, 512]} (one JVM, this host, 2026-12-05).
     */
    private void computeFusedRuns(AttentionCall call, long first, long end, RowLayout.Cursor cursor) {
        RowLayout rows = call.rows();
        long n = rows.rowLength();
        boolean zeroMasked = call.policy() != EdgePolicy.NAN;
        boolean bf16Source = call.x().dtype() == DType.BF16;
        boolean bf16Destination = call.dst().dtype() == DType.BF16;
        long xBytes = bf16Source ? 2 : 4;
        long dstBytes = bf16Destination ? 2 : 4;
        MemorySegment work = bf16Destination ? WorkingRow.get(n) : null;
        long r = first;
        while (r < end) {
            long run = cursor == null ? end - r : Math.min(end - r, cursor.rowsToInnerEnd());
            MemorySegment x = call.x().segment();
            long xAt = xBytes * at(call, cursor, r, AttentionCall.X);
            long xStep = xBytes * step(call, cursor, AttentionCall.X);
            MemorySegment bias = call.bias().segment();
            long biasAt = 4 * at(call, cursor, r, AttentionCall.BIAS);
            long biasStep = 4 * step(call, cursor, AttentionCall.BIAS);
            MemorySegment dst = call.dst().segment();
            long dstAt = dstBytes * at(call, cursor, r, AttentionCall.DST);
            long dstStep = dstBytes * step(call, cursor, AttentionCall.DST);
            kernel.softmaxRowsScaledBiased(
                    x,
                    xAt,
                    xStep,
                    bias,
                    biasAt,
                    biasStep,
                    dst,
                    dstAt,
                    dstStep,
                    n,
                    run,
                    call.scale(),
                    bf16Source,
                    bf16Destination,
                    zeroMasked,
                    work);
            r += run;
            if (cursor != null) {
                cursor.moveTo(r);
            }
        }
    }

    /** The step from one row of a run to the next in operand {@code k} (see {@link #computeFusedRuns}). */
    private static long step(AttentionCall call, RowLayout.Cursor cursor, int k) {
        return cursor != null ? cursor.innerStep(k) : call.rows().rowStride(k);
    }

    /**
     * Bias rows per tile, in bytes: 128 rows of 512 keys, a block of the bias that stays in L2 (2 MB a core here)
     * while every head reads it, and a run of 256 KB of each head's x and destination rows for the prefetchers.
     */
    private static final long TILE_BYTES = 256 * 1024;

    /**
     * The rows of a call whose bias is broadcast along outer dimension {@code shared} (a bias shared by the heads:
     * rows {@code (o, h, i)} use bias row {@code (o, i)}), in tiles: for each block of consecutive i, every h in
     * turn, so that the bias block is read from memory once and from L2 by the other heads. Rows outside whole
     * (o) blocks of the range go in order. Rows are independent, so the order changes no result.
     *
     * <p>Why: the bias stream is the fused kernel's whole extra cost. On {@code [4, 16, 512, 512]} f32, 1 thread,
     * attention / plain softmax in one warmed-up JVM (this host, 2026-12-05): a bias row always in L1 (a
     * {@code [1, 1, 1, 512]} bias) 1.01-1.02; a bias shared by the heads, in row order (each bias row comes back
     * 1 MB of x and destination later, from L3) 1.13-1.20; a bias of x's own shape (from memory) 1.34. The same
     * JVM and memory alternating row order and tiles: f32 1 thread 1.12-1.21 against 1.10-1.15 (six JVMs, tiles
     * ahead in each), bf16 1.16 / 1.00 against 1.10 / 0.95; 2 threads mixed (f32 five JVMs of eight ahead). 128 KB
     * and 512 KB tiles gained nothing over row order; tiles of 4 to 32 rows lost the prefetchers' runs (up to
     * 1.3x row order).
     */
    private void computeTiles(
            AttentionCall call, long first, long end, RowLayout.Cursor cursor, int shared, boolean staged) {
        RowLayout rows = call.rows();
        long heads = rows.outerSize(shared);
        long inner = rows.innerRows(shared);
        long block = heads * inner;
        long tile = Math.max(1, TILE_BYTES / (4 * rows.rowLength()));
        long start = Math.min(end, (first + block - 1) / block * block);
        long stop = Math.max(start, end / block * block);
        computeRuns(call, first, start, cursor, staged);
        boolean bf16Pairs = call.x().dtype() == DType.BF16 && call.dst().dtype() == DType.BF16;
        boolean pairs = !staged && fusedBias(call) && (call.x().dtype() == DType.F32 && dstDirect(call) || bf16Pairs);
        MemorySegment work = pairs && bf16Pairs ? WorkingRow.get(2 * rows.rowLength()) : null;
        for (long o = start; o < stop; o += block) {
            for (long i = 0; i < inner; i += tile) {
                long run = Math.min(tile, inner - i);
                long h = 0;
                for (; pairs && h + 1 < heads; h += 2) {
                    computeHeadPair(call, o + h * inner + i, o + (h + 1) * inner + i, run, cursor, work);
                }
                for (; h < heads; h++) {
                    long r = o + h * inner + i;
                    cursor.moveTo(r);
                    computeRuns(call, r, r + run, cursor, staged);
                }
            }
        }
        cursor.moveTo(stop);
        computeRuns(call, stop, end, cursor, staged);
    }

    /**
     * Rows {@code rowA .. rowA+run-1} and {@code rowB ..} of two heads that share their bias rows (x and destination
     * both f32 or both bf16, {@link #fusedBias}), in one {@link ForwardKernel#softmaxRowsScaledBiasedPairs} call:
     * each bias row is read once for both heads. Within a head the run's rows are one step apart, as in {@link
     * #computeFusedRuns}. {@code work}: two working rows for bf16, else null.
     */
    private void computeHeadPair(
            AttentionCall call, long rowA, long rowB, long run, RowLayout.Cursor cursor, MemorySegment work) {
        long bytes = work == null ? 4 : 2;
        cursor.moveTo(rowB);
        long xB = bytes * at(call, cursor, rowB, AttentionCall.X);
        long dstB = bytes * at(call, cursor, rowB, AttentionCall.DST);
        cursor.moveTo(rowA);
        kernel.softmaxRowsScaledBiasedPairs(
                call.x().segment(),
                bytes * at(call, cursor, rowA, AttentionCall.X),
                xB,
                bytes * step(call, cursor, AttentionCall.X),
                call.bias().segment(),
                4 * at(call, cursor, rowA, AttentionCall.BIAS),
                4 * step(call, cursor, AttentionCall.BIAS),
                call.dst().segment(),
                bytes * at(call, cursor, rowA, AttentionCall.DST),
                dstB,
                bytes * step(call, cursor, AttentionCall.DST),
                call.rows().rowLength(),
                run,
                call.scale(),
                call.policy() != EdgePolicy.NAN,
                work != null,
                work);
    }

    private void computeRuns(AttentionCall call, long first, long end, RowLayout.Cursor cursor, boolean staged) {
        if (staged) {
            computeStagedFusedRuns(call, first, end, cursor);
        } else {
            computeGroups(call, first, end, cursor);
        }
    }

    /**
     * A bias and a scale only (as {@link #fusedBias}), f32 bias rows, but x or the destination of another type or
     * layout (f16, strided): the fused kernel on a working block of rows, x widened into it first and the
     * results rounded out of it after, instead of a row at a time through {@link #computeRow}.
     */
    private static boolean stagedFusedBias(AttentionCall call) {
        RowLayout rows = call.rows();
        return rows.rowLength() > 0
                && call.hasBias()
                && !call.hasMask()
                && !call.hasKeyLengths()
                && !call.causal()
                && call.softcap() <= 0f
                && !call.log()
                && !call.hasSinks()
                && !call.hasLogSumExp()
                && call.bias().dtype() == DType.F32
                && rows.isContiguous(AttentionCall.BIAS)
                && !fusedBias(call);
    }

    /** The destination holds contiguous f32 rows. */
    private static boolean dstDirect(AttentionCall call) {
        return call.dst().dtype() == DType.F32 && call.rows().isContiguous(AttentionCall.DST);
    }

    /** Rows of a staged block: 8 rows of 512 keys, a block that stays in L1 between the kernel and the rounding. */
    private static final long STAGED_BYTES = 16 * 1024;

    /**
     * Blocks of consecutive rows whose bias rows lie one fixed step apart: x gathered into a working block (f32),
     * one {@link ForwardKernel#softmaxRowsScaledBiased} in place on it, each row then written to the destination.
     *
     * <p>Why: bf16 rows with a bias, one at a time (widen, logits, softmax, round), cost 1.39x the plain bf16
     * softmax on {@code [4, 16, 512, 512]} (REPORT.md of dd84d6f).
     */
    private void computeStagedFusedRuns(AttentionCall call, long first, long end, RowLayout.Cursor cursor) {
        RowLayout rows = call.rows();
        long n = rows.rowLength();
        long block = Math.max(2, STAGED_BYTES / (4 * n));
        boolean zeroMasked = call.policy() != EdgePolicy.NAN;
        TensorView x = call.x();
        long xStride = rows.axisStride(AttentionCall.X);
        // bf16 rows contiguous along the axis are read where they lie, widened inside the kernel's logits pass;
        // any other x is gathered into the block first.
        boolean bf16Direct = x.dtype() == DType.BF16 && rows.isContiguous(AttentionCall.X);
        long r = first;
        while (r < end) {
            MemorySegment work = WorkingRow.get(block * n);
            long x0 = at(call, cursor, r, AttentionCall.X);
            long b0 = at(call, cursor, r, AttentionCall.BIAS);
            long xStep = 0;
            long bStep = 0;
            long g = r;
            while (g < end && g - r < block) {
                long xAt = at(call, cursor, g, AttentionCall.X);
                long b = at(call, cursor, g, AttentionCall.BIAS);
                if (g == r + 1) {
                    xStep = xAt - x0;
                    bStep = b - b0;
                } else if (b != b0 + (g - r) * bStep || bf16Direct && xAt != x0 + (g - r) * xStep) {
                    break;
                }
                if (!bf16Direct) {
                    RowCopy.gather(codec, x, xAt, xStride, n, work, 4 * (g - r) * n);
                }
                advance(cursor);
                g++;
            }
            kernel.softmaxRowsScaledBiased(
                    bf16Direct ? x.segment() : work,
                    bf16Direct ? 2 * x0 : 0,
                    bf16Direct ? 2 * xStep : 4 * n,
                    call.bias().segment(),
                    4 * b0,
                    4 * bStep,
                    work,
                    0,
                    4 * n,
                    n,
                    g - r,
                    call.scale(),
                    bf16Direct,
                    false,
                    zeroMasked,
                    null);
            scatterGroup(call, cursor, r, g, work);
            r = g;
        }
    }

    private static void advance(RowLayout.Cursor cursor) {
        if (cursor != null) {
            cursor.advance();
        }
    }

    /** The prefix length rounded up to a multiple of 16 (every vector width divides it), at most n. */
    private static long padded(long limit, long n) {
        return Math.min(n, (limit + 15) & ~15L);
    }

    /** Keys {@code from .. n-1} of a computed row: 0 (log: -inf), or NaN when the row came out NaN. */
    private static void fillTail(MemorySegment work, long w, long from, long n, boolean log) {
        // A row made NaN (poisoned, or fully masked under NAN) is NaN throughout.
        float tail = Float.isNaN(work.get(F32, w)) ? Float.NaN : log ? Float.NEGATIVE_INFINITY : 0f;
        fill(work, w + 4 * from, n - from, tail);
    }

    /**
     * {@code n} copies of {@code value} (0, -inf or NaN) at byte offset {@code offset}, copied from a block of
     * constants: the JDK's bulk copy, which allocates nothing and is not a vector method (vector stores inlined
     * into the row methods pushed C2 past its inlining budget and boxed vectors, 4.6 KB a call; a slice's
     * {@code fill} allocates the slice). Against the element loop it took the causal {@code [8, 32, 128, 128]}
     * from 1.29x to 1.22x the plain softmax (probe, this host, 2026-12-05).
     */
    private static void fill(MemorySegment dst, long offset, long n, float value) {
        MemorySegment block = value == 0f ? ZEROS : value == Float.NEGATIVE_INFINITY ? NEGATIVE_INFINITIES : NANS;
        for (long done = 0; done < n; done += BLOCK) {
            MemorySegment.copy(block, 0, dst, offset + 4 * done, 4 * Math.min(BLOCK, n - done));
        }
    }

    private static MemorySegment constantBlock(float value) {
        MemorySegment block = java.lang.foreign.Arena.global().allocate(4L * BLOCK, 64);
        for (int i = 0; i < BLOCK; i++) {
            block.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        }
        return block;
    }

    private void computeRow(AttentionCall call, long row, RowLayout.Cursor cursor) {
        RowLayout rows = call.rows();
        TensorView x = call.x();
        TensorView dst = call.dst();
        long n = rows.rowLength();
        boolean log = call.log();
        long limit = validPrefix(call, row, cursor);
        boolean dstDirect = dst.dtype() == DType.F32 && rows.isContiguous(AttentionCall.DST);
        long dstAt = at(call, cursor, row, AttentionCall.DST);
        MemorySegment work = dstDirect ? dst.segment() : WorkingRow.get(n);
        long w = dstDirect ? 4 * dstAt : 0;
        float sink =
                call.hasSinks() ? call.sinks().segment().get(F32, 4 * at(call, cursor, row, AttentionCall.SINKS)) : 0f;
        float logSumExp;
        if (limit == 0) {
            float value = log ? Float.NEGATIVE_INFINITY : 0f;
            if (!call.hasSinks() && call.policy() == EdgePolicy.NAN) {
                value = Float.NaN;
            }
            fill(work, w, n, value);
            logSumExp = call.hasSinks() ? sink : Float.NEGATIVE_INFINITY;
        } else {
            boolean zeroMasked = call.policy() != EdgePolicy.NAN;
            long xAt = at(call, cursor, row, AttentionCall.X);
            if (plainDirect(call)) {
                normalise(log, x.segment(), 4 * xAt, work, w, limit, zeroMasked);
                logSumExp = 0f;
            } else {
                // The prefix padded with masked keys up to a multiple of 16 elements (every vector width divides
                // it): the kernels' scalar tails (an exponential per element) cost more than the padding, which
                // contributes exp(-inf) = 0 exactly.
                long padded = padded(limit, n);
                load(call, row, cursor, limit, padded, work, w);
                limit = padded;
                if (call.hasSinks() || call.hasLogSumExp()) {
                    logSumExp = normaliseWithSink(call, work, w, limit, sink);
                } else {
                    normalise(log, work, w, work, w, limit, zeroMasked);
                    logSumExp = 0f;
                }
            }
            if (limit < n) {
                fillTail(work, w, limit, n, log);
            }
        }
        if (!dstDirect) {
            RowCopy.scatter(codec, work, 0, n, dst, dstAt, rows.axisStride(AttentionCall.DST));
        }
        if (call.hasLogSumExp()) {
            call.logSumExp().segment().set(F32, 4 * at(call, cursor, row, AttentionCall.LSE), logSumExp);
        }
    }

    /** Keys {@code 0 .. limit-1} of the row may be kept; the rest are masked by the key length or causality. */
    private static long validPrefix(AttentionCall call, long row, RowLayout.Cursor cursor) {
        long n = call.rows().rowLength();
        long limit = n;
        if (call.hasKeyLengths()) {
            TensorView lengths = call.keyLengths();
            long length = lengths.dtype().getLong(lengths.segment(), at(call, cursor, row, AttentionCall.KEY_LENGTHS));
            limit = Math.max(0, Math.min(limit, length));
        }
        if (call.causal()) {
            long query = row % call.queries();
            // Clamped first, so that no offset overflows: beyond n or below -(queries + 1) nothing changes.
            long offset = Math.max(-call.queries() - 1, Math.min(call.causalOffset(), n));
            limit = Math.max(0, Math.min(limit, query + offset + 1));
        }
        return limit;
    }

    /**
     * Writes the processed prefix {@code z = cap(scale x) + bias}, masked, into {@code work} at byte offset
     * {@code w}, and -inf from {@code limit} to {@code padTo}.
     */
    private void load(
            AttentionCall call, long row, RowLayout.Cursor cursor, long limit, long padTo, MemorySegment work, long w) {
        RowLayout rows = call.rows();
        TensorView x = call.x();
        long xAt = at(call, cursor, row, AttentionCall.X);
        MemorySegment src = work;
        long srcOffset = w;
        if (x.dtype() == DType.F32 && rows.isContiguous(AttentionCall.X)) {
            src = x.segment();
            srcOffset = 4 * xAt;
        } else {
            RowCopy.gather(codec, x, xAt, rows.axisStride(AttentionCall.X), limit, work, w);
        }
        MemorySegment biasRow = null;
        long biasOffset = 0;
        if (call.hasBias()) {
            TensorView bias = call.bias();
            long biasAt = at(call, cursor, row, AttentionCall.BIAS);
            if (bias.dtype() == DType.F32 && rows.isContiguous(AttentionCall.BIAS)) {
                biasRow = bias.segment();
                biasOffset = 4 * biasAt;
            } else {
                biasRow = WorkingRow.second(limit);
                RowCopy.gather(codec, bias, biasAt, rows.axisStride(AttentionCall.BIAS), limit, biasRow, 0);
            }
        }
        attention.prepare(src, srcOffset, biasRow, biasOffset, work, w, limit, padTo, call.scale(), call.softcap());
        if (call.hasMask()) {
            MemorySegment mask = call.mask().segment();
            long maskAt = at(call, cursor, row, AttentionCall.MASK);
            long stride = rows.axisStride(AttentionCall.MASK);
            if (call.maskPacked()) {
                if (stride == 1) {
                    attention.maskBits(mask, maskAt, work, w, limit);
                } else {
                    for (long j = 0; j < limit; j++) {
                        if ((mask.get(ValueLayout.JAVA_BYTE, maskAt + (j >>> 3) * stride) & (1 << (j & 7))) == 0) {
                            work.set(F32, w + 4 * j, Float.NEGATIVE_INFINITY);
                        }
                    }
                }
            } else if (stride == 1) {
                attention.maskBytes(mask, maskAt, work, w, limit);
            } else {
                for (long j = 0; j < limit; j++) {
                    if (mask.get(ValueLayout.JAVA_BYTE, maskAt + j * stride) == 0) {
                        work.set(F32, w + 4 * j, Float.NEGATIVE_INFINITY);
                    }
                }
            }
        }
    }

    private void normalise(
            boolean log,
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            boolean zeroMasked) {
        if (log) {
            kernel.logSoftmax(src, srcOffset, dst, dstOffset, n, 1f, zeroMasked);
        } else {
            kernel.softmax(src, srcOffset, dst, dstOffset, n, 1f, zeroMasked);
        }
    }

    /**
     * Normalises the processed prefix in place with {@code exp(sink)} in the denominator (none: no sinks) and
     * returns the log-sum-exp it was normalised with.
     */
    private float normaliseWithSink(AttentionCall call, MemorySegment work, long w, long n, float sink) {
        boolean log = call.log();
        float max = math.max(work, w, n);
        if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY) {
            fill(work, w, n, Float.NaN);
            return max;
        }
        float shift = call.hasSinks() ? Math.max(max, sink) : max;
        if (shift == Float.NEGATIVE_INFINITY) {
            fill(work, w, n, call.policy() == EdgePolicy.NAN ? Float.NaN : log ? Float.NEGATIVE_INFINITY : 0f);
            return Float.NEGATIVE_INFINITY;
        }
        double sum = math.sumExp(work, w, n, shift);
        if (call.hasSinks()) {
            sum += Math.exp((double) sink - shift);
        }
        double logSum = Math.log(sum);
        if (log) {
            math.subtract(work, w, work, w, n, shift);
            math.subtract(work, w, work, w, n, (float) logSum);
        } else {
            math.expShiftScale(work, w, work, w, n, shift, (float) (1.0 / sum));
        }
        return (float) (shift + logSum);
    }

    /**
     * Under {@link EdgePolicy#REJECT}: throws for the first row whose processed, unmasked prefix holds a NaN or
     * +inf, before anything is written. Masked positions are not looked at.
     */
    public void rejectNonFinite(AttentionCall call) {
        RowLayout rows = call.rows();
        long n = rows.rowLength();
        RowLayout.Cursor cursor = rows.cursorUnlessUniform(0);
        for (long row = 0; row < rows.rowCount(); row++) {
            if (cursor != null && row > 0) {
                cursor.advance();
            }
            long limit = validPrefix(call, row, cursor);
            if (limit == 0) {
                continue;
            }
            MemorySegment work = WorkingRow.get(n);
            load(call, row, cursor, limit, limit, work, 0);
            float max = math.max(work, 0, limit);
            if (!Float.isNaN(max) && max != Float.POSITIVE_INFINITY) {
                continue;
            }
            for (long j = 0; j < limit; j++) {
                float z = work.get(F32, 4 * j);
                if (Float.isNaN(z) || z == Float.POSITIVE_INFINITY) {
                    throw nonFinite(call, cursor, row, j);
                }
            }
        }
    }

    private static NonFiniteInputException nonFinite(AttentionCall call, RowLayout.Cursor cursor, long row, long j) {
        TensorView x = call.x();
        RowLayout rows = call.rows();
        float value = x.dtype()
                .getFloat(x.segment(), at(call, cursor, row, AttentionCall.X) + j * rows.axisStride(AttentionCall.X));
        String name = "x";
        if (Float.isFinite(value) && call.hasBias()) {
            name = "bias";
            value = call.bias()
                    .dtype()
                    .getFloat(
                            call.bias().segment(),
                            at(call, cursor, row, AttentionCall.BIAS) + j * rows.axisStride(AttentionCall.BIAS));
        }
        long[] index = RowLayout.rowIndex(x, call.axis(), row);
        index[call.axis()] = j;
        return new NonFiniteInputException(
                name + ": element " + Arrays.toString(index) + " (row " + row + ", column " + j + ") is " + value
                        + " where the key is not masked; policy REJECT accepts only finite logits and -inf",
                row,
                j);
    }

    /** Row {@code row}'s element offset in operand {@code k}: from the cursor, or (uniform batch) one stride. */
    private static long at(AttentionCall call, RowLayout.Cursor cursor, long row, int k) {
        return call.rows().rowOffset(cursor, row, k);
    }
}
