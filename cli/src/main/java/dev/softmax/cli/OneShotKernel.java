package dev.softmax.cli;

/**
 * The Java kernel a one-shot command computes on, chosen before its engine is created (through the engine's
 * process-wide tuning property {@code softmax.kernel}, which a value given with {@code -D} overrides).
 *
 * <p>Why: a command-line process computes once, and the Vector API kernel runs boxed, element by element, until C2
 * has compiled it (then recompiles it after uncommon traps): on a 256x128256 f32 .npy (131 MB, 2 threads, this
 * host, 2026-12-05) {@code softmax apply} took 1.64-1.83 s on the vector kernel, of which the kernel ran from 0.5 s
 * to 1.5 s (JIT log), against 0.70-0.80 s on the scalar kernel; on 262144x128, 1.83-1.94 s against 0.72-0.77 s.
 * The vector kernel's speed pays for its compilation only on larger inputs: on 1024x128256 (525 MB) it took 2.23 s
 * against 2.81 s, and the two cross at about 90M elements, hence the threshold. Both kernels meet the same accuracy
 * bounds; their outputs may differ in the last bits (different summation order), and for one input the choice is
 * always the same.
 */
final class OneShotKernel {

    /** Inputs with at least this many elements are computed on the vector kernel (see the class comment). */
    static final long VECTOR_FROM_ELEMENTS = 64L << 20;

    private static final String PROPERTY = "softmax.kernel";

    private OneShotKernel() {}

    /** Selects the scalar kernel for an input of {@code elements} elements, unless a kernel was set explicitly. */
    static void chooseFor(long elements) {
        if (System.getProperty(PROPERTY) == null && elements < VECTOR_FROM_ELEMENTS) {
            System.setProperty(PROPERTY, "scalar");
        }
    }
}
