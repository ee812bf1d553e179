package dev.softmax.internal.dnnl;

import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live oneDNN handles owned by one runtime, by kind. Every create goes through {@link #created} and every
 * destroy through {@link #destroyed}, so a test can prove that closing an engine frees all it made.
 */
public final class NativeHandleCounter {

    /** The kinds of native object the engine creates. */
    public enum Kind {
        ENGINE,
        STREAM,
        MEMORY_DESC,
        MEMORY,
        PRIMITIVE_ATTR,
        PRIMITIVE_DESC,
        PRIMITIVE
    }

    private final EnumMap<Kind, AtomicLong> live = new EnumMap<>(Kind.class);

    public NativeHandleCounter() {
        for (Kind kind : Kind.values()) {
            live.put(kind, new AtomicLong());
        }
    }

    void created(Kind kind) {
        live.get(kind).incrementAndGet();
    }

    void destroyed(Kind kind) {
        long now = live.get(kind).decrementAndGet();
        if (now < 0) {
            throw new IllegalStateException("more " + kind + " handles destroyed than created");
        }
    }

    /** Total live handles of every kind. */
    public long total() {
        long sum = 0;
        for (AtomicLong count : live.values()) {
            sum += count.get();
        }
        return sum;
    }
}
