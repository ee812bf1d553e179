package dev.softmax.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.ForeignTensor;
import dev.softmax.TensorView;
import dev.softmax.bindings.dlpack.DLDataType;
import dev.softmax.bindings.dlpack.DLDevice;
import dev.softmax.bindings.dlpack.DLManagedTensor;
import dev.softmax.bindings.dlpack.DLManagedTensorVersioned;
import dev.softmax.bindings.dlpack.DLPackVersion;
import dev.softmax.bindings.dlpack.DLTensor;
import dev.softmax.dlpack.DLPack;
import dev.softmax.fuzzing.FuzzStats;
import dev.softmax.testing.ReferenceSoftmax;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fuzzes DLPack import (0.x {@code DLManagedTensor} and 1.x {@code DLManagedTensorVersioned}) over arbitrary struct
 * contents inside a sandbox segment: version, flags, device, dtype code/bits/lanes, ndim, shape and stride values
 * (negative, huge, zero), NULL or present strides and data, any {@code byte_offset}, NULL or real deleters. Every
 * pointer in the struct points into the sandbox (or is NULL), so the importer's reads stay inside it.
 *
 * <p>The property: the import either throws {@link IllegalArgumentException} and does not call the deleter, or returns
 * a tensor whose type, shape, strides and address are exactly what the struct says, whose close calls the deleter
 * exactly once; and when that tensor's bytes lie inside the sandbox's data area, a softmax over it matches the
 * double reference.
 */
class DLPackImportFuzzTest {

    private static final AtomicLong DELETER_CALLS = new AtomicLong();
    private static final MemorySegment DELETER_V1 =
            DLManagedTensorVersioned.deleter.allocate(self -> DELETER_CALLS.incrementAndGet(), Arena.global());
    private static final MemorySegment DELETER_V0 =
            DLManagedTensor.deleter.allocate(self -> DELETER_CALLS.incrementAndGet(), Arena.global());
    private static final long DATA_BYTES = 4096;

    @FuzzTest
    void anyStructIsImportedAsDescribedOrRefusedWithoutCallingTheDeleter(FuzzedDataProvider data) {
        FuzzStats.count("DLPackImportFuzzTest");
        boolean versioned = data.consumeBoolean();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment managed =
                    arena.allocate(Math.max(DLManagedTensorVersioned.sizeof(), DLManagedTensor.sizeof()), 16);
            MemorySegment shapeArray = arena.allocate(ValueLayout.JAVA_LONG, 10);
            MemorySegment stridesArray = arena.allocate(ValueLayout.JAVA_LONG, 10);
            MemorySegment dataArea = arena.allocate(DATA_BYTES, 64);
            float[] logits = new float[(int) (DATA_BYTES / 4)];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (i * 37 % 101) / 10f - 5f;
            }
            MemorySegment.copy(logits, 0, dataArea, ValueLayout.JAVA_FLOAT, 0, logits.length);

            MemorySegment tensor =
                    versioned ? DLManagedTensorVersioned.dl_tensor(managed) : DLManagedTensor.dl_tensor(managed);
            int ndim = data.consumeInt(-1, 10);
            long[] shape = new long[10];
            long[] strides = new long[10];
            for (int d = 0; d < 10; d++) {
                shape[d] = dimension(data);
                strides[d] = stride(data);
            }
            MemorySegment.copy(shape, 0, shapeArray, ValueLayout.JAVA_LONG, 0, 10);
            MemorySegment.copy(strides, 0, stridesArray, ValueLayout.JAVA_LONG, 0, 10);
            boolean nullStrides = data.consumeBoolean();
            boolean nullData = data.consumeInt(0, 9) == 0;
            long byteOffset = switch (data.consumeInt(0, 4)) {
                case 0 -> data.consumeLong();
                case 1 -> Long.MAX_VALUE - data.consumeInt(0, 8);
                default -> data.consumeInt(0, 64);
            };
            DLTensor.data(tensor, nullData ? MemorySegment.NULL : dataArea);
            DLDevice.device_type(DLTensor.device(tensor), data.consumeInt(0, 9) == 0 ? data.consumeInt() : 1);
            DLDevice.device_id(DLTensor.device(tensor), data.consumeInt());
            DLTensor.ndim(tensor, ndim);
            MemorySegment dtype = DLTensor.dtype(tensor);
            int typeChoice = data.consumeInt(0, 4);
            DLDataType.code(dtype, (byte) (typeChoice == 0 ? data.consumeByte() : typeChoice == 1 ? 4 : 2));
            DLDataType.bits(dtype, (byte) (typeChoice == 0 ? data.consumeByte() : typeChoice == 2 ? 32 : 16));
            DLDataType.lanes(dtype, (short) (data.consumeInt(0, 9) == 0 ? data.consumeShort() : 1));
            DLTensor.shape(tensor, data.consumeInt(0, 19) == 0 ? MemorySegment.NULL : shapeArray);
            DLTensor.strides(tensor, nullStrides ? MemorySegment.NULL : stridesArray);
            DLTensor.byte_offset(tensor, byteOffset);
            boolean withDeleter = data.consumeBoolean();
            if (versioned) {
                MemorySegment version = DLManagedTensorVersioned.version(managed);
                DLPackVersion.major(version, data.consumeInt(0, 9) == 0 ? data.consumeInt() : 1);
                DLPackVersion.minor(version, data.consumeInt());
                DLManagedTensorVersioned.flags(managed, data.consumeLong());
                DLManagedTensorVersioned.deleter(managed, withDeleter ? DELETER_V1 : MemorySegment.NULL);
            } else {
                DLManagedTensor.deleter(managed, withDeleter ? DELETER_V0 : MemorySegment.NULL);
            }
            boolean writable = data.consumeBoolean();

            long deletedBefore = DELETER_CALLS.get();
            ForeignTensor imported;
            try {
                imported = versioned ? DLPack.importVersioned(managed, writable) : DLPack.importManaged(managed);
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).isNotBlank();
                assertThat(DELETER_CALLS.get())
                        .as("a refused tensor is not consumed")
                        .isEqualTo(deletedBefore);
                return;
            }
            try {
                TensorView view = imported.view();
                assertThat(ndim).isBetween(1, TensorView.MAX_RANK);
                long[] claimedShape = Arrays.copyOf(shape, ndim);
                assertThat(view.shape()).isEqualTo(claimedShape);
                long[] claimedStrides =
                        nullStrides ? TensorView.rowMajorStrides(claimedShape) : Arrays.copyOf(strides, ndim);
                for (int d = 0; d < ndim; d++) {
                    if (claimedShape[d] > 1) {
                        assertThat(view.stride(d)).as("stride %d", d).isEqualTo(claimedStrides[d]);
                    }
                }
                long expectedAddress = (nullData ? 0 : dataArea.address()) + byteOffset;
                assertThat(imported.address()).isEqualTo(expectedAddress);
                long span = view.spanBytes();
                boolean inside = view.elementCount() > 0
                        && view.elementCount() <= 4096 // a broadcast (stride 0) view may claim any count
                        && !nullData
                        && byteOffset >= 0
                        && byteOffset <= DATA_BYTES
                        && span <= DATA_BYTES - byteOffset
                        && view.dtype() == DType.F32;
                if (inside) {
                    TensorView dst = TensorView.allocate(arena, DType.F32, claimedShape);
                    float[] input = view.toFloatArray();
                    EngineCallFuzzTest.engine(Backend.JAVA, EdgePolicy.ZERO).softmax(view, dst);
                    ReferenceSoftmax.Spec spec = ReferenceSoftmax.Spec.of(claimedShape, -1, false);
                    ReferenceSoftmax.assertMatches(
                            "softmax over an imported tensor",
                            input,
                            dst.toFloatArray(),
                            ReferenceSoftmax.compute(input, spec),
                            DType.F32,
                            spec);
                }
            } finally {
                imported.close();
                imported.close();
            }
            assertThat(DELETER_CALLS.get() - deletedBefore)
                    .as("deleter calls after close (twice)")
                    .isEqualTo(withDeleter ? 1 : 0);
        }
    }

    private static long dimension(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeLong();
            case 1 -> -data.consumeInt(1, 3);
            case 2 -> Long.MAX_VALUE / data.consumeInt(1, 4);
            default -> data.consumeInt(0, 6);
        };
    }

    private static long stride(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeLong();
            case 1 -> -data.consumeInt(1, 3);
            case 2 -> Long.MAX_VALUE / data.consumeInt(1, 4);
            default -> data.consumeInt(0, 40);
        };
    }
}
