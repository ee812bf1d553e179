package dev.softmax.cli.testing;

import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyOutput;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a large f32 .npy of N(0, 3^2) logits, window by window, for trying {@code softmax apply} on a file far
 * larger than memory should need. Usage: {@code LargeNpyMain OUT.npy ROWS COLUMNS}.
 */
public final class LargeNpyMain {

    private LargeNpyMain() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long rows = Long.parseLong(args[1]);
        long columns = Long.parseLong(args[2]);
        SplittableRandom random = new SplittableRandom(42);
        try (NpyOutput output = NpyOutput.create(out, NpyDType.F4, new long[] {rows, columns})) {
            long rowsPerWindow = Math.max(1, (16L << 20) / (4 * columns));
            for (long first = 0; first < rows; first += rowsPerWindow) {
                long count = Math.min(rowsPerWindow, rows - first);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment window = output.mapRange(4 * first * columns, 4 * count * columns, arena);
                    for (long i = 0; i < count * columns; i++) {
                        window.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) (random.nextGaussian() * 3));
                    }
                }
            }
            output.commit();
        }
    }
}
