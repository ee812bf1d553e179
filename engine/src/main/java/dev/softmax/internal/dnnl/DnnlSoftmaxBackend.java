package dev.softmax.internal.dnnl;

import static dev.softmax.bindings.dnnl.dnnl_h.*;

import dev.softmax.DType;
import dev.softmax.SoftmaxNativeException;
import dev.softmax.TensorView;
import dev.softmax.bindings.dnnl.dnnl_exec_arg_t;
import dev.softmax.internal.EdgeContract;
import dev.softmax.internal.Operation;
import dev.softmax.internal.RowLayout;
import dev.softmax.internal.RowParallelism;
import dev.softmax.internal.SoftmaxBackend;
import dev.softmax.internal.SoftmaxCall;
import dev.softmax.internal.kernel.RowKernel;
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
 * <p>oneDNN does not follow the edge contract on its own (see {@link EdgeContract}), so rows are classified
 * before it runs and repaired after. For a plain batch of rows (the common case) the work is cut into blocks
 * of about {@value #BLOCK_BYTES} bytes, each classified and then handed to oneDNN while it is still in the
 * core's cache. Blocks are spread over the engine's threads, each executing a single-threaded primitive:
 * measured on 2 vCPUs, this gave 1.8x on 1024x1024 and 64x32000 with 2 threads, where one primitive with a
 * 2-thread OpenMP team was no faster than 1 thread (waking a passive team costs more than half the work).
 * Other layouts run as one primitive over the whole tensor with an OpenMP team of the engine's size.
 *
 * <p>Declines (writing nothing) heap segments, which have no stable native address, element addresses that
 * are not aligned to the element size, and whatever oneDNN itself refuses.
 */
public final class DnnlSoftmaxBackend implements SoftmaxBackend {

    public static final String DECLINED_HEAP = "heap memory (oneDNN needs native memory)";
    public static final String DECLINED_MISALIGNED = "address not aligned to the element size";
    public static final String DECLINED_UNIMPLEMENTED = "no oneDNN implementation (dnnl_unimplemented)";
    public static final String DECLINED_LAYOUT = "layout rejected by oneDNN (dnnl_invalid_arguments)";
    public static final String DECLINED_REFERENCE =
            "only oneDNN's reference implementation (ref:any) offered: slower and less accurate than Java";

    /**
     * Rows at least this long are re-normalised after oneDNN: its kernel sums the exponentials in f32 and was
     * measured 2.3e-6 off on 64k to 128k rows (N(0, 5^2) logits), beyond the documented bound; 8192-element
     * rows were within 3e-7.
     */
    static final long RENORMALISE_FROM = 8192;

    /** Bytes of the larger operand per block: well inside a core's L2, large enough to amortise a call. */
    static final long BLOCK_BYTES = 256 * 1024;

    private static final int KIND_SOFTMAX = 1;
    private static final int KIND_LOG_SOFTMAX = 2;

    private final DnnlRuntime runtime;
    private final DnnlPrimitiveCache cache;
    private final RowParallelism parallelism;
    private final RowKernel classifier;
    private final Set<String> implementations = ConcurrentHashMap.newKeySet();

    /**
     * @param classifier the Java row kernel whose {@link RowKernel#max} classifies rows for the edge contract
     */
    public DnnlSoftmaxBackend(DnnlRuntime runtime, int cacheCapacity, RowParallelism parallelism,
            RowKernel classifier) {
        this.runtime = runtime;
        this.cache = new DnnlPrimitiveCache(cacheCapacity);
        this.parallelism = parallelism;
        this.classifier = classifier;
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
        RowLayout rows = call.rows();
        if (rows.isUniformBatch() && rows.rowsAreContiguous()) {
            return forwardInBlocks(call);
        }
        return forwardWhole(call);
    }

    /** A plain batch of rows: blocks of rows, each classified, computed and repaired while cache-resident. */
    private String forwardInBlocks(SoftmaxCall call) {
        RowLayout rows = call.rows();
        long n = rows.rowLength();
        long rowBytes = n * Math.max(call.src().dtype().byteSize(), call.dst().dtype().byteSize());
        long blockRows = Math.max(1, Math.min(rows.rowCount(), BLOCK_BYTES / Math.max(1, rowBytes)));
        // Try the first block's primitive before anything is written, so a refusal leaves dst untouched.
        String declined = probe(call, Math.min(blockRows, rows.rowCount()));
        if (declined != null) {
            return declined;
        }
        boolean shareable = parallelism.canShare(call.src().segment()) && parallelism.canShare(call.dst().segment());
        parallelism.forEachRange(rows.rowCount(), n, shareable, (first, count) -> {
            for (long start = first; start < first + count; start += blockRows) {
                long size = Math.min(blockRows, first + count - start);
                EdgeContract.RowsToRepair repairs = EdgeContract.classify(call, classifier, start, size);
                String refused = executeBlock(call, start, size);
                if (refused != null) {
                    // The first block's shape was accepted, so a refused tail shape is a oneDNN limitation we
                    // cannot route back to Java without breaking "nothing written"; it has never been seen.
                    throw new IllegalStateException("oneDNN accepted " + blockRows + "-row blocks but refused a "
                            + size + "-row block: " + refused);
                }
                EdgeContract.repair(call, repairs);
                if (needsRenormalising(call)) {
                    renormalise(call, start, size, repairs);
                }
            }
        });
        return null;
    }

    private static boolean needsRenormalising(SoftmaxCall call) {
        return !call.operation().isLog() && call.dst().dtype() == DType.F32
                && call.rows().rowLength() >= RENORMALISE_FROM;
    }

    /**
     * Divides each row of the block by its sum, computed in double while the block is still in cache. Rows the
     * edge contract just overwrote (0, NaN) are left alone.
     */
    private void renormalise(SoftmaxCall call, long first, long count, EdgeContract.RowsToRepair repairs) {
        RowLayout rows = call.rows();
        MemorySegment dst = call.dst().segment();
        long n = rows.rowLength();
        for (long row = first; row < first + count; row++) {
            if (!repairs.isEmpty() && repairs.contains(row)) {
                continue;
            }
            long offset = 4 * row * rows.dstRowStride();
            double sum = classifier.sum(dst, offset, n);
            if (Math.abs(sum - 1) > 1e-7) {
                classifier.scale(dst, offset, n, (float) (1 / sum));
            }
        }
    }

    /** Any layout: one primitive over the whole tensor, classified before and repaired after. */
    private String forwardWhole(SoftmaxCall call) {
        int threads = parallelism.partsFor(call.rows().rowCount(), call.rows().rowLength(), true);
        // oneDNN sizes a primitive's OpenMP team when the primitive is created, from the calling thread's
        // OpenMP setting, so the thread count is set first and is part of the key.
        runtime.limitThreads(threads);
        PrimitiveKey key = PrimitiveKey.of(kind(call), call.axis(), call.hasTemperature(), threads, call.src(),
                call.dst());
        DnnlPrimitiveCache.Lookup lookup = cache.acquire(key,
                () -> create(call.operation(), call.src(), call.dst(), call.axis(), call.hasTemperature()));
        if (lookup.declined() != null) {
            return lookup.declined();
        }
        EdgeContract.RowsToRepair repairs = EdgeContract.classify(call, classifier);
        try {
            execute(lookup.primitive(), call.src().segment(), call.dst().segment(), call);
        } finally {
            lookup.primitive().release();
        }
        EdgeContract.repair(call, repairs);
        return null;
    }

    private String probe(SoftmaxCall call, long blockRows) {
        DnnlPrimitiveCache.Lookup lookup = blockPrimitive(call, blockRows);
        if (lookup.primitive() != null) {
            lookup.primitive().release();
        }
        return lookup.declined();
    }

    private String executeBlock(SoftmaxCall call, long firstRow, long rowCount) {
        DnnlPrimitiveCache.Lookup lookup = blockPrimitive(call, rowCount);
        if (lookup.declined() != null) {
            return lookup.declined();
        }
        try {
            RowLayout rows = call.rows();
            MemorySegment src = call.src().segment()
                    .asSlice(firstRow * rows.srcRowStride() * call.src().dtype().byteSize());
            MemorySegment dst = call.dst().segment()
                    .asSlice(firstRow * rows.dstRowStride() * call.dst().dtype().byteSize());
            execute(lookup.primitive(), src, dst, call);
        } finally {
            lookup.primitive().release();
        }
        return null;
    }

    /** A block primitive runs single-threaded; the calling thread's OpenMP setting must say so when it is built. */
    private DnnlPrimitiveCache.Lookup blockPrimitive(SoftmaxCall call, long blockRows) {
        runtime.limitThreads(1);
        TensorView src = blockView(call.src(), blockRows, call.rows().rowLength(), call.rows().srcRowStride());
        TensorView dst = blockView(call.dst(), blockRows, call.rows().rowLength(), call.rows().dstRowStride());
        PrimitiveKey key = PrimitiveKey.of(kind(call), 1, call.hasTemperature(), 1, src, dst);
        return cache.acquire(key, () -> create(call.operation(), src, dst, 1, call.hasTemperature()));
    }

    /** A 2-D [rows, n] view of the first rows of a batch, for describing a block to oneDNN. */
    private static TensorView blockView(TensorView whole, long rows, long n, long rowStride) {
        long span = ((rows - 1) * rowStride + n) * whole.dtype().byteSize();
        return TensorView.wrap(whole.segment().asSlice(0, span), whole.dtype(), new long[] {rows, n},
                new long[] {rowStride, 1});
    }

    private static int kind(SoftmaxCall call) {
        return call.operation().isLog() ? KIND_LOG_SOFTMAX : KIND_SOFTMAX;
    }

    /**
     * Runs {@code primitive} on the given data pointers. The caller's whole segments are passed along so that
     * their arenas stay open for the duration (see {@link KeepAliveExecute}).
     */
    private void execute(CachedPrimitive primitive, MemorySegment src, MemorySegment dst, SoftmaxCall call) {
        CachedPrimitive.Binding binding = primitive.acquireBinding();
        MemorySegment stream = runtime.acquireStream();
        try {
            // Plain addresses here: the generated-form wrapper would turn a concurrently closed arena's
            // IllegalStateException into an AssertionError. The arenas are checked, and held open, by the
            // execute call below, before oneDNN touches the data.
            DnnlStatus.check(dnnl_memory_set_data_handle(binding.memories[0], MemorySegment.ofAddress(src.address())),
                    "dnnl_memory_set_data_handle", "src");
            DnnlStatus.check(dnnl_memory_set_data_handle(binding.memories[1], MemorySegment.ofAddress(dst.address())),
                    "dnnl_memory_set_data_handle", "dst");
            if (call.hasTemperature()) {
                binding.scale.set(ValueLayout.JAVA_FLOAT, 0, 1f / call.temperature());
            }
            int argCount = (int) (binding.args.byteSize() / dnnl_exec_arg_t.sizeof());
            int status;
            try {
                status = (int) KeepAliveExecute.HANDLE.invokeExact(primitive.primitive, stream, argCount,
                        binding.args, call.src().segment(), call.dst().segment());
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

    private DnnlPrimitiveCache.Creation create(Operation operation, TensorView src, TensorView dst, int axis,
            boolean scaled) {
        MemorySegment srcDesc = MemorySegment.NULL;
        MemorySegment dstDesc = MemorySegment.NULL;
        MemorySegment attr = MemorySegment.NULL;
        MemorySegment primitiveDesc = MemorySegment.NULL;
        MemorySegment scaleDesc = MemorySegment.NULL;
        boolean adopted = false;
        try {
            try {
                srcDesc = runtime.memoryDesc(src);
                dstDesc = runtime.memoryDesc(dst);
            } catch (SoftmaxNativeException e) {
                if (e.statusCode() == dnnl_invalid_arguments()) {
                    return DnnlPrimitiveCache.Creation.declined(DECLINED_LAYOUT);
                }
                throw e;
            }
            attr = runtime.createAttr();
            DnnlStatus.check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user()),
                    "dnnl_primitive_attr_set_scratchpad_mode", null);
            if (scaled) {
                DnnlStatus.check(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_SRC(), 0),
                        "dnnl_primitive_attr_set_scales_mask", "temperature as a source scale");
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                int algorithm = operation.isLog() ? dnnl_softmax_log() : dnnl_softmax_accurate();
                int status = dnnl_softmax_forward_primitive_desc_create(out, runtime.engine(),
                        dnnl_forward_inference(), algorithm, srcDesc, dstDesc, axis, attr);
                if (DnnlStatus.isUnimplemented(status)) {
                    return DnnlPrimitiveCache.Creation.declined(DECLINED_UNIMPLEMENTED);
                }
                if (status == dnnl_invalid_arguments()) {
                    return DnnlPrimitiveCache.Creation.declined(DECLINED_LAYOUT);
                }
                DnnlStatus.check(status, "dnnl_softmax_forward_primitive_desc_create",
                        operation.label() + " " + src + " -> " + dst + " axis " + axis);
                primitiveDesc = out.get(ValueLayout.ADDRESS, 0);
                runtime.adoptPrimitiveDesc();
                if (CachedPrimitive.queryImplementation(primitiveDesc).startsWith("ref")) {
                    return DnnlPrimitiveCache.Creation.declined(DECLINED_REFERENCE);
                }
            }
            scaleDesc = scaled ? runtime.scalarDesc() : MemorySegment.NULL;
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
                if (!primitiveDesc.equals(MemorySegment.NULL)) {
                    runtime.destroyPrimitiveDesc(primitiveDesc);
                }
                runtime.destroyMemoryDesc(scaleDesc);
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

    /** Resolved on first execution, after the library is loaded (class initialisation order must not matter). */
    private static final class KeepAliveExecute {
        /**
         * {@code dnnl_primitive_execute} with the caller's two segments appended as extra arguments. Why: the
         * primitive reads raw pointers set earlier with {@code dnnl_memory_set_data_handle}, which FFM cannot
         * see; passing the segments to the very call that uses them makes FFM keep their arenas open until it
         * returns, so another thread closing a shared arena gets an {@link IllegalStateException} instead of
         * freeing memory under oneDNN. The callee ignores the extra arguments: in the SysV x86-64 and AAPCS64
         * calling conventions they occupy argument registers the callee never reads.
         */
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
                dnnl_primitive_execute$address(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    }
}
