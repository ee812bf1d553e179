package dev.softmax.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.DType;
import dev.softmax.ForeignTensor;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.Types.MinorType;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Arrow to engine and engine to Arrow without a copy, proven by buffer addresses, and freed exactly once: the
 * allocator reports 0 bytes and closes without a leak error, and {@link ForeignTensor#openCount()} returns to where
 * it was, in every close order.
 */
class ArrowTensorsTest {

    private BufferAllocator allocator;
    private SoftmaxEngine engine;
    private long openBefore;

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        engine = SoftmaxEngine.create();
        openBefore = ForeignTensor.openCount();
    }

    @AfterEach
    void tearDown() {
        engine.close();
        assertThat(allocator.getAllocatedMemory()).as("Arrow memory left").isZero();
        allocator.close(); // throws on a leak
        assertThat(ForeignTensor.openCount()).as("tensors left").isEqualTo(openBefore);
    }

    private FixedSizeListVector floats(int rows, int width, FloatingPointPrecision precision) {
        FixedSizeListVector vector = FixedSizeListVector.empty("logits", width, allocator);
        vector.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(precision)));
        vector.allocateNew();
        for (int r = 0; r < rows; r++) {
            vector.setNotNull(r);
        }
        for (int i = 0; i < rows * width; i++) {
            float value = (i % 5) - 2f;
            if (precision == FloatingPointPrecision.SINGLE) {
                ((Float4Vector) vector.getDataVector()).setSafe(i, value);
            } else {
                ((Float2Vector) vector.getDataVector()).setSafeWithPossibleTruncate(i, value);
            }
        }
        vector.getDataVector().setValueCount(rows * width);
        vector.setValueCount(rows);
        return vector;
    }

    @Test
    void float4ListsAreAViewOverTheArrowBuffer() {
        try (FixedSizeListVector vector = floats(3, 7, FloatingPointPrecision.SINGLE);
                ForeignTensor tensor = ArrowTensors.view(vector)) {
            Float4Vector child = (Float4Vector) vector.getDataVector();
            TensorView view = tensor.view();
            assertThat(view.segment().address())
                    .as("no copy")
                    .isEqualTo(child.getDataBuffer().memoryAddress());
            assertThat(view.shape()).containsExactly(3, 7);
            assertThat(view.dtype()).isEqualTo(DType.F32);
            assertThat(view.segment().byteSize())
                    .as(
                            "sized from rows x width, not capacity (%d)",
                            child.getDataBuffer().capacity())
                    .isEqualTo(3 * 7 * 4);
            engine.softmax(view, view); // in place, in Arrow's buffer
            for (int r = 0; r < 3; r++) {
                double sum = 0;
                for (int j = 0; j < 7; j++) {
                    sum += child.get(r * 7 + j);
                }
                assertThat(sum).as("row %d of the Arrow vector sums to 1", r).isCloseTo(1, within(1e-6));
            }
        }
    }

    @Test
    void float2ListsAreF16Views() {
        try (FixedSizeListVector vector = floats(2, 5, FloatingPointPrecision.HALF);
                ForeignTensor tensor = ArrowTensors.view(vector);
                ForeignTensor probabilities = ForeignTensor.allocate(DType.F32, 2, 5)) {
            assertThat(tensor.view().dtype()).isEqualTo(DType.F16);
            assertThat(tensor.address())
                    .isEqualTo(((Float2Vector) vector.getDataVector())
                            .getDataBuffer()
                            .memoryAddress());
            assertThat(tensor.view().getFloat(0, 4)).isEqualTo(2f);
            engine.softmax(tensor.view(), probabilities.view());
            assertThat(probabilities.view().getFloat(0, 4))
                    .isGreaterThan(probabilities.view().getFloat(0, 0));
        }
    }

    @Test
    void closingTheVectorFirstKeepsTheViewAlive() {
        FixedSizeListVector vector = floats(2, 4, FloatingPointPrecision.SINGLE);
        ForeignTensor tensor = ArrowTensors.view(vector);
        vector.close();
        assertThat(allocator.getAllocatedMemory()).as("held by the tensor").isPositive();
        engine.softmax(tensor.view(), tensor.view());
        tensor.close();
        tensor.close();
        assertThat(allocator.getAllocatedMemory()).isZero();
    }

    @Test
    void engineOutputIsExposedToArrowWithoutACopy() {
        ForeignTensor probabilities = ForeignTensor.allocate(DType.F32, 4, 6);
        try (FixedSizeListVector logits = floats(4, 6, FloatingPointPrecision.SINGLE);
                ForeignTensor input = ArrowTensors.view(logits)) {
            engine.softmax(input.view(), probabilities.view());
        }
        FixedSizeListVector out = ArrowTensors.toArrow(probabilities, allocator, "probabilities");
        Float4Vector child = (Float4Vector) out.getDataVector();
        assertThat(child.getDataBuffer().memoryAddress()).as("no copy").isEqualTo(probabilities.address());
        assertThat(out.getValueCount()).isEqualTo(4);
        assertThat(out.getListSize()).isEqualTo(6);
        assertThat(child.getValueCount()).isEqualTo(24);
        assertThat(out.getObject(1)).hasSize(6);
        double sum = 0;
        for (int j = 0; j < 6; j++) {
            sum += child.get(6 + j);
        }
        assertThat(sum).isCloseTo(1, within(1e-6));
        // Java owner closes first: the memory lives on in Arrow, then is freed once when Arrow lets go.
        probabilities.close();
        assertThat(probabilities.isAlive()).isTrue();
        assertThat(child.get(6)).isEqualTo((float) out.getObject(1).get(0));
        out.close();
        assertThat(probabilities.isAlive()).isFalse();
    }

    @Test
    void arrowClosesFirstThenTheOwner() {
        ForeignTensor probabilities = ForeignTensor.allocate(DType.F16, 2, 3);
        FixedSizeListVector out = ArrowTensors.toArrow(probabilities, allocator, "p");
        assertThat(out.getDataVector()).isInstanceOf(Float2Vector.class);
        out.close();
        assertThat(probabilities.isAlive()).isTrue();
        probabilities.view().setFloat(0.5f, 1, 2);
        probabilities.close();
        assertThat(probabilities.isAlive()).isFalse();
    }

    @Test
    void badVectorsAndTensorsAreRefused() {
        try (FixedSizeListVector ints = FixedSizeListVector.empty("ids", 3, allocator)) {
            ints.addOrGetVector(FieldType.notNullable(MinorType.INT.getType()));
            assertThat(ints.getDataVector()).isInstanceOf(IntVector.class);
            assertThatThrownBy(() -> ArrowTensors.view(ints))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("vector: 'ids' holds lists of IntVector (Int(32, true)); expected Float4Vector "
                            + "(float32) or Float2Vector (float16)");
        }
        try (FixedSizeListVector withNull = floats(3, 2, FloatingPointPrecision.SINGLE)) {
            withNull.setNull(1);
            assertThatThrownBy(() -> ArrowTensors.view(withNull))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("vector: 'logits' has 1 null lists; expected none (a null list has no values to "
                            + "compute on)");
        }
        try (ForeignTensor cube = ForeignTensor.allocate(DType.F32, 2, 2, 2);
                ForeignTensor bf16 = ForeignTensor.allocate(DType.BF16, 2, 2)) {
            assertThatThrownBy(() -> ArrowTensors.toArrow(cube, allocator, "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected rank 2 with strides [width, 1]");
            assertThatThrownBy(() -> ArrowTensors.toArrow(bf16, allocator, "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tensor: dtype bf16 has no Arrow float vector here; expected F32 or F16");
        }
    }
}
