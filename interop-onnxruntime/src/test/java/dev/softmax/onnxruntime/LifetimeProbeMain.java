package dev.softmax.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Run by {@link OrtBridgeLifetimeTest} in a child JVM, so that a crash (SIGSEGV in ONNX Runtime or the engine)
 * fails the test instead of killing the test runner. Prints what it checked and exits 0 only when every outcome
 * was the expected one; exits 3 on a wrong outcome (and the JVM dies on a crash).
 */
public final class LifetimeProbeMain {

    /** The objects a decode loop holds; each can be closed in any order. ARENA is the caller's own arena. */
    enum Owner {
        SESSION,
        BRIDGE,
        ENGINE,
        ARENA
    }

    private static final List<String> failures = new ArrayList<>();
    private static int checks;

    private LifetimeProbeMain() {}

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        switch (scenario) {
            case "close-orders" -> closeOrders();
            case "concurrent-close" -> concurrentClose();
            case "raw-ort-arena-closed-before-run" -> rawOrtArenaClosedBeforeRun();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        failures.forEach(f -> System.out.println("WRONG OUTCOME: " + f));
        System.out.println("scenario " + scenario + ": " + checks + " checks, " + failures.size() + " wrong");
        System.out.flush();
        System.exit(failures.isEmpty() ? 0 : 3);
    }

    // --- every close order of session, bridge, engine and the caller's arena ------------------------------------

    /** One decode loop's objects, after one full step (ORT run, engine sample into the next input). */
    private static final class Loop {
        final OrtSession session;
        final OrtBridge bridge;
        final SoftmaxEngine engine;
        final Arena arena;
        final TensorView ids;
        final TensorView logits;
        final SamplingParameters parameters;
        final DecodeOutputs outputs;
        final Set<Owner> closed = EnumSet.noneOf(Owner.class);

        Loop() throws Exception {
            session = TinyLm.session();
            bridge = OrtBridge.create(session);
            engine = SoftmaxEngine.create();
            arena = Arena.ofConfined();
            ids = bridge.input("token_ids", 4);
            logits = bridge.output("logits");
            parameters = SamplingParameters.allocate(arena, 4)
                    .forEachRow(row -> row.topK(3).seed(7).step(0));
            outputs = DecodeOutputs.of(ids).withLogprobs(TensorView.allocate(arena, dev.softmax.DType.F32, 4));
            bridge.run();
            engine.sample(logits, parameters, outputs);
        }

        void close(Owner owner) throws Exception {
            switch (owner) {
                case SESSION -> session.close();
                case BRIDGE -> bridge.close();
                case ENGINE -> engine.close();
                case ARENA -> arena.close();
            }
            closed.add(owner);
        }
    }

    private interface Operation {
        void apply(Loop loop) throws Exception;
    }

    private record Check(String name, Set<Owner> failsWhenAnyClosed, Operation operation) {}

    private static final List<Check> CHECKS = List.of(
            new Check("bridge.run()", EnumSet.of(Owner.BRIDGE, Owner.SESSION), loop -> loop.bridge.run()),
            new Check("bridge.input(same shape)", EnumSet.of(Owner.BRIDGE), loop -> loop.bridge.input("token_ids", 4)),
            new Check("bridge.output(other shape) and back", EnumSet.of(Owner.BRIDGE), loop -> {
                loop.bridge.output("logits", 4, TinyLm.VOCABULARY);
                loop.bridge.input("token_ids", 2);
                loop.bridge.output("logits");
                loop.bridge.input("token_ids", 4);
                loop.bridge.output("logits");
            }),
            new Check("bridge.ortDataAddress", EnumSet.of(Owner.BRIDGE), loop -> {
                if (loop.bridge.ortDataAddress("logits")
                        != loop.logits.segment().address()) {
                    throw new AssertionError("ORT's logits address moved");
                }
            }),
            new Check("read the logits view", EnumSet.of(Owner.BRIDGE), loop -> loop.logits.getFloat(3, 7)),
            new Check(
                    "write the ids view",
                    EnumSet.of(Owner.BRIDGE),
                    loop -> loop.ids.segment().setAtIndex(ValueLayout.JAVA_LONG, 3, 5L)),
            new Check(
                    "engine.sample(bridge logits -> bridge ids)",
                    EnumSet.of(Owner.BRIDGE, Owner.ENGINE, Owner.ARENA),
                    loop -> loop.engine.sample(loop.logits, loop.parameters, loop.outputs)),
            new Check(
                    "engine.softmax(bridge logits, in place)",
                    EnumSet.of(Owner.BRIDGE, Owner.ENGINE),
                    loop -> loop.engine.softmax(loop.logits, loop.logits)));

    private static void closeOrders() throws Exception {
        List<List<Owner>> orders = new ArrayList<>();
        permutations(new ArrayList<>(List.of(Owner.values())), 0, orders);
        for (List<Owner> order : orders) {
            Loop loop = new Loop();
            exercise(loop, order + " nothing closed");
            for (Owner owner : order) {
                loop.close(owner);
                exercise(loop, order + " after closing " + loop.closed);
            }
            // Double close: the bridge's is a no-op; ORT's session and FFM's arena refuse a second close with an
            // exception of their own; the engine's is a no-op. None of them may crash.
            for (Owner owner : order) {
                try {
                    loop.close(owner);
                    check(owner != Owner.SESSION && owner != Owner.ARENA, order + " second close of " + owner);
                } catch (IllegalStateException e) {
                    check(
                            owner == Owner.SESSION || owner == Owner.ARENA,
                            order + " second close of " + owner + ": " + e);
                }
            }
            exercise(loop, order + " after closing twice");
        }
        System.out.println("close orders: " + orders.size());
    }

    private static void exercise(Loop loop, String when) {
        for (Check c : CHECKS) {
            boolean shouldFail = c.failsWhenAnyClosed.stream().anyMatch(loop.closed::contains);
            try {
                c.operation.apply(loop);
                check(!shouldFail, when + ": " + c.name + " succeeded");
            } catch (IllegalStateException e) {
                check(shouldFail, when + ": " + c.name + " threw " + e);
            } catch (Throwable e) {
                check(false, when + ": " + c.name + " threw " + e + " (expected IllegalStateException or success)");
            }
        }
    }

    private static void permutations(List<Owner> items, int from, List<List<Owner>> out) {
        if (from == items.size()) {
            out.add(List.copyOf(items));
            return;
        }
        for (int i = from; i < items.size(); i++) {
            java.util.Collections.swap(items, from, i);
            permutations(items, from + 1, out);
            java.util.Collections.swap(items, from, i);
        }
    }

    // --- close while other threads run the model and the engine on the views ------------------------------------

    private static void concurrentClose() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (OrtSession session = TinyLm.session();
                    SoftmaxEngine engine = SoftmaxEngine.create()) {
                OrtBridge bridge = OrtBridge.create(session);
                TensorView ids = bridge.input("token_ids", 65_536);
                TensorView logits = bridge.output("logits"); // 2 MiB: freed by munmap, so a use after free faults
                CountDownLatch started = new CountDownLatch(2);
                AtomicReference<Throwable> runEnd = new AtomicReference<>();
                AtomicReference<Throwable> engineEnd = new AtomicReference<>();
                Thread runner = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        for (long i = 0; ; i++) {
                            ids.segment().setAtIndex(ValueLayout.JAVA_LONG, i % 65_536, i % TinyLm.VOCABULARY);
                            bridge.run();
                        }
                    } catch (Throwable e) {
                        runEnd.set(e);
                    }
                });
                Thread softmaxer = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        while (true) {
                            engine.softmax(logits, logits);
                        }
                    } catch (Throwable e) {
                        engineEnd.set(e);
                    }
                });
                started.await();
                Thread.sleep(50 + 30 * round);
                bridge.close();
                runner.join(30_000);
                softmaxer.join(30_000);
                check(!runner.isAlive() && !softmaxer.isAlive(), "round " + round + ": both threads stopped");
                check(runEnd.get() instanceof IllegalStateException, "round " + round + ": run() ended by " + runEnd);
                check(
                        engineEnd.get() instanceof IllegalStateException,
                        "round " + round + ": engine.softmax ended by " + engineEnd);
            }
        }
    }

    // --- the control: what the bridge prevents, done by hand, crashes the JVM ------------------------------------

    /**
     * Binds an arena segment as a pinned output by hand and closes the arena before run(): ONNX Runtime writes into
     * freed (unmapped) memory. Expected to kill this JVM; printing "survived" means the hazard did not show.
     */
    private static void rawOrtArenaClosedBeforeRun() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int batch = 1 << 20; // 32 MiB of logits: far above malloc's mmap threshold, so free() unmaps it
        try (OrtSession session = TinyLm.session();
                Arena idsArena = Arena.ofConfined()) {
            MemorySegment ids = idsArena.allocate((long) batch * Long.BYTES);
            Arena logitsArena = Arena.ofConfined();
            MemorySegment logits = logitsArena.allocate((long) batch * TinyLm.VOCABULARY * Float.BYTES);
            OnnxTensor input = OnnxTensor.createTensor(
                    env, ids.asByteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer(), new long[] {batch});
            OnnxTensor output = OnnxTensor.createTensor(
                    env,
                    logits.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer(),
                    new long[] {batch, TinyLm.VOCABULARY});
            logitsArena.close();
            System.out.println("arena closed; running");
            System.out.flush();
            session.run(Map.of("token_ids", input), Map.of("logits", output)).close();
            System.out.println("survived");
        }
        checks++;
    }

    private static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures.add(what);
        }
    }
}
