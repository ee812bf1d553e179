package dev.softmax.testing;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.SoftmaxNativeException;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

/**
 * Run in a child JVM by OnednnFaultTest with {@code -Dsoftmax.test.dnnlFault=<function>=<status>}: creates an engine
 * (the backend named by the argument), runs one bf16 log-softmax that oneDNN serves (AUTO sends a bf16 softmax of contiguous rows to Java), and prints what happened:
 * {@code CREATE ok|<exception>}, {@code CALL ok|<exception class> <status name> <message>}, {@code DST unchanged|
 * changed}, {@code HANDLES <live handles after close>}.
 */
public final class OnednnFaultMain {

    private OnednnFaultMain() {}

    public static void main(String[] args) {
        Backend backend = Backend.valueOf(args[0]);
        SoftmaxEngine engine;
        try {
            engine = SoftmaxEngine.create(
                    EngineOptions.builder().backend(backend).build());
            System.out.println("CREATE ok " + engine.backend().describe());
        } catch (RuntimeException e) {
            System.out.println("CREATE " + describe(e));
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            TensorView src = TensorView.allocate(arena, DType.BF16, 64, 128);
            src.copyFrom(TestTensors.normal(new Random(1), 64 * 128, 3));
            TensorView dst = TensorView.allocate(arena, DType.BF16, 64, 128);
            dst.segment().fill(TestTensors.PATTERN);
            byte[] before = TestTensors.snapshot(dst.segment());
            try {
                engine.logSoftmax(src, dst);
                System.out.println("CALL ok onednnCalls=" + engine.statistics().onednnCalls());
                System.out.println(
                        "NOT IN USE " + engine.backend().onednnDeclined().orElse("-"));
            } catch (RuntimeException e) {
                System.out.println("CALL " + describe(e));
            }
            System.out.println(
                    "DST " + (Arrays.equals(before, TestTensors.snapshot(dst.segment())) ? "unchanged" : "changed"));
        } finally {
            try {
                engine.close();
                System.out.println("CLOSE ok");
            } catch (RuntimeException e) {
                System.out.println("CLOSE " + describe(e));
            }
        }
        System.out.println("HANDLES " + engine.statistics().liveNativeHandles());
    }

    private static String describe(RuntimeException e) {
        if (e instanceof SoftmaxNativeException n) {
            return "SoftmaxNativeException " + n.statusName() + " " + n.function() + ": " + n.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
