package dev.softmax;

import dev.softmax.testing.KernelAllocationMain;
import org.junit.jupiter.api.Test;

/**
 * A loop of repeated forward and backward calls of the Java kernel on the same views allocates nothing once
 * compiled, on every row path, f32 and bf16, measured in a child JVM that runs only that loop
 * ({@link KernelAllocationMain}), as in {@link AttentionAllocationTest}.
 *
 * <p>Regression: when the vector passes first took their segments' exact-class slices (see
 * {@code PanamaVectorConstants}), the short row's scalar tail read through the slice; C2 inlined that pass into
 * {@code softmaxRows} without inlining the tail's VarHandle access, so the slice escaped: 40 B a row on 64x512,
 * 320 B a call on 8x16 (thread-allocated bytes in a probe, 2026-12-06). The attention settings did not reach it.
 */
class KernelAllocationTest {

    @Test
    void repeatedCallsAllocateNothing() throws Exception {
        AllocationChild.assertEverySettingAllocatesNothing(
                KernelAllocationMain.class, KernelAllocationMain.settings(), 300);
    }
}
