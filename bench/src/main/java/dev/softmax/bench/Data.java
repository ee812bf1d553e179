package dev.softmax.bench;

import dev.softmax.DType;
import dev.softmax.internal.kernel.FloatConversions;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Benchmark inputs: deterministic, and bulk reads/writes of dense row-major f32/bf16 segments. */
public final class Data {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Data() {}

    /** Logits uniform in [-4, 4), the same for a given shape in every benchmark (seeded by the shape). */
    public static float[] logits(Shape shape) {
        return uniform(shape, 1, -4, 4);
    }

    /** An upstream gradient uniform in [-1, 1) (for backward). */
    public static float[] gradient(Shape shape) {
        return uniform(shape, 2, -1, 1);
    }

    private static float[] uniform(Shape shape, long salt, double low, double high) {
        SplittableRandom random = new SplittableRandom(salt * 1_000_003L + shape.rows() * 31L + shape.columns());
        float[] values = new float[shape.elements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (low + random.nextDouble() * (high - low));
        }
        return values;
    }

    /** Writes {@code values} into a dense segment of {@code dtype} (bf16: rounded to nearest even). */
    public static void write(MemorySegment segment, DType dtype, float[] values) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, 0, segment, F32, 0, values.length);
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    segment.setAtIndex(BF16, i, FloatConversions.floatToBf16(values[i]));
                }
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + " is not benchmarked");
        }
    }

    /** Reads {@code count} elements from element index {@code first}, widened to float. */
    public static float[] read(MemorySegment segment, DType dtype, long first, int count) {
        float[] values = new float[count];
        switch (dtype) {
            case F32 -> MemorySegment.copy(segment, F32, first * 4, values, 0, count);
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    values[i] = FloatConversions.bf16ToFloat(segment.getAtIndex(BF16, first + i));
                }
            }
            default -> throw new IllegalArgumentException("dtype " + dtype + " is not benchmarked");
        }
        return values;
    }

    /** The values a tensor of {@code dtype} actually holds after {@link #write} (bf16 rounding applied). */
    public static float[] asStored(float[] values, DType dtype) {
        if (dtype == DType.F32) {
            return values;
        }
        float[] stored = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            stored[i] = FloatConversions.bf16ToFloat(FloatConversions.floatToBf16(values[i]));
        }
        return stored;
    }
}
