package dev.softmax.dlpack;

import dev.softmax.DType;
import dev.softmax.ForeignTensor;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.bindings.dlpack.DLManagedTensorVersioned;
import dev.softmax.dlpack.DlpackTestLibrary.Spec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One lifetime scenario per child JVM ({@link DLPackLifetimeTest}), so that a crash (SIGSEGV from a use after
 * free, a deleter called on freed memory) kills only the child and fails the test. Each scenario checks itself and
 * ends with the C counters; any failed check exits non-zero.
 */
public final class DLPackLifetimeMain {

    private static DlpackTestLibrary c;

    public static void main(String[] args) throws Exception {
        c = DlpackTestLibrary.get();
        String scenario = args[0];
        switch (scenario) {
            case "close-twice" -> closeTwice();
            case "use-after-close" -> useAfterClose();
            case "export-java-closes-first" -> exportJavaClosesFirst();
            case "export-c-deletes-first" -> exportCDeletesFirst();
            case "export-deleter-called-twice" -> exportDeleterCalledTwice();
            case "engine-closed-first" -> engineClosedFirst();
            case "close-during-calls" -> closeDuringCalls();
            case "engine-tensor-outlives-java" -> engineTensorOutlivesJava();
            case "foreign-pointer" -> foreignPointer();
            case "foreign-arena" -> foreignArena();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        check(ForeignTensor.openCount() == 0, "ForeignTensor.openCount() is " + ForeignTensor.openCount());
        check(DLPack.outstandingExports() == 0, "outstanding exports: " + DLPack.outstandingExports());
        check(c.v0BadDeletes() == 0 && c.v1BadDeletes() == 0, "a C deleter was called for a tensor not alive");
        check(c.v0Made() == c.v0Deleted() + c.v0FreedWithoutDeleter(), "0.x tensors leaked");
        check(c.v1Made() == c.v1Deleted(), "1.x tensors leaked");
        System.out.println("OK " + scenario + " v0.made=" + c.v0Made() + " v0.deleted=" + c.v0Deleted()
                + " v0.freedWithoutDeleter=" + c.v0FreedWithoutDeleter() + " v1.made=" + c.v1Made()
                + " v1.deleted=" + c.v1Deleted() + " exportDeleterCalls=" + DLPack.exportDeleterCalls()
                + " strayDeleterCalls=" + DLPack.strayDeleterCalls());
    }

    private static Spec spec() {
        return Spec.f32(new long[] {2, 4}, new long[] {5, 1}, 12, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
    }

    private static void closeTwice() {
        ForeignTensor t0 = DLPack.importManaged(c.v0Make(spec(), true));
        ForeignTensor t1 = DLPack.importVersioned(c.v1Make(spec()));
        t0.close();
        t0.close();
        t1.close();
        t1.close();
        check(c.v0Deleted() == 1 && c.v1Deleted() == 1, "each deleter exactly once");
    }

    private static void useAfterClose() {
        ForeignTensor tensor = DLPack.importVersioned(c.v1Make(spec()), true);
        TensorView view = tensor.view();
        try (SoftmaxEngine engine = SoftmaxEngine.create()) {
            engine.softmax(view, view);
            tensor.close();
            expect(IllegalStateException.class, tensor::view, "is closed");
            expect(IllegalStateException.class, () -> engine.softmax(view, view), "no longer alive");
            expect(IllegalStateException.class, () -> view.getFloat(0, 0), "");
            expect(IllegalStateException.class, () -> DLPack.exportVersioned(tensor), "is closed");
            expect(IllegalStateException.class, () -> DLPack.exportVersioned(view, () -> {}), "no longer alive");
        }
        check(c.v1Deleted() == 1, "deleter once");
    }

    private static void exportJavaClosesFirst() {
        MemorySegment produced = c.v1Make(spec());
        ForeignTensor tensor = DLPack.importVersioned(produced);
        MemorySegment exported = DLPack.exportVersioned(tensor);
        tensor.close();
        check(c.v1Deleted() == 0, "the export holds the producer's tensor");
        check(tensor.isAlive() && !tensor.isOpen(), "closed by its owner, alive through the export");
        float[] read = c.v1Read(exported, 8);
        check(read[7] == 8f, "C reads the held memory: " + read[7]);
        c.v1CallDeleter(exported);
        check(c.v1Deleted() == 1, "released by the export's deleter");
        check(!tensor.isAlive(), "released");
    }

    private static void exportCDeletesFirst() {
        ForeignTensor tensor = DLPack.importManaged(c.v0Make(spec(), true));
        MemorySegment exported = DLPack.exportVersioned(tensor);
        c.v1CallDeleter(exported);
        check(c.v0Deleted() == 0, "Java still owns it");
        check(tensor.view().getFloat(1, 3) == 8f, "still readable");
        tensor.close();
        check(c.v0Deleted() == 1, "deleter once");
    }

    private static void exportDeleterCalledTwice() {
        ForeignTensor tensor = ForeignTensor.allocate(DType.F32, 3, 3);
        MemorySegment exported = DLPack.exportVersioned(tensor);
        MemorySegment second = DLPack.exportVersioned(tensor.view(), () -> {});
        tensor.close();
        // A buggy consumer that kept the deleter pointer calls it twice; the stub never touches the freed struct:
        // it finds no export at that address and ignores the call.
        MemorySegment deleter =
                DLManagedTensorVersioned.deleter(exported.reinterpret(DLManagedTensorVersioned.sizeof()));
        c.v1CallDeleter(exported);
        long before = DLPack.strayDeleterCalls();
        DLManagedTensorVersioned.deleter.invoke(deleter, exported);
        check(DLPack.strayDeleterCalls() == before + 1, "second call counted as stray");
        c.v1CallDeleter(second);
    }

    private static void engineClosedFirst() {
        ForeignTensor tensor = DLPack.importVersioned(c.v1Make(spec()), true);
        ForeignTensor out = ForeignTensor.allocate(DType.BF16, 2, 4);
        SoftmaxEngine engine = SoftmaxEngine.create();
        engine.softmax(tensor.view(), out.view());
        MemorySegment exported = DLPack.exportVersioned(out);
        engine.close();
        expect(IllegalStateException.class, () -> engine.softmax(tensor.view(), out.view()), "");
        tensor.close();
        out.close();
        float[] read = c.v1Read(exported, 8);
        check(Math.abs(read[0] + read[1] + read[2] + read[3] - 1f) < 0.02f, "a softmax row sums to 1");
        c.v1CallDeleter(exported);
        check(c.v1Deleted() == 1, "deleter once");
    }

    /** Closing while another thread computes on the tensor: the close fails or the call fails, nothing crashes. */
    private static void closeDuringCalls() throws Exception {
        Spec big = Spec.f32(new long[] {64, 4096}, null, 0, new float[64 * 4096]);
        ForeignTensor tensor = DLPack.importVersioned(c.v1Make(big), true);
        TensorView view = tensor.view();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicLong calls = new AtomicLong();
        try (SoftmaxEngine engine = SoftmaxEngine.create()) {
            Thread worker = new Thread(() -> {
                try {
                    while (true) {
                        engine.softmax(view, view);
                        calls.incrementAndGet();
                    }
                } catch (IllegalStateException expected) {
                    // the tensor was closed under the loop: the call refused it
                } catch (Throwable other) {
                    unexpected.set(other);
                }
            });
            worker.start();
            while (calls.get() < 3) {
                Thread.onSpinWait();
            }
            int refusedCloses = 0;
            while (tensor.isOpen()) {
                try {
                    tensor.close();
                } catch (IllegalStateException inUse) {
                    refusedCloses++;
                }
            }
            worker.join(60_000);
            check(!worker.isAlive(), "the worker stopped");
            System.out.println("closeDuringCalls: calls=" + calls.get() + " refusedCloses=" + refusedCloses);
        }
        check(unexpected.get() == null, "unexpected " + unexpected.get());
        check(c.v1Deleted() == 1, "deleter once");
    }

    private static void engineTensorOutlivesJava() {
        ForeignTensor probabilities = ForeignTensor.allocate(DType.F32, 2, 4);
        long address = probabilities.address();
        try (SoftmaxEngine engine = SoftmaxEngine.create();
                ForeignTensor logits = DLPack.importManaged(c.v0Make(spec(), true))) {
            engine.softmax(logits.view(), probabilities.view());
        }
        MemorySegment exported = DLPack.exportVersioned(probabilities);
        probabilities.close();
        check(c.v1Describe(exported)[9] == address, "exported data is the engine's memory");
        float[] read = c.v1Read(exported, 8);
        check(Math.abs(read[4] + read[5] + read[6] + read[7] - 1f) < 1e-6f, "softmax row read by C");
        check(probabilities.isAlive(), "held until the C deleter");
        c.v1CallDeleter(exported);
        check(!probabilities.isAlive(), "freed by the C deleter");
    }

    /** A llama.cpp-style pointer from C, released by a Runnable exactly once. */
    private static void foreignPointer() {
        MemorySegment managed = c.v0Make(spec(), false);
        long data = c.v0Data(managed);
        ForeignTensor logits = ForeignTensor.wrap(
                MemorySegment.ofAddress(data + 12),
                DType.F32,
                new long[] {2, 4},
                new long[] {5, 1},
                () -> c.v0FreeWithoutDeleter(managed));
        TensorView view = logits.view();
        check(view.segment().address() == data + 12, "no copy");
        try (SoftmaxEngine engine = SoftmaxEngine.create()) {
            engine.softmax(view, view);
            logits.close();
            logits.close();
            check(c.v0FreedWithoutDeleter() == 1, "released once");
            expect(IllegalStateException.class, () -> engine.softmax(view, view), "no longer alive");
            expect(IllegalStateException.class, logits::view, "is closed");
        }
    }

    private static void foreignArena() {
        Arena owner = Arena.ofShared();
        MemorySegment memory = owner.allocate(4 * 8, 64);
        ForeignTensor tensor =
                ForeignTensor.wrap(memory, DType.F32, new long[] {2, 4}, TensorView.rowMajorStrides(2, 4), owner);
        tensor.close();
        check(!owner.scope().isAlive(), "the owner arena is closed with the tensor");
        tensor.close();
        expect(IllegalStateException.class, () -> memory.get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0), "");
    }

    private static void expect(Class<? extends Throwable> type, Runnable action, String messagePart) {
        try {
            action.run();
        } catch (Throwable thrown) {
            check(
                    type.isInstance(thrown)
                            && String.valueOf(thrown.getMessage()).contains(messagePart),
                    "expected " + type.getSimpleName() + " containing '" + messagePart + "' but got " + thrown);
            return;
        }
        throw new AssertionError("expected " + type.getSimpleName() + " but nothing was thrown");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
