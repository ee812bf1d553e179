package dev.softmax;

import dev.softmax.internal.BackendDispatcher;
import dev.softmax.internal.BackwardCall;
import dev.softmax.internal.CallValidator;
import dev.softmax.internal.JavaSoftmaxBackend;
import dev.softmax.internal.Operation;
import dev.softmax.internal.RowParallelism;
import dev.softmax.internal.RowReductions;
import dev.softmax.internal.SoftmaxCall;
import dev.softmax.internal.dnnl.DnnlRuntime;
import dev.softmax.internal.dnnl.DnnlSoftmaxBackend;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.nativelib.NativeLibraryUnavailableException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Softmax and log-softmax over {@link TensorView}s, computed by oneDNN or by the Java kernel.
 *
 * <pre>{@code
 * try (SoftmaxEngine engine = SoftmaxEngine.create();
 *      Arena arena = Arena.ofConfined()) {
 *     TensorView logits = TensorView.allocate(arena, DType.F32, 64, 32000);
 *     // ... fill logits ...
 *     TensorView probabilities = TensorView.allocate(arena, DType.F32, 64, 32000);
 *     engine.softmax(logits, probabilities);          // along the last axis
 *     engine.logSoftmax(logits, logits, -1, 0.7f);    // in place, temperature 0.7
 * }
 * }</pre>
 *
 * <p><b>Thread safety:</b> an engine may be used by any number of threads at once. {@link #close()} waits for
 * calls in progress and then frees every native resource; calls after it throw {@link IllegalStateException}.
 * Each thread's most recent forward and backward call is remembered, so that repeating it on the same views
 * skips structural validation; the engine therefore holds on to those views (not to their data's lifetime:
 * a closed arena is still detected) until that thread calls with other views or closes the engine.
 *
 * <p><b>Errors:</b> every argument is validated before anything is written. Bad arguments throw
 * {@link IllegalArgumentException} (or {@link NullPointerException}) naming the argument and what was
 * expected; a closed arena throws {@link IllegalStateException}; a segment confined to another thread throws
 * {@link WrongThreadException}; under {@link EdgePolicy#REJECT} a NaN/+inf input throws
 * {@link NonFiniteInputException}. A failure inside oneDNN throws {@link SoftmaxNativeException} with oneDNN's
 * status name.
 */
public final class SoftmaxEngine implements AutoCloseable {

    private final EngineOptions options;
    private final BackendDispatcher dispatcher;
    private final RowParallelism parallelism;
    private final BackendInfo info;
    private final AtomicLong callsInProgress = new AtomicLong();
    private final ThreadLocal<LastCall> lastCall = ThreadLocal.withInitial(LastCall::new);
    private volatile boolean closed;

    private SoftmaxEngine(EngineOptions options) {
        this.options = options;
        this.parallelism = new RowParallelism(options.threads());
        KernelProvider kernels = KernelProvider.get();
        JavaSoftmaxBackend java = new JavaSoftmaxBackend(kernels, parallelism);
        DnnlRuntime runtime = null;
        String onednnProblem = null;
        if (options.backend() != Backend.JAVA) {
            try {
                runtime = DnnlRuntime.open();
            } catch (NativeLibraryUnavailableException | IllegalStateException | SoftmaxNativeException e) {
                if (options.backend() == Backend.ONEDNN) {
                    parallelism.close();
                    throw e;
                }
                onednnProblem = e.getMessage();
            }
        } else {
            onednnProblem = "backend JAVA was requested";
        }
        DnnlSoftmaxBackend onednn = runtime == null ? null
                : new DnnlSoftmaxBackend(runtime, options.primitiveCacheCapacity(), parallelism, kernels);
        this.dispatcher = new BackendDispatcher(options.backend(), java, onednn);
        this.info = new BackendInfo(options.backend(), runtime != null, Optional.ofNullable(onednnProblem),
                Optional.ofNullable(runtime).map(DnnlRuntime::version),
                Optional.ofNullable(runtime).map(DnnlRuntime::cpuIsa),
                Optional.ofNullable(runtime).map(r -> r.library().describe()),
                kernels.name(), kernels.fallbackReason(), options.threads(), dispatcher.rule());
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

    /** An engine with {@link EngineOptions#defaults()}. */
    public static SoftmaxEngine create() {
        return new SoftmaxEngine(EngineOptions.defaults());
    }

    /**
     * An engine with the given options.
     *
     * @throws NativeLibraryUnavailableException if {@link Backend#ONEDNN} was requested and oneDNN cannot be
     *                                           loaded (AUTO falls back to Java instead)
     */
    public static SoftmaxEngine create(EngineOptions options) {
        return new SoftmaxEngine(options);
    }

    public EngineOptions options() {
        return options;
    }

    /** Which backend is in use and why, and what it runs on. */
    public BackendInfo backend() {
        return info;
    }

    public EngineStatistics statistics() {
        return dispatcher.statistics();
    }

    /** Softmax along the last axis. */
    public void softmax(TensorView src, TensorView dst) {
        run(Operation.SOFTMAX, src, dst, -1, 1f);
    }

    /** Softmax along {@code axis} (ONNX rule: {@code -rank <= axis < rank}). */
    public void softmax(TensorView src, TensorView dst, int axis) {
        run(Operation.SOFTMAX, src, dst, axis, 1f);
    }

    /** {@code softmax(src / temperature)} along {@code axis}; {@code src} is not modified (unless it is dst). */
    public void softmax(TensorView src, TensorView dst, int axis, float temperature) {
        run(Operation.SOFTMAX, src, dst, axis, temperature);
    }

    /** Log-softmax along the last axis. */
    public void logSoftmax(TensorView src, TensorView dst) {
        run(Operation.LOG_SOFTMAX, src, dst, -1, 1f);
    }

    public void logSoftmax(TensorView src, TensorView dst, int axis) {
        run(Operation.LOG_SOFTMAX, src, dst, axis, 1f);
    }

    public void logSoftmax(TensorView src, TensorView dst, int axis, float temperature) {
        run(Operation.LOG_SOFTMAX, src, dst, axis, temperature);
    }

    /**
     * Softmax backward along the last axis: {@code dx = y * (dy - <y, dy>)}, the Jacobian {@code diag(y) - y y^T}
     * applied to dy without ever forming it. {@code dx} may be the same view as {@code y} or {@code dy}.
     *
     * @param y  the forward output (probabilities)
     * @param dy the gradient of the loss with respect to y
     * @param dx receives the gradient with respect to the forward input
     */
    public void softmaxBackward(TensorView y, TensorView dy, TensorView dx) {
        softmaxBackward(y, dy, dx, -1);
    }

    /** {@link #softmaxBackward(TensorView, TensorView, TensorView)} along {@code axis}. */
    public void softmaxBackward(TensorView y, TensorView dy, TensorView dx, int axis) {
        backward(Operation.SOFTMAX, y, "y", dy, "dy", dx, "dx", axis);
    }

    /** Log-softmax backward along the last axis: {@code dx = dy - exp(y) * sum(dy)}, from the output y. */
    public void logSoftmaxBackward(TensorView y, TensorView dy, TensorView dx) {
        logSoftmaxBackward(y, dy, dx, -1);
    }

    /** {@link #logSoftmaxBackward(TensorView, TensorView, TensorView)} along {@code axis}. */
    public void logSoftmaxBackward(TensorView y, TensorView dy, TensorView dx, int axis) {
        backward(Operation.LOG_SOFTMAX, y, "y", dy, "dy", dx, "dx", axis);
    }

    /**
     * Forward-mode derivative: the Jacobian-vector product {@code J v = s * (v - <s, v>)} for a tangent v, where s
     * is the softmax output. The softmax Jacobian is symmetric, so this is the backward pass applied to v.
     */
    public void softmaxJvp(TensorView s, TensorView v, TensorView out, int axis) {
        backward(Operation.SOFTMAX, s, "s", v, "v", out, "out", axis);
    }

    /**
     * The explicit softmax Jacobian {@code J[i][j] = s[i] (δij - s[j])} of one row, as an n x n matrix, for
     * teaching, testing and inspection. n is limited to {@value CallValidator#MAX_JACOBIAN_SIZE}: every
     * computation that needs J applied uses {@link #softmaxBackward} or {@link #softmaxJvp}, which never form it.
     *
     * @param probabilities the softmax output of the row, shape {@code [n]}
     * @param out           receives J, shape {@code [n, n]}
     */
    public void softmaxJacobian(TensorView probabilities, TensorView out) {
        enter();
        try {
            CallValidator.jacobian(probabilities, out);
            long n = probabilities.dim(0);
            double[] s = new double[(int) n];
            for (int i = 0; i < n; i++) {
                s[i] = probabilities.getFloat(i);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    out.setFloat((float) ((i == j ? s[i] : 0) - s[i] * s[j]), i, j);
                }
            }
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /**
     * The log partition function of each row along {@code axis}, {@code max + log sum exp(x - max)}, computed
     * without materialising the probabilities. {@code dst} has src's shape without the axis ({@code [1]} for a
     * single row).
     */
    public void logSumExp(TensorView src, TensorView dst, int axis) {
        reduce(RowReductions.Kind.LOG_SUM_EXP, src, dst, axis);
    }

    /**
     * The entropy {@code -sum s log s} of each row's softmax along {@code axis} (with {@code 0 log 0 = 0}),
     * computed from the logits without materialising s. {@code dst} as for {@link #logSumExp}.
     */
    public void entropy(TensorView logits, TensorView dst, int axis) {
        reduce(RowReductions.Kind.ENTROPY, logits, dst, axis);
    }

    private void reduce(RowReductions.Kind kind, TensorView src, TensorView dst, int axis) {
        enter();
        try {
            int normalised = CallValidator.reduction(src, dst, axis);
            dispatcher.reduce(kind, src, dst, normalised, options.edgePolicy());
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    private void backward(Operation operation, TensorView y, String yName, TensorView dy, String dyName,
            TensorView dx, String dxName, int axis) {
        enter();
        try {
            LastCall last = lastCall.get();
            BackwardCall call = CallValidator.backward(last.backward, operation, y, yName, dy, dyName, dx, dxName,
                    axis, options.edgePolicy());
            last.backward = call;
            dispatcher.backward(call, yName, dyName);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /**
     * Softmax cross-entropy with ONNX {@code SoftmaxCrossEntropyLoss} (opset 13) semantics; see
     * {@link CrossEntropyLoss}. Returns the reduced loss ({@code SUM}, {@code MEAN}).
     *
     * @param scores f32/bf16/f16 {@code [N, C]} or {@code [N, C, d1, ..., dk]}
     * @param labels i32/i64 {@code [N, d1, ..., dk]}; each in {@code [0, C)} or the ignore index
     */
    public double softmaxCrossEntropy(TensorView scores, TensorView labels, CrossEntropyLoss loss) {
        return softmaxCrossEntropy(scores, labels, loss, null, null, null);
    }

    /**
     * Softmax cross-entropy with its optional outputs, computed in one pass over the scores.
     *
     * @param lossOut     per-target losses {@code [N, d1, ..., dk]}: required for {@code NONE}, else null
     * @param logProbOut  log-softmax of the scores along axis 1 (shape of scores), or null
     * @param gradientOut gradient of the loss with respect to the scores (shape of scores), or null:
     *                    {@code w[y] (softmax - onehot(y))}, divided by the weight total for {@code MEAN}; rows
     *                    of ignored targets are 0
     * @return the reduced loss; for {@code NONE}, the sum of the per-target losses
     */
    public double softmaxCrossEntropy(TensorView scores, TensorView labels, CrossEntropyLoss loss, TensorView lossOut,
            TensorView logProbOut, TensorView gradientOut) {
        enter();
        try {
            return dispatcher.crossEntropy(CallValidator.crossEntropy(scores, labels, loss, lossOut, logProbOut,
                    gradientOut, options.edgePolicy()));
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    private void run(Operation operation, TensorView src, TensorView dst, int axis, float temperature) {
        enter();
        try {
            LastCall last = lastCall.get();
            SoftmaxCall call = CallValidator.forward(last.forward, operation, src, dst, axis, temperature,
                    options.edgePolicy());
            last.forward = call;
            dispatcher.forward(call);
        } finally {
            callsInProgress.decrementAndGet();
        }
    }

    /** The calling thread's previous forward and backward calls, whose structural validation a repeat can reuse. */
    private static final class LastCall {
        SoftmaxCall forward;
        BackwardCall backward;
    }

    private void enter() {
        callsInProgress.incrementAndGet();
        if (closed) {
            callsInProgress.decrementAndGet();
            throw new IllegalStateException("this SoftmaxEngine is closed");
        }
    }

    /**
     * Waits for calls in progress on other threads, then frees every native resource. Idempotent.
     */
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
