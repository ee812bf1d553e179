package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.MixedWorkload;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrency at volume (RELIABILITY.md), beside {@link ConcurrencyTest}'s focused races: eight threads share one
 * engine over every operation of {@link MixedWorkload} (both backends' paths, backward, attention, reductions,
 * sampling), with a primitive cache of 4 that keeps evicting under them, and every result must be bit-identical to
 * the single-threaded reference; and engines are created, used and closed by several threads at once, each leaving
 * no native handle behind.
 *
 * <p>CI: 8 x 2,500 calls. The documented long run is 8 x 100,000:
 * {@code -Dsoftmax.stress.callsPerThread=100000} (see RELIABILITY.md).
 */
class ConcurrencyStressTest {

    static final int THREADS = 8;
    static final long CALLS_PER_THREAD = Long.getLong("softmax.stress.callsPerThread", 2_500);

    @Test
    @Timeout(value = 2, unit = TimeUnit.HOURS)
    void eightThreadsOnOneEngineGetTheSingleThreadedBits() throws Exception {
        EngineOptions options = EngineOptions.builder()
                .backend(Backend.AUTO)
                .threads(2)
                .primitiveCacheCapacity(4)
                .build();
        try (SoftmaxEngine engine = SoftmaxEngine.create(options);
                Arena shared = Arena.ofShared()) {
            MixedWorkload mix = new MixedWorkload(shared, 99);
            List<byte[]> reference = mix.reference(engine, shared);
            EngineStatistics before = engine.statistics();
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong calls = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int index = t;
                Thread thread = new Thread(() -> {
                    // Even threads write into memory shared between threads, odd ones into memory confined to
                    // themselves (the engine must then keep the work on the calling thread).
                    try (Arena own = index % 2 == 0 ? Arena.ofShared() : Arena.ofConfined()) {
                        List<MixedWorkload.Outputs> outputs = mix.allocateOutputs(own);
                        Random choice = new Random(index);
                        start.await();
                        for (long i = 0; i < CALLS_PER_THREAD && failures.size() < 10; i++) {
                            int k = choice.nextInt(mix.entries().size());
                            byte[] got = mix.entries().get(k).call().run(engine, outputs.get(k));
                            calls.incrementAndGet();
                            String mismatch = mix.mismatch(k, reference.get(k), got);
                            if (mismatch != null) {
                                failures.add("thread " + index + " call " + i + ": " + mismatch);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add("thread " + index + " threw " + e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(calls.get()).isEqualTo(THREADS * CALLS_PER_THREAD);
            EngineStatistics after = engine.statistics();
            assertThat(after.onednnCalls() - before.onednnCalls())
                    .as("oneDNN served part of the calls")
                    .isPositive();
            assertThat(after.primitiveEvictions() - before.primitiveEvictions())
                    .as("the cache of 4 evicted while threads were using it")
                    .isPositive();
            System.out.printf(
                    "stress: %d threads x %d calls, bit-identical; oneDNN calls %d, evictions %d%n",
                    THREADS,
                    CALLS_PER_THREAD,
                    after.onednnCalls() - before.onednnCalls(),
                    after.primitiveEvictions() - before.primitiveEvictions());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void enginesCreatedAndClosedConcurrentlyEachLeaveNoHandle() throws Exception {
        int threadCount = 4;
        int enginesPerThread = 12;
        try (Arena shared = Arena.ofShared()) {
            MixedWorkload mix = new MixedWorkload(shared, 7);
            List<byte[]> reference;
            try (SoftmaxEngine first = SoftmaxEngine.create(EngineOptions.builder()
                    .backend(Backend.AUTO)
                    .primitiveCacheCapacity(4)
                    .build())) {
                reference = mix.reference(first, shared);
            }
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong closedEngines = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                int index = t;
                Thread thread = new Thread(() -> {
                    try (Arena own = Arena.ofConfined()) {
                        List<MixedWorkload.Outputs> outputs = mix.allocateOutputs(own);
                        start.await();
                        for (int e = 0; e < enginesPerThread; e++) {
                            SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder()
                                    .backend(e % 3 == 0 ? Backend.ONEDNN : Backend.AUTO)
                                    .threads(1 + e % 2)
                                    .primitiveCacheCapacity(4)
                                    .build());
                            for (int k = (index + e) % 5; k < mix.entries().size(); k += 5) {
                                if (e % 3 == 0) {
                                    mix.entries().get(k).call().run(engine, outputs.get(k)); // another backend
                                    continue;
                                }
                                String mismatch = mix.mismatch(
                                        k,
                                        reference.get(k),
                                        mix.entries().get(k).call().run(engine, outputs.get(k)));
                                if (mismatch != null) {
                                    failures.add("thread " + index + " engine " + e + ": " + mismatch);
                                }
                            }
                            engine.close();
                            long live = engine.statistics().liveNativeHandles();
                            if (live != 0) {
                                failures.add("thread " + index + " engine " + e + ": " + live + " handles after close");
                            }
                            closedEngines.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add("thread " + index + " threw " + e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(closedEngines.get()).isEqualTo((long) threadCount * enginesPerThread);
        }
    }
}
