package dev.softmax.internal.forward;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.Bf16Codec;
import dev.softmax.internal.kernel.ForwardKernel;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.rows.RowCopy;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.WorkingRow;
import java.lang.foreign.MemorySegment;

/**
 * Forward softmax and log-softmax on the Java kernels. Rows that are contiguous f32 in both tensors go straight to
 * the row kernel on the caller's memory, and so do a softmax's contiguous bf16 rows into bf16, which the kernel
 * widens and rounds inside its own passes; every other row (other 16-bit calls, strided axes) is gathered into an
 * f32 working row, computed there and scattered back with rounding, so one kernel serves every layout.
 */
public final class ForwardComputation {

    private final ForwardKernel kernel;
    private final Bf16Codec codec;

    public ForwardComputation(KernelProvider kernels) {
        this.kernel = kernels.forward();
        this.codec = kernels.codec();
    }

    /** Rows {@code first .. first+count-1} of the call; runs on any worker. */
    public void computeRows(SoftmaxCall call, long first, long count) {
        RowLayout rows = call.rows();
        TensorView src = call.src();
        TensorView dst = call.dst();
        long n = rows.rowLength();
        boolean zeroMasked = call.policy() != EdgePolicy.NAN;
        boolean log = call.operation().isLog();
        float temperature = call.temperature();
        boolean direct = src.dtype() == DType.F32 && dst.dtype() == DType.F32 && rows.rowsAreContiguous();
        boolean dstIsWorkingRow = dst.dtype() == DType.F32 && rows.isContiguous(SoftmaxCall.DST);
        if (direct && rows.isUniformBatch()) {
            // The common case without a cursor object: offsets step by one row stride.
            long srcStep = 4 * rows.rowStride(SoftmaxCall.SRC);
            long dstStep = 4 * rows.rowStride(SoftmaxCall.DST);
            long srcOffset = first * srcStep;
            long dstOffset = first * dstStep;
            if (!call.hasTemperature()) {
                if (log) {
                    kernel.logSoftmaxRows(
                            src.segment(), srcOffset, srcStep, dst.segment(), dstOffset, dstStep, n, count, zeroMasked);
                } else {
                    kernel.softmaxRows(
                            src.segment(), srcOffset, srcStep, dst.segment(), dstOffset, dstStep, n, count, zeroMasked);
                }
                return;
            }
            for (long r = 0; r < count; r++, srcOffset += srcStep, dstOffset += dstStep) {
                run(log, src.segment(), srcOffset, dst.segment(), dstOffset, n, temperature, zeroMasked);
            }
            return;
        }
        if (convertsBf16InPasses(call, kernel)) {
            // bf16 rows widened and rounded inside the kernel's passes rather than gathered and scattered around
            // them: JAVA bf16 4096x128 took 0.69 ns an element against f32's 0.35 (quick report of b01a864).
            long srcStep = 2 * rows.rowStride(SoftmaxCall.SRC);
            long dstStep = 2 * rows.rowStride(SoftmaxCall.DST);
            kernel.softmaxRowsBf16(
                    src.segment(),
                    first * srcStep,
                    srcStep,
                    dst.segment(),
                    first * dstStep,
                    dstStep,
                    n,
                    count,
                    zeroMasked,
                    codec,
                    WorkingRow.get(kernel.bf16WorkFloats(n)));
            return;
        }
        RowLayout.Cursor cursor = rows.cursorUnlessUniform(first);
        long srcStride = rows.axisStride(SoftmaxCall.SRC);
        for (long r = first; r < first + count; r++) {
            long srcAt = rows.rowOffset(cursor, r, SoftmaxCall.SRC);
            long dstAt = rows.rowOffset(cursor, r, SoftmaxCall.DST);
            if (cursor != null) {
                cursor.advance();
            }
            if (direct) {
                run(log, src.segment(), 4 * srcAt, dst.segment(), 4 * dstAt, n, temperature, zeroMasked);
            } else if (dstIsWorkingRow) {
                // Widen straight into the destination row and finish there: no extra copy.
                MemorySegment out = dst.segment();
                long outOffset = 4 * dstAt;
                RowCopy.gather(codec, src, srcAt, srcStride, n, out, outOffset);
                run(log, out, outOffset, out, outOffset, n, temperature, zeroMasked);
            } else {
                MemorySegment work = WorkingRow.get(n);
                RowCopy.gather(codec, src, srcAt, srcStride, n, work, 0);
                run(log, work, 0, work, 0, n, temperature, zeroMasked);
                RowCopy.scatter(codec, work, 0, n, dst, dstAt, rows.axisStride(SoftmaxCall.DST));
            }
        }
    }

    /**
     * Whether the call's rows take the kernel's bf16 path and {@code kernel} widens and rounds inside its own passes
     * there: a softmax without temperature of bf16 into bf16, rows contiguous and evenly spaced, on the vector
     * kernel. AUTO sends such calls to Java (see {@code BackendDispatcher}); on the scalar kernel they stay with
     * oneDNN.
     */
    public static boolean convertsBf16InPasses(SoftmaxCall call, ForwardKernel kernel) {
        RowLayout rows = call.rows();
        return kernel.widensBf16InPasses()
                && call.src().dtype() == DType.BF16
                && call.dst().dtype() == DType.BF16
                && !call.operation().isLog()
                && !call.hasTemperature()
                && rows.rowsAreContiguous()
                && rows.isUniformBatch();
    }

    private void run(
            boolean log,
            MemorySegment src,
            long srcOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float temperature,
            boolean zeroMasked) {
        if (log) {
            kernel.logSoftmax(src, srcOffset, dst, dstOffset, n, temperature, zeroMasked);
        } else {
            kernel.softmax(src, srcOffset, dst, dstOffset, n, temperature, zeroMasked);
        }
    }
}
