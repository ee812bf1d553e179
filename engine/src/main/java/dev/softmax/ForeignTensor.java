package dev.softmax;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tensor in memory the engine does not own, held together with the one action that releases it: a pointer a C
 * library returned (a llama.cpp-style {@code float *get_logits()}), a DLPack tensor, or an arena's allocation.
 *
 * <p>The tensor's {@link #view()} is a {@link TensorView} over a segment of exactly the bytes the shape and strides
 * address, scoped to a shared arena this object owns. {@link #close()} closes that arena first, then runs the
 * release action exactly once. So every use after close is an exception and never a crash: {@link #view()} throws
 * {@link IllegalStateException}, and a view obtained earlier is rejected by the engine ("the memory segment is no
 * longer alive") or by the FFM API on any access.
 *
 * <p><b>Close.</b> Closing twice is a no-op. Closing while an engine call on another thread is reading the
 * tensor fails with {@link IllegalStateException} and leaves the tensor open (the FFM API refuses to close an arena
 * a call is using), so close again after the call. An exception thrown by the release action is propagated by the
 * {@code close()} that ran it; the action is not run again.
 *
 * <p><b>Holds.</b> {@link #acquire()} takes a hold that keeps the memory alive after the owner's {@code close()}:
 * the release runs when the owner has closed and every hold is released, whichever comes last. A DLPack export
 * ({@code dev.softmax.dlpack.DLPack#exportVersioned(ForeignTensor)}) holds its tensor this way until the consumer
 * calls the deleter. After the owner's close, {@link #view()} throws even while holds keep the memory alive.
 *
 * <p>{@link #openCount()} counts the tensors of this JVM whose memory has not been released, so tests can prove
 * nothing leaks.
 */
public final class ForeignTensor implements AutoCloseable {

    private static final AtomicLong OPEN = new AtomicLong();

    private final Arena scope;
    private final TensorView view;
    private final Runnable release;
    private final AtomicBoolean ownerClosed = new AtomicBoolean();
    /** The owner's hold plus one per {@link #acquire()} not yet released; the memory is released at 0. */
    private final AtomicLong holds = new AtomicLong(1);

    private ForeignTensor(Arena scope, TensorView view, Runnable release) {
        this.scope = scope;
        this.view = view;
        this.release = release;
        OPEN.incrementAndGet();
    }

    /** A dense row-major tensor at {@code pointer}; {@code release} runs once on close (null: nothing to run). */
    public static ForeignTensor wrap(MemorySegment pointer, DType dtype, long[] shape, Runnable release) {
        Objects.requireNonNull(shape, "shape");
        return wrap(pointer, dtype, shape, TensorView.rowMajorStrides(shape), false, release);
    }

    /** A tensor at {@code pointer} with strides in elements; {@code release} runs once on close (null: none). */
    public static ForeignTensor wrap(
            MemorySegment pointer, DType dtype, long[] shape, long[] strides, Runnable release) {
        return wrap(pointer, dtype, shape, strides, false, release);
    }

    /**
     * A tensor in memory {@code owner} allocated; closing the tensor closes {@code owner} (once). The owner must
     * allow closing from the thread that closes the tensor (a shared arena allows any thread).
     */
    public static ForeignTensor wrap(MemorySegment pointer, DType dtype, long[] shape, long[] strides, Arena owner) {
        Objects.requireNonNull(owner, "owner");
        return wrap(pointer, dtype, shape, strides, false, owner::close);
    }

    /**
     * The general form. {@code pointer} is a native address (a zero-length segment returned by a downcall is
     * fine; only its address is used); the view covers exactly the bytes {@code shape} and {@code strides}
     * address from there, and is read-only when {@code readOnly} is true (the engine then refuses to write it).
     *
     * @throws IllegalArgumentException naming the argument when the pointer is NULL (for a non-empty tensor) or
     *     on the Java heap, or the shape, strides or type are not a valid {@link TensorView}; nothing is released
     *     and {@code release} is not run
     */
    public static ForeignTensor wrap(
            MemorySegment pointer, DType dtype, long[] shape, long[] strides, boolean readOnly, Runnable release) {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(strides, "strides");
        if (!pointer.isNative()) {
            throw new IllegalArgumentException("pointer: " + pointer + " is Java heap memory; expected a native "
                    + "address (wrap heap arrays with TensorView.of or TensorView.wrap instead)");
        }
        // The shape and strides are checked, and the byte span computed, by TensorView itself over a segment that
        // spans the whole address space; nothing is read through it.
        TensorView probe = TensorView.wrap(MemorySegment.NULL.reinterpret(Long.MAX_VALUE), dtype, shape, strides);
        long bytes = probe.spanBytes();
        if (pointer.address() == 0 && bytes > 0) {
            throw new IllegalArgumentException("pointer: NULL for " + dtype.label() + " shape " + Arrays.toString(shape)
                    + "; expected the address of the first element");
        }
        if (bytes > 0 && pointer.address() > Long.MAX_VALUE - bytes) {
            throw new IllegalArgumentException("pointer: 0x" + Long.toHexString(pointer.address()) + " plus " + bytes
                    + " bytes overflows the address space");
        }
        Arena scope = Arena.ofShared();
        MemorySegment segment = MemorySegment.ofAddress(pointer.address()).reinterpret(bytes, scope, null);
        if (readOnly) {
            segment = segment.asReadOnly();
        }
        TensorView view = TensorView.wrap(segment, dtype, shape, strides);
        return new ForeignTensor(scope, view, release == null ? () -> {} : release);
    }

    /**
     * Allocates a dense row-major tensor of its own (64-byte aligned, native memory), freed when the tensor is
     * released: memory the engine can hand to native code (for example as a DLPack export) and free once.
     */
    public static ForeignTensor allocate(DType dtype, long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        Arena owner = Arena.ofShared();
        try {
            TensorView allocated = TensorView.allocate(owner, dtype, shape);
            return new ForeignTensor(owner, allocated, () -> {});
        } catch (RuntimeException | Error e) {
            owner.close();
            throw e;
        }
    }

    /**
     * The view over the tensor's memory.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public TensorView view() {
        if (ownerClosed.get()) {
            throw new IllegalStateException(
                    "this ForeignTensor (" + describe() + ") is closed; expected an open " + "tensor");
        }
        return view;
    }

    /** Address of the first element (also after close; for identity checks, never for access). */
    public long address() {
        return view.segment().address();
    }

    /** True until {@link #close()} (the memory itself may live on while holds remain). */
    public boolean isOpen() {
        return !ownerClosed.get();
    }

    /** True until the memory is released: the owner has closed and no hold remains. */
    public boolean isAlive() {
        return holds.get() > 0;
    }

    /**
     * Takes a hold that keeps the memory alive until {@link Hold#close()}, even after the owner's close.
     *
     * @throws IllegalStateException when the tensor is already closed
     */
    public Hold acquire() {
        while (true) {
            long current = holds.get();
            if (current == 0 || ownerClosed.get()) {
                throw new IllegalStateException("this ForeignTensor (" + describe() + ") is closed; a hold can "
                        + "only be taken on an open tensor");
            }
            if (holds.compareAndSet(current, current + 1)) {
                return new Hold(this);
            }
        }
    }

    /** Releases the owner's hold: the memory is released now, or when the last {@link Hold} is. Idempotent. */
    @Override
    public void close() {
        if (ownerClosed.compareAndSet(false, true)) {
            try {
                releaseOne();
            } catch (IllegalStateException inUse) {
                ownerClosed.set(false);
                throw inUse;
            }
        }
    }

    private void releaseOne() {
        long left = holds.decrementAndGet();
        if (left > 0) {
            return;
        }
        try {
            scope.close();
        } catch (IllegalStateException inUse) {
            holds.incrementAndGet();
            throw new IllegalStateException(
                    "this ForeignTensor (" + describe() + ") is in use by a call on another thread and was "
                            + "left open; close it after the call returns",
                    inUse);
        }
        OPEN.decrementAndGet();
        release.run();
    }

    /** Tensors of this JVM whose memory has not been released yet. */
    public static long openCount() {
        return OPEN.get();
    }

    private String describe() {
        return view.dtype().label() + " " + Arrays.toString(view.shape()) + " at 0x"
                + Long.toHexString(view.segment().address());
    }

    @Override
    public String toString() {
        return "ForeignTensor[" + describe() + (isOpen() ? "" : ", closed") + "]";
    }

    /** One hold on a {@link ForeignTensor}'s memory; closing it twice is a no-op. */
    public static final class Hold implements AutoCloseable {
        private final ForeignTensor tensor;
        private final AtomicBoolean released = new AtomicBoolean();

        private Hold(ForeignTensor tensor) {
            this.tensor = tensor;
        }

        /** The view over the held memory (valid while this hold is open, even after the owner's close). */
        public TensorView view() {
            if (released.get()) {
                throw new IllegalStateException("this hold on " + tensor.describe() + " was released");
            }
            return tensor.view;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                try {
                    tensor.releaseOne();
                } catch (IllegalStateException inUse) {
                    released.set(false);
                    throw inUse;
                }
            }
        }
    }
}
