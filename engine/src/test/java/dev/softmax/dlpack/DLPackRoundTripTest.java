package dev.softmax.dlpack;

import static dev.softmax.dlpack.DlpackTestLibrary.BFLOAT;
import static dev.softmax.dlpack.DlpackTestLibrary.FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.DType;
import dev.softmax.ForeignTensor;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.dlpack.DlpackTestLibrary.Spec;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Native -> engine -> native through DLPack, with a C producer and consumer compiled by gcc: a tensor made in C
 * (with padded or transposed strides and a byte offset) is imported without a copy (the view's address is the C
 * data pointer plus byte_offset), computed on by the engine, exported, and read back by the C consumer through
 * the exported struct. Deleter calls are counted in C. Misuse and lifetimes are covered, in a child JVM, by
 * {@link DLPackLifetimeTest}.
 */
class DLPackRoundTripTest {

    private static DlpackTestLibrary c;
    private static SoftmaxEngine engine;

    @BeforeAll
    static void compile() {
        c = DlpackTestLibrary.get();
        engine = SoftmaxEngine.create();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static float[] logits(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (i % 7) * 0.5f - (i % 3); // exact in bf16 and f16
        }
        return values;
    }

    static double[] softmaxRows(float[] values, int width) {
        double[] out = new double[values.length];
        for (int row = 0; row < values.length / width; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, values[row * width + j]);
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += Math.exp(values[row * width + j] - max);
            }
            for (int j = 0; j < width; j++) {
                out[row * width + j] = Math.exp(values[row * width + j] - max) / sum;
            }
        }
        return out;
    }

    static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    @Test
    void v1PaddedRowsWithByteOffsetInPlaceAndBack() {
        long madeBefore = c.v1Made();
        long deletedBefore = c.v1Deleted();
        long openBefore = ForeignTensor.openCount();
        float[] values = logits(15);
        // 3 rows of 5, each row padded to 8 elements, starting 16 bytes into the buffer.
        MemorySegment produced = c.v1Make(Spec.f32(new long[] {3, 5}, new long[] {8, 1}, 16, values));
        long data = c.v1Data(produced);

        ForeignTensor tensor = DLPack.importVersioned(produced, true);
        TensorView view = tensor.view();
        assertThat(view.segment().address())
                .as("no copy: the view starts at data + byte_offset")
                .isEqualTo(data + 16);
        assertThat(view.shape()).containsExactly(3, 5);
        assertThat(view.strides()).containsExactly(8, 1);
        assertThat(view.toFloatArray()).containsExactly(values);

        engine.softmax(view, view); // in place, in the C producer's buffer
        double[] expected = softmaxRows(values, 5);

        MemorySegment exported = DLPack.exportVersioned(tensor);
        long[] described = c.v1Describe(exported);
        assertThat(described[0]).as("version.major").isEqualTo(1);
        assertThat(described[1]).as("version.minor").isEqualTo(1);
        assertThat(described[2]).as("flags").isZero();
        assertThat(described[3]).as("device_type").isEqualTo(DlpackTestLibrary.CPU);
        assertThat(described[5]).as("ndim").isEqualTo(2);
        assertThat(described[6]).as("dtype.code").isEqualTo(FLOAT);
        assertThat(described[7]).as("dtype.bits").isEqualTo(32);
        assertThat(described[8]).as("dtype.lanes").isEqualTo(1);
        assertThat(described[9])
                .as("no copy: exported data is the producer's data + byte_offset")
                .isEqualTo(data + 16);
        assertThat(described[11]).as("strides written explicitly").isZero();
        assertThat(new long[] {described[12], described[13], described[14], described[15]})
                .as("shape, strides")
                .containsExactly(3, 5, 8, 1);

        assertClose(c.v1Read(exported, 15), expected, 1e-6);
        // Written by C through the export, seen by Java: the same memory.
        assertThat(c.v1Scale(exported, 2f)).isZero();
        assertClose(view.toFloatArray(), scaled(expected, 2), 2e-6);

        tensor.close();
        assertThat(c.v1Deleted() - deletedBefore)
                .as("held by the export: not deleted yet")
                .isZero();
        assertThat(DLPack.outstandingExports()).isPositive();
        c.v1CallDeleter(exported);
        assertThat(c.v1Deleted() - deletedBefore)
                .as("producer's deleter, counted in C")
                .isEqualTo(1);
        assertThat(c.v1Made() - madeBefore).isEqualTo(1);
        assertThat(c.v1BadDeletes()).isZero();
        assertThat(ForeignTensor.openCount()).isEqualTo(openBefore);
    }

    @Test
    void v0Bf16TransposedIntoAnEngineTensorExportedToC() {
        long deletedBefore = c.v0Deleted();
        float[] values = logits(12);
        // Logical [4, 3] stored column-major (strides [1, 4]) at byte offset 6: softmax rows are not contiguous.
        MemorySegment produced = c.v0Make(
                Spec.f32(new long[] {4, 3}, new long[] {1, 4}, 6, values).withType(BFLOAT, 16), true);
        long data = c.v0Data(produced);

        try (ForeignTensor input = DLPack.importManaged(produced);
                ForeignTensor output = ForeignTensor.allocate(DType.F32, 4, 3)) {
            assertThat(input.view().dtype()).isEqualTo(DType.BF16);
            assertThat(input.address()).isEqualTo(data + 6);
            assertThat(input.view().toFloatArray()).containsExactly(values);
            engine.softmax(input.view(), output.view());

            MemorySegment exported = DLPack.exportVersioned(output);
            assertThat(c.v1Describe(exported)[9]).as("no copy: exported data").isEqualTo(output.address());
            assertClose(c.v1Read(exported, 12), softmaxRows(values, 3), 1e-6);
            c.v1CallDeleter(exported);
            assertThat(output.isAlive()).as("the Java owner still holds it").isTrue();
            // and the C 0.x consumer reads the producer's tensor unchanged
            assertThat(c.v0Read(produced, 12)).containsExactly(values);
        }
        assertThat(c.v0Deleted() - deletedBefore).isEqualTo(1);
        assertThat(c.v0BadDeletes()).isZero();
    }

    @Test
    void v0F16CompactStridesNullWithByteOffset() {
        long deletedBefore = c.v0Deleted();
        float[] values = logits(2 * 3 * 4);
        MemorySegment produced =
                c.v0Make(Spec.f32(new long[] {2, 3, 4}, null, 10, values).withType(FLOAT, 16), true);
        try (ForeignTensor tensor = DLPack.importManaged(produced)) {
            TensorView view = tensor.view();
            assertThat(view.dtype()).isEqualTo(DType.F16);
            assertThat(view.strides()).containsExactly(12, 4, 1);
            assertThat(view.segment().byteSize())
                    .as("exactly the bytes addressed")
                    .isEqualTo(48);
            assertThat(view.toFloatArray()).containsExactly(values);
            engine.softmax(view, view);
            MemorySegment exported = DLPack.exportVersioned(tensor);
            long[] described = c.v1Describe(exported);
            assertThat(described[6]).isEqualTo(FLOAT);
            assertThat(described[7]).isEqualTo(16);
            assertClose(c.v1Read(exported, 24), softmaxRows(values, 4), 1e-3);
            c.v1CallDeleter(exported);
        }
        assertThat(c.v0Deleted() - deletedBefore).isEqualTo(1);
    }

    @Test
    void readOnlyTensorsAreReadButNotWritten() {
        long deletedBefore = c.v1Deleted();
        float[] values = logits(8);
        long readOnly = 1L; // DLPACK_FLAG_BITMASK_READ_ONLY, as the C producer sets it
        MemorySegment produced =
                c.v1Make(Spec.f32(new long[] {2, 4}, null, 0, values).withFlags(readOnly));

        assertThatThrownBy(() -> DLPack.importVersioned(produced, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flags: 0x1 has DLPACK_FLAG_BITMASK_READ_ONLY set but a writable tensor was requested; "
                        + "expected a tensor the producer allows to be written (or import it read-only)");
        assertThat(c.v1Deleted() - deletedBefore).as("refused: not consumed").isZero();

        try (ForeignTensor tensor = DLPack.importVersioned(produced);
                ForeignTensor probabilities = ForeignTensor.allocate(DType.F32, 2, 4)) {
            TensorView view = tensor.view();
            assertThat(view.segment().isReadOnly()).isTrue();
            assertThatThrownBy(() -> engine.softmax(view, view))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("dst: the memory segment is read-only");
            assertThat(view.toFloatArray()).as("nothing written").containsExactly(values);
            engine.softmax(view, probabilities.view()); // reading is fine

            MemorySegment exported = DLPack.exportVersioned(tensor);
            assertThat(c.v1Describe(exported)[2]).as("flags of the export").isEqualTo(1);
            assertThat(c.v1Scale(exported, 3f))
                    .as("the C consumer honours the flag")
                    .isEqualTo(-5);
            c.v1CallDeleter(exported);
        }
        assertThat(c.v1Deleted() - deletedBefore).isEqualTo(1);
    }

    private static double[] scaled(double[] values, double factor) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return out;
    }
}
