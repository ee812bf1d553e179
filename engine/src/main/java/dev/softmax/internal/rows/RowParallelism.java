package dev.softmax.internal.rows;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a call's rows across the engine's threads, without allocating per call.
 *
 * <p>The calling thread always takes a share itself, so an engine with {@code threads = n} owns {@code n - 1}
 * workers. Work too small to pay for a hand-off (fewer than {@value #MIN_PARALLEL_ELEMENTS} elements, or a single
 * row) never leaves the calling thread. A call unparks the workers it needs, does its own share, then waits for the
 * last one (briefly on the counter, then parked). A worker that finished its share watches for the next one for
 * {@code softmax.workerSpinMicros} (default {@value #DEFAULT_WORKER_SPIN_MICROS} µs) before it parks, so calls
 * that follow each other closely (the layers and heads of a model step) start without a wake-up; an engine left
 * idle has every worker parked within that time. The workers serve one call at a time: a call that finds them
 * busy (another thread of the same engine is using them) runs on its own thread instead of waiting.
 *
 * <p>Why workers watch before parking: a parked worker needs a futex wake-up and, on a VM, its vCPU scheduled
 * again, before it starts. JMH, AUTO f32 softmax of 4096x128 with 2 threads, this host, 2026-12-06, two runs of
 * each setting in one jar: 115-135 µs when workers parked at once, 97-102 µs with 20 or 100 µs of watching (ORT
 * with 2 intra-op threads, whose pool also spins: 88 µs). 64x32000 and 1024x1024 did not change beyond noise. The
 * cost is at most that long of one vCPU per worker after the last call of a burst; {@code
 * -Dsoftmax.workerSpinMicros=0} parks at once.
 */
public final class RowParallelism implements AutoCloseable {

    /** Below this many elements a hand-off to another thread costs more than it saves. */
    public static final long MIN_PARALLEL_ELEMENTS = 1 << 15;

    /** How long a caller that finished its share waits on the workers before parking. */
    private static final long SPIN_NANOS = 50_000;

    /** How long, by default, a worker that finished a share watches for the next one before parking. */
    public static final long DEFAULT_WORKER_SPIN_MICROS = 100;

    /** The longest watch {@code softmax.workerSpinMicros} may ask for: 10 ms. */
    static final long MAX_WORKER_SPIN_MICROS = 10_000;

    /**
     * Work on a range of rows. Implementations should be non-capturing (a static method reference, say) with
     * the call passed as {@code context}, so that no object is allocated per call.
     */
    @FunctionalInterface
    public interface RangeTask<C> {
        void run(C context, long firstRow, long rowCount);
    }

    private final int threads;
    private final long workerSpinNanos;
    private final Worker[] workers;
    private final Thread accessProbe;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread waiting;
    private volatile Throwable failure;
    private volatile boolean closed;

    /**
     * @throws IllegalArgumentException if the system property {@code softmax.workerSpinMicros} is set to anything
     *     but a whole number of microseconds from 0 to {@value #MAX_WORKER_SPIN_MICROS}
     */
    public RowParallelism(int threads) {
        this(threads, workerSpinMicros(System.getProperty("softmax.workerSpinMicros")));
    }

    RowParallelism(int threads, long workerSpinMicros) {
        this.threads = threads;
        this.workerSpinNanos = workerSpinMicros * 1000;
        this.workers = new Worker[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("softmax-worker-" + (i + 1));
            workers[i].thread.start();
        }
        // Any thread that is not the caller answers "may other threads touch this segment?": a confined segment
        // reports itself inaccessible to it.
        this.accessProbe = workers.length > 0 ? workers[0].thread : null;
    }

    public int threads() {
        return threads;
    }

    /** Worker {@code index}'s thread (0-based; for tests of its state). */
    Thread workerThread(int index) {
        return workers[index].thread;
    }

    /** False when other threads may not touch the segment (it is confined to the caller). */
    public boolean canShare(MemorySegment segment) {
        return accessProbe != null && segment.isAccessibleBy(accessProbe);
    }

    /** Runs {@code task} over all rows, in parallel when it pays, the memory may be shared and workers are free. */
    public <C> void forEachRange(long rows, long rowLength, boolean shareable, C context, RangeTask<C> task) {
        int parts = partsFor(rows, rowLength, shareable);
        if (parts <= 1 || !busy.compareAndSet(false, true)) {
            task.run(context, 0, rows);
            return;
        }
        try {
            failure = null;
            waiting = Thread.currentThread();
            long base = rows / parts;
            long extra = rows % parts;
            long start = base + (extra > 0 ? 1 : 0);
            pending.set(parts - 1);
            for (int p = 1; p < parts; p++) {
                long count = base + (p < extra ? 1 : 0);
                workers[p - 1].assign(context, task, start, count);
                start += count;
            }
            Throwable own = null;
            try {
                task.run(context, 0, base + (extra > 0 ? 1 : 0));
            } catch (RuntimeException | Error e) {
                own = e;
            }
            // The caller has just finished a share of the same size, so the workers are usually moments from done:
            // waiting briefly on the counter saves a park/unpark round trip (tens of microseconds on a VM).
            // The caller watches only while its call has work in flight, and only for SPIN_NANOS.
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (pending.get() > 0 && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            while (pending.get() > 0) {
                LockSupport.park(this);
            }
            Throwable first = own != null ? own : failure;
            if (first instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (first instanceof Error error) {
                throw error;
            }
        } finally {
            waiting = null;
            busy.set(false);
        }
    }

    /** The property's value in microseconds: the default when unset, else a whole number in range. */
    static long workerSpinMicros(String property) {
        if (property == null || property.isBlank()) {
            return DEFAULT_WORKER_SPIN_MICROS;
        }
        long micros;
        try {
            micros = Long.parseLong(property.strip());
        } catch (NumberFormatException e) {
            micros = -1;
        }
        if (micros < 0 || micros > MAX_WORKER_SPIN_MICROS) {
            throw new IllegalArgumentException("softmax.workerSpinMicros: '" + property + "' is not a whole number of"
                    + " microseconds from 0 to " + MAX_WORKER_SPIN_MICROS + "; expected, for example, "
                    + DEFAULT_WORKER_SPIN_MICROS + " (the default) or 0 (park at once)");
        }
        return micros;
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
        closed = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker.thread);
        }
    }

    /** One daemon thread that runs the ranges it is given, parked when idle (after its watch). */
    private final class Worker implements Runnable {
        final Thread thread;
        private volatile boolean assigned;
        private Object context;
        private RangeTask<Object> task;
        private long first;
        private long count;

        Worker(String name) {
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @SuppressWarnings("unchecked")
        <C> void assign(C context, RangeTask<C> task, long first, long count) {
            this.context = context;
            this.task = (RangeTask<Object>) task;
            this.first = first;
            this.count = count;
            assigned = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (!closed) {
                if (!assigned) {
                    long spinUntil = System.nanoTime() + workerSpinNanos;
                    while (!assigned && !closed && System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    }
                    if (!assigned) {
                        LockSupport.park(this);
                    }
                    continue;
                }
                try {
                    task.run(context, first, count);
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    context = null;
                    task = null;
                    assigned = false;
                    if (pending.decrementAndGet() == 0) {
                        Thread caller = waiting;
                        if (caller != null) {
                            LockSupport.unpark(caller);
                        }
                    }
                }
            }
        }
    }
}
