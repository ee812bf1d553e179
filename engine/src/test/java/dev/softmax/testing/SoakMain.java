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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak (RELIABILITY.md), run in a fresh JVM by SoakTest (short, in CI) and by ci/soak-long.sh (1,000,000 calls):
 * one engine (AUTO, so 16-bit rows go to oneDNN and f32 rows to the Java kernel; 2 threads per call; primitive cache
 * capacity 4, so it keeps evicting) serves {@link MixedWorkload}'s calls round-robin, from one calling thread for the
 * first half and two for the second. Every result is compared bit for bit with the reference run.
 *
 * <p>At every 10% of the calls it prints a line {@code MARK <percent> calls=<n> rssKiB=<VmRSS> heapAfterGc=<bytes>
 * handles=<live native handles> evictions=<n>}, and after close {@code CLOSED handles=<n>}; a mismatch or exception
 * prints {@code FAIL ...} and exits 1.
 *
 * <p>Arguments: the number of calls.
 */
public final class SoakMain {

    private SoakMain() {}

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        EngineOptions options = EngineOptions.builder()
                .backend(Backend.AUTO)
                .threads(2)
                .primitiveCacheCapacity(4)
                .build();
        SoftmaxEngine engine = SoftmaxEngine.create(options);
        AtomicLong done = new AtomicLong();
        long started = System.nanoTime();
        try (Arena shared = Arena.ofShared()) {
            MixedWorkload mix = new MixedWorkload(shared, 2026);
            List<byte[]> reference = mix.reference(engine, shared);
            int size = mix.entries().size();
            long half = total / 2;
            // First half: one calling thread.
            run(engine, mix, reference, 0, half, 0, total, done);
            // Second half: two calling threads on the same engine.
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            long rest = total - half;
            for (int t = 0; t < 2; t++) {
                long from = half + t * (rest / 2);
                long to = t == 0 ? half + rest / 2 : total;
                int offset = t * (size / 2);
                Thread thread = new Thread(() -> {
                    try {
                        run(engine, mix, reference, from, to, offset, total, done);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (!failures.isEmpty()) {
                fail(failures.get(0).toString());
            }
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
            long from,
            long to,
            int offset,
            long total,
            AtomicLong done)
            throws IOException {
        int size = mix.entries().size();
        try (Arena own = Arena.ofConfined()) {
            List<MixedWorkload.Outputs> outputs = mix.allocateOutputs(own);
            for (long i = from; i < to; i++) {
                int k = (int) ((i + offset) % size);
                byte[] got = mix.entries().get(k).call().run(engine, outputs.get(k));
                String mismatch = mix.mismatch(k, reference.get(k), got);
                if (mismatch != null) {
                    fail("call " + i + ": " + mismatch);
                }
                long n = done.incrementAndGet();
                if (n % (total / 10) == 0) {
                    synchronized (MARKS) {
                        mark(engine, n, total);
                    }
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
