package dev.softmax;

import java.util.Objects;

/**
 * How a {@link SoftmaxEngine} is set up. Immutable; build one with {@link #builder()}.
 *
 * <p>The backend defaults to the system property {@code softmax.backend}, else the environment variable
 * {@code SOFTMAX_BACKEND}, else {@link Backend#AUTO}; a value set on the builder wins over both.
 *
 * @param backend                which implementation computes results
 * @param threads                threads one call may use (1 = the calling thread only)
 * @param primitiveCacheCapacity oneDNN primitives kept for reuse (one per distinct shape, layout and operation)
 * @param edgePolicy             what fully masked and non-finite rows produce
 * @param warmUp                 run each kernel on small inputs at creation, so the first real call is not
 *                               the one paying for JIT compilation (under AUTO this includes the bf16 calls
 *                               that go to oneDNN, so it also loads oneDNN)
 */
public record EngineOptions(
        Backend backend, int threads, int primitiveCacheCapacity, EdgePolicy edgePolicy, boolean warmUp) {

    /** Default number of cached oneDNN primitives. */
    public static final int DEFAULT_PRIMITIVE_CACHE_CAPACITY = 256;

    public EngineOptions {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(edgePolicy, "edgePolicy");
        if (threads < 1 || threads > 4096) {
            throw new IllegalArgumentException("threads: " + threads + " is not allowed; expected 1 to 4096");
        }
        if (primitiveCacheCapacity < 1 || primitiveCacheCapacity > 1_000_000) {
            throw new IllegalArgumentException(
                    "primitiveCacheCapacity: " + primitiveCacheCapacity + " is not allowed; expected 1 to 1000000");
        }
    }

    /** Defaults: backend from property/environment or AUTO, 1 thread, 256 primitives, {@link EdgePolicy#ZERO}. */
    public static EngineOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .backend(backend)
                .threads(threads)
                .primitiveCacheCapacity(primitiveCacheCapacity)
                .edgePolicy(edgePolicy)
                .warmUp(warmUp);
    }

    /** The backend named by {@code -Dsoftmax.backend}, else {@code SOFTMAX_BACKEND}, else AUTO. */
    public static Backend configuredBackend() {
        String property = System.getProperty("softmax.backend");
        if (property != null && !property.isBlank()) {
            return Backend.parse(property, "system property softmax.backend");
        }
        String environment = System.getenv("SOFTMAX_BACKEND");
        if (environment != null && !environment.isBlank()) {
            return Backend.parse(environment, "environment variable SOFTMAX_BACKEND");
        }
        return Backend.AUTO;
    }

    public static final class Builder {
        private Backend backend;
        private int threads = 1;
        private int primitiveCacheCapacity = DEFAULT_PRIMITIVE_CACHE_CAPACITY;
        private EdgePolicy edgePolicy = EdgePolicy.ZERO;
        private boolean warmUp;

        private Builder() {}

        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder primitiveCacheCapacity(int capacity) {
            this.primitiveCacheCapacity = capacity;
            return this;
        }

        public Builder edgePolicy(EdgePolicy policy) {
            this.edgePolicy = Objects.requireNonNull(policy, "edgePolicy");
            return this;
        }

        public Builder warmUp(boolean warmUp) {
            this.warmUp = warmUp;
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(
                    backend != null ? backend : configuredBackend(),
                    threads,
                    primitiveCacheCapacity,
                    edgePolicy,
                    warmUp);
        }
    }
}
