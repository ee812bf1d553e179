package dev.softmax.cli.testing;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.cli.npy.NpyArray;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a child JVM by TruncatedInputIT: maps a .npy file, lets "another process" (here: this one, through a second
 * channel) truncate it while it is mapped, then runs the engine over the mapping. Prints {@code RESULT <exception or
 * ok>}; a JVM crash shows as a missing RESULT line and a non-zero exit (134 for SIGABRT after hs_err).
 *
 * <p>Usage: {@code TruncatedInputMain FILE.npy BACKEND KEEP_BYTES}.
 */
public final class TruncatedInputMain {

    private TruncatedInputMain() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Backend backend = Backend.valueOf(args[1]);
        long keep = Long.parseLong(args[2]);
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(backend).build());
                Arena arena = Arena.ofConfined()) {
            NpyArray array = NpyArray.open(file, arena);
            TensorView src = TensorView.wrap(array.data(), DType.F32, array.shape());
            TensorView dst = TensorView.allocate(arena, DType.F32, array.shape());
            try (FileChannel other = FileChannel.open(file, StandardOpenOption.WRITE)) {
                other.truncate(keep);
            }
            try {
                engine.softmax(src, dst);
                System.out.println("RESULT ok");
            } catch (Throwable e) {
                System.out.println("RESULT " + e);
            }
        }
    }
}
