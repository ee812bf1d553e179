package dev.softmax.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a call's rows across the engine's threads. The calling thread always takes a share itself, so an
 * engine with {@code threads = n} owns {@code n - 1} workers, and work too small to pay for a hand-off
 * (fewer than {@value #MIN_PARALLEL_ELEMENTS} elements, or a single row) never leaves the calling thread.
 * Idle workers block on a queue; they never spin.
 */
public final class RowParallelism implements AutoCloseable {

    /** Below this many elements a hand-off to another thread costs more than it saves. */
    public static final long MIN_PARALLEL_ELEMENTS = 1 << 15;

    /** Work on a range of rows. */
    @FunctionalInterface
    public interface RangeTask {
        void run(long firstRow, long rowCount);
    }

    private final int threads;
    private final ExecutorService workers;
    private final Thread sampleWorker;

    public RowParallelism(int threads) {
        this.threads = threads;
        if (threads > 1) {
            AtomicInteger counter = new AtomicInteger();
            ThreadFactory factory = task -> {
                Thread thread = new Thread(task, "softmax-worker-" + counter.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            this.workers = Executors.newFixedThreadPool(threads - 1, factory);
            // A thread object that is not the caller: confined segments report themselves inaccessible to it.
            this.sampleWorker = factory.newThread(() -> { });
        } else {
            this.workers = null;
            this.sampleWorker = null;
        }
    }

    public int threads() {
        return threads;
    }

    /** False when other threads may not touch the segment (it is confined to the caller). */
    public boolean canShare(MemorySegment segment) {
        return sampleWorker != null && segment.isAccessibleBy(sampleWorker);
    }

    /** Runs {@code task} over all rows, in parallel when it pays and the memory may be shared. */
    public void forEachRange(long rows, long rowLength, boolean shareable, RangeTask task) {
        int parts = partsFor(rows, rowLength, shareable);
        if (parts <= 1) {
            task.run(0, rows);
            return;
        }
        Future<?>[] futures = new Future<?>[parts - 1];
        long base = rows / parts;
        long extra = rows % parts;
        long start = 0;
        long[] starts = new long[parts];
        long[] counts = new long[parts];
        for (int p = 0; p < parts; p++) {
            starts[p] = start;
            counts[p] = base + (p < extra ? 1 : 0);
            start += counts[p];
        }
        for (int p = 1; p < parts; p++) {
            long s = starts[p];
            long c = counts[p];
            futures[p - 1] = workers.submit(() -> task.run(s, c));
        }
        Throwable failure = null;
        try {
            task.run(starts[0], counts[0]);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException("a worker was interrupted", failure);
        }
    }

    /** How many threads a call of this size gets. */
    public int partsFor(long rows, long rowLength, boolean shareable) {
        if (threads <= 1 || !shareable || rows < 2 || rows * rowLength < MIN_PARALLEL_ELEMENTS) {
            return 1;
        }
        return (int) Math.min(threads, rows);
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
