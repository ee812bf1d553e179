package dev.softmax.dlpack;

import dev.softmax.DType;
import dev.softmax.ForeignTensor;
import dev.softmax.TensorView;
import dev.softmax.bindings.dlpack.DLDataType;
import dev.softmax.bindings.dlpack.DLDevice;
import dev.softmax.bindings.dlpack.DLManagedTensor;
import dev.softmax.bindings.dlpack.DLManagedTensorVersioned;
import dev.softmax.bindings.dlpack.DLPackVersion;
import dev.softmax.bindings.dlpack.DLTensor;
import dev.softmax.bindings.dlpack.dlpack_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DLPack, the C tensor-exchange ABI of PyTorch, TVM, JAX, CuPy and others, on both sides: a
 * {@code DLManagedTensor*} (0.x ABI) or {@code DLManagedTensorVersioned*} (1.x ABI) produced by native code becomes
 * a {@link ForeignTensor} without a copy, and a {@link TensorView} becomes a {@code DLManagedTensorVersioned*} for
 * native code, again without a copy.
 *
 * <p><b>Import.</b> Accepted: device {@code kDLCPU}; dtype float32 ({@code kDLFloat}, 32 bits), float16
 * ({@code kDLFloat}, 16) or bfloat16 ({@code kDLBfloat}, 16) with 1 lane; 1 to {@value TensorView#MAX_RANK}
 * dimensions; non-negative strides in elements, or NULL for compact row-major; any {@code byte_offset}; for 1.x,
 * {@code version.major == 1}. The view starts at {@code data + byte_offset}. Anything else is refused with an
 * {@link IllegalArgumentException} naming the field and its value, before anything is consumed: the deleter is
 * not called and the caller still owns the managed tensor. Once imported, the returned tensor owns it: its
 * {@link ForeignTensor#close()} calls the producer's deleter exactly once (a NULL deleter is allowed and means
 * there is nothing to call). A 1.x tensor flagged {@code DLPACK_FLAG_BITMASK_READ_ONLY} becomes a read-only view,
 * which the engine refuses to write; {@link #importVersioned(MemorySegment, boolean)} with {@code writable}
 * refuses it at import instead.
 *
 * <p><b>Export.</b> {@link #exportVersioned(ForeignTensor)} and {@link #exportVersioned(TensorView, Runnable)}
 * return a {@code DLManagedTensorVersioned*} (version 1.1, {@code byte_offset} 0, explicit strides, {@code data}
 * equal to the view's address, {@code DLPACK_FLAG_BITMASK_READ_ONLY} when the view is read-only). Its deleter is
 * an FFM upcall stub: the first call releases the engine-side hold (and frees the struct), later calls with the
 * same pointer do nothing. The consumer must call the deleter exactly once, as DLPack requires; until then the
 * export keeps the tensor's memory alive. {@link #outstandingExports()} counts exports whose deleter has not
 * been called.
 */
public final class DLPack {

    private static final long READ_ONLY = dlpack_h.DLPACK_FLAG_BITMASK_READ_ONLY();
    private static final ValueLayout.OfLong INT64 = ValueLayout.JAVA_LONG;

    /** Exports whose deleter has not run yet, by the address of their struct. */
    private static final Map<Long, Export> EXPORTS = new ConcurrentHashMap<>();

    private static final AtomicLong DELETER_CALLS = new AtomicLong();
    private static final AtomicLong STRAY_DELETER_CALLS = new AtomicLong();

    /** One upcall stub serves every export; it lives as long as the class. */
    private static final MemorySegment EXPORT_DELETER =
            DLManagedTensorVersioned.deleter.allocate(DLPack::onExportDeleted, Arena.global());

    private DLPack() {}

    // ---- import ------------------------------------------------------------------------------------------

    /**
     * Imports a DLPack 0.x {@code DLManagedTensor*}; the returned tensor calls its deleter once when closed.
     *
     * @throws IllegalArgumentException naming the field when the tensor is not one the engine reads; the deleter
     *     is then not called
     */
    public static ForeignTensor importManaged(MemorySegment managedTensor) {
        MemorySegment managed = dereference(managedTensor, "managedTensor", DLManagedTensor.sizeof());
        MemorySegment tensor = DLManagedTensor.dl_tensor(managed);
        Described described = describe(tensor, "dl_tensor");
        MemorySegment deleter = DLManagedTensor.deleter(managed);
        return described.wrap(false, deleterCall(deleter, managed, false));
    }

    /** Imports a DLPack 1.x {@code DLManagedTensorVersioned*}; a read-only one becomes a read-only view. */
    public static ForeignTensor importVersioned(MemorySegment managedTensor) {
        return importVersioned(managedTensor, false);
    }

    /**
     * Imports a DLPack 1.x {@code DLManagedTensorVersioned*}; the returned tensor calls its deleter once when
     * closed.
     *
     * @param writable refuse a tensor flagged {@code DLPACK_FLAG_BITMASK_READ_ONLY} (the caller means to write it)
     * @throws IllegalArgumentException naming the field when the tensor is not one the engine reads, or is
     *     read-only and {@code writable} is set; the deleter is then not called
     */
    public static ForeignTensor importVersioned(MemorySegment managedTensor, boolean writable) {
        MemorySegment managed = dereference(managedTensor, "managedTensor", DLManagedTensorVersioned.sizeof());
        MemorySegment version = DLManagedTensorVersioned.version(managed);
        int major = DLPackVersion.major(version);
        if (major != dlpack_h.DLPACK_MAJOR_VERSION()) {
            throw new IllegalArgumentException("version.major: " + Integer.toUnsignedString(major)
                    + " (DLPack " + Integer.toUnsignedString(major) + "."
                    + Integer.toUnsignedString(DLPackVersion.minor(version)) + ") is not supported; expected "
                    + dlpack_h.DLPACK_MAJOR_VERSION() + " (DLPack 1.x)");
        }
        long flags = DLManagedTensorVersioned.flags(managed);
        boolean readOnly = (flags & READ_ONLY) != 0;
        if (readOnly && writable) {
            throw new IllegalArgumentException("flags: 0x" + Long.toHexString(flags)
                    + " has DLPACK_FLAG_BITMASK_READ_ONLY set but a writable tensor was requested; expected a "
                    + "tensor the producer allows to be written (or import it read-only)");
        }
        Described described = describe(DLManagedTensorVersioned.dl_tensor(managed), "dl_tensor");
        MemorySegment deleter = DLManagedTensorVersioned.deleter(managed);
        return described.wrap(readOnly, deleterCall(deleter, managed, true));
    }

    private record Described(MemorySegment data, DType dtype, long[] shape, long[] strides) {
        ForeignTensor wrap(boolean readOnly, Runnable release) {
            return ForeignTensor.wrap(data, dtype, shape, strides, readOnly, release);
        }
    }

    private static MemorySegment dereference(MemorySegment pointer, String name, long bytes) {
        Objects.requireNonNull(pointer, name);
        if (!pointer.isNative() || pointer.address() == 0) {
            throw new IllegalArgumentException(name + ": " + (pointer.isNative() ? "NULL" : "Java heap memory")
                    + "; expected the address of a DLPack managed tensor made by native code");
        }
        return MemorySegment.ofAddress(pointer.address()).reinterpret(bytes);
    }

    /** Reads and checks a DLTensor; every message starts with the field's path under {@code prefix}. */
    private static Described describe(MemorySegment tensor, String prefix) {
        MemorySegment device = DLTensor.device(tensor);
        int deviceType = DLDevice.device_type(device);
        if (deviceType != dlpack_h.kDLCPU()) {
            throw new IllegalArgumentException(prefix + ".device.device_type: " + deviceType + " ("
                    + deviceName(deviceType) + ") is not supported; expected " + dlpack_h.kDLCPU()
                    + " (kDLCPU): the engine reads host memory only");
        }
        MemorySegment dtype = DLTensor.dtype(tensor);
        int code = Byte.toUnsignedInt(DLDataType.code(dtype));
        int bits = Byte.toUnsignedInt(DLDataType.bits(dtype));
        int lanes = Short.toUnsignedInt(DLDataType.lanes(dtype));
        if (lanes != 1) {
            throw new IllegalArgumentException(prefix + ".dtype.lanes: " + lanes + " is not supported; expected 1 "
                    + "(vector element types are not read)");
        }
        DType type = dtypeOf(code, bits);
        if (type == null) {
            throw new IllegalArgumentException(prefix + ".dtype: code " + code + " (" + codeName(code) + "), bits "
                    + bits + " is not supported; expected float32 (kDLFloat, 32), float16 (kDLFloat, 16) or "
                    + "bfloat16 (kDLBfloat, 16)");
        }
        int ndim = DLTensor.ndim(tensor);
        if (ndim < 1 || ndim > TensorView.MAX_RANK) {
            throw new IllegalArgumentException(
                    prefix + ".ndim: " + ndim + " is not supported; expected 1 to " + TensorView.MAX_RANK);
        }
        MemorySegment shapePointer = DLTensor.shape(tensor);
        if (shapePointer.address() == 0) {
            throw new IllegalArgumentException(prefix + ".shape: NULL; expected " + ndim + " int64 dimensions");
        }
        long[] shape = shapePointer.reinterpret(ndim * INT64.byteSize()).toArray(INT64);
        for (int i = 0; i < ndim; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(prefix + ".shape[" + i + "]: " + shape[i] + " in "
                        + Arrays.toString(shape) + "; expected >= 0");
            }
        }
        MemorySegment stridesPointer = DLTensor.strides(tensor);
        long[] strides;
        if (stridesPointer.address() == 0) {
            try {
                strides = TensorView.rowMajorStrides(shape);
            } catch (IllegalArgumentException tooLarge) {
                throw new IllegalArgumentException(
                        prefix + ".shape: " + Arrays.toString(shape) + " with NULL strides has more elements than"
                                + " 64-bit row-major strides can address; expected a tensor that fits in memory",
                        tooLarge);
            }
        } else {
            strides = stridesPointer.reinterpret(ndim * INT64.byteSize()).toArray(INT64);
            for (int i = 0; i < ndim; i++) {
                if (strides[i] < 0) {
                    throw new IllegalArgumentException(prefix + ".strides[" + i + "]: " + strides[i] + " in "
                            + Arrays.toString(strides) + " is negative; expected strides >= 0 (in elements)");
                }
            }
        }
        long data = DLTensor.data(tensor).address();
        long byteOffset = DLTensor.byte_offset(tensor);
        if (byteOffset < 0 || (data != 0 && data > Long.MAX_VALUE - byteOffset)) {
            throw new IllegalArgumentException(prefix + ".byte_offset: " + Long.toUnsignedString(byteOffset)
                    + " added to data 0x" + Long.toHexString(data) + " overflows the address space");
        }
        boolean empty = Arrays.stream(shape).anyMatch(d -> d == 0);
        if (data == 0 && !empty) {
            throw new IllegalArgumentException(prefix + ".data: NULL for shape " + Arrays.toString(shape)
                    + "; expected the address of the tensor's memory");
        }
        return new Described(MemorySegment.ofAddress(data + byteOffset), type, shape, strides);
    }

    private static DType dtypeOf(int code, int bits) {
        if (code == dlpack_h.kDLFloat() && bits == 32) {
            return DType.F32;
        }
        if (code == dlpack_h.kDLFloat() && bits == 16) {
            return DType.F16;
        }
        if (code == dlpack_h.kDLBfloat() && bits == 16) {
            return DType.BF16;
        }
        return null;
    }

    private static String codeName(int code) {
        return switch (code) {
            case 0 -> "kDLInt";
            case 1 -> "kDLUInt";
            case 2 -> "kDLFloat";
            case 3 -> "kDLOpaqueHandle";
            case 4 -> "kDLBfloat";
            case 5 -> "kDLComplex";
            case 6 -> "kDLBool";
            default -> "unknown type code";
        };
    }

    private static String deviceName(int deviceType) {
        return switch (deviceType) {
            case 1 -> "kDLCPU";
            case 2 -> "kDLCUDA";
            case 3 -> "kDLCUDAHost";
            case 4 -> "kDLOpenCL";
            case 7 -> "kDLVulkan";
            case 8 -> "kDLMetal";
            case 9 -> "kDLVPI";
            case 10 -> "kDLROCM";
            case 11 -> "kDLROCMHost";
            case 12 -> "kDLExtDev";
            case 13 -> "kDLCUDAManaged";
            case 14 -> "kDLOneAPI";
            case 15 -> "kDLWebGPU";
            case 16 -> "kDLHexagon";
            case 17 -> "kDLMAIA";
            default -> "unknown device type";
        };
    }

    private static Runnable deleterCall(MemorySegment deleter, MemorySegment managed, boolean versioned) {
        if (deleter.address() == 0) {
            return null;
        }
        MemorySegment self = MemorySegment.ofAddress(managed.address());
        return versioned
                ? () -> DLManagedTensorVersioned.deleter.invoke(deleter, self)
                : () -> DLManagedTensor.deleter.invoke(deleter, self);
    }

    // ---- export ------------------------------------------------------------------------------------------

    /**
     * Exports {@code tensor} as a {@code DLManagedTensorVersioned*} holding it: the tensor's memory stays alive
     * (even after its owner closes it) until the consumer calls the deleter, which releases the hold.
     *
     * @throws IllegalStateException when {@code tensor} is closed
     * @throws IllegalArgumentException when its type has no DLPack float equivalent
     */
    public static MemorySegment exportVersioned(ForeignTensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        ForeignTensor.Hold hold = tensor.acquire();
        try {
            return export(hold.view(), hold::close);
        } catch (RuntimeException | Error e) {
            hold.close();
            throw e;
        }
    }

    /**
     * Exports {@code view} as a {@code DLManagedTensorVersioned*}; {@code onDelete} runs exactly once, when the
     * consumer calls the deleter (on the consumer's thread). The caller keeps the view's memory alive until then.
     * An exception from {@code onDelete} cannot cross into C: it goes to the thread's uncaught-exception handler.
     *
     * @throws IllegalArgumentException when the view is heap memory or its type has no DLPack float equivalent
     */
    public static MemorySegment exportVersioned(TensorView view, Runnable onDelete) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(onDelete, "onDelete");
        return export(view, onDelete);
    }

    private static MemorySegment export(TensorView view, Runnable onDelete) {
        MemorySegment segment = view.segment();
        if (!segment.isNative()) {
            throw new IllegalArgumentException("view: Java heap memory cannot be handed to native code; expected a "
                    + "view over native memory (an arena allocation or a ForeignTensor)");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("view: the memory segment is no longer alive (its arena was closed)");
        }
        int code;
        int bits;
        switch (view.dtype()) {
            case F32 -> {
                code = dlpack_h.kDLFloat();
                bits = 32;
            }
            case F16 -> {
                code = dlpack_h.kDLFloat();
                bits = 16;
            }
            case BF16 -> {
                code = dlpack_h.kDLBfloat();
                bits = 16;
            }
            default ->
                throw new IllegalArgumentException(
                        "view: dtype " + view.dtype().label() + " is not exported; " + "expected F32, F16 or BF16");
        }
        int rank = view.rank();
        Arena arena = Arena.ofShared();
        MemorySegment managed = DLManagedTensorVersioned.allocate(arena);
        MemorySegment shape = arena.allocate(INT64, rank);
        MemorySegment strides = arena.allocate(INT64, rank);
        MemorySegment.copy(view.shape(), 0, shape, INT64, 0, rank);
        MemorySegment.copy(view.strides(), 0, strides, INT64, 0, rank);

        MemorySegment version = DLManagedTensorVersioned.version(managed);
        DLPackVersion.major(version, dlpack_h.DLPACK_MAJOR_VERSION());
        DLPackVersion.minor(version, dlpack_h.DLPACK_MINOR_VERSION());
        DLManagedTensorVersioned.manager_ctx(managed, MemorySegment.NULL);
        DLManagedTensorVersioned.deleter(managed, EXPORT_DELETER);
        DLManagedTensorVersioned.flags(managed, segment.isReadOnly() ? READ_ONLY : 0L);
        MemorySegment tensor = DLManagedTensorVersioned.dl_tensor(managed);
        DLTensor.data(tensor, MemorySegment.ofAddress(segment.address()));
        MemorySegment device = DLTensor.device(tensor);
        DLDevice.device_type(device, dlpack_h.kDLCPU());
        DLDevice.device_id(device, 0);
        DLTensor.ndim(tensor, rank);
        MemorySegment dtype = DLTensor.dtype(tensor);
        DLDataType.code(dtype, (byte) code);
        DLDataType.bits(dtype, (byte) bits);
        DLDataType.lanes(dtype, (short) 1);
        DLTensor.shape(tensor, shape);
        DLTensor.strides(tensor, strides);
        DLTensor.byte_offset(tensor, 0L);

        EXPORTS.put(managed.address(), new Export(arena, onDelete));
        return MemorySegment.ofAddress(managed.address());
    }

    private record Export(Arena arena, Runnable onDelete) {}

    /** The exported deleter, called from C: never throws (an exception here would end the JVM). */
    private static void onExportDeleted(MemorySegment self) {
        try {
            Export export = EXPORTS.remove(self.address());
            if (export == null) {
                STRAY_DELETER_CALLS.incrementAndGet();
                return;
            }
            DELETER_CALLS.incrementAndGet();
            try {
                export.onDelete().run();
            } finally {
                export.arena().close();
            }
        } catch (Throwable failure) {
            try {
                Thread thread = Thread.currentThread();
                thread.getUncaughtExceptionHandler().uncaughtException(thread, failure);
            } catch (Throwable ignored) {
                // Nothing may escape into C.
            }
        }
    }

    /** Exports whose deleter has not been called yet. */
    public static int outstandingExports() {
        return EXPORTS.size();
    }

    /**
     * Calls of the export deleter with a pointer that is not (or no longer) an outstanding export, such as a
     * second call for the same tensor; they are ignored, and counted here.
     */
    public static long strayDeleterCalls() {
        return STRAY_DELETER_CALLS.get();
    }

    /** Calls of the export deleter that released an export. */
    public static long exportDeleterCalls() {
        return DELETER_CALLS.get();
    }
}
