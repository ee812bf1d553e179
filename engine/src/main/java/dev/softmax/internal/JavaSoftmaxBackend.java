package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.ForwardKernel;
import java.lang.foreign.MemorySegment;

/**
 * The pure-Java backend: never declines. Rows that are contiguous f32 in both tensors go straight to the row
 * kernel on the caller's memory; every other row (16-bit types, strided axes) is gathered into an f32
 * working row, computed there and scattered back with rounding, so one kernel serves every layout.
 */
public final class JavaSoftmaxBackend implements SoftmaxBackend {

    private final KernelProvider kernels;
    private final ForwardKernel kernel;
    private final RowParallelism parallelism;

    private final BackwardComputation backwardComputation;
    /** Created once: a method reference bound at each call would be an allocation per call. */
    private final RowParallelism.RangeTask<SoftmaxCall> forwardTask = this::computeRows;
    private final RowParallelism.RangeTask<BackwardCall> backwardTask;

    public JavaSoftmaxBackend(KernelProvider provider, RowParallelism parallelism) {
        this.kernels = provider;
        this.kernel = provider.forward();
        this.parallelism = parallelism;
        this.backwardComputation = new BackwardComputation(provider);
        this.backwardTask = backwardComputation::computeRows;
    }

    @Override
    public String name() {
        return "java";
    }

    public KernelProvider kernels() {
        return kernels;
    }

    @Override
    public String forward(SoftmaxCall call) {
        RowLayout rows = call.rows();
        boolean shareable = parallelism.canShare(call.src().segment()) && parallelism.canShare(call.dst().segment());
        parallelism.forEachRange(rows.rowCount(), rows.rowLength(), shareable, call, forwardTask);
        return null;
    }

    @Override
    public String backward(BackwardCall call) {
        RowLayout rows = call.outputRows();
        boolean shareable = parallelism.canShare(call.output().segment())
                && parallelism.canShare(call.gradient().segment()) && parallelism.canShare(call.result().segment());
        parallelism.forEachRange(rows.rowCount(), rows.rowLength(), shareable, call, backwardTask);
        return null;
    }

    /** Rows {@code first .. first+count-1} of the call; runs on any worker. */
    void computeRows(SoftmaxCall call, long first, long count) {
        RowLayout rows = call.rows();
        TensorView src = call.src();
        TensorView dst = call.dst();
        long n = rows.rowLength();
        boolean zeroMasked = call.policy() != EdgePolicy.NAN;
        boolean log = call.operation().isLog();
        float temperature = call.temperature();
        boolean direct = src.dtype() == DType.F32 && dst.dtype() == DType.F32 && rows.rowsAreContiguous();
        boolean dstIsWorkingRow = dst.dtype() == DType.F32 && (rows.dstAxisStride() == 1 || n == 1);
        if (direct && rows.isUniformBatch()) {
            // The common case without a cursor object: offsets step by one row stride.
            long srcStep = 4 * rows.srcRowStride();
            long dstStep = 4 * rows.dstRowStride();
            long srcOffset = first * srcStep;
            long dstOffset = first * dstStep;
            if (!log && temperature == 1f) {
                kernel.softmaxRows(src.segment(), srcOffset, srcStep, dst.segment(), dstOffset, dstStep, n, count,
                        zeroMasked);
                return;
            }
            for (long r = 0; r < count; r++, srcOffset += srcStep, dstOffset += dstStep) {
                run(log, src.segment(), srcOffset, dst.segment(), dstOffset, n, temperature, zeroMasked);
            }
            return;
        }
        RowLayout.Cursor cursor = rows.cursor(first);
        for (long r = 0; r < count; r++, cursor.advance()) {
            if (direct) {
                run(log, src.segment(), 4 * cursor.srcOffset(), dst.segment(), 4 * cursor.dstOffset(), n,
                        temperature, zeroMasked);
            } else if (dstIsWorkingRow) {
                // Widen straight into the destination row and finish there: no extra copy.
                MemorySegment out = dst.segment();
                long outOffset = 4 * cursor.dstOffset();
                RowCopy.gather(kernels.codec(), src, cursor.srcOffset(), rows.srcAxisStride(), n, out, outOffset);
                run(log, out, outOffset, out, outOffset, n, temperature, zeroMasked);
            } else {
                MemorySegment work = WorkingRow.get(n);
                RowCopy.gather(kernels.codec(), src, cursor.srcOffset(), rows.srcAxisStride(), n, work, 0);
                run(log, work, 0, work, 0, n, temperature, zeroMasked);
                RowCopy.scatter(kernels.codec(), work, 0, n, dst, cursor.dstOffset(), rows.dstAxisStride());
            }
        }
    }

    private void run(boolean log, MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n,
            float temperature, boolean zeroMasked) {
        if (log) {
            kernel.logSoftmax(src, srcOffset, dst, dstOffset, n, temperature, zeroMasked);
        } else {
            kernel.softmax(src, srcOffset, dst, dstOffset, n, temperature, zeroMasked);
        }
    }

    @Override
    public void close() {
        // Nothing native; the worker threads belong to the engine's RowParallelism.
    }
}
