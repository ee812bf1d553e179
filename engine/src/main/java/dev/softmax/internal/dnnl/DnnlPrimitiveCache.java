package dev.softmax.internal.dnnl;

import dev.softmax.internal.backend.Decline;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A bounded LRU of oneDNN primitives, one per distinct {@link PrimitiveKey}. Creating a primitive costs
 * 25-50 us while running a small one costs under 1 us, so each shape is built once and reused with its data
 * pointers rebound. Cases oneDNN refused are remembered too, so a refusal costs a lookup, not a failed
 * creation, on every call.
 *
 * <p>Thread-safe. Creation happens under the cache's lock: concurrent first calls for one shape build it
 * once, at the price of briefly serialising creation of different shapes.
 */
public final class DnnlPrimitiveCache implements AutoCloseable {

    /**
     * The outcome of trying to build a primitive, kept as the cache's entry; {@link #acquire} returns the entry
     * itself (nothing allocated), its primitive retained for the caller.
     */
    record Creation(CachedPrimitive primitive, Decline declined) {
        static Creation of(CachedPrimitive primitive) {
            return new Creation(primitive, null);
        }

        static Creation declined(Decline reason) {
            return new Creation(null, reason);
        }
    }

    private final int capacity;
    private final Object lock = new Object();
    private final LinkedHashMap<PrimitiveKey, Creation> entries;
    private long hits;
    private long misses;
    private long evictions;
    private boolean closed;

    public DnnlPrimitiveCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PrimitiveKey, Creation> eldest) {
                if (size() <= DnnlPrimitiveCache.this.capacity) {
                    return false;
                }
                evictions++;
                if (eldest.getValue().primitive() != null) {
                    eldest.getValue().primitive().release();
                }
                return true;
            }
        };
    }

    /**
     * Finds or builds the primitive for {@code key}: a creation with a primitive now retained for the caller (who
     * must release it), or with the reason it was refused.
     */
    Creation acquire(PrimitiveKey key, Supplier<Creation> factory) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the primitive cache is closed");
            }
            Creation entry = entries.get(key);
            if (entry != null) {
                hits++;
            } else {
                misses++;
                entry = factory.get();
                entries.put(key, entry);
            }
            if (entry.primitive() != null) {
                // Always succeeds: the cache's own reference keeps the count above zero while the entry is mapped.
                entry.primitive().retain();
            }
            return entry;
        }
    }

    public Statistics statistics() {
        synchronized (lock) {
            return new Statistics(entries.size(), capacity, hits, misses, evictions);
        }
    }

    /** Zeroes hits, misses and evictions (the entries stay), so that an engine's warm-up is not counted. */
    public void resetCounters() {
        synchronized (lock) {
            hits = 0;
            misses = 0;
            evictions = 0;
        }
    }

    /** Cache counters at one moment. */
    public record Statistics(int size, int capacity, long hits, long misses, long evictions) {}

    /** Drops the cache's references; primitives still executing are destroyed by their last user. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            Cleanup cleanup = new Cleanup();
            for (Creation entry : entries.values()) {
                if (entry.primitive() != null) {
                    cleanup.run(entry.primitive()::release);
                }
            }
            entries.clear();
            cleanup.rethrow();
        }
    }
}
