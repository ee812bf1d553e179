package dev.softmax.internal.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The workers' watch before parking: a worker that finished its share parks once the watch is over (an idle engine
 * must not keep a vCPU busy), calls arriving during the watch or after it are served the same, and the property
 * that sets the watch is checked.
 */
class RowParallelismTest {

    /** Every row of a call is run exactly once, whichever thread ran it. */
    private static void coverRows(RowParallelism parallelism, int rows) {
        AtomicLongArray runs = new AtomicLongArray(rows);
        parallelism.forEachRange(rows, 1 << 15, true, runs, (counts, first, count) -> {
            for (long r = first; r < first + count; r++) {
                counts.incrementAndGet((int) r);
            }
        });
        long[] seen = new long[rows];
        for (int r = 0; r < rows; r++) {
            seen[r] = runs.get(r);
        }
        long[] once = new long[rows];
        Arrays.fill(once, 1);
        assertThat(seen).containsExactly(once);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 100, 2_000})
    void everyRowOnceWhetherTheWorkerWatchesOrParks(long spinMicros) throws InterruptedException {
        try (RowParallelism parallelism = new RowParallelism(2, spinMicros)) {
            for (int call = 0; call < 200; call++) {
                coverRows(parallelism, 2 + call % 7);
                if (call % 50 == 0) {
                    Thread.sleep(5); // past any watch but the longest: the next call wakes a parked worker
                }
            }
        }
    }

    @Test
    void anIdleWorkerParksOnceItsWatchIsOver() throws InterruptedException {
        // A 2 ms watch, polled for 2 s: the worker must be seen parked (WAITING), not running, long after its watch.
        try (RowParallelism parallelism = new RowParallelism(2, 2_000)) {
            coverRows(parallelism, 4);
            Thread worker = parallelism.workerThread(0);
            long deadline = System.nanoTime() + 2_000_000_000L;
            Thread.State state = worker.getState();
            while (state != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(10);
                state = worker.getState();
            }
            assertThat(state).isEqualTo(Thread.State.WAITING);
            // Parked, it still serves the next call.
            coverRows(parallelism, 4);
        }
    }

    @Test
    void theWatchPropertyIsAWholeNumberOfMicrosecondsInRange() {
        assertThat(RowParallelism.workerSpinMicros(null)).isEqualTo(RowParallelism.DEFAULT_WORKER_SPIN_MICROS);
        assertThat(RowParallelism.workerSpinMicros(" ")).isEqualTo(RowParallelism.DEFAULT_WORKER_SPIN_MICROS);
        assertThat(RowParallelism.workerSpinMicros("0")).isZero();
        assertThat(RowParallelism.workerSpinMicros(" 250 ")).isEqualTo(250);
        assertThat(RowParallelism.workerSpinMicros("10000")).isEqualTo(10_000);
        for (String bad : new String[] {"-1", "10001", "1.5", "fast"}) {
            assertThatThrownBy(() -> RowParallelism.workerSpinMicros(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("softmax.workerSpinMicros: '" + bad + "'")
                    .hasMessageContaining("from 0 to 10000");
        }
    }
}
