package dev.softmax.dlpack;

import static dev.softmax.dlpack.DlpackTestLibrary.BFLOAT;
import static dev.softmax.dlpack.DlpackTestLibrary.CUDA;
import static dev.softmax.dlpack.DlpackTestLibrary.FLOAT;
import static dev.softmax.dlpack.DlpackTestLibrary.INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.DType;
import dev.softmax.ForeignTensor;
import dev.softmax.TensorView;
import dev.softmax.dlpack.DlpackTestLibrary.Spec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tensors the engine does not read are refused at import with a message naming the field and its value, and the
 * refused tensor is not consumed: the producer's deleter (counted in C) is not called, and the caller still owns
 * it.
 */
class DLPackRefusalTest {

    private static DlpackTestLibrary c;

    @BeforeAll
    static void compile() {
        c = DlpackTestLibrary.get();
    }

    private static final Spec GOOD = Spec.f32(new long[] {2, 3}, null, 0, new float[6]);

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(
                        "CUDA device",
                        GOOD.withDevice(CUDA),
                        "dl_tensor.device.device_type: 2 (kDLCUDA) is not supported; expected 1 (kDLCPU): the engine"
                                + " reads host memory only"),
                Arguments.of(
                        "int32",
                        GOOD.withType(INT, 32),
                        "dl_tensor.dtype: code 0 (kDLInt), bits 32 is not supported; expected float32 (kDLFloat, 32),"
                                + " float16 (kDLFloat, 16) or bfloat16 (kDLBfloat, 16)"),
                Arguments.of(
                        "float64",
                        GOOD.withType(FLOAT, 64),
                        "dl_tensor.dtype: code 2 (kDLFloat), bits 64 is not supported; expected float32 (kDLFloat,"
                                + " 32), float16 (kDLFloat, 16) or bfloat16 (kDLBfloat, 16)"),
                Arguments.of(
                        "bfloat32",
                        GOOD.withType(BFLOAT, 32),
                        "dl_tensor.dtype: code 4 (kDLBfloat), bits 32 is not supported; expected float32 (kDLFloat,"
                                + " 32), float16 (kDLFloat, 16) or bfloat16 (kDLBfloat, 16)"),
                Arguments.of(
                        "4 lanes",
                        GOOD.withLanes(4),
                        "dl_tensor.dtype.lanes: 4 is not supported; expected 1 (vector element types are not read)"),
                Arguments.of(
                        "rank 0",
                        new Spec(new long[0], null, 0, FLOAT, 32, 1, 1, new float[1], 0, 1, 1),
                        "dl_tensor.ndim: 0 is not supported; expected 1 to 8"),
                Arguments.of(
                        "rank 9",
                        Spec.f32(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, null, 0, new float[1]),
                        "dl_tensor.ndim: 9 is not supported; expected 1 to 8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void v1Refusals(String name, Spec spec, String message) {
        long deleted = c.v1Deleted();
        MemorySegment managed = c.v1Make(spec);
        try {
            assertThatThrownBy(() -> DLPack.importVersioned(managed))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(message);
            assertThat(c.v1Deleted()).as("refused, so not consumed").isEqualTo(deleted);
        } finally {
            c.v1CallDeleter(managed);
        }
        assertThat(c.v1Deleted()).isEqualTo(deleted + 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void v0Refusals(String name, Spec spec, String message) {
        long deleted = c.v0Deleted();
        MemorySegment managed = c.v0Make(spec, true);
        try {
            assertThatThrownBy(() -> DLPack.importManaged(managed))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(message);
            assertThat(c.v0Deleted()).as("refused, so not consumed").isEqualTo(deleted);
        } finally {
            c.v0CallDeleter(managed);
        }
        assertThat(c.v0Deleted()).isEqualTo(deleted + 1);
    }

    @Test
    void versionTwoIsRefused() {
        MemorySegment managed = c.v1Make(GOOD.withVersion(2, 0));
        try {
            assertThatThrownBy(() -> DLPack.importVersioned(managed))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("version.major: 2 (DLPack 2.0) is not supported; expected 1 (DLPack 1.x)");
        } finally {
            c.v1CallDeleter(managed);
        }
    }

    @Test
    void negativeStridesAreRefused() {
        MemorySegment managed = c.v1Make(Spec.f32(new long[] {2, 3}, new long[] {3, 1}, 0, new float[6]));
        try {
            // C wrote strides [3, 1]; make the second negative as a producer of a reversed view would.
            MemorySegment tensor = dev.softmax.bindings.dlpack.DLManagedTensorVersioned.dl_tensor(
                    managed.reinterpret(dev.softmax.bindings.dlpack.DLManagedTensorVersioned.sizeof()));
            dev.softmax.bindings.dlpack.DLTensor.strides(tensor)
                    .reinterpret(16)
                    .setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 1, -1);
            assertThatThrownBy(() -> DLPack.importVersioned(managed))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dl_tensor.strides[1]: -1 in [3, -1] is negative; expected strides >= 0 (in "
                            + "elements)");
        } finally {
            c.v1CallDeleter(managed);
        }
    }

    @Test
    void nullAndHeapPointersAreRefused() {
        assertThatThrownBy(() -> DLPack.importVersioned(MemorySegment.NULL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("managedTensor: NULL; expected the address of a DLPack managed tensor made by native code");
        assertThatThrownBy(() -> DLPack.importManaged(MemorySegment.ofArray(new byte[64])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("managedTensor: Java heap memory; expected the address of a DLPack managed tensor made "
                        + "by native code");
        assertThatThrownBy(() -> DLPack.importManaged(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("managedTensor");
    }

    @Test
    void exportRefusesHeapViewsAndIntegerTypes() {
        assertThatThrownBy(() -> DLPack.exportVersioned(TensorView.of(new float[4], 2, 2), () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("view: Java heap memory cannot be handed to native code; expected a view over native "
                        + "memory (an arena allocation or a ForeignTensor)");
        try (Arena arena = Arena.ofConfined()) {
            TensorView labels = TensorView.allocate(arena, DType.I32, 4);
            assertThatThrownBy(() -> DLPack.exportVersioned(labels, () -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("view: dtype i32 is not exported; expected F32, F16 or BF16");
        }
        ForeignTensor closed = ForeignTensor.allocate(DType.F32, 2);
        closed.close();
        assertThatThrownBy(() -> DLPack.exportVersioned(closed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(DLPack.outstandingExports()).isZero();
    }
}
