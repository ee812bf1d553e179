package dev.softmax.internal.dnnl;

import static dev.softmax.bindings.dnnl.dnnl_h.*;

import dev.softmax.bindings.dnnl.dnnl_exec_arg_t;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A oneDNN primitive with everything needed to run it: its descriptor, the operands' memory descriptors,
 * and a pool of {@link Binding}s (memory objects whose data pointers are rebound per call). Reference-counted
 * so that eviction from the cache never destroys a primitive another thread is executing.
 */
final class CachedPrimitive {

    /** Memory objects and execution arguments for one thread's call. */
    static final class Binding {
        final MemorySegment[] memories;
        final MemorySegment args;
        final MemorySegment scale;
        private final MemorySegment scaleMemory;
        private final MemorySegment scratchpadMemory;
        private final Arena arena;

        Binding(
                MemorySegment[] memories,
                MemorySegment args,
                MemorySegment scale,
                MemorySegment scaleMemory,
                MemorySegment scratchpadMemory,
                Arena arena) {
            this.memories = memories;
            this.args = args;
            this.scale = scale;
            this.scaleMemory = scaleMemory;
            this.scratchpadMemory = scratchpadMemory;
            this.arena = arena;
        }
    }

    private final DnnlRuntime runtime;
    final MemorySegment primitive;
    private final MemorySegment primitiveDesc;
    private final MemorySegment[] operandDescs;
    private final int[] operandArgs;
    private final MemorySegment scaleDesc;
    private final long scratchpadBytes;
    private final String implementation;
    private final HandlePool<Binding> bindings;
    private final AtomicInteger users = new AtomicInteger(1);

    /**
     * Takes ownership of {@code primitiveDesc}, {@code operandDescs} and {@code scaleDesc} (may be NULL).
     *
     * @param operandArgs oneDNN argument ids of the operands, in the order of {@code operandDescs}
     */
    CachedPrimitive(
            DnnlRuntime runtime,
            MemorySegment primitiveDesc,
            MemorySegment[] operandDescs,
            int[] operandArgs,
            MemorySegment scaleDesc) {
        this.runtime = runtime;
        this.primitiveDesc = primitiveDesc;
        this.operandDescs = operandDescs;
        this.operandArgs = operandArgs;
        this.scaleDesc = scaleDesc;
        MemorySegment scratchpadDesc = dnnl_primitive_desc_query_md(primitiveDesc, dnnl_query_scratchpad_md(), 0);
        this.scratchpadBytes =
                scratchpadDesc.equals(MemorySegment.NULL) ? 0 : dnnl_memory_desc_get_size(scratchpadDesc);
        this.implementation = queryImplementation(primitiveDesc);
        this.primitive = runtime.createPrimitive(primitiveDesc);
        this.bindings = new HandlePool<>(HandlePool.defaultCapacity(), this::createBinding, this::destroyBinding);
    }

    /** oneDNN's name for the implementation it chose, e.g. "jit:avx512_core". */
    String implementation() {
        return implementation;
    }

    /** Adds a user unless the primitive has already been released by the cache and all users. */
    boolean retain() {
        while (true) {
            int now = users.get();
            if (now == 0) {
                return false;
            }
            if (users.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Drops a user; the last one (the cache's reference included) destroys everything. */
    void release() {
        if (users.decrementAndGet() == 0) {
            destroy();
        }
    }

    Binding acquireBinding() {
        return bindings.acquire();
    }

    void releaseBinding(Binding binding) {
        bindings.release(binding);
    }

    private Binding createBinding() {
        Arena arena = Arena.ofShared();
        int count =
                operandDescs.length + (scaleDesc.equals(MemorySegment.NULL) ? 0 : 1) + (scratchpadBytes > 0 ? 1 : 0);
        MemorySegment args = dnnl_exec_arg_t.allocateArray(count, arena);
        MemorySegment[] memories = new MemorySegment[operandDescs.length];
        int at = 0;
        for (int i = 0; i < operandDescs.length; i++) {
            memories[i] = runtime.memory(operandDescs[i], MemorySegment.NULL);
            setArg(args, at++, operandArgs[i], memories[i]);
        }
        MemorySegment scale = MemorySegment.NULL;
        MemorySegment scaleMemory = MemorySegment.NULL;
        if (!scaleDesc.equals(MemorySegment.NULL)) {
            scale = arena.allocate(ValueLayout.JAVA_FLOAT);
            scaleMemory = runtime.memory(scaleDesc, scale);
            setArg(args, at++, DNNL_ARG_ATTR_SCALES() | DNNL_ARG_SRC(), scaleMemory);
        }
        MemorySegment scratchpadMemory = MemorySegment.NULL;
        if (scratchpadBytes > 0) {
            MemorySegment buffer = arena.allocate(scratchpadBytes, 64);
            MemorySegment scratchpadDesc = dnnl_primitive_desc_query_md(primitiveDesc, dnnl_query_scratchpad_md(), 0);
            scratchpadMemory = runtime.memory(scratchpadDesc, buffer);
            setArg(args, at++, DNNL_ARG_SCRATCHPAD(), scratchpadMemory);
        }
        return new Binding(memories, args, scale, scaleMemory, scratchpadMemory, arena);
    }

    private static void setArg(MemorySegment args, int index, int argId, MemorySegment memory) {
        MemorySegment slot = dnnl_exec_arg_t.asSlice(args, index);
        dnnl_exec_arg_t.arg(slot, argId);
        dnnl_exec_arg_t.memory(slot, memory);
    }

    private void destroyBinding(Binding binding) {
        Cleanup cleanup = new Cleanup();
        for (MemorySegment memory : binding.memories) {
            cleanup.run(() -> runtime.destroyMemory(memory));
        }
        if (!binding.scaleMemory.equals(MemorySegment.NULL)) {
            cleanup.run(() -> runtime.destroyMemory(binding.scaleMemory));
        }
        if (!binding.scratchpadMemory.equals(MemorySegment.NULL)) {
            cleanup.run(() -> runtime.destroyMemory(binding.scratchpadMemory));
        }
        binding.arena.close();
        cleanup.rethrow();
    }

    private void destroy() {
        Cleanup cleanup = new Cleanup();
        cleanup.run(bindings::drain);
        cleanup.run(() -> runtime.destroyPrimitive(primitive));
        cleanup.run(() -> runtime.destroyPrimitiveDesc(primitiveDesc));
        for (MemorySegment md : operandDescs) {
            cleanup.run(() -> runtime.destroyMemoryDesc(md));
        }
        cleanup.run(() -> runtime.destroyMemoryDesc(scaleDesc));
        cleanup.rethrow();
    }

    static String queryImplementation(MemorySegment primitiveDesc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int status = dnnl_primitive_desc_query(primitiveDesc, dnnl_query_impl_info_str(), 0, out);
            return status == dnnl_success() ? DnnlRuntime.cString(out.get(ValueLayout.ADDRESS, 0)) : "unknown";
        }
    }
}
