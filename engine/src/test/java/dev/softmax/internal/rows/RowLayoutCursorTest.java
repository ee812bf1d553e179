package dev.softmax.internal.rows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.DType;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cursor's runs ({@link RowLayout.Cursor#rowsToInnerEnd}, {@link RowLayout.Cursor#innerStep}) against
 * {@link RowLayout#rowOffset}: along a run every operand's offset grows by its step, and the row after a run is
 * where the layout says it is. Layouts: random shapes of rank 2-5 with one operand broadcast along random
 * dimensions (stride 0) and another padded.
 */
class RowLayoutCursorTest {

    @Test
    void runsFollowTheLayout() {
        Random random = new Random(7);
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 300; trial++) {
                int rank = 2 + random.nextInt(4);
                long[] shape = new long[rank];
                for (int d = 0; d < rank; d++) {
                    shape[d] = 1 + random.nextInt(4);
                }
                long[] dense = stridesOf(shape, 0);
                long[] padded = stridesOf(shape, random.nextInt(3));
                long[] broadcast = dense.clone();
                for (int d = 0; d < rank - 1; d++) {
                    if (random.nextInt(3) == 0) {
                        broadcast[d] = 0;
                    }
                }
                TensorView a = TensorView.wrap(arena.allocate(8 * size(shape, padded) + 8), DType.F32, shape, padded);
                TensorView b = TensorView.wrap(arena.allocate(8 * size(shape, dense) + 8), DType.F32, shape, broadcast);
                TensorView c = TensorView.wrap(arena.allocate(8 * size(shape, dense) + 8), DType.F32, shape, dense);
                RowLayout layout = RowLayout.of(rank - 1, a, b, c);
                long rows = layout.rowCount();
                long first = random.nextInt((int) rows);
                RowLayout.Cursor cursor = layout.cursor(first);
                long r = first;
                while (r < rows) {
                    long run = cursor.rowsToInnerEnd();
                    assertThat(run).as("trial %d row %d", trial, r).isPositive();
                    for (int k = 0; k < 3; k++) {
                        for (long j = 0; j < run && r + j < rows; j++) {
                            assertThat(cursor.offset(k) + j * cursor.innerStep(k))
                                    .as(
                                            "trial %d shape %s operand %d row %d",
                                            trial, java.util.Arrays.toString(shape), k, r + j)
                                    .isEqualTo(layout.rowOffset(k, r + j));
                        }
                    }
                    r += run;
                    cursor.moveTo(r);
                }
                assertThat(r)
                        .as("trial %d: the runs end at the last row", trial)
                        .isEqualTo(rows);
            }
        }
    }

    /**
     * {@link RowLayout#broadcastDimension}, {@link RowLayout#outerSize} and {@link RowLayout#innerRows}, which the
     * attention's bias tiles rely on: rows {@code (o * size + j) * inner + i} share operand 1's row for every j.
     * Random layouts as above, plus a bias shared by the heads ({@code [2, 3, 4, 5]} with head stride 0) and a
     * bias of one row (no dimension inside its broadcast one: -1).
     */
    @Test
    void broadcastDimensionNamesRowsThatShareTheBroadcastOperandsRow() {
        Random random = new Random(11);
        int found = 0;
        try (Arena arena = Arena.ofConfined()) {
            long[] heads = {2, 3, 4, 5};
            TensorView x = TensorView.wrap(arena.allocate(4 * 120), DType.F32, heads, stridesOf(heads, 0));
            TensorView shared = TensorView.wrap(arena.allocate(4 * 40), DType.F32, heads, new long[] {20, 0, 5, 1});
            RowLayout headsLayout = RowLayout.of(3, x, shared, x);
            int d = headsLayout.broadcastDimension(1);
            assertThat(d).as("a bias shared by the heads").isNotNegative();
            assertThat(headsLayout.outerSize(d)).isEqualTo(3);
            assertThat(headsLayout.innerRows(d)).isEqualTo(4);
            TensorView oneRow = TensorView.wrap(arena.allocate(4 * 5), DType.F32, heads, new long[] {0, 0, 0, 1});
            assertThat(RowLayout.of(3, x, oneRow, x).broadcastDimension(1))
                    .as("a bias of one row: nothing to tile")
                    .isEqualTo(-1);
            for (int trial = 0; trial < 300; trial++) {
                int rank = 3 + random.nextInt(3);
                long[] shape = new long[rank];
                for (int dim = 0; dim < rank; dim++) {
                    shape[dim] = 1 + random.nextInt(4);
                }
                long[] dense = stridesOf(shape, 0);
                long[] broadcast = dense.clone();
                broadcast[random.nextInt(rank - 1)] = 0;
                TensorView a = TensorView.wrap(arena.allocate(4 * size(shape, dense)), DType.F32, shape, dense);
                TensorView b = TensorView.wrap(arena.allocate(4 * size(shape, dense)), DType.F32, shape, broadcast);
                RowLayout layout = RowLayout.of(rank - 1, a, b, a);
                if (layout.isUniformBatch()) {
                    continue;
                }
                int dim = layout.broadcastDimension(1);
                if (dim < 0) {
                    continue;
                }
                found++;
                long size = layout.outerSize(dim);
                long inner = layout.innerRows(dim);
                assertThat(size).as("trial %d", trial).isGreaterThan(1);
                for (long r = 0; r < layout.rowCount(); r++) {
                    long o = r / (size * inner);
                    long i = r % inner;
                    assertThat(layout.rowOffset(1, r))
                            .as("trial %d shape %s row %d", trial, java.util.Arrays.toString(shape), r)
                            .isEqualTo(layout.rowOffset(1, o * size * inner + i));
                }
            }
        }
        assertThat(found).as("random layouts with a tileable broadcast").isGreaterThan(50);
    }

    private static long[] stridesOf(long[] shape, int pad) {
        long[] strides = new long[shape.length];
        long step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = step;
            step *= shape[d] + (d == shape.length - 1 ? pad : 0);
        }
        return strides;
    }

    private static long size(long[] shape, long[] strides) {
        long last = 0;
        for (int d = 0; d < shape.length; d++) {
            last += (shape[d] - 1) * strides[d];
        }
        return last + 1;
    }
}
