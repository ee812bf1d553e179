package dev.softmax.internal;

import dev.softmax.AttentionOptions;
import dev.softmax.BackendInfo;
import dev.softmax.CrossEntropyLoss;
import dev.softmax.DecodeOutputs;
import dev.softmax.EngineOptions;
import dev.softmax.EngineStatistics;
import dev.softmax.SamplingParameters;
import dev.softmax.TensorView;
import dev.softmax.internal.attention.AttentionCall;
import dev.softmax.internal.attention.AttentionComputation;
import dev.softmax.internal.attention.AttentionValidation;
import dev.softmax.internal.backend.SoftmaxBackend;
import dev.softmax.internal.call.Operation;
import dev.softmax.internal.dnnl.DnnlRuntime;
import dev.softmax.internal.dnnl.DnnlSoftmaxBackend;
import dev.softmax.internal.forward.ForwardValidation;
import dev.softmax.internal.forward.SoftmaxCall;
import dev.softmax.internal.grad.BackwardCall;
import dev.softmax.internal.grad.BackwardValidation;
import dev.softmax.internal.grad.Jacobian;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.loss.CrossEntropyCall;
import dev.softmax.internal.loss.CrossEntropyComputation;
import dev.softmax.internal.loss.CrossEntropyValidation;
import dev.softmax.internal.reduce.ReductionCall;
import dev.softmax.internal.reduce.ReductionValidation;
import dev.softmax.internal.reduce.RowReductions;
import dev.softmax.internal.rows.RowParallelism;
import dev.softmax.internal.sampling.SamplingCall;
import dev.softmax.internal.sampling.SamplingComputation;
import dev.softmax.internal.sampling.SamplingPieceCall;
import dev.softmax.internal.sampling.SamplingValidation;
import dev.softmax.internal.sampling.SpeculativeCall;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;

/**
 * The engine behind {@link dev.softmax.SoftmaxEngine}: wires the kernels, the backends and the dispatcher, and
 * runs every public call as validate, then dispatch, inside the engine's lifetime guard.
 *
 * <p>Adding an operation: its package ({@code internal.<family>}) holds its call record, its validation (built
 * from {@link dev.softmax.internal.call.OperandChecks}) and its Java computation; this class is the one registration
 * point: a method that validates and hands the call to the dispatcher (for a Java-only operation,
 * {@code dispatcher.computeOnJava(call, computation)} with the computation held in a field). See
 * {@code engine/README.md}.
 *
 * <p>Thread-safe: calls may come from any number of threads; {@link #close()} waits for calls in progress.
 */
public final class EngineCore implements AutoCloseable {

    private final EngineOptions options;
    private final BackendDispatcher dispatcher;
    private final RowParallelism parallelism;
    /** oneDNN: open, opened by the first call that prefers it, or unavailable (see {@link NativeBackendSlot}). */
    private final NativeBackendSlot nativeSlot;

    private final String javaKernel;
    private final Optional<String> javaKernelNote;
    /** The Java-only operations' computations, created once (a method reference per call would allocate). */
    private final ToDoubleFunction<ReductionCall> reductions;

    private final ToDoubleFunction<CrossEntropyCall> crossEntropy;
    /** The sampling operations (decode step, pieces, speculative verification) and the kernel their checks use. */
    private final KernelProvider samplingKernels;

    private final ToDoubleFunction<SamplingCall> sampling;
    private final ToDoubleFunction<SamplingPieceCall> samplingPieces;
    private final ToDoubleFunction<SpeculativeCall> speculative;
    /** The fused attention softmax (scale, soft-cap, bias, masks, sinks), Java only. */
    private final AttentionComputation attention;

    private final AtomicLong callsInProgress = new AtomicLong();
    private final ThreadLocal<LastCall> lastCall = ThreadLocal.withInitial(LastCall::new);
    private volatile boolean closed;

    public EngineCore(EngineOptions options) {
        this.options = options;
        this.parallelism = new RowParallelism(options.threads());
        KernelProvider kernels = KernelProvider.get();
        SoftmaxBackend javaBackend = new JavaSoftmaxBackend(kernels, parallelism);
        NativeBackendSlot onednn;
        switch (options.backend()) {
            case JAVA -> onednn = NativeBackendSlot.unavailable("backend JAVA was requested");
            case ONEDNN -> {
                // Opened now: an engine that must use oneDNN fails at creation if it cannot.
                DnnlRuntime runtime = null;
                try {
                    runtime = DnnlRuntime.open();
                    onednn = NativeBackendSlot.opened(runtime, nativeBackend(runtime, options, kernels));
                } catch (RuntimeException | Error e) {
                    try {
                        if (runtime != null) {
                            runtime.close();
                        }
                    } finally {
                        parallelism.close();
                    }
                    throw e;
                }
            }
            default ->
                onednn = NativeBackendSlot.lazy(DnnlRuntime::open, runtime -> nativeBackend(runtime, options, kernels));
        }
        this.nativeSlot = onednn;
        this.dispatcher = new BackendDispatcher(options.backend(), javaBackend, onednn, kernels);
        this.javaKernel = kernels.name();
        this.javaKernelNote = kernels.fallbackReason();
        this.reductions = new RowReductions(kernels)::compute;
        this.crossEntropy = new CrossEntropyComputation(kernels)::compute;
        this.samplingKernels = kernels;
        SamplingComputation samplingComputation = new SamplingComputation(kernels, parallelism);
        this.sampling = samplingComputation::sample;
        this.samplingPieces = samplingComputation::piece;
        this.speculative = samplingComputation::verify;
        this.attention = new AttentionComputation(kernels, parallelism);
        if (options.warmUp()) {
            try {
                dispatcher.warmUp(options.edgePolicy());
            } catch (RuntimeException | Error e) {
                // The caller never gets an engine to close: free the workers and native handles here.
                try {
                    dispatcher.close();
                } finally {
                    parallelism.close();
                }
                throw e;
            }
        }
    }

    private SoftmaxBackend nativeBackend(DnnlRuntime runtime, EngineOptions options, KernelProvider kernels) {
        return new DnnlSoftmaxBackend(runtime, options.primitiveCacheCapacity(), parallelism, kernels);
    }

    /** What the engine uses now: oneDNN's details once it is loaded, else why it is not (yet) in use. */
    public BackendInfo info() {
        Optional<DnnlRuntime> runtime = nativeSlot.runtime();
        Optional<String> problem = nativeSlot.problem();
        if (runtime.isEmpty() && problem.isEmpty()) {
            problem = Optional.of("not loaded yet: AUTO loads it on the first call that prefers it (bf16/f16"
                    + " operands of at least " + BackendDispatcher.AUTO_JAVA_BELOW_ELEMENTS + " elements, other than"
                    + " a bf16 softmax of contiguous rows)");
        }
        return new BackendInfo(
                options.backend(),
                runtime.isPresent(),
                runtime.isPresent() ? Optional.empty() : problem,
                runtime.map(DnnlRuntime::version),
                runtime.map(DnnlRuntime::cpuIsa),
                runtime.map(r -> r.library().describe()),
                javaKernel,
                javaKernelNote,
                options.threads(),
                dispatcher.rule());
    }

    /**
     * Loads oneDNN now if this engine may use it and has not tried yet (under AUTO the first call that prefers it
     * would), and returns the engine's description. For diagnostics such as {@code softmax info}.
     */
    public BackendInfo loadNative() {
        enter();
        try {
            nativeSlot.get();
            return info();
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    public EngineStatistics statistics() {
        return dispatcher.statistics();
    }

    /** Softmax or log-softmax along {@code axis}, without a temperature. */
    public void forward(Operation operation, TensorView src, TensorView dst, int axis) {
        forward(operation, src, dst, axis, SoftmaxCall.NO_TEMPERATURE);
    }

    /** Softmax or log-softmax of {@code src / temperature} along {@code axis}. */
    public void forward(Operation operation, TensorView src, TensorView dst, int axis, float temperature) {
        enter();
        try {
            LastCall last = lastCall.get();
            SoftmaxCall call = ForwardValidation.reuseOrValidate(
                    last.forward, operation, src, dst, axis, temperature, options.edgePolicy());
            last.forward = call;
            dispatcher.forward(call);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** A backward pass or JVP; the names are the public method's argument names, used in messages. */
    public void backward(
            Operation operation,
            TensorView y,
            String yName,
            TensorView dy,
            String dyName,
            TensorView dx,
            String dxName,
            int axis) {
        enter();
        try {
            LastCall last = lastCall.get();
            BackwardCall call = BackwardValidation.reuseOrValidate(
                    last.backward, operation, y, yName, dy, dyName, dx, dxName, axis, options.edgePolicy());
            last.backward = call;
            dispatcher.backward(call);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** The fused attention softmax along the last axis. */
    public void attentionSoftmax(TensorView x, TensorView dst, AttentionOptions options) {
        enter();
        try {
            LastCall last = lastCall.get();
            AttentionCall call =
                    AttentionValidation.reuseOrValidate(last.attention, x, dst, options, this.options.edgePolicy());
            last.attention = call;
            dispatcher.attention(call, attention);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** A per-row reduction along {@code axis}. */
    public void reduce(RowReductions.Kind kind, TensorView src, TensorView dst, int axis) {
        enter();
        try {
            dispatcher.computeOnJava(
                    ReductionValidation.validate(kind, src, dst, axis, options.edgePolicy()), reductions);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** Softmax cross-entropy; returns the reduced loss. */
    public double crossEntropy(
            TensorView scores,
            TensorView labels,
            CrossEntropyLoss loss,
            TensorView lossOut,
            TensorView logProbOut,
            TensorView gradientOut) {
        enter();
        try {
            return dispatcher.computeOnJava(
                    CrossEntropyValidation.validate(
                            scores, labels, loss, lossOut, logProbOut, gradientOut, options.edgePolicy()),
                    crossEntropy);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** The fused decode step: processors, temperature, filters and the draw, per row. */
    public void sample(TensorView logits, SamplingParameters parameters, DecodeOutputs outputs) {
        enter();
        try {
            dispatcher.computeOnJava(
                    SamplingValidation.validateSample(logits, parameters, outputs, samplingKernels), sampling);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** One standalone sampling piece (argmax, top-k mask, top-k/top-p renormalisation, sampling from probabilities). */
    public void samplingPiece(
            SamplingPieceCall.Kind kind, TensorView input, SamplingParameters parameters, TensorView output) {
        enter();
        try {
            dispatcher.computeOnJava(
                    SamplingValidation.validatePiece(kind, input, parameters, output, samplingKernels), samplingPieces);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** Chain speculative verification. */
    public void verifySpeculative(
            TensorView target,
            TensorView draft,
            TensorView draftTokens,
            SamplingParameters parameters,
            TensorView accepted,
            TensorView emitted) {
        enter();
        try {
            dispatcher.computeOnJava(
                    SamplingValidation.validateSpeculative(
                            target, draft, draftTokens, parameters, accepted, emitted, samplingKernels),
                    speculative);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** The explicit Jacobian of one row. */
    public void jacobian(TensorView probabilities, TensorView out) {
        enter();
        try {
            Jacobian.compute(probabilities, out);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** The calling thread's previous forward and backward calls, whose structural validation a repeat can reuse. */
    private static final class LastCall {
        SoftmaxCall forward;
        BackwardCall backward;
        AttentionCall attention;
    }

    private void enter() {
        callsInProgress.incrementAndGet();
        if (closed) {
            callsInProgress.decrementAndGet();
            throw new IllegalStateException("this SoftmaxEngine is closed");
        }
    }

    /** Waits for calls in progress on other threads, then frees every native resource. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        while (callsInProgress.get() > 0) {
            LockSupport.parkNanos(50_000);
        }
        // The closing thread's remembered call would keep its views' memory reachable until the thread ends.
        lastCall.remove();
        try {
            dispatcher.close();
        } finally {
            parallelism.close();
        }
    }
}
