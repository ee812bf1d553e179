package dev.softmax.internal.dnnl;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small lock-free pool of reusable native objects (streams, bound memory sets) that must not be used by two
 * threads at once. Taking and returning allocate nothing; when more threads run at once than there are slots,
 * the surplus objects are created and destroyed on the spot.
 */
final class HandlePool<T> {

    private final AtomicReferenceArray<T> slots;
    private final Supplier<T> factory;
    private final Consumer<T> destroyer;

    HandlePool(int capacity, Supplier<T> factory, Consumer<T> destroyer) {
        this.slots = new AtomicReferenceArray<>(capacity);
        this.factory = factory;
        this.destroyer = destroyer;
    }

    /** A pooled object for the caller's exclusive use until {@link #release}. */
    T acquire() {
        for (int i = 0; i < slots.length(); i++) {
            T item = slots.get(i);
            if (item != null && slots.compareAndSet(i, item, null)) {
                return item;
            }
        }
        return factory.get();
    }

    void release(T item) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, item)) {
                return;
            }
        }
        destroyer.accept(item);
    }

    /** Destroys everything pooled; objects currently acquired are the holders' to release. */
    void drain() {
        Cleanup cleanup = new Cleanup();
        for (int i = 0; i < slots.length(); i++) {
            T item = slots.getAndSet(i, null);
            if (item != null) {
                cleanup.run(() -> destroyer.accept(item));
            }
        }
        cleanup.rethrow();
    }

    static int defaultCapacity() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }
}
