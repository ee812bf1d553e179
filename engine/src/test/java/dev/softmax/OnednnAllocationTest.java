package dev.softmax;

import dev.softmax.testing.KernelAllocationMain;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelAllocationTest}'s loop on the ONEDNN backend: a repeated forward or backward call that oneDNN computes
 * (or declines, and the Java kernel computes) allocates nothing once compiled, f32 and bf16, on every shape of
 * that loop. The child reports how many calls oneDNN computed per setting; at least the plain softmax and its
 * backward of each shape and type must be among them, or the test would only measure the Java fallback.
 *
 * <p>Regression: every call on this path used to build its block plan anew (operands, edge contract, the
 * primitive cache's key, capturing lambdas, the cache's lookup result): 376 B a call whatever the shape, and 16 B
 * more for a declined call's {@code Optional} (thread-allocated bytes in a probe, 2026-12-06).
 */
class OnednnAllocationTest {

    @Test
    void repeatedOnednnCallsAllocateNothing() throws Exception {
        String output = AllocationChild.assertEverySettingAllocatesNothing(
                KernelAllocationMain.class, KernelAllocationMain.settings(), 300, "ONEDNN");
        for (String setting : new String[] {"SOFTMAX", "SOFTMAX_BACKWARD"}) {
            org.assertj.core.api.Assertions.assertThat(output.lines()
                            .filter(l -> l.contains("setting=" + setting + " "))
                            .filter(l -> !l.endsWith("onednnCalls=0")))
                    .as("settings of %s computed by oneDNN, in: %s", setting, output)
                    .hasSize(KernelAllocationMain.SHAPES.size() * KernelAllocationMain.TYPES.size());
        }
    }
}
