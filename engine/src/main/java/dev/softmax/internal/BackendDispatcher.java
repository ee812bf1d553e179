package dev.softmax.internal;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.EngineStatistics;
import dev.softmax.TensorView;
import dev.softmax.internal.attention.AttentionCall;
import dev.softmax.internal.attention.AttentionComputation;
import dev.softmax.internal.backend.BackendCounters;
import dev.softmax.internal.backend.Decline;
import dev.softmax.internal.backend.SoftmaxBackend;
import dev.softmax.internal.call.EdgeContract;
import dev.softmax.internal.call.JavaOnlyCall;
import dev.softmax.internal.forward.ForwardComputation;
import dev.softmax.internal.forward.SoftmaxCall;
import dev.softmax.internal.grad.BackwardCall;
import dev.softmax.internal.grad.BackwardValidation;
import dev.softmax.internal.kernel.KernelProvider;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The one place that decides which backend computes a validated call, and keeps the counts.
 *
 * <p>{@link Backend#AUTO} follows measurements (JMH, side by side, in the README's dispatch table):
 * <ul>
 *   <li>heap memory, and calls under {@link #AUTO_JAVA_BELOW_ELEMENTS} elements: Java (a oneDNN call through
 *       the engine has a fixed cost of about 1 us; the Java kernel does a whole 8x16 softmax in 0.18 us);</li>
 *   <li>all operands f32: Java (0.50x to 0.72x of the oneDNN backend's time on the benchmark shapes in the quick
 *       report of eef2296, 0.53x to 0.72x in that of 50d1659; see the README);</li>
 *   <li>a softmax without temperature of bf16 rows into bf16 rows, contiguous and evenly spaced: Java, whose
 *       vector kernel widens and rounds inside its own passes ({@link ForwardComputation#convertsBf16InPasses};
 *       the scalar kernel's bf16 rows stay with oneDNN). JMH, 1 thread, both backends in one run, this host,
 *       2026-12-06: 4096x128 236 against oneDNN's 261 us, 64x32000 738 against 895 us, 256x128256 17.6 against
 *       18.7 ms; 0.97x, 0.81x and 0.86x oneDNN's time in the quick report of eef2296. Before that path the Java kernel gathered and scattered bf16 rows around its
 *       f32 kernel and took 1.37x, 1.07x and 1.00x oneDNN's time (quick report of b01a864);</li>
 *   <li>any other bf16/f16 operand: oneDNN (its kernel converts in registers).</li>
 * </ul>
 * Under AUTO oneDNN is loaded by the first call the rule sends to it ({@link NativeBackendSlot}), so an engine
 * whose calls are all f32 never loads it. {@link Backend#ONEDNN} sends everything to oneDNN. Whatever oneDNN declines is computed by Java and counted
 * by reason. Operations oneDNN has no primitive for (reductions, cross-entropy) run on Java through
 * {@link #computeOnJava}.
 */
final class BackendDispatcher implements AutoCloseable {

    /** AUTO threshold: below this many elements the Java kernel wins (see the README's dispatch table). */
    static final long AUTO_JAVA_BELOW_ELEMENTS = 4096;

    private final Backend mode;
    private final SoftmaxBackend javaBackend;
    /** The native backend (oneDNN): open, opened by the first call that prefers it, or unavailable. */
    private final NativeBackendSlot nativeSlot;

    private final KernelProvider kernels;
    private final LongAdder javaCalls = new LongAdder();
    private final LongAdder nativeCalls = new LongAdder();
    private final LongAdder declined = new LongAdder();
    private final Map<Decline, LongAdder> declinedByReason = new EnumMap<>(Decline.class);

    /**
     * @param nativeSlot the oneDNN backend: open already under ONEDNN, opened when first needed under AUTO
     */
    BackendDispatcher(Backend mode, SoftmaxBackend javaBackend, NativeBackendSlot nativeSlot, KernelProvider kernels) {
        if (mode == Backend.ONEDNN && nativeSlot.ifOpen() == null) {
            throw new IllegalArgumentException("backend ONEDNN needs a oneDNN runtime");
        }
        this.mode = mode;
        this.javaBackend = javaBackend;
        this.nativeSlot =
                mode == Backend.JAVA ? NativeBackendSlot.unavailable("backend JAVA was requested") : nativeSlot;
        this.kernels = kernels;
        for (Decline reason : Decline.values()) {
            declinedByReason.put(reason, new LongAdder());
        }
    }

    /** Compiles the hot paths now rather than during the first real calls; warm-up calls are not counted. */
    void warmUp(EdgePolicy policy) {
        WarmUp.run(this, policy);
        javaCalls.reset();
        nativeCalls.reset();
        declined.reset();
        declinedByReason.values().forEach(LongAdder::reset);
        SoftmaxBackend open = nativeSlot.ifOpen();
        if (open != null) {
            open.resetCounters();
        }
    }

    /** Computes a validated forward call. */
    void forward(SoftmaxCall call) {
        if (call.isEmpty()) {
            return;
        }
        if (call.policy() == EdgePolicy.REJECT) {
            EdgeContract.rejectNonFinite(call.src(), "src", call.rows(), SoftmaxCall.SRC, call.axis(), kernels);
        }
        boolean javaConvertsBf16 =
                mode == Backend.AUTO && ForwardComputation.convertsBf16InPasses(call, kernels.forward());
        SoftmaxBackend onednn = !javaConvertsBf16 && prefersNative(call.src(), call.dst()) ? nativeSlot.get() : null;
        if (onednn != null && computedNatively(onednn.forward(call))) {
            return;
        }
        javaBackend.forward(call);
        javaCalls.increment();
    }

    /** Computes a validated backward call. */
    void backward(BackwardCall call) {
        if (call.isEmpty()) {
            return;
        }
        if (call.policy() == EdgePolicy.REJECT) {
            BackwardValidation.rejectNonFinite(call);
        }
        SoftmaxBackend onednn = prefersNative(call.output(), call.gradient(), call.result()) ? nativeSlot.get() : null;
        if (onednn != null && computedNatively(onednn.backward(call))) {
            return;
        }
        javaBackend.backward(call);
        javaCalls.increment();
    }

    /**
     * Computes a validated attention-softmax call. oneDNN has no masked softmax, so the call always runs on the
     * Java kernel; where the rule above would have picked oneDNN (ONEDNN, or AUTO with 16-bit operands) the call
     * is counted as declined with {@link Decline#ATTENTION}. The REJECT scan looks at unmasked positions only.
     */
    void attention(AttentionCall call, AttentionComputation computation) {
        if (call.rows().rowCount() == 0) {
            return;
        }
        if (call.policy() == EdgePolicy.REJECT) {
            computation.rejectNonFinite(call);
        }
        // Checked first: without a native backend the varargs array is never built (no allocation per call).
        if (nativeSlot.mayBeUsed() && prefersNative(call.x(), call.dst())) {
            declined.increment();
            declinedByReason.get(Decline.ATTENTION).increment();
        }
        computation.compute(call);
        javaCalls.increment();
    }

    /** Counts a native backend's answer; false when it declined (then Java computes the call). */
    private boolean computedNatively(Optional<Decline> declinedFor) {
        if (declinedFor.isEmpty()) {
            nativeCalls.increment();
            return true;
        }
        declined.increment();
        declinedByReason.get(declinedFor.get()).increment();
        return false;
    }

    /**
     * Computes a validated call of an operation only the Java kernels compute (reductions, cross-entropy: oneDNN
     * has no primitive for them): the REJECT scan of its input, then {@code computation}, counted as a Java call.
     * {@code computation} should be created once (a method reference held in a field), not per call.
     */
    <C extends JavaOnlyCall> double computeOnJava(C call, ToDoubleFunction<C> computation) {
        if (call.policy() == EdgePolicy.REJECT) {
            EdgeContract.rejectNonFinite(
                    call.input(), call.inputName(), call.rows(), call.inputOperand(), call.axis(), kernels);
        }
        double result = computation.applyAsDouble(call);
        javaCalls.increment();
        return result;
    }

    /** Whether the rule sends a call with these operands to oneDNN (which may not be open yet). */
    private boolean prefersNative(TensorView... operands) {
        if (!nativeSlot.mayBeUsed()) {
            return false;
        }
        if (mode == Backend.ONEDNN) {
            return true;
        }
        boolean allF32 = true;
        for (TensorView operand : operands) {
            if (!operand.segment().isNative()) {
                return false;
            }
            allF32 &= operand.dtype() == DType.F32;
        }
        return operands[0].elementCount() >= AUTO_JAVA_BELOW_ELEMENTS && !allF32;
    }

    /** One sentence describing the rule, for {@code backend()} and {@code softmax info}. */
    String rule() {
        return switch (mode) {
            case JAVA -> "every call on the Java kernel";
            case ONEDNN ->
                nativeSlot.mayBeUsed() ? "every call on oneDNN; cases it declines on Java" : "oneDNN unavailable";
            case AUTO ->
                !nativeSlot.mayBeUsed()
                        ? "every call on the Java kernel (oneDNN unavailable)"
                        : "Java for f32, heap memory and calls under " + AUTO_JAVA_BELOW_ELEMENTS
                                + " elements; oneDNN for bf16/f16 operands"
                                + (kernels.forward().widensBf16InPasses()
                                        ? ", except a bf16 softmax of contiguous rows"
                                        : "")
                                + (nativeSlot.ifOpen() == null ? " (loaded by the first such call)" : "")
                                + "; cases oneDNN declines on Java";
        };
    }

    EngineStatistics statistics() {
        Map<String, Long> reasons = new TreeMap<>();
        declinedByReason.forEach((reason, count) -> {
            long sum = count.sum();
            if (sum > 0) {
                reasons.put(reason.label(), sum);
            }
        });
        SoftmaxBackend open = nativeSlot.ifOpen();
        BackendCounters counters = open == null ? BackendCounters.NONE : open.counters();
        return new EngineStatistics(
                javaCalls.sum(),
                nativeCalls.sum(),
                declined.sum(),
                reasons,
                counters.cacheSize(),
                counters.cacheHits(),
                counters.cacheMisses(),
                counters.cacheEvictions(),
                counters.liveNativeHandles(),
                counters.implementations());
    }

    @Override
    public void close() {
        try {
            nativeSlot.close(); // releases every handle it can, then reports the first failure
        } finally {
            javaBackend.close();
        }
    }
}
