package dev.softmax.internal;

import dev.softmax.internal.backend.Decline;
import dev.softmax.internal.backend.SoftmaxBackend;
import dev.softmax.internal.forward.ForwardComputation;
import dev.softmax.internal.forward.SoftmaxCall;
import dev.softmax.internal.grad.BackwardCall;
import dev.softmax.internal.grad.BackwardComputation;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.RowParallelism;
import java.util.Optional;

/**
 * The pure-Java backend: never declines. It spreads a call's rows over the engine's threads; the computations
 * themselves live with their operations ({@link ForwardComputation}, {@link BackwardComputation}).
 */
final class JavaSoftmaxBackend implements SoftmaxBackend {

    private final RowParallelism parallelism;
    /** Created once: a method reference bound at each call would be an allocation per call. */
    private final RowParallelism.RangeTask<SoftmaxCall> forwardTask;

    private final RowParallelism.RangeTask<BackwardCall> backwardTask;

    JavaSoftmaxBackend(KernelProvider kernels, RowParallelism parallelism) {
        this.parallelism = parallelism;
        this.forwardTask = new ForwardComputation(kernels)::computeRows;
        this.backwardTask = new BackwardComputation(kernels)::computeRows;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Optional<Decline> forward(SoftmaxCall call) {
        RowLayout rows = call.rows();
        boolean shareable = parallelism.canShare(call.src().segment())
                && parallelism.canShare(call.dst().segment());
        parallelism.forEachRange(rows.rowCount(), rows.rowLength(), shareable, call, forwardTask);
        return Optional.empty();
    }

    @Override
    public Optional<Decline> backward(BackwardCall call) {
        RowLayout rows = call.rows();
        boolean shareable = parallelism.canShare(call.output().segment())
                && parallelism.canShare(call.gradient().segment())
                && parallelism.canShare(call.result().segment());
        parallelism.forEachRange(rows.rowCount(), rows.rowLength(), shareable, call, backwardTask);
        return Optional.empty();
    }

    @Override
    public void close() {
        // Nothing native; the worker threads belong to the engine's RowParallelism.
    }
}
