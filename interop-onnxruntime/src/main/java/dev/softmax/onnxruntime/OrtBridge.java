package dev.softmax.onnxruntime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.softmax.DType;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link OrtSession}'s inputs and outputs in engine memory: {@link #run()} reads the inputs from, and writes the
 * outputs into, segments this bridge allocated, which the engine reads and writes through the {@link TensorView}s
 * the bridge hands out. Nothing is copied on either side: ONNX Runtime is given each segment as a direct
 * {@link ByteBuffer} in native byte order, wrapped in an {@link OnnxTensor} that does not own it (a pinned output,
 * or an input used in place), and {@link #ortDataAddress(String)} asks ONNX Runtime's C API where its tensor's data
 * lives, so a caller can check that it is the view's address.
 *
 * <pre>{@code
 * try (OrtSession session = env.createSession(model, options);
 *      OrtBridge bridge = OrtBridge.create(session)) {
 *     TensorView ids = bridge.input("token_ids", 16);      // int64 [16]: "batch" = 16
 *     TensorView logits = bridge.output("logits");          // f32 [16, V]: "batch" taken from the input
 *     bridge.run();                                         // ORT writes the logits into engine memory
 *     engine.sample(logits, parameters, DecodeOutputs.of(ids));   // the next input, written in place
 * }
 * }</pre>
 *
 * <p><b>Lifetime.</b> The bridge is the one owner of the memory and of the {@code OnnxTensor}s over it: the memory
 * lives in arenas only the bridge can close, and {@link #close()} closes the tensors first, then the memory. No
 * order of closing the session, the bridge or the caller's own objects can make ONNX Runtime touch freed memory,
 * because no ONNX Runtime object that points at the memory outlives it. Every misuse is an exception:
 * <ul>
 *   <li>any method of a closed bridge (except {@link #close()}, which may be called again) throws
 *       {@link IllegalStateException};
 *   <li>a view of a closed bridge, or of a binding since re-bound to a larger tensor, is a view of a closed arena:
 *       reading it or handing it to the engine throws {@link IllegalStateException};
 *   <li>{@link #run()} after the session was closed throws ONNX Runtime's own {@link IllegalStateException};
 *   <li>{@link #close()} waits for a {@link #run()} in progress on another thread (the two share a lock), so the
 *       memory is never freed under a running model.
 * </ul>
 * The bridge does not own the session: close it yourself, before or after the bridge.
 *
 * <p><b>Shapes.</b> A binding's shape is given per call; dimensions the model leaves symbolic (batch, sequence)
 * take any value, fixed ones must match. Binding a name again with the shape it has returns the same view and
 * re-binds nothing; another shape re-binds it, in the same memory when it fits, else in new memory (and the old
 * view is closed). A symbolic dimension that has a name in the model must take one value across all bindings
 * ({@link #run()} checks this before ONNX Runtime sees the call), and {@link #output(String)} without a shape
 * takes its named dimensions from the other bindings.
 *
 * <p><b>Limit.</b> ONNX Runtime for Java takes memory only as a direct {@link ByteBuffer}, int-indexed, and refuses
 * one over {@code Integer.MAX_VALUE - 8} elements' bytes ({@link #maxTensorBytes}: 2147483615 bytes for f32): a larger
 * tensor is refused with an exception naming the limit, before anything is allocated. Split the batch.
 *
 * <p><b>Threads.</b> All methods are thread-safe (one lock); the views use shared memory, so the engine may read
 * them on any thread. Element types: f32, f16, bf16, int32, int64 and uint8 tensors.
 */
public final class OrtBridge implements AutoCloseable {

    /**
     * The largest tensor of this element type, in bytes, that ONNX Runtime for Java accepts as a direct buffer:
     * {@code Integer.MAX_VALUE - 8 * elementSize} (its {@code OrtUtil.prepareBuffer} check; a ByteBuffer is indexed
     * by int), so just under 2 GiB: 2147483615 bytes for f32, 2147483583 for int64.
     */
    public static long maxTensorBytes(DType dtype) {
        return Integer.MAX_VALUE - 8L * dtype.byteSize();
    }

    /** Cache-line alignment, as {@link TensorView#allocate} gives, so the engine's vector loads start aligned. */
    private static final long ALIGNMENT = 64;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final Map<String, TensorInfo> modelInputs;
    private final Map<String, TensorInfo> modelOutputs;
    private final Map<String, Binding> inputs = new LinkedHashMap<>();
    private final Map<String, Binding> outputs = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** The maps handed to ONNX Runtime, rebuilt only when a binding changes, so that run() allocates nothing. */
    private Map<String, OnnxTensor> inputTensors = Map.of();

    private Map<String, OnnxTensor> outputTensors = Map.of();
    /** Why the current bindings cannot run (a missing input, disagreeing dimensions), or null when they can. */
    private String notRunnable;
    /** The 8-byte out-parameter of ONNX Runtime's GetTensorMutableData, allocated once. */
    private final Arena scratchArena = Arena.ofShared();

    private final MemorySegment dataPointer = scratchArena.allocate(ValueLayout.ADDRESS);
    private boolean closed;
    /** Arenas whose close() failed because another thread still held their memory; close() tries them again. */
    private final List<Arena> unclosed = new ArrayList<>();

    private OrtBridge(OrtEnvironment environment, OrtSession session) throws OrtException {
        this.environment = environment;
        this.session = session;
        this.modelInputs = tensorInfos(session.getInputInfo());
        this.modelOutputs = tensorInfos(session.getOutputInfo());
        this.notRunnable = runnability();
    }

    /**
     * A bridge for this session, in the process-wide {@link OrtEnvironment}. Reads the session's input and output
     * descriptions once; binds nothing yet.
     *
     * @throws IllegalStateException if the session is closed
     */
    public static OrtBridge create(OrtSession session) throws OrtException {
        Objects.requireNonNull(session, "session");
        return new OrtBridge(OrtEnvironment.getEnvironment(), session);
    }

    /**
     * Binds engine memory of this shape as the model input {@code name} and returns the view over it, which the
     * caller fills (or the engine writes, for example tokens as the next step's input).
     *
     * @param shape the full shape: fixed model dimensions as the model gives them, symbolic ones any value >= 0
     * @throws IllegalArgumentException naming the argument and what was expected: an unknown name, a wrong rank,
     *     a fixed dimension that differs, an element type the engine has no view of, more than
     *     {@link #maxTensorBytes} bytes
     * @throws IllegalStateException if the bridge is closed
     */
    public TensorView input(String name, long... shape) throws OrtException {
        return bind(true, name, Objects.requireNonNull(shape, "shape"));
    }

    /** Binds the input {@code name} with every dimension taken from the model or, for named symbolic ones, from the other bindings. */
    public TensorView input(String name) throws OrtException {
        return bind(true, name, null);
    }

    /**
     * Binds engine memory of this shape as the model output {@code name} (a pinned output: ONNX Runtime writes
     * into it) and returns the view over it.
     *
     * @throws IllegalArgumentException as for {@link #input(String, long...)}
     * @throws IllegalStateException if the bridge is closed
     */
    public TensorView output(String name, long... shape) throws OrtException {
        return bind(false, name, Objects.requireNonNull(shape, "shape"));
    }

    /**
     * Binds the output {@code name} with every dimension taken from the model or, for named symbolic dimensions
     * ("batch"), from the other bindings: after {@code input("token_ids", 16)}, {@code output("logits")} of a model
     * whose logits are {@code [batch, 32000]} is {@code [16, 32000]}.
     *
     * @throws IllegalArgumentException if a dimension is neither fixed by the model nor given by a binding
     */
    public TensorView output(String name) throws OrtException {
        return bind(false, name, null);
    }

    /**
     * The current view of a bound input or output.
     *
     * @throws IllegalArgumentException if {@code name} is not bound
     * @throws IllegalStateException if the bridge is closed
     */
    public TensorView view(String name) {
        lock.lock();
        try {
            return binding(name, "view").view;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the session on the bound inputs, writing every bound output in place. Only the bound outputs are
     * computed. Allocates nothing on the Java heap itself (ONNX Runtime's Java API allocates a few small objects per
     * run).
     *
     * @throws IllegalStateException if the bridge is closed, the session is closed, or the bindings cannot run
     *     (a model input not bound, no output bound, a named dimension with two values); nothing is run then
     * @throws OrtException if ONNX Runtime fails
     */
    public void run() throws OrtException {
        lock.lock();
        try {
            requireOpen("run");
            if (notRunnable != null) {
                throw new IllegalStateException("run: " + notRunnable + "; nothing was run");
            }
            // The result holds the pinned outputs without owning them: closing it frees only ORT's bookkeeping.
            try (OrtSession.Result result = session.run(inputTensors, outputTensors)) {
                assert result.size() == outputTensors.size();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Where ONNX Runtime's tensor bound to {@code name} keeps its data, asked from its C API
     * ({@code GetTensorMutableData} on the tensor's {@code OrtValue}): equal to
     * {@code view(name).segment().address()} when nothing is copied.
     *
     * @throws IllegalArgumentException if {@code name} is not bound
     * @throws IllegalStateException if the bridge is closed
     * @throws UnsupportedOperationException if the C API cannot be reached in this process
     */
    public long ortDataAddress(String name) {
        lock.lock();
        try {
            Binding binding = binding(name, "ortDataAddress");
            return OrtNativeData.dataAddress(binding.tensor, dataPointer);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes every ONNX Runtime tensor over the bridge's memory, then the memory: every view the bridge handed out
     * is closed afterwards. Waits for a {@link #run()} in progress. Calling it again does nothing (unless memory
     * could not be freed the first time because another thread was inside it; then it tries again).
     *
     * @throws IllegalStateException if another thread is still using a view's memory (a native call holding it);
     *     the ONNX Runtime tensors are closed anyway, and the memory is freed by a later close()
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                for (Binding binding : allBindings()) {
                    binding.tensor.close();
                }
                for (Binding binding : allBindings()) {
                    unclosed.add(binding.arena);
                }
                unclosed.add(scratchArena);
                inputs.clear();
                outputs.clear();
                inputTensors = Map.of();
                outputTensors = Map.of();
            }
            closeArenas();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            if (closed) {
                return "OrtBridge[closed]";
            }
            StringBuilder text = new StringBuilder("OrtBridge[");
            for (Binding binding : allBindings()) {
                text.append(binding.input ? "input " : "output ")
                        .append(binding.name)
                        .append(' ')
                        .append(binding.dtype)
                        .append(Arrays.toString(binding.shape))
                        .append("; ");
            }
            return text.append(notRunnable == null ? "runnable" : notRunnable)
                    .append(']')
                    .toString();
        } finally {
            lock.unlock();
        }
    }

    // --- binding --------------------------------------------------------------------------------------------------

    /** One bound name: its memory (in an arena of its own, so that growing it frees the old memory) and its tensor. */
    private static final class Binding {
        final String name;
        final boolean input;
        final DType dtype;
        final Arena arena;
        final MemorySegment memory;
        final long[] shape;
        final TensorView view;
        final OnnxTensor tensor;

        Binding(
                String name,
                boolean input,
                DType dtype,
                Arena arena,
                MemorySegment memory,
                long[] shape,
                TensorView view,
                OnnxTensor tensor) {
            this.name = name;
            this.input = input;
            this.dtype = dtype;
            this.arena = arena;
            this.memory = memory;
            this.shape = shape;
            this.view = view;
            this.tensor = tensor;
        }
    }

    private TensorView bind(boolean input, String name, long[] requestedShape) throws OrtException {
        String kind = input ? "input" : "output";
        Objects.requireNonNull(name, kind + " name");
        lock.lock();
        try {
            requireOpen(kind);
            Map<String, TensorInfo> model = input ? modelInputs : modelOutputs;
            TensorInfo info = model.get(name);
            if (info == null) {
                throw new IllegalArgumentException(kind + " '" + name + "': the model has no " + kind
                        + " of that name; its " + kind + "s are " + model.keySet());
            }
            DType dtype = engineType(kind, name, info);
            long[] shape = requestedShape == null ? resolveShape(kind, name, info) : requestedShape.clone();
            checkShape(kind, name, info, shape);
            long bytes = byteSize(kind, name, dtype, shape);

            Map<String, Binding> bindings = input ? inputs : outputs;
            Binding current = bindings.get(name);
            if (current != null && Arrays.equals(current.shape, shape)) {
                return current.view;
            }
            Binding next = newBinding(input, name, dtype, shape, bytes, current);
            bindings.put(name, next);
            if (current != null) {
                // The new tensor exists before the old one goes, so a failure above leaves the old binding intact.
                current.tensor.close();
                if (current.arena != next.arena) {
                    closeArena(current.arena);
                }
            }
            bindingsChanged();
            return next.view;
        } finally {
            lock.unlock();
        }
    }

    private Binding newBinding(boolean input, String name, DType dtype, long[] shape, long bytes, Binding current)
            throws OrtException {
        boolean reuse = current != null && current.memory.byteSize() >= bytes;
        Arena arena = reuse ? current.arena : Arena.ofShared();
        try {
            MemorySegment memory = reuse ? current.memory : arena.allocate(Math.max(bytes, 1), ALIGNMENT);
            MemorySegment used = memory.asSlice(0, bytes);
            TensorView view = TensorView.wrap(used, dtype, shape);
            OnnxTensor tensor = tensorOver(used, dtype, shape);
            if (tensor.ownsBuffer()) {
                tensor.close();
                throw new IllegalStateException((input ? "input '" : "output '") + name
                        + "': ONNX Runtime copied the buffer instead of using it; the bridge would not be zero-copy");
            }
            return new Binding(name, input, dtype, arena, memory, shape, view, tensor);
        } catch (RuntimeException | OrtException e) {
            if (!reuse) {
                arena.close();
            }
            throw e;
        }
    }

    private OnnxTensor tensorOver(MemorySegment memory, DType dtype, long[] shape) throws OrtException {
        // asByteBuffer() is big-endian until told otherwise; ONNX Runtime reads the bytes as native-order values.
        ByteBuffer bytes = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        return switch (dtype) {
            case F32 -> OnnxTensor.createTensor(environment, bytes.asFloatBuffer(), shape);
            case I64 -> OnnxTensor.createTensor(environment, bytes.asLongBuffer(), shape);
            case I32 -> OnnxTensor.createTensor(environment, bytes.asIntBuffer(), shape);
            case F16 -> OnnxTensor.createTensor(environment, bytes.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
            case BF16 -> OnnxTensor.createTensor(environment, bytes.asShortBuffer(), shape, OnnxJavaType.BFLOAT16);
            case U8 -> OnnxTensor.createTensor(environment, bytes, shape, OnnxJavaType.UINT8);
        };
    }

    private static DType engineType(String kind, String name, TensorInfo info) {
        return switch (info.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DType.F32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DType.F16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DType.BF16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DType.I32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DType.I64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DType.U8;
            default ->
                throw new IllegalArgumentException(kind + " '" + name + "': element type " + info.onnxType
                        + " has no engine view; expected float, float16, bfloat16, int32, int64 or uint8");
        };
    }

    private long[] resolveShape(String kind, String name, TensorInfo info) {
        long[] modelShape = info.getShape();
        String[] names = info.getDimensionNames();
        long[] shape = new long[modelShape.length];
        for (int axis = 0; axis < shape.length; axis++) {
            if (modelShape[axis] >= 0) {
                shape[axis] = modelShape[axis];
                continue;
            }
            long value = names[axis].isEmpty() ? -1 : boundValueOf(names[axis]);
            if (value < 0) {
                throw new IllegalArgumentException(kind + " '" + name + "': dimension " + axis
                        + (names[axis].isEmpty() ? "" : " ('" + names[axis] + "')")
                        + " is not fixed by the model and no binding gives it; pass the full shape, e.g. " + kind
                        + "(\"" + name + "\", " + describeDims(modelShape, names) + ")");
            }
            shape[axis] = value;
        }
        return shape;
    }

    /** The value the current bindings give the named symbolic dimension, or -1. */
    private long boundValueOf(String dimension) {
        for (Binding binding : allBindings()) {
            TensorInfo info = (binding.input ? modelInputs : modelOutputs).get(binding.name);
            String[] names = info.getDimensionNames();
            for (int axis = 0; axis < names.length; axis++) {
                if (info.getShape()[axis] < 0 && names[axis].equals(dimension)) {
                    return binding.shape[axis];
                }
            }
        }
        return -1;
    }

    private static void checkShape(String kind, String name, TensorInfo info, long[] shape) {
        long[] modelShape = info.getShape();
        String[] names = info.getDimensionNames();
        if (shape.length != modelShape.length) {
            throw new IllegalArgumentException(kind + " '" + name + "': shape " + Arrays.toString(shape) + " has rank "
                    + shape.length + "; the model's " + kind + " is " + describeDims(modelShape, names) + ", rank "
                    + modelShape.length);
        }
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] < 0) {
                throw new IllegalArgumentException(kind + " '" + name + "': shape " + Arrays.toString(shape)
                        + " has dimension " + axis + " = " + shape[axis] + "; expected >= 0");
            }
            if (modelShape[axis] >= 0 && shape[axis] != modelShape[axis]) {
                throw new IllegalArgumentException(kind + " '" + name + "': shape " + Arrays.toString(shape)
                        + " has dimension " + axis + " = " + shape[axis] + "; the model fixes it at "
                        + modelShape[axis] + " (" + describeDims(modelShape, names) + ")");
            }
        }
    }

    private static long byteSize(String kind, String name, DType dtype, long[] shape) {
        long bytes = dtype.byteSize();
        boolean overflow = false;
        for (long dim : shape) {
            try {
                bytes = Math.multiplyExact(bytes, dim);
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        if (overflow || bytes > maxTensorBytes(dtype)) {
            throw new IllegalArgumentException(kind + " '" + name + "': shape " + Arrays.toString(shape) + " of "
                    + dtype + " is " + (overflow ? "more than 2^63" : String.valueOf(bytes))
                    + " bytes; ONNX Runtime for Java takes a tensor's memory as one direct ByteBuffer, at most "
                    + maxTensorBytes(dtype) + " bytes for " + dtype
                    + " (2 GiB less 8 elements): split the batch into smaller runs");
        }
        return bytes;
    }

    private static String describeDims(long[] modelShape, String[] names) {
        StringBuilder text = new StringBuilder("[");
        for (int axis = 0; axis < modelShape.length; axis++) {
            if (axis > 0) {
                text.append(", ");
            }
            if (modelShape[axis] >= 0) {
                text.append(modelShape[axis]);
            } else {
                text.append(names[axis].isEmpty() ? "?" : names[axis]);
            }
        }
        return text.append(']').toString();
    }

    /** Rebuilds the maps run() hands to ONNX Runtime and decides, once, whether the bindings can run. */
    private void bindingsChanged() {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        inputs.forEach((name, binding) -> in.put(name, binding.tensor));
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        outputs.forEach((name, binding) -> out.put(name, binding.tensor));
        inputTensors = Collections.unmodifiableMap(in);
        outputTensors = Collections.unmodifiableMap(out);
        notRunnable = runnability();
    }

    private String runnability() {
        for (String name : modelInputs.keySet()) {
            if (!inputs.containsKey(name)) {
                return "model input '" + name + "' is not bound (bound inputs: " + inputs.keySet() + ")";
            }
        }
        if (outputs.isEmpty()) {
            return "no output is bound (the model's outputs: " + modelOutputs.keySet() + ")";
        }
        Map<String, String> firstSeen = new LinkedHashMap<>();
        Map<String, Long> values = new LinkedHashMap<>();
        for (Binding binding : allBindings()) {
            TensorInfo info = (binding.input ? modelInputs : modelOutputs).get(binding.name);
            String[] names = info.getDimensionNames();
            String where = (binding.input ? "input '" : "output '") + binding.name + "'";
            for (int axis = 0; axis < names.length; axis++) {
                if (info.getShape()[axis] >= 0 || names[axis].isEmpty()) {
                    continue;
                }
                Long seen = values.putIfAbsent(names[axis], binding.shape[axis]);
                firstSeen.putIfAbsent(names[axis], where);
                if (seen != null && seen != binding.shape[axis]) {
                    return "dimension '" + names[axis] + "' is " + seen + " in " + firstSeen.get(names[axis]) + " but "
                            + binding.shape[axis] + " in " + where + "; bind both with the same value";
                }
            }
        }
        return null;
    }

    // --- state ----------------------------------------------------------------------------------------------------

    private Binding binding(String name, String operation) {
        Objects.requireNonNull(name, "name");
        requireOpen(operation);
        Binding binding = inputs.get(name);
        if (binding == null) {
            binding = outputs.get(name);
        }
        if (binding == null) {
            throw new IllegalArgumentException(operation + ": '" + name + "' is not bound; bound inputs "
                    + inputs.keySet() + ", bound outputs " + outputs.keySet());
        }
        return binding;
    }

    private List<Binding> allBindings() {
        List<Binding> all = new ArrayList<>(inputs.values());
        all.addAll(outputs.values());
        return all;
    }

    private void requireOpen(String operation) {
        if (closed) {
            throw new IllegalStateException(operation + ": the OrtBridge is closed");
        }
    }

    private void closeArena(Arena arena) {
        unclosed.add(arena);
        closeArenas();
    }

    private void closeArenas() {
        IllegalStateException failure = null;
        for (var it = unclosed.iterator(); it.hasNext(); ) {
            Arena arena = it.next();
            try {
                arena.close();
                it.remove();
            } catch (IllegalStateException e) {
                // Another thread holds the memory (a native call in progress): freeing it now would pull it
                // from under that call, so it stays open until a later close() succeeds.
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw new IllegalStateException(
                    "the bridge's memory is still in use by another thread; call close() again when it is done",
                    failure);
        }
    }

    /** The tensor inputs or outputs of the model; sequences and maps have no tensor view and are left out. */
    private static Map<String, TensorInfo> tensorInfos(Map<String, ai.onnxruntime.NodeInfo> nodes) {
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        nodes.forEach((name, node) -> {
            ValueInfo info = node.getInfo();
            if (info instanceof TensorInfo tensor) {
                infos.put(name, tensor);
            }
        });
        return Collections.unmodifiableMap(infos);
    }
}
