package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.testing.SoftmaxCheck;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every oneDNN handle an engine creates is destroyed by the time {@link SoftmaxEngine#close()} returns, also
 * when the primitive cache has evicted entries (some while other threads were executing them).
 */
class NativeHandleLeakTest {

    static EngineOptions onednn(int capacity) {
        return EngineOptions.builder()
                .backend(Backend.ONEDNN)
                .primitiveCacheCapacity(capacity)
                .build();
    }

    @Test
    void closingAnEngineThatEvictedPrimitivesLeavesNoHandle() {
        SoftmaxEngine engine = SoftmaxEngine.create(onednn(4));
        try (Arena arena = Arena.ofConfined()) {
            assertThat(engine.statistics().liveNativeHandles())
                    .as("a oneDNN engine handle exists once open")
                    .isPositive();
            int shapes = 20;
            for (int i = 0; i < shapes; i++) {
                long n = 10 + i;
                TensorView src = TestTensors.dense(arena, DType.F32, 3, n);
                src.copyFrom(TestTensors.normal(new Random(i), (int) (3 * n), 2));
                TensorView dst = TestTensors.dense(arena, i % 2 == 0 ? DType.F32 : DType.BF16, 3, n);
                boolean log = i % 3 == 0;
                SoftmaxCheck.run(engine, "shape " + i, src, dst, -1, log, 1f);
                SoftmaxCheck.run(engine, "shape " + i + " again", src, dst, -1, log, 1f); // a cache hit
                assertThat(engine.statistics().primitiveCacheSize()).isLessThanOrEqualTo(4);
            }
            EngineStatistics open = engine.statistics();
            assertThat(open.onednnCalls()).isEqualTo(2L * shapes);
            // Exact lookup counts are the cache's business; at least one miss per distinct shape, the repeated
            // calls hit, and everything beyond the capacity was evicted.
            assertThat(open.primitiveCacheMisses())
                    .as("one primitive per distinct shape")
                    .isGreaterThanOrEqualTo(shapes);
            assertThat(open.primitiveCacheHits()).as("the repeated calls").isGreaterThanOrEqualTo(shapes);
            assertThat(open.primitiveEvictions())
                    .as("evictions with capacity 4")
                    .isEqualTo(open.primitiveCacheMisses() - open.primitiveCacheSize());
            assertThat(open.primitiveCacheSize()).isEqualTo(4);
            assertThat(open.liveNativeHandles()).as("handles while open").isPositive();
            assertThat(open.onednnImplementations()).isNotEmpty();
        } finally {
            engine.close();
        }
        EngineStatistics closed = engine.statistics();
        assertThat(closed.liveNativeHandles()).as("handles after close").isZero();
        assertThat(closed.onednnCalls()).as("counters survive close").isEqualTo(40);
        engine.close();
        assertThat(engine.statistics().liveNativeHandles())
                .as("second close is harmless")
                .isZero();
    }

    @Test
    void rememberedRefusalsAndTemperaturePrimitivesDoNotLeak() {
        // Temperature calls are declined by oneDNN 3.13 (dnnl_unimplemented): the refusal is cached like a
        // primitive. Mix refusals, strided layouts and 16-bit types through a cache of 3.
        SoftmaxEngine engine = SoftmaxEngine.create(onednn(3));
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 12; i++) {
                long n = 40 + i;
                long[] shape = {4, n};
                TensorView src = TestTensors.allocate(arena, DType.F16, shape, new long[] {n + 3, 1});
                src.copyFrom(TestTensors.normal(new Random(i), (int) (4 * n), 2));
                TensorView dst = TestTensors.dense(arena, DType.F32, shape);
                SoftmaxCheck.run(engine, "plain " + i, src, dst, -1, false, 1f);
                SoftmaxCheck.run(engine, "temperature " + i, src, dst, 0, true, 0.5f);
            }
            EngineStatistics open = engine.statistics();
            assertThat(open.primitiveEvictions()).isPositive();
            assertThat(open.primitiveCacheSize()).isLessThanOrEqualTo(3);
            assertThat(open.liveNativeHandles()).isPositive();
        } finally {
            engine.close();
        }
        assertThat(engine.statistics().liveNativeHandles()).isZero();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void evictionsWhileOtherThreadsExecuteDoNotLeakOrDoubleFree() throws Exception {
        // Capacity 2 and 10 shapes on 4 threads: primitives are evicted while another thread runs them, so the
        // last user (not the cache) destroys them. A double free would throw "more ... destroyed than created".
        SoftmaxEngine engine = SoftmaxEngine.create(onednn(2));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (Arena shared = Arena.ofShared()) {
            List<TensorView> sources = new ArrayList<>();
            for (int s = 0; s < 10; s++) {
                TensorView src = TestTensors.dense(shared, DType.F32, 8, 256 + 16 * s);
                src.copyFrom(TestTensors.normal(new Random(s), (int) src.elementCount(), 3));
                sources.add(src);
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int index = t;
                Thread thread = new Thread(() -> {
                    try (Arena own = Arena.ofConfined()) {
                        Random random = new Random(index);
                        for (int i = 0; i < 150; i++) {
                            TensorView src = sources.get(random.nextInt(sources.size()));
                            TensorView dst = TestTensors.dense(own, DType.F32, src.shape());
                            SoftmaxCheck.run(engine, "evicting thread " + index, src, dst, -1, i % 2 == 0, 1f, false);
                        }
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
            assertThat(failures).isEmpty();
            EngineStatistics open = engine.statistics();
            assertThat(open.primitiveEvictions()).as("evictions").isGreaterThan(50);
            assertThat(open.onednnCalls()).isEqualTo(600);
        } finally {
            engine.close();
        }
        assertThat(engine.statistics().liveNativeHandles()).isZero();
    }

    @Test
    void manyEnginesOpenedAndClosedEachFreeEverything() {
        try (Arena arena = Arena.ofConfined()) {
            TensorView src = TestTensors.dense(arena, DType.BF16, 16, 300);
            src.copyFrom(TestTensors.normal(new Random(9), 16 * 300, 2));
            TensorView dst = TestTensors.dense(arena, DType.F32, 16, 300);
            for (int i = 0; i < 10; i++) {
                SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder()
                        .backend(Backend.ONEDNN)
                        .threads(1 + i % 2)
                        .primitiveCacheCapacity(1 + i)
                        .build());
                SoftmaxCheck.run(engine, "engine " + i, src, dst, -1, false, 1f);
                SoftmaxCheck.run(engine, "engine " + i + " axis 0", src, dst, 0, true, 1f);
                assertThat(engine.statistics().liveNativeHandles()).isPositive();
                engine.close();
                assertThat(engine.statistics().liveNativeHandles())
                        .as("engine %d after close", i)
                        .isZero();
            }
        }
    }

    @Test
    void javaEngineOwnsNoNativeHandle() {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(Backend.JAVA).build());
                Arena arena = Arena.ofConfined()) {
            TensorView src = TestTensors.dense(arena, DType.F32, 4, 5000);
            src.copyFrom(TestTensors.normal(new Random(1), 20000, 2));
            SoftmaxCheck.run(engine, "java", src, TestTensors.dense(arena, DType.F32, 4, 5000), -1, false, 1f);
            EngineStatistics stats = engine.statistics();
            assertThat(stats.liveNativeHandles()).isZero();
            assertThat(stats.primitiveCacheMisses()).isZero();
            assertThat(stats.onednnImplementations()).isEmpty();
        }
    }
}
