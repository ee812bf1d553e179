package dev.softmax.internal;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.EngineStatistics;
import dev.softmax.TensorView;
import dev.softmax.internal.dnnl.DnnlPrimitiveCache;
import dev.softmax.internal.dnnl.DnnlSoftmaxBackend;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one place that decides which backend computes a validated call, and keeps the counts.
 *
 * <p>{@link Backend#AUTO} follows measurements (JMH, side by side, in the README's dispatch table):
 * <ul>
 *   <li>heap memory, and calls under {@link #AUTO_JAVA_BELOW_ELEMENTS} elements: Java (a oneDNN call through
 *       the engine has a fixed cost of about 1 us; the Java kernel does a whole 8x16 softmax in 0.18 us);</li>
 *   <li>all operands f32: Java (0.49x to 0.95x of the oneDNN backend's time on every benchmark shape);</li>
 *   <li>any bf16/f16 operand: oneDNN (its kernel converts in registers; 0.71x to 0.92x of Java's time).</li>
 * </ul>
 * {@link Backend#ONEDNN} sends everything to oneDNN. Whatever oneDNN declines is computed by Java and counted
 * by reason.
 */
public final class BackendDispatcher implements AutoCloseable {

    /** AUTO threshold: below this many elements the Java kernel wins (see the README's dispatch table). */
    public static final long AUTO_JAVA_BELOW_ELEMENTS = 4096;

    private final Backend mode;
    private final JavaSoftmaxBackend javaBackend;
    private final DnnlSoftmaxBackend onednn;
    private final CrossEntropyComputation crossEntropy;
    private final RowReductions reductions;
    private final LongAdder javaCalls = new LongAdder();
    private final LongAdder onednnCalls = new LongAdder();
    private final LongAdder declined = new LongAdder();
    private final Map<String, LongAdder> declinedByReason = new ConcurrentHashMap<>();

    /**
     * @param onednn the oneDNN backend, or {@code null} when it is unavailable (then only JAVA or AUTO)
     */
    public BackendDispatcher(Backend mode, JavaSoftmaxBackend javaBackend, DnnlSoftmaxBackend onednn) {
        if (mode == Backend.ONEDNN && onednn == null) {
            throw new IllegalArgumentException("backend ONEDNN needs a oneDNN runtime");
        }
        this.mode = mode;
        this.javaBackend = javaBackend;
        this.onednn = mode == Backend.JAVA ? null : onednn;
        this.crossEntropy = new CrossEntropyComputation(javaBackend.kernels());
        this.reductions = new RowReductions(javaBackend.kernels());
    }

    /** Compiles the hot paths now rather than during the first real calls; warm-up calls are not counted. */
    public void warmUp(EdgePolicy policy) {
        WarmUp.run(this, policy);
        javaCalls.reset();
        onednnCalls.reset();
        declined.reset();
        declinedByReason.clear();
        if (onednn != null) {
            onednn.cache().resetCounters();
        }
    }

    /** Computes a validated forward call. */
    public void forward(SoftmaxCall call) {
        if (call.isEmpty()) {
            return;
        }
        if (call.policy() == EdgePolicy.REJECT) {
            EdgeContract.rejectNonFinite(call, javaBackend.kernels());
        }
        if (prefersOnednn(call)) {
            String reason = onednn.forward(call);
            if (reason == null) {
                onednnCalls.increment();
                return;
            }
            declined.increment();
            declinedByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
        }
        javaBackend.forward(call);
        javaCalls.increment();
    }

    /** Computes a validated backward call; {@code outputName}/{@code gradientName} name y and dy in errors. */
    public void backward(BackwardCall call, String outputName, String gradientName) {
        if (call.isEmpty()) {
            return;
        }
        if (call.policy() == EdgePolicy.REJECT) {
            EdgeContract.rejectNonFinite(call, outputName, gradientName);
        }
        if (prefersOnednn(call.output(), call.gradient(), call.result())) {
            String reason = onednn.backward(call);
            if (reason == null) {
                onednnCalls.increment();
                return;
            }
            declined.increment();
            declinedByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
        }
        javaBackend.backward(call);
        javaCalls.increment();
    }

    /** A per-row log-sum-exp or entropy, on the Java kernel (oneDNN has no primitive for either). */
    public void reduce(RowReductions.Kind kind, TensorView src, TensorView dst, int axis, EdgePolicy policy) {
        if (policy == EdgePolicy.REJECT) {
            EdgeContract.rejectNonFinite(src, "src", RowLayout.of(src, src, axis), axis, javaBackend.kernels());
        }
        reductions.compute(kind, src, dst, axis, policy);
        javaCalls.increment();
    }

    /**
     * Computes a validated cross-entropy on the Java kernel (its loss needs one element per row after the
     * row's log-sum-exp, which oneDNN has no primitive for) and returns the reduced loss.
     */
    public double crossEntropy(CrossEntropyCall call) {
        if (call.policy() == EdgePolicy.REJECT) {
            EdgeContract.rejectNonFinite(call.scores(), "scores", call.rows(), 1, javaBackend.kernels());
        }
        double loss = crossEntropy.compute(call);
        javaCalls.increment();
        return loss;
    }

    private boolean prefersOnednn(SoftmaxCall call) {
        return prefersOnednn(call.src(), call.dst());
    }

    private boolean prefersOnednn(TensorView... operands) {
        if (onednn == null) {
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
    public String rule() {
        return switch (mode) {
            case JAVA -> "every call on the Java kernel";
            case ONEDNN -> onednn == null ? "oneDNN unavailable" : "every call on oneDNN; cases it declines on Java";
            case AUTO -> onednn == null ? "every call on the Java kernel (oneDNN unavailable)"
                    : "Java for f32, heap memory and calls under " + AUTO_JAVA_BELOW_ELEMENTS
                            + " elements; oneDNN for bf16/f16 operands; cases oneDNN declines on Java";
        };
    }

    public EngineStatistics statistics() {
        Map<String, Long> reasons = new TreeMap<>();
        declinedByReason.forEach((reason, count) -> reasons.put(reason, count.sum()));
        DnnlPrimitiveCache.Statistics cache = onednn == null ? null : onednn.cache().statistics();
        return new EngineStatistics(javaCalls.sum(), onednnCalls.sum(), declined.sum(), reasons,
                cache == null ? 0 : cache.size(), cache == null ? 0 : cache.hits(),
                cache == null ? 0 : cache.misses(), cache == null ? 0 : cache.evictions(),
                onednn == null ? 0 : onednn.runtime().handles().total(),
                onednn == null ? Set.of() : onednn.implementations());
    }

    @Override
    public void close() {
        if (onednn != null) {
            onednn.close();
        }
        javaBackend.close();
    }
}
