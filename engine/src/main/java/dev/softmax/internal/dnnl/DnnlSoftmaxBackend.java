package dev.softmax.internal.dnnl;

import static dev.softmax.bindings.dnnl.dnnl_h.*;

import dev.softmax.DType;
import dev.softmax.SoftmaxNativeException;
import dev.softmax.TensorView;
import dev.softmax.bindings.dnnl.dnnl_exec_arg_t;
import dev.softmax.internal.backend.BackendCounters;
import dev.softmax.internal.backend.Decline;
import dev.softmax.internal.backend.SoftmaxBackend;
import dev.softmax.internal.forward.SoftmaxCall;
import dev.softmax.internal.grad.BackwardCall;
import dev.softmax.internal.kernel.KernelProvider;
import dev.softmax.internal.kernel.RowMath;
import dev.softmax.internal.rows.RowLayout;
import dev.softmax.internal.rows.RowParallelism;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Softmax and log-softmax, forward and backward, on oneDNN. Primitives come from the {@link DnnlPrimitiveCache};
 * each call rebinds the caller's segments as data pointers (zero-copy), so any native segment works: arena
 * memory, mapped files, buffers owned by another runtime.
 *
 * <p>oneDNN does not follow the edge contract on its own (see {@link DnnlEdgeRepair}), so rows are classified
 * before it runs and repaired after. The work is cut into blocks of rows of about {@value #BLOCK_BYTES} bytes,
 * each classified and then handed to oneDNN while it is still in the core's cache. Blocks are spread over the
 * engine's threads, each executing a single-threaded primitive: measured on 2 vCPUs, this gave 1.6-1.8x with 2
 * threads on 1024x1024 and 64x32000, where one primitive with a 2-thread OpenMP team was no faster than 1
 * thread (waking a passive team costs more than half the work).
 *
 * <p>Declines (writing nothing): heap segments, which have no stable native address; element addresses not
 * aligned to the element size; rows that do not follow each other at one stride (oneDNN offers only its
 * reference implementation for those); whatever oneDNN refuses (dnnl_unimplemented); and cases where it
 * offers only {@code ref:any}, measured slower than the Java kernel and far less accurate (f32 sums).
 */
public final class DnnlSoftmaxBackend implements SoftmaxBackend {

    /** Bytes of the largest operand per block: well inside a core's L2, large enough to amortise a call. */
    static final long BLOCK_BYTES = 256 * 1024;

    /**
     * Rows at least this long are re-normalised after oneDNN: its kernel sums the exponentials in f32 and was
     * measured 2.3e-6 off on 64k to 128k rows (N(0, 5^2) logits), beyond the documented bound; 8192-element
     * rows were within 3e-7.
     */
    static final long RENORMALISE_FROM = 8192;

    /** Which oneDNN primitive a block runs. */
    enum PrimitiveKind {
        SOFTMAX,
        LOG_SOFTMAX,
        SOFTMAX_BACKWARD,
        LOG_SOFTMAX_BACKWARD;

        boolean isLog() {
            return this == LOG_SOFTMAX || this == LOG_SOFTMAX_BACKWARD;
        }

        boolean isForward() {
            return this == SOFTMAX || this == LOG_SOFTMAX;
        }
    }

    private final DnnlRuntime runtime;
    private final DnnlPrimitiveCache cache;
    private final RowParallelism parallelism;
    private final KernelProvider kernels;
    private final RowMath math;
    private final Set<String> implementations = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<BlockPlan> lastForwardPlan = new ThreadLocal<>();
    private final ThreadLocal<BlockPlan> lastBackwardPlan = new ThreadLocal<>();

    /**
     * @param kernels the Java row kernels, used to classify rows for the edge contract and re-normalise
     */
    public DnnlSoftmaxBackend(
            DnnlRuntime runtime, int cacheCapacity, RowParallelism parallelism, KernelProvider kernels) {
        this.runtime = runtime;
        this.cache = new DnnlPrimitiveCache(cacheCapacity);
        this.parallelism = parallelism;
        this.kernels = kernels;
        this.math = kernels.math();
    }

    @Override
    public String name() {
        return "onednn";
    }

    /** The primitive cache, its live native handles, and oneDNN's names of the implementations chosen so far. */
    @Override
    public BackendCounters counters() {
        DnnlPrimitiveCache.Statistics statistics = cache.statistics();
        return new BackendCounters(
                statistics.size(),
                statistics.hits(),
                statistics.misses(),
                statistics.evictions(),
                runtime.handles().total(),
                Set.copyOf(implementations));
    }

    @Override
    public void resetCounters() {
        cache.resetCounters();
    }

    /** What a kind of call does around each block: classify before, repair after. */
    private interface BlockContract {
        Object before(long first, long count);

        void after(long first, long count, Object classification);
    }

    @Override
    public Optional<Decline> forward(SoftmaxCall call) {
        RowLayout rows = call.rows();
        Decline declined = declineCheaply(rows, call.src(), call.dst());
        if (declined != null) {
            return declined.asResult();
        }
        BlockPlan plan = lastForwardPlan.get();
        if (plan == null || plan.call != call) {
            plan = forwardPlan(call);
            lastForwardPlan.set(plan);
        }
        return inBlocks(plan);
    }

    private BlockPlan forwardPlan(SoftmaxCall call) {
        RowLayout rows = call.rows();
        PrimitiveKind kind = call.operation().isLog() ? PrimitiveKind.LOG_SOFTMAX : PrimitiveKind.SOFTMAX;
        BlockOperand[] operands = {
            new BlockOperand(call.src(), rows.rowStride(SoftmaxCall.SRC), DNNL_ARG_SRC()),
            new BlockOperand(call.dst(), rows.rowStride(SoftmaxCall.DST), DNNL_ARG_DST())
        };
        boolean renormalise =
                !call.operation().isLog() && call.dst().dtype() == DType.F32 && rows.rowLength() >= RENORMALISE_FROM;
        BlockContract contract = new BlockContract() {
            @Override
            public Object before(long first, long count) {
                return DnnlEdgeRepair.classify(call, kernels, first, count);
            }

            @Override
            public void after(long first, long count, Object classification) {
                DnnlEdgeRepair.RowsToRepair repairs = (DnnlEdgeRepair.RowsToRepair) classification;
                DnnlEdgeRepair.repair(call, repairs);
                if (renormalise) {
                    renormalise(call, first, count, repairs);
                }
            }
        };
        return new BlockPlan(call, kind, call.temperature(), rows.rowCount(), rows.rowLength(), operands, contract);
    }

    @Override
    public Optional<Decline> backward(BackwardCall call) {
        RowLayout rows = call.rows();
        Decline declined = declineCheaply(rows, call.output(), call.gradient(), call.result());
        if (declined != null) {
            return declined.asResult();
        }
        BlockPlan plan = lastBackwardPlan.get();
        if (plan == null || plan.call != call) {
            plan = backwardPlan(call);
            lastBackwardPlan.set(plan);
        }
        return inBlocks(plan);
    }

    private BlockPlan backwardPlan(BackwardCall call) {
        RowLayout rows = call.rows();
        PrimitiveKind kind =
                call.operation().isLog() ? PrimitiveKind.LOG_SOFTMAX_BACKWARD : PrimitiveKind.SOFTMAX_BACKWARD;
        BlockOperand[] operands = {
            new BlockOperand(call.output(), rows.rowStride(BackwardCall.Y), DNNL_ARG_DST()),
            new BlockOperand(call.gradient(), rows.rowStride(BackwardCall.DY), DNNL_ARG_DIFF_DST()),
            new BlockOperand(call.result(), rows.rowStride(BackwardCall.DX), DNNL_ARG_DIFF_SRC())
        };
        BlockContract contract = new BlockContract() {
            @Override
            public Object before(long first, long count) {
                return DnnlEdgeRepair.classifyBackward(call, kernels, first, count);
            }

            @Override
            public void after(long first, long count, Object classification) {
                DnnlEdgeRepair.repair(call, (DnnlEdgeRepair.RowsToRepair) classification);
            }
        };
        return new BlockPlan(
                call, kind, SoftmaxCall.NO_TEMPERATURE, rows.rowCount(), rows.rowLength(), operands, contract);
    }

    /** Why oneDNN cannot take these operands, judged without building anything; null when it may. */
    private static Decline declineCheaply(RowLayout rows, TensorView... views) {
        for (TensorView view : views) {
            if (!view.segment().isNative()) {
                return Decline.HEAP_MEMORY;
            }
            if (view.segment().address() % view.dtype().byteSize() != 0) {
                return Decline.MISALIGNED;
            }
        }
        if (!rows.isUniformBatch() || !rows.rowsAreContiguous()) {
            return Decline.STRIDED_ROWS;
        }
        return null;
    }

    /**
     * Runs a batch of rows block by block. The first block's primitive is built before anything is written, so
     * a refusal leaves the destination untouched.
     *
     * @return empty when computed, else why the first block's primitive was refused
     */
    private Optional<Decline> inBlocks(BlockPlan plan) {
        // The full-block primitive is looked up once per call and held until the end; only the tail of each
        // worker's range, at most one block per worker, is looked up on its own.
        DnnlPrimitiveCache.Creation full = acquire(plan.fullKey, plan.fullFactory);
        if (full.declined() != null) {
            return full.declined().asResult();
        }
        try {
            boolean shareable = true;
            for (BlockOperand operand : plan.operands) {
                shareable &= parallelism.canShare(operand.view().segment());
            }
            parallelism.forEachRange(plan.rowCount, plan.n, shareable, full.primitive(), plan);
        } finally {
            full.primitive().release();
        }
        return Optional.empty();
    }

    /** A block primitive runs single-threaded; the calling thread's OpenMP setting must say so when it is built. */
    private DnnlPrimitiveCache.Creation acquire(PrimitiveKey key, Supplier<DnnlPrimitiveCache.Creation> factory) {
        runtime.limitThreads(1);
        return cache.acquire(key, factory);
    }

    /**
     * One call's blocks: its operands, edge contract, block size, the full block's cache key and factory, and the
     * range task that runs them. Built on a call's first run and kept (per thread, forward and backward apart)
     * while the same validated call object comes back, which the engine hands over for a repeated call, so that a
     * repeated call allocates nothing on this path. Before, each call built all of it: 376 B a call on every
     * shape and type (allocated bytes of the calling thread; JFR allocation samples: the cache key and its
     * {@code long[]}, the capturing lambdas, the contract, the operands; 2026-12-06).
     *
     * <p>Shared with the workers of one call, which read its final fields; the tail keys are guarded by the plan.
     */
    private final class BlockPlan implements RowParallelism.RangeTask<CachedPrimitive> {

        /** Distinct tail sizes whose keys are kept: one per worker's range end covers the engine's thread counts. */
        private static final int TAIL_SLOTS = 8;

        final Object call;
        final PrimitiveKind kind;
        final float temperature;
        final long rowCount;
        final long n;
        final BlockOperand[] operands;
        final BlockContract contract;
        final long blockRows;
        final PrimitiveKey fullKey;
        final Supplier<DnnlPrimitiveCache.Creation> fullFactory;
        private final long[] tailSizes = new long[TAIL_SLOTS];
        private final PrimitiveKey[] tailKeys = new PrimitiveKey[TAIL_SLOTS];
        private final Object[] tailFactories = new Object[TAIL_SLOTS];

        BlockPlan(
                Object call,
                PrimitiveKind kind,
                float temperature,
                long rowCount,
                long n,
                BlockOperand[] operands,
                BlockContract contract) {
            this.call = call;
            this.kind = kind;
            this.temperature = temperature;
            this.rowCount = rowCount;
            this.n = n;
            this.operands = operands;
            this.contract = contract;
            long widest = 1;
            for (BlockOperand operand : operands) {
                widest = Math.max(widest, operand.view().dtype().byteSize());
            }
            this.blockRows = Math.max(1, Math.min(rowCount, BLOCK_BYTES / Math.max(1, n * widest)));
            this.fullKey = key(blockRows);
            this.fullFactory = factory(blockRows);
        }

        private PrimitiveKey key(long rows) {
            // The key comes from scalars; the block views oneDNN is described with are built only on a miss.
            return PrimitiveKey.ofBlocks(kind, temperature != SoftmaxCall.NO_TEMPERATURE, rows, n, operands);
        }

        private Supplier<DnnlPrimitiveCache.Creation> factory(long rows) {
            return () ->
                    create(kind, blockViews(operands, rows, n), operands, temperature != SoftmaxCall.NO_TEMPERATURE);
        }

        @Override
        public void run(CachedPrimitive fullPrimitive, long first, long count) {
            // A worker thread runs single-threaded blocks; its OpenMP setting must not ask for a team.
            runtime.limitThreads(1);
            for (long start = first; start < first + count; start += blockRows) {
                long size = Math.min(blockRows, first + count - start);
                Object classification = contract.before(start, size);
                if (size == blockRows) {
                    execute(fullPrimitive, operands, start, temperature);
                } else {
                    executeTail(size, start);
                }
                contract.after(start, size, classification);
            }
        }

        private void executeTail(long size, long start) {
            DnnlPrimitiveCache.Creation tail = acquireTail(size);
            if (tail.declined() != null) {
                // The full block's shape was accepted, so a refused tail shape is a oneDNN limitation we cannot
                // route back to Java without breaking "nothing written"; it has never been seen.
                throw new IllegalStateException("oneDNN accepted " + blockRows + "-row blocks but refused a " + size
                        + "-row block: " + tail.declined().label());
            }
            try {
                execute(tail.primitive(), operands, start, temperature);
            } finally {
                tail.primitive().release();
            }
        }

        @SuppressWarnings("unchecked")
        private DnnlPrimitiveCache.Creation acquireTail(long size) {
            PrimitiveKey key = null;
            Supplier<DnnlPrimitiveCache.Creation> factory = null;
            synchronized (this) {
                for (int i = 0; i < TAIL_SLOTS && key == null; i++) {
                    if (tailKeys[i] == null) {
                        tailSizes[i] = size;
                        tailKeys[i] = key(size);
                        tailFactories[i] = factory(size);
                    }
                    if (tailSizes[i] == size) {
                        key = tailKeys[i];
                        factory = (Supplier<DnnlPrimitiveCache.Creation>) tailFactories[i];
                    }
                }
            }
            if (key == null) {
                key = key(size);
                factory = factory(size);
            }
            return acquire(key, factory);
        }
    }

    private static TensorView[] blockViews(BlockOperand[] operands, long rows, long n) {
        TensorView[] views = new TensorView[operands.length];
        for (int i = 0; i < operands.length; i++) {
            views[i] = blockView(operands[i], rows, n);
        }
        return views;
    }

    /** A 2-D [rows, n] view of the first rows of a batch, for describing a block to oneDNN. */
    private static TensorView blockView(BlockOperand operand, long rows, long n) {
        TensorView whole = operand.view();
        long span = ((rows - 1) * operand.rowStride() + n) * whole.dtype().byteSize();
        return TensorView.wrap(whole.segment().asSlice(0, span), whole.dtype(), new long[] {rows, n}, new long[] {
            operand.rowStride(), 1
        });
    }

    /**
     * Runs {@code primitive} on the block starting at row {@code firstRow}. The caller's whole segments are passed
     * along so that their arenas stay open for the duration (see {@link KeepAliveExecute}).
     */
    private void execute(CachedPrimitive primitive, BlockOperand[] operands, long firstRow, float temperature) {
        CachedPrimitive.Binding binding = primitive.acquireBinding();
        MemorySegment stream = runtime.acquireStream();
        try {
            for (int i = 0; i < operands.length; i++) {
                TensorView view = operands[i].view();
                long address = view.segment().address()
                        + firstRow * operands[i].rowStride() * view.dtype().byteSize();
                // Plain addresses here: the jextract-form wrapper would turn a concurrently closed arena's
                // IllegalStateException into an AssertionError. The arenas are checked, and held open, by the
                // execute call below, before oneDNN touches the data.
                int status = dnnl_memory_set_data_handle(binding.memories[i], MemorySegment.ofAddress(address));
                if (status != dnnl_success()) {
                    // Built only on failure: a label concatenated per operand per block was most of this path's
                    // garbage on long batches.
                    DnnlStatus.check(status, "dnnl_memory_set_data_handle", "operand " + i);
                }
            }
            if (temperature != SoftmaxCall.NO_TEMPERATURE) {
                binding.scale.set(ValueLayout.JAVA_FLOAT, 0, 1f / temperature);
            }
            int argCount = (int) (binding.args.byteSize() / dnnl_exec_arg_t.sizeof());
            int status;
            try {
                status = operands.length == 2
                        ? (int) KeepAliveExecute.TWO.invokeExact(
                                primitive.primitive,
                                stream,
                                argCount,
                                binding.args,
                                operands[0].view().segment(),
                                operands[1].view().segment())
                        : (int) KeepAliveExecute.THREE.invokeExact(
                                primitive.primitive,
                                stream,
                                argCount,
                                binding.args,
                                operands[0].view().segment(),
                                operands[1].view().segment(),
                                operands[2].view().segment());
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("dnnl_primitive_execute", t);
            }
            DnnlStatus.check(status, "dnnl_primitive_execute", null);
            DnnlStatus.check(dnnl_stream_wait(stream), "dnnl_stream_wait", null);
        } finally {
            runtime.releaseStream(stream);
            primitive.releaseBinding(binding);
        }
    }

    /**
     * Divides each row of the block by its sum, computed in double while the block is still in cache. Rows the
     * edge contract just overwrote (0, NaN) are left alone.
     */
    private void renormalise(SoftmaxCall call, long first, long count, DnnlEdgeRepair.RowsToRepair repairs) {
        RowLayout rows = call.rows();
        MemorySegment dst = call.dst().segment();
        long n = rows.rowLength();
        for (long row = first; row < first + count; row++) {
            if (!repairs.isEmpty() && repairs.contains(row)) {
                continue;
            }
            long offset = 4 * row * rows.rowStride(SoftmaxCall.DST);
            double sum = math.sum(dst, offset, n);
            if (Math.abs(sum - 1) > 1e-7) {
                math.scale(dst, offset, n, (float) (1 / sum));
            }
        }
    }

    /** Builds the primitive for block views (forward: src, dst; backward: y, dy, dx). */
    private DnnlPrimitiveCache.Creation create(
            PrimitiveKind kind, TensorView[] views, BlockOperand[] operands, boolean scaled) {
        MemorySegment[] descs = new MemorySegment[views.length];
        java.util.Arrays.fill(descs, MemorySegment.NULL);
        MemorySegment attr = MemorySegment.NULL;
        MemorySegment primitiveDesc = MemorySegment.NULL;
        MemorySegment hint = MemorySegment.NULL;
        MemorySegment scaleDesc = MemorySegment.NULL;
        boolean adopted = false;
        try {
            try {
                for (int i = 0; i < views.length; i++) {
                    descs[i] = runtime.memoryDesc(views[i]);
                }
            } catch (SoftmaxNativeException e) {
                if (e.statusCode() == dnnl_invalid_arguments()) {
                    return DnnlPrimitiveCache.Creation.declined(Decline.LAYOUT_REJECTED);
                }
                throw e;
            }
            attr = runtime.createAttr();
            DnnlStatus.check(
                    dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user()),
                    "dnnl_primitive_attr_set_scratchpad_mode",
                    null);
            if (scaled) {
                DnnlStatus.check(
                        dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_SRC(), 0),
                        "dnnl_primitive_attr_set_scales_mask",
                        "temperature as a source scale");
            }
            int algorithm = kind.isLog() ? dnnl_softmax_log() : dnnl_softmax_accurate();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                int status;
                if (kind.isForward()) {
                    status = dnnl_softmax_forward_primitive_desc_create(
                            out, runtime.engine(), dnnl_forward_inference(), algorithm, descs[0], descs[1], 1, attr);
                } else {
                    // The backward primitive needs a forward primitive descriptor as a hint: y is the forward's dst.
                    status = dnnl_softmax_forward_primitive_desc_create(
                            out,
                            runtime.engine(),
                            dnnl_forward_training(),
                            algorithm,
                            descs[0],
                            descs[0],
                            1,
                            MemorySegment.NULL);
                    if (status == dnnl_success()) {
                        hint = out.get(ValueLayout.ADDRESS, 0);
                        runtime.adoptPrimitiveDesc();
                        status = dnnl_softmax_backward_primitive_desc_create(
                                out, runtime.engine(), algorithm, descs[2], descs[1], descs[0], 1, hint, attr);
                    }
                }
                Decline declined = declineReason(status);
                if (declined != null) {
                    return DnnlPrimitiveCache.Creation.declined(declined);
                }
                DnnlStatus.check(status, "dnnl_softmax_primitive_desc_create", "kind " + kind);
                primitiveDesc = out.get(ValueLayout.ADDRESS, 0);
                runtime.adoptPrimitiveDesc();
                if (CachedPrimitive.queryImplementation(primitiveDesc).startsWith("ref")) {
                    return DnnlPrimitiveCache.Creation.declined(Decline.REFERENCE_ONLY);
                }
            }
            scaleDesc = scaled ? runtime.scalarDesc() : MemorySegment.NULL;
            int[] arguments = new int[operands.length];
            for (int i = 0; i < operands.length; i++) {
                arguments[i] = operands[i].argument();
            }
            CachedPrimitive primitive = new CachedPrimitive(runtime, primitiveDesc, descs, arguments, scaleDesc);
            adopted = true;
            implementations.add(primitive.implementation());
            return DnnlPrimitiveCache.Creation.of(primitive);
        } finally {
            if (!attr.equals(MemorySegment.NULL)) {
                runtime.destroyAttr(attr);
            }
            if (!hint.equals(MemorySegment.NULL)) {
                runtime.destroyPrimitiveDesc(hint);
            }
            if (!adopted) {
                if (!primitiveDesc.equals(MemorySegment.NULL)) {
                    runtime.destroyPrimitiveDesc(primitiveDesc);
                }
                runtime.destroyMemoryDesc(scaleDesc);
                for (MemorySegment desc : descs) {
                    runtime.destroyMemoryDesc(desc);
                }
            }
        }
    }

    /** The decline a oneDNN status means, or null when the status is not a refusal. */
    private static Decline declineReason(int status) {
        if (DnnlStatus.isUnimplemented(status)) {
            return Decline.UNIMPLEMENTED;
        }
        if (status == dnnl_invalid_arguments()) {
            return Decline.LAYOUT_REJECTED;
        }
        return null;
    }

    @Override
    public void close() {
        Cleanup cleanup = new Cleanup();
        cleanup.run(cache::close);
        cleanup.run(runtime::close);
        cleanup.rethrow();
    }

    /** Resolved on first execution, after the library is loaded (class initialisation order must not matter). */
    private static final class KeepAliveExecute {
        /**
         * {@code dnnl_primitive_execute} with the caller's data segments appended as extra arguments. Why: the
         * primitive reads raw pointers set earlier with {@code dnnl_memory_set_data_handle}, which FFM cannot
         * see; passing the segments to the very call that uses them makes FFM keep their arenas open until it
         * returns, so another thread closing a shared arena gets an {@link IllegalStateException} instead of
         * freeing memory under oneDNN. The callee ignores the extra arguments: in the SysV x86-64 and AAPCS64
         * calling conventions they occupy argument registers (or, for the seventh, caller-cleaned stack) that
         * the callee never reads.
         */
        static final MethodHandle TWO = handle(2);

        static final MethodHandle THREE = handle(3);

        private static MethodHandle handle(int keptAlive) {
            ValueLayout[] arguments = new ValueLayout[4 + keptAlive];
            arguments[0] = ValueLayout.ADDRESS;
            arguments[1] = ValueLayout.ADDRESS;
            arguments[2] = ValueLayout.JAVA_INT;
            for (int i = 3; i < arguments.length; i++) {
                arguments[i] = ValueLayout.ADDRESS;
            }
            return Linker.nativeLinker()
                    .downcallHandle(
                            dnnl_primitive_execute$address(), FunctionDescriptor.of(ValueLayout.JAVA_INT, arguments));
        }
    }
}
