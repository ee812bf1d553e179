package dev.softmax.internal.dnnl;

import static dev.softmax.bindings.dnnl.dnnl_h.*;

import dev.softmax.SoftmaxNativeException;
import dev.softmax.bindings.dnnl.dnnl_exec_arg_t;
import dev.softmax.TensorView;
import dev.softmax.internal.RowParallelism;
import dev.softmax.internal.SoftmaxBackend;
import dev.softmax.internal.SoftmaxCall;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Softmax and log-softmax on oneDNN. Primitives come from the {@link DnnlPrimitiveCache}; each call rebinds
 * the caller's segments as data pointers (zero-copy), so any native segment works: arena memory, mapped files,
 * buffers owned by another runtime. Padded rows and non-last axes are expressed with strided memory
 * descriptors, so nothing is transposed.
 *
 * <p>Declines (writing nothing) heap segments, which have no stable native address, element addresses that
 * are not aligned to the element size, and whatever oneDNN itself refuses.
 */
public final class DnnlSoftmaxBackend implements SoftmaxBackend {

    public static final String DECLINED_HEAP = "heap memory (oneDNN needs native memory)";
    public static final String DECLINED_MISALIGNED = "address not aligned to the element size";
    public static final String DECLINED_UNIMPLEMENTED = "no oneDNN implementation (dnnl_unimplemented)";
    public static final String DECLINED_LAYOUT = "layout rejected by oneDNN (dnnl_invalid_arguments)";

    private static final int KIND_SOFTMAX = 1;
    private static final int KIND_LOG_SOFTMAX = 2;

    /**
     * {@code dnnl_primitive_execute} with the two data segments appended as extra arguments. Why: the
     * primitive reads raw pointers set earlier with {@code dnnl_memory_set_data_handle}, which FFM cannot see;
     * passing the segments to the very call that uses them makes FFM keep their arenas open until it returns,
     * so another thread closing a shared arena gets an {@link IllegalStateException} instead of freeing
     * memory under oneDNN. The callee ignores the extra arguments: in the SysV x86-64 and AAPCS64 calling
     * conventions they occupy registers (or caller-cleaned stack) the callee never reads.
     */
    private static final MethodHandle EXECUTE_KEEPING_ALIVE = Linker.nativeLinker().downcallHandle(
            dnnl_primitive_execute$address(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private final DnnlRuntime runtime;
    private final DnnlPrimitiveCache cache;
    private final RowParallelism parallelism;
    private final Set<String> implementations = ConcurrentHashMap.newKeySet();

    public DnnlSoftmaxBackend(DnnlRuntime runtime, int cacheCapacity, RowParallelism parallelism) {
        this.runtime = runtime;
        this.cache = new DnnlPrimitiveCache(cacheCapacity);
        this.parallelism = parallelism;
    }

    @Override
    public String name() {
        return "onednn";
    }

    public DnnlRuntime runtime() {
        return runtime;
    }

    public DnnlPrimitiveCache cache() {
        return cache;
    }

    /** oneDNN's names of the implementations chosen so far, e.g. "jit:avx512_core". */
    public Set<String> implementations() {
        return Set.copyOf(implementations);
    }

    @Override
    public String forward(SoftmaxCall call) {
        TensorView src = call.src();
        TensorView dst = call.dst();
        if (!src.segment().isNative() || !dst.segment().isNative()) {
            return DECLINED_HEAP;
        }
        if (src.segment().address() % src.dtype().byteSize() != 0
                || dst.segment().address() % dst.dtype().byteSize() != 0) {
            return DECLINED_MISALIGNED;
        }
        int kind = call.operation().isLog() ? KIND_LOG_SOFTMAX : KIND_SOFTMAX;
        PrimitiveKey key = PrimitiveKey.of(kind, call.axis(), call.hasTemperature(), src, dst);
        DnnlPrimitiveCache.Lookup lookup = cache.acquire(key, () -> createForward(call));
        if (lookup.declined() != null) {
            return lookup.declined();
        }
        CachedPrimitive primitive = lookup.primitive();
        try {
            execute(primitive, call);
        } finally {
            primitive.release();
        }
        return null;
    }

    private void execute(CachedPrimitive primitive, SoftmaxCall call) {
        CachedPrimitive.Binding binding = primitive.acquireBinding();
        MemorySegment stream = runtime.acquireStream();
        try {
            MemorySegment src = call.src().segment();
            MemorySegment dst = call.dst().segment();
            DnnlStatus.check(dnnl_memory_set_data_handle(binding.memories[0], src), "dnnl_memory_set_data_handle",
                    "src");
            DnnlStatus.check(dnnl_memory_set_data_handle(binding.memories[1], dst), "dnnl_memory_set_data_handle",
                    "dst");
            if (call.hasTemperature()) {
                binding.scale.set(ValueLayout.JAVA_FLOAT, 0, 1f / call.temperature());
            }
            runtime.limitThreads(parallelism.partsFor(call.rows().rowCount(), call.rows().rowLength(), true));
            int argCount = (int) (binding.args.byteSize() / dnnl_exec_arg_t.sizeof());
            int status;
            try {
                status = (int) EXECUTE_KEEPING_ALIVE.invokeExact(primitive.primitive, stream, argCount,
                        binding.args, src, dst);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("dnnl_primitive_execute", t);
            }
            DnnlStatus.check(status, "dnnl_primitive_execute", call.operation().label());
            DnnlStatus.check(dnnl_stream_wait(stream), "dnnl_stream_wait", null);
        } finally {
            runtime.releaseStream(stream);
            primitive.releaseBinding(binding);
        }
    }

    private DnnlPrimitiveCache.Creation createForward(SoftmaxCall call) {
        MemorySegment srcDesc = MemorySegment.NULL;
        MemorySegment dstDesc = MemorySegment.NULL;
        MemorySegment attr = MemorySegment.NULL;
        boolean adopted = false;
        try {
            try {
                srcDesc = runtime.memoryDesc(call.src());
                dstDesc = runtime.memoryDesc(call.dst());
            } catch (SoftmaxNativeException e) {
                if (e.statusCode() == dnnl_invalid_arguments()) {
                    return DnnlPrimitiveCache.Creation.declined(DECLINED_LAYOUT);
                }
                throw e;
            }
            attr = runtime.createAttr();
            DnnlStatus.check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user()),
                    "dnnl_primitive_attr_set_scratchpad_mode", null);
            if (call.hasTemperature()) {
                DnnlStatus.check(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_SRC(), 0),
                        "dnnl_primitive_attr_set_scales_mask", "temperature as a source scale");
            }
            MemorySegment primitiveDesc;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                int algorithm = call.operation().isLog() ? dnnl_softmax_log() : dnnl_softmax_accurate();
                int status = dnnl_softmax_forward_primitive_desc_create(out, runtime.engine(),
                        dnnl_forward_inference(), algorithm, srcDesc, dstDesc, call.axis(), attr);
                if (DnnlStatus.isUnimplemented(status)) {
                    return DnnlPrimitiveCache.Creation.declined(DECLINED_UNIMPLEMENTED);
                }
                if (status == dnnl_invalid_arguments()) {
                    return DnnlPrimitiveCache.Creation.declined(DECLINED_LAYOUT);
                }
                DnnlStatus.check(status, "dnnl_softmax_forward_primitive_desc_create", call.operation().label()
                        + " " + call.src() + " -> " + call.dst() + " axis " + call.axis());
                primitiveDesc = out.get(ValueLayout.ADDRESS, 0);
                runtime.adoptPrimitiveDesc();
            }
            MemorySegment scaleDesc = call.hasTemperature() ? runtime.scalarDesc() : MemorySegment.NULL;
            CachedPrimitive primitive = new CachedPrimitive(runtime, primitiveDesc,
                    new MemorySegment[] {srcDesc, dstDesc}, new int[] {DNNL_ARG_SRC(), DNNL_ARG_DST()}, scaleDesc);
            adopted = true;
            implementations.add(primitive.implementation());
            return DnnlPrimitiveCache.Creation.of(primitive);
        } finally {
            if (!attr.equals(MemorySegment.NULL)) {
                runtime.destroyAttr(attr);
            }
            if (!adopted) {
                runtime.destroyMemoryDesc(srcDesc);
                runtime.destroyMemoryDesc(dstDesc);
            }
        }
    }

    @Override
    public void close() {
        cache.close();
        runtime.close();
    }
}
