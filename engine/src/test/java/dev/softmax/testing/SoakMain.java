package dev.softmax.testing;

import dev.softmax.Backend;
import dev.softmax.EngineOptions;
import dev.softmax.EngineStatistics;
import dev.softmax.SoftmaxEngine;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak (RELIABILITY.md), run in a fresh JVM by SoakTest (short, in CI) and by ci/soak-long.sh (1,000,000 calls):
 * one engine (AUTO, so 16-bit rows go to oneDNN and f32 rows to the Java kernel; 2 threads per call; primitive cache
 * capacity 4, so it keeps evicting) serves {@link MixedWorkload}'s calls round-robin, in blocks of 1,000 calls that
 * alternate between one calling thread and two. Every result is compared bit for bit with the reference run.
 *
 * <p>At every 10% of the calls it prints a line {@code MARK <percent> calls=<n> rssKiB=<VmRSS> heapAfterGc=<bytes>
 * handles=<live native handles> evictions=<n>}, and after close {@code CLOSED handles=<n>}; a mismatch or exception
 * prints {@code FAIL ...} and exits 1.
 *
 * <p>Arguments: the number of calls; optionally a number of warm-up calls made first and not counted.
 */
public final class SoakMain {

    private SoakMain() {}

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        long warmUp = args.length > 1 ? Long.parseLong(args[1]) : 0;
        EngineOptions options = EngineOptions.builder()
                .backend(Backend.AUTO)
                .threads(2)
                .primitiveCacheCapacity(4)
                .build();
        SoftmaxEngine engine = SoftmaxEngine.create(options);
        AtomicLong done = new AtomicLong();
        long started = System.nanoTime();
        // A second calling thread lives from the start, so that its one-time costs (its stack, its malloc arena,
        // the engine's per-thread scratch) are paid before the 10% mark, like every other warm-up.
        java.util.concurrent.ExecutorService second = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Arena shared = Arena.ofShared();
                Arena mine = Arena.ofConfined()) {
            MixedWorkload mix = new MixedWorkload(shared, 2026);
            List<byte[]> reference = mix.reference(engine, shared);
            List<MixedWorkload.Outputs> myOutputs = mix.allocateOutputs(mine);
            Arena secondArena = second.submit(Arena::ofConfined).get();
            List<MixedWorkload.Outputs> secondOutputs =
                    second.submit(() -> mix.allocateOutputs(secondArena)).get();
            if (warmUp > 0) {
                // Not counted: the same mix, so that JIT compilation and the garbage collector's first full
                // collections have run before the marks are taken (see RELIABILITY.md for the figures without).
                run(engine, mix, reference, myOutputs, 0, warmUp, Long.MAX_VALUE, new AtomicLong());
                second.submit(() -> {
                            run(engine, mix, reference, secondOutputs, 0, warmUp / 4, Long.MAX_VALUE, new AtomicLong());
                            return null;
                        })
                        .get();
                System.gc();
                System.out.println("WARMED UP " + warmUp + " calls");
            }
            // Blocks of 1,000 calls alternate: one calling thread, then two calling threads on the same engine.
            long block = 1000;
            for (long from = 0; from < total; from += block) {
                long to = Math.min(total, from + block);
                if ((from / block) % 2 == 0) {
                    run(engine, mix, reference, myOutputs, from, to, total, done);
                } else {
                    long middle = from + (to - from) / 2;
                    long f = from;
                    java.util.concurrent.Future<?> other = second.submit(() -> {
                        run(engine, mix, reference, secondOutputs, middle, to, total, done);
                        return null;
                    });
                    run(engine, mix, reference, myOutputs, f, middle, total, done);
                    other.get();
                }
            }
            second.submit(secondArena::close).get();
        } finally {
            second.shutdown();
        }
        if (done.get() != total) {
            fail(done.get() + " calls instead of " + total);
        }
        EngineStatistics beforeClose = engine.statistics();
        engine.close();
        System.out.printf(
                Locale.ROOT,
                "CLOSED handles=%d calls=%d javaCalls=%d onednnCalls=%d evictions=%d seconds=%.1f%n",
                engine.statistics().liveNativeHandles(),
                done.get(),
                beforeClose.javaCalls(),
                beforeClose.onednnCalls(),
                beforeClose.primitiveEvictions(),
                (System.nanoTime() - started) / 1e9);
    }

    private static final Object MARKS = new Object();

    private static void run(
            SoftmaxEngine engine,
            MixedWorkload mix,
            List<byte[]> reference,
            List<MixedWorkload.Outputs> outputs,
            long from,
            long to,
            long total,
            AtomicLong done)
            throws IOException {
        int size = mix.entries().size();
        for (long i = from; i < to; i++) {
            int k = (int) (i % size);
            byte[] got = mix.entries().get(k).call().run(engine, outputs.get(k));
            String mismatch = mix.mismatch(k, reference.get(k), got);
            if (mismatch != null) {
                fail("call " + i + ": " + mismatch);
            }
            long n = done.incrementAndGet();
            if (total != Long.MAX_VALUE && n % (total / 10) == 0) {
                synchronized (MARKS) {
                    mark(engine, n, total);
                }
            }
        }
    }

    private static void mark(SoftmaxEngine engine, long calls, long total) throws IOException {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        EngineStatistics s = engine.statistics();
        System.out.printf(
                Locale.ROOT,
                "MARK %d calls=%d rssKiB=%d heapAfterGc=%d handles=%d evictions=%d%n",
                calls * 100 / total,
                calls,
                rssKiB(),
                heap,
                s.liveNativeHandles(),
                s.primitiveEvictions());
    }

    static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static void fail(String what) {
        System.out.println("FAIL " + what);
        System.out.flush();
        System.exit(1);
    }
}
