package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.softmax.testing.ReferenceSoftmax;
import dev.softmax.testing.RepeatedCallMain;
import dev.softmax.testing.SoftmaxCheck;
import dev.softmax.testing.TestTensors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Eight threads share one engine and run different calls at once; every result must be the result the same
 * engine gave for the same call on one thread beforehand.
 *
 * <p>Results must be bit-for-bit equal on both backends: both are deterministic (the Java kernel's exponential and
 * lane sums are fixed IEEE sequences in every JIT tier, see
 * {@link #theSameCallGivesTheSameBitsBeforeAndAfterJitWarmUp}), so any difference is a thread-safety bug (a
 * shared working row, a stream or binding used by two threads).
 */
class ConcurrencyTest {

    static final int THREADS = 8;
    static final int ITERATIONS = 300;

    /** One kind of call: shapes, types, layouts, axis, operation, temperature, placement, memory kind. */
    record Job(
            String name,
            DType in,
            DType out,
            long[] shape,
            long[] srcStrides,
            long[] dstStrides,
            int axis,
            boolean log,
            float temperature,
            boolean inPlace,
            boolean heap) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Job job(String name, DType in, DType out, long[] shape, int axis, boolean log, float t) {
        long[] strides = TensorView.rowMajorStrides(shape);
        return new Job(name, in, out, shape, strides, strides, axis, log, t, false, false);
    }

    static List<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        jobs.add(job("f32 16x4096", DType.F32, DType.F32, new long[] {16, 4096}, -1, false, 1f));
        jobs.add(job("f32 16x4096 log T=0.7", DType.F32, DType.F32, new long[] {16, 4096}, -1, true, 0.7f));
        jobs.add(job("bf16->f32 8x1000", DType.BF16, DType.F32, new long[] {8, 1000}, -1, false, 1f));
        jobs.add(job("f16->bf16 3x7x33 axis 1 log", DType.F16, DType.BF16, new long[] {3, 7, 33}, 1, true, 1f));
        jobs.add(job("f32->f16 1003x3 axis 0", DType.F32, DType.F16, new long[] {1003, 3}, 0, false, 1f));
        jobs.add(job("f32 2x3x4x5 axis -3 T=2", DType.F32, DType.F32, new long[] {2, 3, 4, 5}, -3, false, 2f));
        jobs.add(job("f32 1x128256", DType.F32, DType.F32, new long[] {1, 128256}, -1, false, 1f));
        jobs.add(job("f32 64x1024 axis 0 log", DType.F32, DType.F32, new long[] {64, 1024}, 0, true, 1f));
        long[] padded = {4, 17};
        jobs.add(new Job(
                "padded f32 4x17 -> dense",
                DType.F32,
                DType.F32,
                padded,
                new long[] {24, 1},
                TensorView.rowMajorStrides(padded),
                -1,
                false,
                1f,
                false,
                false));
        long[] inPlace = {64, 100};
        jobs.add(new Job(
                "in place f32 64x100",
                DType.F32,
                DType.F32,
                inPlace,
                TensorView.rowMajorStrides(inPlace),
                TensorView.rowMajorStrides(inPlace),
                -1,
                false,
                1f,
                true,
                false));
        long[] inPlace16 = {40, 17};
        jobs.add(new Job(
                "in place bf16 40x17 axis 0 log T=2",
                DType.BF16,
                DType.BF16,
                inPlace16,
                TensorView.rowMajorStrides(inPlace16),
                TensorView.rowMajorStrides(inPlace16),
                0,
                true,
                2f,
                true,
                false));
        long[] heap = {6, 50};
        jobs.add(new Job(
                "heap f32 6x50",
                DType.F32,
                DType.F32,
                heap,
                TensorView.rowMajorStrides(heap),
                TensorView.rowMajorStrides(heap),
                -1,
                true,
                1f,
                false,
                true));
        jobs.add(job(
                "edge rows f32 11x17",
                DType.F32,
                DType.F32,
                new long[] {ForwardDifferentialTest.EDGE_ROWS, 17},
                -1,
                false,
                1f));
        return jobs;
    }

    static TensorView newDst(Job job, Arena arena) {
        if (job.heap()) {
            return TestTensors.heap(job.out(), job.shape(), job.dstStrides());
        }
        return TestTensors.allocate(
                arena,
                job.inPlace() ? job.in() : job.out(),
                job.shape(),
                job.inPlace() ? job.srcStrides() : job.dstStrides());
    }

    static TensorView newSrc(Job job, Arena arena, Random random) {
        TensorView src = job.heap()
                ? TestTensors.heap(job.in(), job.shape(), job.srcStrides())
                : TestTensors.allocate(arena, job.in(), job.shape(), job.srcStrides());
        if (job.name().startsWith("edge rows")) {
            src.copyFrom(ForwardDifferentialTest.edgeRows(17, random));
        } else {
            src.copyFrom(TestTensors.normal(random, (int) src.elementCount(), 8));
        }
        return src;
    }

    /** Runs a job into {@code buffer}: in place (after copying the input in) or out of place. */
    static void runJob(SoftmaxEngine engine, Job job, TensorView src, TensorView buffer) {
        if (job.inPlace()) {
            MemorySegment.copy(
                    src.segment(), 0, buffer.segment(), 0, src.segment().byteSize());
            SoftmaxCheck.invoke(engine, job.log(), buffer, buffer, job.axis(), job.temperature());
        } else {
            buffer.segment().fill(TestTensors.PATTERN);
            SoftmaxCheck.invoke(engine, job.log(), src, buffer, job.axis(), job.temperature());
        }
    }

    /**
     * The single-threaded answer to compare against.
     *
     * @param byOnednn whether oneDNN computed it (then every later answer must be bitwise equal)
     */
    record Expected(byte[] bytes, float[] values, BitSet elementBytes, boolean byOnednn, boolean log) {

        static Expected of(TensorView result, boolean byOnednn, boolean log) {
            return new Expected(
                    TestTensors.snapshot(result.segment()), result.toFloatArray(), elementBytes(result), byOnednn, log);
        }

        /** Null when {@code result} matches bit for bit; otherwise what differs. */
        String mismatch(TensorView result) {
            byte[] got = TestTensors.snapshot(result.segment());
            int at = Arrays.mismatch(bytes, got);
            if (at == -1) {
                return null;
            }
            String where = elementBytes.get(at) ? "an element" : "outside the view's elements";
            return "byte " + at + " (" + where + ") differs from the single-threaded " + (byOnednn ? "oneDNN" : "Java")
                    + " result (must be bitwise equal)";
        }

        private static BitSet elementBytes(TensorView view) {
            BitSet covered = new BitSet((int) view.segment().byteSize());
            long[] shape = view.shape();
            long[] index = new long[shape.length];
            int size = view.dtype().byteSize();
            for (long e = 0; e < view.elementCount(); e++) {
                long offset = 0;
                for (int d = 0; d < shape.length; d++) {
                    offset += index[d] * view.stride(d);
                }
                covered.set((int) (offset * size), (int) ((offset + 1) * size));
                for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
                    index[d] = 0;
                }
            }
            return covered;
        }
    }

    /** A job's input (in shared memory) and the single-threaded answer. */
    record Prepared(Job job, TensorView src, Expected expected) {}

    static Stream<Arguments> configurations() {
        return Stream.of(
                arguments(Backend.ONEDNN, 1),
                arguments(Backend.ONEDNN, 2),
                arguments(Backend.JAVA, 1),
                arguments(Backend.JAVA, 2),
                arguments(Backend.AUTO, 2));
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("configurations")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentCallsGiveTheSingleThreadedResult(Backend backend, int threadsPerCall) throws Exception {
        EngineOptions options =
                EngineOptions.builder().backend(backend).threads(threadsPerCall).build();
        try (SoftmaxEngine engine = SoftmaxEngine.create(options);
                Arena shared = Arena.ofShared()) {
            List<Prepared> prepared = new ArrayList<>();
            Random random = new Random(2024);
            int onednnJobs = 0;
            for (Job job : jobs()) {
                TensorView src = newSrc(job, shared, random);
                TensorView dst = newDst(job, shared);
                long onednnBefore = engine.statistics().onednnCalls();
                runJob(engine, job, src, dst);
                boolean byOnednn = engine.statistics().onednnCalls() > onednnBefore;
                onednnJobs += byOnednn ? 1 : 0;
                prepared.add(new Prepared(job, src, Expected.of(dst, byOnednn, job.log())));
                // The single-threaded answer is itself right, so agreeing with it means something.
                if (!job.inPlace()) {
                    ReferenceSoftmax.Spec spec = new ReferenceSoftmax.Spec(
                            job.shape(), job.axis(), job.log(), job.temperature(), EdgePolicy.ZERO);
                    float[] input = src.toFloatArray();
                    ReferenceSoftmax.assertMatches(
                            job.name(),
                            input,
                            dst.toFloatArray(),
                            ReferenceSoftmax.compute(input, spec),
                            job.out(),
                            spec);
                }
            }
            if (backend == Backend.JAVA) {
                assertThat(onednnJobs).isZero();
            } else {
                // oneDNN serves dense rows (the rest is declined to Java), and AUTO gives it only 16-bit ones, so
                // only some jobs are its.
                assertThat(onednnJobs)
                        .as("jobs oneDNN computes")
                        .isGreaterThanOrEqualTo(backend == Backend.AUTO ? 1 : 3);
            }
            EngineStatistics before = engine.statistics();

            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong calls = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int index = t;
                Thread thread = new Thread(
                        () -> {
                            // Even threads write into shared memory (rows may be split across the engine's workers),
                            // odd
                            // ones into memory confined to themselves (the engine must then stay on the calling
                            // thread).
                            try (Arena own = index % 2 == 0 ? Arena.ofShared() : Arena.ofConfined()) {
                                List<TensorView> buffers = new ArrayList<>();
                                for (Prepared p : prepared) {
                                    buffers.add(newDst(p.job(), own));
                                }
                                Random choice = new Random(index);
                                start.await();
                                for (int i = 0; i < ITERATIONS && failures.size() < 10; i++) {
                                    int k = choice.nextInt(prepared.size());
                                    Prepared p = prepared.get(k);
                                    TensorView buffer = buffers.get(k);
                                    runJob(engine, p.job(), p.src(), buffer);
                                    calls.incrementAndGet();
                                    String mismatch = p.expected().mismatch(buffer);
                                    if (mismatch != null) {
                                        failures.add("thread " + index + " iteration " + i + " " + p.job() + ": "
                                                + mismatch);
                                    }
                                }
                            } catch (Throwable e) {
                                failures.add("thread " + index + " threw " + e);
                            }
                        },
                        "softmax-concurrency-" + t);
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).as("%s threads=%d", backend, threadsPerCall).isEmpty();
            assertThat(calls.get()).isEqualTo((long) THREADS * ITERATIONS);
            EngineStatistics after = engine.statistics();
            assertThat((after.javaCalls() + after.onednnCalls()) - (before.javaCalls() + before.onednnCalls()))
                    .as("every call counted once")
                    .isEqualTo(calls.get());
            if (backend == Backend.JAVA) {
                assertThat(after.onednnCalls()).isZero();
            } else {
                assertThat(after.onednnCalls() - before.onednnCalls())
                        .as("oneDNN did part of the work")
                        .isPositive();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closingBackends")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeWaitsForCallsInProgressAndLaterCallsFail(Backend backend) throws Exception {
        SoftmaxEngine engine = SoftmaxEngine.create(
                EngineOptions.builder().backend(backend).threads(2).build());
        try (Arena shared = Arena.ofShared()) {
            TensorView src = TestTensors.dense(shared, DType.F32, 32, 4096);
            src.copyFrom(TestTensors.normal(new Random(5), 32 * 4096, 3));
            TensorView reference = TestTensors.dense(shared, DType.F32, 32, 4096);
            engine.softmax(src, reference);
            Expected expected = Expected.of(reference, backend == Backend.ONEDNN, false);

            AtomicBoolean closedSeen = new AtomicBoolean();
            AtomicBoolean closeRequested = new AtomicBoolean();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong completed = new AtomicLong();
            CountDownLatch running = new CountDownLatch(4);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int index = t;
                Thread thread = new Thread(() -> {
                    TensorView dst = TestTensors.dense(shared, DType.F32, 32, 4096);
                    running.countDown();
                    while (true) {
                        try {
                            engine.softmax(src, dst);
                        } catch (IllegalStateException e) {
                            if (!e.getMessage().contains("closed")) {
                                failures.add("thread " + index + ": unexpected " + e);
                            }
                            closedSeen.set(true);
                            return;
                        } catch (Throwable e) {
                            failures.add("thread " + index + ": unexpected " + e);
                            return;
                        }
                        long done = completed.incrementAndGet();
                        String mismatch = expected.mismatch(dst);
                        if (mismatch != null) {
                            failures.add("thread " + index + ": call #" + done + " (close requested: "
                                    + closeRequested.get() + ") returned normally but " + mismatch);
                            return;
                        }
                        dst.segment().fill(TestTensors.PATTERN);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            running.await();
            Thread.sleep(200);
            closeRequested.set(true);
            engine.close();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(closedSeen)
                    .as("calls after close() throw IllegalStateException")
                    .isTrue();
            assertThat(completed.get()).as("calls completed before close").isPositive();
            assertThat(engine.statistics().liveNativeHandles())
                    .as("native handles after close")
                    .isZero();
        }
    }

    static Stream<Backend> closingBackends() {
        return Stream.of(Backend.ONEDNN, Backend.JAVA);
    }

    // Regression: a shared arena closed between validation and the native call once surfaced as an AssertionError
    // from the jextract-form wrapper; data handles are now set by address and the execute call holds the arena.
    @ParameterizedTest(name = "{0}")
    @MethodSource("closingBackends")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closingASharedArenaDuringCallsOnlyEverGivesIllegalStateException(Backend backend) throws Exception {
        // Another thread closes a shared arena while calls on it keep coming. The engine keeps the arena alive
        // during its native call (the close is then refused with IllegalStateException); at any other moment the
        // close succeeds and the next access must fail with IllegalStateException: never another exception type,
        // never a crash. The race is retried for a bounded time; the window is small but is hit within seconds.
        try (SoftmaxEngine engine =
                SoftmaxEngine.create(EngineOptions.builder().backend(backend).build())) {
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int rounds = 0;
            while (System.nanoTime() < deadline && unexpected.isEmpty()) {
                rounds++;
                Arena arena = Arena.ofShared();
                TensorView src = TestTensors.dense(arena, DType.F32, 4, 1024);
                src.copyFrom(TestTensors.normal(new Random(rounds), 4096, 3));
                TensorView dst = TestTensors.dense(arena, DType.F32, 4, 1024);
                CountDownLatch started = new CountDownLatch(1);
                Thread caller = new Thread(() -> {
                    started.countDown();
                    while (true) {
                        try {
                            engine.softmax(src, dst);
                        } catch (IllegalStateException e) {
                            return; // closed between or during calls: reported as documented
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                });
                caller.start();
                started.await();
                for (int spin = 0; spin < (rounds * 37) % 500; spin++) {
                    Thread.onSpinWait();
                }
                boolean closed = false;
                while (!closed) {
                    try {
                        arena.close();
                        closed = true;
                    } catch (IllegalStateException busy) {
                        Thread.onSpinWait(); // a call holds the arena: the close is refused, as documented
                    }
                }
                caller.join();
            }
            if (!unexpected.isEmpty()) {
                Throwable first = unexpected.peek();
                java.io.StringWriter trace = new java.io.StringWriter();
                first.printStackTrace(new java.io.PrintWriter(trace));
                throw new AssertionError(backend + ": after " + rounds + " rounds a call on an arena closed by another"
                        + " thread threw " + first + " instead of IllegalStateException:\n" + trace);
            }
        }
    }

    // Regression: the vector kernel once used lanewise(EXP) and reduceLanes(ADD), whose results differ between the
    // interpreter, C1 and C2; its exponential and lane sums are now fixed IEEE sequences.
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("repeatCases")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theSameCallGivesTheSameBitsBeforeAndAfterJitWarmUp(Backend backend, String operation) throws Exception {
        // A fresh JVM, so that the kernels start cold as in an application's first calls.
        boolean modulesGiven = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(arg -> arg.startsWith("--add-modules"));
        List<String> command = ChildJvm.command(
                true,
                modulesGiven ? List.of() : List.of("--add-modules=jdk.incubator.vector"),
                RepeatedCallMain.class,
                backend.name(),
                operation);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(100, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("child output:%n%s", output).isZero();
        List<String> changes =
                output.lines().filter(line -> line.startsWith("iteration")).toList();
        assertThat(changes)
                .as(
                        "%s %s: distinct results of one call repeated %d times in a fresh JVM",
                        backend, operation, RepeatedCallMain.REPEATS)
                .hasSize(1);
    }

    static Stream<Arguments> repeatCases() {
        return Stream.of(
                arguments(Backend.JAVA, "softmax"),
                arguments(Backend.JAVA, "softmax-T0.7"),
                arguments(Backend.ONEDNN, "softmax"),
                arguments(Backend.JAVA, "log-softmax"));
    }
}
