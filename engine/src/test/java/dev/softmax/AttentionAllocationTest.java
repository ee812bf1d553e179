package dev.softmax;

import dev.softmax.testing.AttentionAllocationMain;
import org.junit.jupiter.api.Test;

/**
 * A loop of repeated attention calls on the same views and options allocates nothing once compiled, for f32 and
 * bf16 destinations: the call's validation is reused (the key lengths and sinks are checked again without
 * allocating) and the rows are walked without objects.
 *
 * <p>Measured in a child JVM that runs only that loop ({@link AttentionAllocationMain}), as an application would:
 * in the engine's test JVM, after some 1800 tests have driven the short-row kernels through every edge case, C2
 * had given up recompiling {@code shortSoftmaxPair} (deoptimised too often) and ran it as C1 code, whose vectors
 * are objects (JFR: {@code FloatVector.ldLongOp}, 2.7 KB a call), a state no steady decode loop reaches.
 *
 * <p>In about one child in seven on a busy host, the key-lengths, bias and log-sum-exp setting allocated 2304 or
 * 4608 B a call for all of its 20 s: C2 had left {@code DoubleVector.add} and {@code FloatVector.max} virtual calls
 * in two kernel passes (their one shared JDK profile was still empty when the passes compiled) and boxed their
 * vectors. The kernels now call {@code lanewise} directly (see {@code PanamaVectorConstants}); 100 children in a
 * row, two at a time under {@code -XX:+PrintInlining}, then allocated nothing (2026-12-06).
 */
class AttentionAllocationTest {

    @Test
    void repeatedCallsAllocateNothing() throws Exception {
        // Six settings, each f32 -> f32, f32 -> bf16 and bf16 -> bf16.
        AllocationChild.assertEverySettingAllocatesNothing(AttentionAllocationMain.class, 18, 120);
    }
}
