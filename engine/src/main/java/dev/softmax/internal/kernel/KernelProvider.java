package dev.softmax.internal.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the Java row kernels for this JVM, once (modelled on Lucene's {@code VectorizationProvider}).
 *
 * <p>The Vector API implementation lives in {@code dev.softmax.internal.vector}, the only package allowed to
 * touch {@code jdk.incubator.vector}. It is loaded by name, so none of its classes link unless every
 * precondition holds; otherwise the scalar kernel serves and one log line says why. Set
 * {@code -Dsoftmax.kernel=scalar} (or {@code vector}) to force a choice; forcing {@code vector} on a JVM that
 * cannot run it fails loudly instead of silently degrading.
 */
public abstract class KernelProvider {

    private static final String VECTOR_PROVIDER = "dev.softmax.internal.vector.PanamaKernelProvider";
    private static final System.Logger LOG = System.getLogger("dev.softmax");

    /** Short name for reports, e.g. "vector (AVX-512, 16 float lanes)" or "scalar". */
    public abstract String name();

    /** Softmax and log-softmax of whole rows. */
    private final ForwardKernel forward;

    private final BackwardKernel backward;
    private final RowMath math;
    private final Bf16Codec codec;
    private final CandidateScan scan;
    private final AttentionKernel attention;

    /** The six capabilities of one kernel family, handed out as they are. */
    protected KernelProvider(
            ForwardKernel forward,
            BackwardKernel backward,
            RowMath math,
            Bf16Codec codec,
            CandidateScan scan,
            AttentionKernel attention) {
        this.forward = forward;
        this.backward = backward;
        this.math = math;
        this.codec = codec;
        this.scan = scan;
        this.attention = attention;
    }

    /** Softmax and log-softmax of whole rows. */
    public final ForwardKernel forward() {
        return forward;
    }

    /** The backward passes' row loops. */
    public final BackwardKernel backward() {
        return backward;
    }

    /** Row reductions and elementwise passes (maximum, sums, exponentials). */
    public final RowMath math() {
        return math;
    }

    /** bf16 to f32 and back, for rows gathered into working rows. */
    public final Bf16Codec codec() {
        return codec;
    }

    /** The threshold scan of the top-k selection. */
    public final CandidateScan scan() {
        return scan;
    }

    /** The elementwise passes of attention rows: scale, soft-cap, bias, masks, masked tails. */
    public final AttentionKernel attention() {
        return attention;
    }

    /** Why the Vector API kernel is not in use, if it is not. */
    public Optional<String> fallbackReason() {
        return Optional.empty();
    }

    /** The provider for this JVM, chosen on first use. */
    public static KernelProvider get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final KernelProvider INSTANCE = lookup(System.getProperty("softmax.kernel", "auto"));
    }

    /** Resolves a provider; public for the tests that run every kernel through the same body. */
    public static KernelProvider lookup(String requested) {
        String choice = requested.strip().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "scalar":
                return new ScalarKernelProvider(null);
            case "vector":
                Optional<String> problem = vectorDisqualifier();
                if (problem.isPresent()) {
                    throw new IllegalStateException("softmax.kernel=vector was requested but " + problem.get());
                }
                return loadVectorProvider();
            case "auto":
                break;
            default:
                throw new IllegalArgumentException(
                        "softmax.kernel: '" + requested + "' is not a kernel; expected auto, vector or scalar");
        }
        Optional<String> problem = vectorDisqualifier();
        if (problem.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "softmax-engine: Java kernel is scalar because " + problem.get());
            return new ScalarKernelProvider(problem.get());
        }
        try {
            return loadVectorProvider();
        } catch (RuntimeException | LinkageError e) {
            // A refusal from the kernel's static initialiser arrives wrapped; its message is the reason.
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            String reason = "the Vector API kernel failed to initialise: "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString());
            LOG.log(System.Logger.Level.WARNING, "softmax-engine: Java kernel is scalar because " + reason);
            return new ScalarKernelProvider(reason);
        }
    }

    /** The first reason, in order, why the Vector API kernel must not be used on this JVM. */
    static Optional<String> vectorDisqualifier() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.of(
                    "jdk.incubator.vector is not enabled (start java with " + "--add-modules jdk.incubator.vector)");
        }
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return Optional.of("the JVM runs in interpreted mode (-Xint), where vector code is far slower");
        }
        Optional<String> tiered = hotspotFlag("TieredStopAtLevel");
        if (tiered.isPresent()
                && !tiered.get().equals("4")
                && hotspotFlag("TieredCompilation").orElse("true").equals("true")) {
            return Optional.of("C2 is disabled (-XX:TieredStopAtLevel=" + tiered.get()
                    + "), and the Vector API is only fast when C2 compiles it");
        }
        if (hotspotFlag("UseCompiler").orElse("true").equals("false")) {
            return Optional.of("the JIT compiler is disabled (-XX:-UseCompiler)");
        }
        return Optional.empty();
    }

    private static Optional<String> hotspotFlag(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null
                    ? Optional.empty()
                    : Optional.of(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            // Not HotSpot, or no management module: nothing to learn, nothing to disqualify.
            return Optional.empty();
        }
    }

    private static KernelProvider loadVectorProvider() {
        try {
            Class<?> type = Class.forName(VECTOR_PROVIDER);
            var constructor = MethodHandles.lookup().findConstructor(type, MethodType.methodType(void.class));
            return (KernelProvider) constructor.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot load " + VECTOR_PROVIDER, e);
        }
    }
}
