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
     * EngineCallFuzzTestInputs/.../softmax-backward-fully-masked-row-nan-dy-zero-policy: a fully masked row (softmax
     * output all 0, log-softmax output all -inf) with a NaN or an infinity in dy gave NaN from softmax backward but 0
     * from log-softmax backward. The masked rule now comes first for both: 0 under ZERO, NaN under NAN; a row that is
     * not masked still becomes NaN.
     */
    @ParameterizedTest
    @EnumSource(
            value = Backend.class,
            names = {"JAVA", "ONEDNN"})
    void aFullyMaskedRowGetsTheMaskedGradientWhateverDyHolds(Backend backend) {
        for (EdgePolicy policy : new EdgePolicy[] {EdgePolicy.ZERO, EdgePolicy.NAN}) {
            try (SoftmaxEngine engine = SoftmaxEngine.create(EngineOptions.builder()
                            .backend(backend)
                            .edgePolicy(policy)
                            .build());
                    Arena arena = Arena.ofConfined()) {
                for (boolean log : new boolean[] {false, true}) {
                    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                        int n = 37;
                        float masked = log ? Float.NEGATIVE_INFINITY : 0f;
                        float[] y = new float[2 * n];
                        float[] dy = new float[2 * n];
                        for (int i = 0; i < n; i++) {
                            y[i] = masked; // row 0: fully masked
                            y[n + i] = log ? (float) -Math.log(n) : 1f / n; // row 1: uniform, not masked
                            dy[i] = i == 5 ? bad : 0.25f * i;
                            dy[n + i] = i == 5 ? bad : 0.25f * i;
                        }
                        TensorView yv = TensorView.allocate(arena, DType.F32, 2, n);
                        TensorView dyv = TensorView.allocate(arena, DType.F32, 2, n);
                        TensorView dx = TensorView.allocate(arena, DType.F32, 2, n);
                        yv.copyFrom(y);
                        dyv.copyFrom(dy);
                        if (log) {
                            engine.logSoftmaxBackward(yv, dyv, dx);
                        } else {
                            engine.softmaxBackward(yv, dyv, dx);
                        }
                        float[] got = dx.toFloatArray();
                        String label = backend + " " + policy + (log ? " log-softmax" : " softmax") + " dy " + bad;
                        for (int i = 0; i < n; i++) {
                            if (policy == EdgePolicy.ZERO) {
                                assertThat(got[i])
                                        .as(label + ": masked row, element " + i)
                                        .isZero();
                            } else {
                                assertThat(got[i])
                                        .as(label + ": masked row, element " + i)
                                        .isNaN();
                            }
                            assertThat(got[n + i])
                                    .as(label + ": unmasked row, element " + i)
                                    .isNaN();
                        }
                    }
                }
            }
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
