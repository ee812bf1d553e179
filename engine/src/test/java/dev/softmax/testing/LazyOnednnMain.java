package dev.softmax.testing;

import dev.softmax.Backend;
import dev.softmax.BackendInfo;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Run in a child JVM by OnednnLazyLoadTest: whether {@code libdnnl} is mapped into the process (from
 * {@code /proc/self/maps}) and what {@code backend()} says, after each step. Argument {@code calls}: an AUTO
 * engine, f32 calls, then a bf16 softmax and a bf16 log-softmax; {@code info}: an AUTO engine, then {@code loadOnednn()}; {@code java}: a
 * JAVA engine, then {@code loadOnednn()}. Prints {@code <STEP> mapped=<bool> available=<bool> onednnCalls=<n>
 * declined=<reason or ->}, then {@code HANDLES <live handles after close>}.
 */
public final class LazyOnednnMain {

    private LazyOnednnMain() {}

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder()
                .backend(mode.equals("java") ? Backend.JAVA : Backend.AUTO)
                .build());
        report("CREATED", engine, engine.backend());
        if (mode.equals("calls")) {
            try (Arena arena = Arena.ofConfined()) {
                Random random = new Random(3);
                TensorView x = TensorView.allocate(arena, DType.F32, 64, 128);
                x.copyFrom(TestTensors.normal(random, 64 * 128, 3));
                TensorView y = TensorView.allocate(arena, DType.F32, 64, 128);
                TensorView dx = TensorView.allocate(arena, DType.F32, 64, 128);
                engine.softmax(x, y);
                engine.logSoftmax(x, y);
                engine.softmaxBackward(y, x, dx);
                TensorView small = TensorView.allocate(arena, DType.BF16, 8, 16);
                engine.softmax(small, small);
                report("F32", engine, engine.backend());
                TensorView bf16 = TensorView.allocate(arena, DType.BF16, 64, 128);
                bf16.copyFrom(TestTensors.normal(random, 64 * 128, 3));
                engine.softmax(bf16, bf16);
                report("BF16_SOFTMAX", engine, engine.backend());
                engine.logSoftmax(bf16, bf16);
                report("BF16_LOG", engine, engine.backend());
            }
        } else {
            report("LOADED", engine, engine.loadOnednn());
        }
        engine.close();
        System.out.println("HANDLES " + engine.statistics().liveNativeHandles());
    }

    private static void report(String step, SoftmaxEngine engine, BackendInfo info) throws IOException {
        boolean mapped = Files.readString(Path.of("/proc/self/maps")).contains("libdnnl");
        System.out.println(step + " mapped=" + mapped + " available=" + info.onednnAvailable() + " onednnCalls="
                + engine.statistics().onednnCalls() + " declined="
                + info.onednnDeclined().orElse("-")
                + " version=" + info.onednnVersion().orElse("-"));
    }
}
