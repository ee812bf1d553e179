package dev.softmax.internal.grad;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.BackwardKernel;
import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.RowMath;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Backward passes on the Java kernels, two passes over each row and never the n x n Jacobian:
 * <ul>
 *   <li>softmax: {@code dx = y (dy - <y, dy>)} (the Jacobian {@code diag(y) - y y^T} applied to dy);</li>
 *   <li>log-softmax: {@code dx = dy - exp(y) sum(dy)}.</li>
 * </ul>
 * Edge rules, shared with the oneDNN path: a fully masked row (softmax output all 0, log-softmax output all
 * -inf) gives a zero gradient under ZERO and REJECT and NaN under NAN, whatever dy holds; otherwise a NaN or
 * infinity in the row of y or dy (a -inf log-probability is allowed) makes the whole row NaN.
 */
public final class BackwardComputation {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final BackwardKernel kernel;
    private final RowMath math;
    private final Bf16Codec codec;

    /**
     * Rows longer than this are not pipelined. A pipelined step touches five rows' worth of lines (y, dy and dx of
     * this row, y and dy of the next); once that nears 2 MiB, this machine's L2 per core, the second reads of this
     * row miss, and one row at a time (dot product, then the write pass from L2) is faster. Measured with JMH, JAVA
     * backend, 1 thread, pipelined vs one row at a time, in µs (a/b/c: three separate runs):
     * 64x65536 (five rows: 1.3 MB) 2403 vs 2610; 128x49152 4855 vs 4923; 48x98304 (1.9 MB) 3234/3067/2971 vs
     * 2905/2967/2783; 256x128256 (2.5 MB) 37460/39083/36876 vs 35680/36711/35777.
     */
    static final long PIPELINE_MAX_ROW = 1 << 16;

    /**
     * Softmax rows up to this long are not pipelined but taken four at a time: the four dot products, then the four
     * write passes. A short row's dot product ends in a fold whose latency the next row's write pass waited for in
     * the pipeline; four independent folds overlap. JAVA, 1 thread, one JVM each, alternating, median of the second
     * half of 4 s of calls (this host, 2026-12-06): 4096x128 348 / 348 us pipelined, 324 / 314 us four at a time;
     * 1024x1024 528-574 us pipelined, 623-633 us four at a time, so long rows stay pipelined. The same blocking of
     * log-softmax rows (four sums of dy, then four passes) gained nothing on 4096x128 (408-413 against 409-410 us).
     */
    static final long SHORT_ROW = 256;

    public BackwardComputation(KernelProvider kernels) {
        this.kernel = kernels.backward();
        this.math = kernels.math();
        this.codec = kernels.codec();
    }

    /** Rows {@code first .. first+count-1}. */
    public void computeRows(BackwardCall call, long first, long count) {
        RowLayout rows = call.rows();
        TensorView y = call.output();
        TensorView g = call.gradient();
        TensorView dx = call.result();
        long n = rows.rowLength();
        boolean direct =
                y.dtype() == DType.F32 && g.dtype() == DType.F32 && dx.dtype() == DType.F32 && rows.rowsAreContiguous();
        if (direct && !call.operation().isLog() && rows.isUniformBatch() && n <= PIPELINE_MAX_ROW) {
            pipelinedSoftmax(call, first, count);
            return;
        }
        RowLayout.Cursor cursor = rows.cursorUnlessUniform(first);
        for (long r = first; r < first + count; r++) {
            long yAt = rows.rowOffset(cursor, r, BackwardCall.Y);
            long gAt = rows.rowOffset(cursor, r, BackwardCall.DY);
            long dxAt = rows.rowOffset(cursor, r, BackwardCall.DX);
            if (cursor != null) {
                cursor.advance();
            }
            if (direct) {
                row(call, y.segment(), 4 * yAt, g.segment(), 4 * gAt, dx.segment(), 4 * dxAt, n);
            } else {
                MemorySegment yRow = WorkingRow.get(n);
                MemorySegment gRow = WorkingRow.second(n);
                RowCopy.gather(codec, y, yAt, rows.axisStride(BackwardCall.Y), n, yRow, 0);
                RowCopy.gather(codec, g, gAt, rows.axisStride(BackwardCall.DY), n, gRow, 0);
                row(call, yRow, 0, gRow, 0, gRow, 0, n);
                RowCopy.scatter(codec, gRow, 0, n, dx, dxAt, rows.axisStride(BackwardCall.DX));
            }
        }
    }

    private void row(
            BackwardCall call,
            MemorySegment y,
            long yOffset,
            MemorySegment g,
            long gOffset,
            MemorySegment dx,
            long dxOffset,
            long n) {
        float maskedValue = call.policy() == EdgePolicy.NAN ? Float.NaN : 0f;
        if (call.operation().isLog()) {
            if (allNegativeInfinity(y, yOffset, n)) {
                fill(dx, dxOffset, n, maskedValue);
                return;
            }
            double sumG = math.sum(g, gOffset, n);
            if (!Double.isFinite(sumG)) {
                fill(dx, dxOffset, n, Float.NaN);
                return;
            }
            // When dx is separate from y and g, the common row (every y at most 88) takes the kernel's bounded pass;
            // a row it refuses is computed again below from its intact input.
            if (separate(dx, dxOffset, y, yOffset)
                    && separate(dx, dxOffset, g, gOffset)
                    && kernel.logSoftmaxBackwardIfBounded(y, yOffset, g, gOffset, dx, dxOffset, n, (float) sumG)) {
                return;
            }
            // NaN or +inf exactly when some y is NaN or +inf (see BackwardKernel#logSoftmaxBackward).
            double yCheck = kernel.logSoftmaxBackward(y, yOffset, g, gOffset, dx, dxOffset, n, (float) sumG);
            if (Double.isNaN(yCheck) || yCheck == Double.POSITIVE_INFINITY) {
                fill(dx, dxOffset, n, Float.NaN);
            }
        } else {
            double dot = kernel.dot(y, yOffset, g, gOffset, n);
            if (isSoftmaxEdgeRow(dot, y, yOffset, n)) {
                fill(dx, dxOffset, n, softmaxEdgeValue(dot, maskedValue, y, yOffset, n));
                return;
            }
            kernel.softmaxBackward(y, yOffset, g, gOffset, dx, dxOffset, n, (float) dot);
        }
    }

    /**
     * The softmax-backward edge rule, decided from the row's dot product {@code <y, dy>}: a zero or non-finite dot
     * with y all zero means a masked row (whatever dy holds: the masked rule comes first, as for log-softmax); any
     * other non-finite dot means a NaN or infinity in y or dy (the row becomes NaN). Any other row, including an
     * all-zero gradient, is ordinary.
     */
    private static boolean isSoftmaxEdgeRow(double dot, MemorySegment y, long yOffset, long n) {
        return !Double.isFinite(dot) || dot == 0 && allZero(y, yOffset, n);
    }

    /** An edge row's value: the masked value for an all-zero y, else NaN. Looks at y only when dot is not finite. */
    private static float softmaxEdgeValue(double dot, float maskedValue, MemorySegment y, long yOffset, long n) {
        return Double.isFinite(dot) || allZero(y, yOffset, n) ? maskedValue : Float.NaN;
    }

    /**
     * Softmax backward over a plain f32 batch, pipelined across rows: the dot product of row r+1 is taken in the
     * loop that writes row r, so the next rows' memory traffic overlaps this row's cached work. In place is safe:
     * validation guarantees dx is y or dy itself or disjoint from both, and rows never overlap. The edge rules are
     * decided from the dot product already in hand ({@link #isSoftmaxEdgeRow}), so an ordinary row with a zero
     * dot (an all-zero gradient) stays in the pipeline.
     */
    private void pipelinedSoftmax(BackwardCall call, long first, long count) {
        RowLayout rows = call.rows();
        MemorySegment y = call.output().segment();
        MemorySegment g = call.gradient().segment();
        MemorySegment dx = call.result().segment();
        long n = rows.rowLength();
        long yStep = 4 * rows.rowStride(BackwardCall.Y);
        long gStep = 4 * rows.rowStride(BackwardCall.DY);
        long dxStep = 4 * rows.rowStride(BackwardCall.DX);
        long yAt = first * yStep;
        long gAt = first * gStep;
        long dxAt = first * dxStep;
        float maskedValue = call.policy() == EdgePolicy.NAN ? Float.NaN : 0f;
        if (n <= SHORT_ROW) {
            long r = 0;
            for (; r + 4 <= count; r += 4, yAt += 4 * yStep, gAt += 4 * gStep, dxAt += 4 * dxStep) {
                // Four independent dot products first: their folds overlap instead of each waiting for the last.
                double dot0 = kernel.dot(y, yAt, g, gAt, n);
                double dot1 = kernel.dot(y, yAt + yStep, g, gAt + gStep, n);
                double dot2 = kernel.dot(y, yAt + 2 * yStep, g, gAt + 2 * gStep, n);
                double dot3 = kernel.dot(y, yAt + 3 * yStep, g, gAt + 3 * gStep, n);
                shortRow(y, yAt, g, gAt, dx, dxAt, n, dot0, maskedValue);
                shortRow(y, yAt + yStep, g, gAt + gStep, dx, dxAt + dxStep, n, dot1, maskedValue);
                shortRow(y, yAt + 2 * yStep, g, gAt + 2 * gStep, dx, dxAt + 2 * dxStep, n, dot2, maskedValue);
                shortRow(y, yAt + 3 * yStep, g, gAt + 3 * gStep, dx, dxAt + 3 * dxStep, n, dot3, maskedValue);
            }
            for (; r < count; r++, yAt += yStep, gAt += gStep, dxAt += dxStep) {
                shortRow(y, yAt, g, gAt, dx, dxAt, n, kernel.dot(y, yAt, g, gAt, n), maskedValue);
            }
            return;
        }
        double dot = kernel.dot(y, yAt, g, gAt, n);
        for (long r = 0; r < count; r++, yAt += yStep, gAt += gStep, dxAt += dxStep) {
            boolean last = r + 1 == count;
            if (isSoftmaxEdgeRow(dot, y, yAt, n)) {
                fill(dx, dxAt, n, softmaxEdgeValue(dot, maskedValue, y, yAt, n));
                dot = last ? 0 : kernel.dot(y, yAt + yStep, g, gAt + gStep, n);
            } else if (last) {
                kernel.softmaxBackward(y, yAt, g, gAt, dx, dxAt, n, (float) dot);
            } else {
                dot = kernel.softmaxBackwardAndNextDot(
                        y, yAt, g, gAt, dx, dxAt, n, (float) dot, yAt + yStep, gAt + gStep);
            }
        }
    }

    /** A short row's write pass (or its edge fill), given its dot product. */
    private void shortRow(
            MemorySegment y,
            long yAt,
            MemorySegment g,
            long gAt,
            MemorySegment dx,
            long dxAt,
            long n,
            double dot,
            float maskedValue) {
        if (isSoftmaxEdgeRow(dot, y, yAt, n)) {
            fill(dx, dxAt, n, softmaxEdgeValue(dot, maskedValue, y, yAt, n));
        } else {
            kernel.softmaxBackward(y, yAt, g, gAt, dx, dxAt, n, (float) dot);
        }
    }

    /**
     * Whether the row of dx at {@code dxOffset} is not the row of {@code other} at {@code otherOffset}. Validation
     * allows dx to be y or dy itself or disjoint from both, so a different start means separate memory. Heap rows
     * of different arrays may share an address and count as the same: that only costs the faster pass.
     */
    private static boolean separate(MemorySegment dx, long dxOffset, MemorySegment other, long otherOffset) {
        return dx.address() + dxOffset != other.address() + otherOffset;
    }

    /** Reads as far as the first element that is not -inf: one element for a typical row. */
    private static boolean allNegativeInfinity(MemorySegment y, long offset, long n) {
        for (long i = 0; i < n; i++) {
            if (y.get(F32, offset + 4 * i) != Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(MemorySegment y, long offset, long n) {
        for (long i = 0; i < n; i++) {
            if (y.get(F32, offset + 4 * i) != 0f) {
                return false;
            }
        }
        return true;
    }

    private static void fill(MemorySegment dx, long offset, long n, float value) {
        for (long i = 0; i < n; i++) {
            dx.set(F32, offset + 4 * i, value);
        }
    }
}
