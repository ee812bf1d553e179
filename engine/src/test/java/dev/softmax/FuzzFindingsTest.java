package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.bindings.dlpack.DLDataType;
import dev.softmax.bindings.dlpack.DLDevice;
import dev.softmax.bindings.dlpack.DLManagedTensor;
import dev.softmax.bindings.dlpack.DLTensor;
import dev.softmax.dlpack.DLPack;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bugs the fuzz targets (dev.softmax.fuzz, RELIABILITY.md) found, each as a plain unit test beside its corpus entry.
 */
class FuzzFindingsTest {

    /**
     * EngineCallFuzzTestInputs/.../attention-empty-rows-divide-by-zero: rows of zero keys with a scale (so the rows
     * are loaded and grouped) threw ArithmeticException "/ by zero" from the row grouping instead of returning with
     * nothing to do, as every other operation does for an empty dimension.
     */
    @ParameterizedTest
    @EnumSource(
            value = Backend.class,
            names = {"JAVA", "ONEDNN"})
    void attentionOverRowsOfNoKeysReturnsWithNothingToDo(Backend backend) {
        try (SoftmaxEngine engine = SoftmaxEngine.create(
                        EngineOptions.builder().backend(backend).build());
                Arena arena = Arena.ofConfined()) {
            for (long[] shape : new long[][] {{3, 0}, {2, 4, 0}, {1, 1, 0}}) {
                TensorView x = TensorView.allocate(arena, DType.F32, shape);
                TensorView dst = TensorView.allocate(arena, DType.F32, shape);
                engine.attentionSoftmax(x, dst, AttentionOptions.defaults().scale(0.5f));
                engine.attentionSoftmax(
                        x, dst, AttentionOptions.defaults().scale(0.5f).causal());
                engine.attentionSoftmax(x, dst, AttentionOptions.defaults().softcap(30f));
                assertThat(dst.elementCount()).isZero();
            }
            assertThat(engine.statistics().javaCalls())
                    .as("the calls were made")
                    .isPositive();
        }
    }

    /**
     * DLPackImportFuzzTestInputs/.../dlpack-null-strides-shape-overflow: a DLPack tensor with NULL strides and a shape
     * of more than 2^63 elements made import throw ArithmeticException ("long overflow") from the row-major strides,
     * instead of the documented IllegalArgumentException naming the field (with the deleter not called).
     */
    @Test
    void aDlpackShapeWhoseRowMajorStridesOverflowIsRefusedNamingTheField() {
        AtomicInteger deleted = new AtomicInteger();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment managed = arena.allocate(DLManagedTensor.sizeof(), 16);
            MemorySegment tensor = DLManagedTensor.dl_tensor(managed);
            MemorySegment shape = arena.allocateFrom(ValueLayout.JAVA_LONG, 3, Long.MAX_VALUE / 2, 4);
            DLTensor.data(tensor, arena.allocate(64));
            DLDevice.device_type(DLTensor.device(tensor), 1);
            DLDataType.code(DLTensor.dtype(tensor), (byte) 2);
            DLDataType.bits(DLTensor.dtype(tensor), (byte) 32);
            DLDataType.lanes(DLTensor.dtype(tensor), (short) 1);
            DLTensor.ndim(tensor, 3);
            DLTensor.shape(tensor, shape);
            DLTensor.strides(tensor, MemorySegment.NULL);
            DLManagedTensor.deleter(
                    managed, DLManagedTensor.deleter.allocate(self -> deleted.incrementAndGet(), arena));

            assertThatThrownBy(() -> DLPack.importManaged(managed))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("dl_tensor.shape: [3, " + Long.MAX_VALUE / 2 + ", 4] with NULL strides");
            assertThat(deleted).hasValue(0);
        }
    }

    /** The same overflow through the public row-major helpers: an IllegalArgumentException, not ArithmeticException. */
    @Test
    void rowMajorStridesThatOverflowAreAnIllegalArgument() {
        assertThatThrownBy(() -> TensorView.rowMajorStrides(2, Long.MAX_VALUE / 2, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflow 64 bits");
        assertThatThrownBy(() -> TensorView.wrap(MemorySegment.NULL, DType.F32, 3, Long.MAX_VALUE / 2, 4))
                .isInstanceOf(IllegalArgumentException.class);
        // The outermost dimension is not part of any stride: its size is the view's business, checked there.
        assertThat(TensorView.rowMajorStrides(Long.MAX_VALUE, 2, 3)).containsExactly(6, 3, 1);
    }
}
