package dev.softmax.spark;

import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.unsafe.Platform;

/**
 * The per-row work of the SQL functions, on one task thread: a row of logits is brought into a 64-byte aligned
 * off-heap working row (f32), the engine runs on it, and the result is written straight into the memory of the new
 * Catalyst value. No per-element objects anywhere.
 *
 * <p>Reading: an {@code array<float>} held by an {@link UnsafeArrayData} (every array read from an
 * {@code UnsafeRow}: cached data, shuffles, Parquet rows) is read where it lies, on or off the heap, with no
 * per-element access: its floats are moved into the working row by one {@code Unsafe.copyMemory} (memmove speed,
 * ~0.1 ns per float) rather than handed to the engine as a heap segment, because the engine's vector kernels read
 * heap segments several times slower than aligned native memory (see the engine's {@code WorkingRow}). An
 * {@code array<double>} is narrowed to f32 element by element on the way in: the functions compute in f32 and
 * return f32 (relative error of a double input ~1e-7 before the softmax; see the README). Any other
 * {@link ArrayData} (a literal array, a generic array built by another function) is read element by element.
 *
 * <p>One instance per thread ({@link #get()}); its working memory grows to the longest row seen and is freed with
 * the thread. Views of the working rows are kept for the last row length, so that a run of rows of one length
 * repeats the same engine call (which skips the engine's structural validation).
 */
final class RowKernels {

    private static final ThreadLocal<RowKernels> LOCAL = ThreadLocal.withInitial(RowKernels::new);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    static RowKernels get() {
        return LOCAL.get();
    }

    private final Arena arena = Arena.ofAuto();
    private final SoftmaxEngine engine = ExecutorEngine.get();
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private int capacity;
    private int viewLength = -1;
    private TensorView aView;
    private TensorView bView;
    private TensorView cView;
    private final MemorySegment scalar;
    private final TensorView scalarView;
    private final SamplingParameters parameters;
    private final TensorView token;
    private final DecodeOutputs decodeOutputs;
    private int[] topIds = new int[0];
    private float[] topValues = new float[0];

    private RowKernels() {
        ensure(1024);
        scalarView = TensorView.allocate(arena, DType.F32, 1);
        scalar = scalarView.segment();
        parameters = SamplingParameters.allocate(arena, 1);
        token = TensorView.allocate(arena, DType.I32, 1);
        decodeOutputs = DecodeOutputs.of(token);
    }

    private void ensure(int n) {
        if (n > capacity) {
            int grown = Math.max(n, (int) Math.min(Integer.MAX_VALUE / 4 - 64, 2L * capacity));
            a = arena.allocate(4L * grown, 64);
            b = arena.allocate(4L * grown, 64);
            c = arena.allocate(4L * grown, 64);
            capacity = grown;
            viewLength = -1;
        }
    }

    private void views(int n) {
        if (n != viewLength) {
            aView = TensorView.wrap(a, DType.F32, 1, n);
            bView = TensorView.wrap(b, DType.F32, 1, n);
            cView = TensorView.wrap(c, DType.F32, 1, n);
            viewLength = n;
        }
    }

    // ---------------------------------------------------------------- reading rows

    /**
     * Loads a row of logits into working row {@code slot} (0 = a, 1 = b) as f32 and returns its length. Null
     * elements throw, naming the function, the argument, the element and the row.
     */
    int load(ArrayData data, boolean isDouble, boolean mayHoldNulls, int slot, RowContext context, int argument) {
        int n = data.numElements();
        if (mayHoldNulls) {
            checkNoNullElements(data, n, context, argument);
        }
        ensure(n);
        MemorySegment dst = slot == 0 ? a : b;
        if (data instanceof UnsafeArrayData u) {
            Object base = u.getBaseObject();
            long values = u.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n);
            if (!isDouble) {
                Platform.copyMemory(base, values, null, dst.address(), 4L * n);
            } else {
                for (int i = 0; i < n; i++) {
                    dst.setAtIndex(F32, i, (float) Platform.getDouble(base, values + 8L * i));
                }
            }
        } else if (data instanceof ColumnarArray && !isDouble) {
            // A vectorised (Parquet) scan: one bulk copy out of the column vector.
            MemorySegment.copy(data.toFloatArray(), 0, dst, F32, 0, n);
        } else if (!isDouble) {
            for (int i = 0; i < n; i++) {
                dst.setAtIndex(F32, i, data.getFloat(i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                dst.setAtIndex(F32, i, (float) data.getDouble(i));
            }
        }
        return n;
    }

    private static void checkNoNullElements(ArrayData data, int n, RowContext context, int argument) {
        if (data instanceof UnsafeArrayData u) {
            // The null bits follow the 8-byte element count: one 64-bit word per 64 elements.
            Object base = u.getBaseObject();
            long bits = u.getBaseOffset() + 8;
            for (int w = 0; w < (n + 63) / 64; w++) {
                long word = Platform.getLong(base, bits + 8L * w);
                if (word != 0) {
                    throw context.nullElement(argument, 64 * w + Long.numberOfTrailingZeros(word));
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (data.isNullAt(i)) {
                    throw context.nullElement(argument, i);
                }
            }
        }
    }

    // ---------------------------------------------------------------- the functions (row already loaded in a)

    /** softmax / log_softmax of working row a (length n >= 1) at temperature t, as a new array<float>. */
    UnsafeArrayData softmax(int n, float temperature, boolean log) {
        views(n);
        if (log) {
            engine.logSoftmax(aView, cView, 1, temperature);
        } else {
            engine.softmax(aView, cView, 1, temperature);
        }
        return floatArray(c, n);
    }

    /** log-sum-exp of a / t. */
    float logSumExp(int n, float temperature) {
        scale(a, n, temperature);
        views(n);
        engine.logSumExp(aView, scalarView, 1);
        return scalar.get(F32, 0);
    }

    /** Entropy of softmax(a / t), in nats. */
    float entropy(int n, float temperature) {
        scale(a, n, temperature);
        views(n);
        engine.entropy(aView, scalarView, 1);
        return scalar.get(F32, 0);
    }

    /**
     * KL(softmax(a / t) || softmax(b / t)) = sum p (a - b) / t - lse(a / t) + lse(b / t), in nats, with 0 log 0 = 0
     * (a teacher token of probability 0 contributes nothing). Not multiplied by t^2 (Hinton's gradient scale).
     */
    float klDivergence(int n, float temperature) {
        scale(a, n, temperature);
        scale(b, n, temperature);
        views(n);
        engine.logSumExp(aView, scalarView, 1);
        double lseTeacher = scalar.get(F32, 0);
        engine.logSumExp(bView, scalarView, 1);
        double lseStudent = scalar.get(F32, 0);
        engine.softmax(aView, cView, 1);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float p = c.getAtIndex(F32, i);
            if (p != 0f) {
                sum += p * ((double) a.getAtIndex(F32, i) - b.getAtIndex(F32, i));
            }
        }
        return (float) (sum - lseTeacher + lseStudent);
    }

    /**
     * The k largest log-probabilities of softmax(a / t), sorted (descending; ties by lower token id), as an
     * array<struct<token: int, logprob: float>>: the top-k of the logits (softmax keeps their order) minus the
     * row's log-sum-exp, so the probabilities are never materialised.
     */
    UnsafeArrayData topKLogprobs(int n, int k, float temperature) {
        scale(a, n, temperature);
        views(n);
        engine.logSumExp(aView, scalarView, 1);
        float lse = scalar.get(F32, 0);
        int kept = Math.min(k, n);
        if (topIds.length < kept) {
            topIds = new int[kept];
            topValues = new float[kept];
        }
        select(a, 0, n, kept, topIds, topValues);
        return structArray(kept, lse);
    }

    /** The engine's sampler on working row a: the same token as {@code SoftmaxEngine.sample} for this row. */
    int sample(int n, float temperature, int topK, float topP, float minP, long seed, long step) {
        views(n);
        parameters
                .row(0)
                .temperature(temperature)
                .topK(topK)
                .topP(topP)
                .minP(minP)
                .seed(seed)
                .step(step);
        engine.sample(aView, parameters, decodeOutputs);
        return token.segment().get(ValueLayout.JAVA_INT, 0);
    }

    // ---------------------------------------------------------------- helpers

    private static void scale(MemorySegment row, int n, float temperature) {
        if (temperature != 1f) {
            float inverse = 1f / temperature;
            for (int i = 0; i < n; i++) {
                row.setAtIndex(F32, i, row.getAtIndex(F32, i) * inverse);
            }
        }
    }

    /**
     * The k largest of the n floats at element {@code from} of {@code row}, with their ids (from 0), into
     * topValues/topIds, descending, ties by lower id.
     */
    static void select(MemorySegment row, long from, int n, int k, int[] topIds, float[] topValues) {
        if (k == 0) {
            return;
        }
        if (k <= 64) {
            int count = 0;
            float threshold = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                float v = row.getAtIndex(F32, from + i);
                if (count < k || v > threshold) {
                    // Insertion: strictly greater moves up, so equal values keep the lower id first.
                    int at = count < k ? count++ : k - 1;
                    while (at > 0 && v > topValues[at - 1]) {
                        topValues[at] = topValues[at - 1];
                        topIds[at] = topIds[at - 1];
                        at--;
                    }
                    topValues[at] = v;
                    topIds[at] = i;
                    threshold = topValues[count - 1];
                }
            }
        } else {
            // Large k: sort (value descending, id ascending) through one packed long key per element.
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToIntBits(row.getAtIndex(F32, from + i));
                int ordered = bits < 0 ? ~bits : bits | Integer.MIN_VALUE; // the float's order, unsigned
                int descending = ~(ordered ^ Integer.MIN_VALUE); // signed, largest float first
                keys[i] = ((long) descending << 32) | i;
            }
            Arrays.sort(keys);
            for (int j = 0; j < k; j++) {
                int id = (int) keys[j];
                topIds[j] = id;
                topValues[j] = row.getAtIndex(F32, from + id);
            }
        }
    }

    /** A new array<float> holding row[0, n), its memory laid out as Spark's UnsafeArrayData. */
    static UnsafeArrayData floatArray(MemorySegment row, int n) {
        long header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
        long size = header + ((4L * n + 7) & ~7L);
        long[] data = new long[Math.toIntExact(size / 8)];
        data[0] = n;
        if (n > 0) {
            Platform.copyMemory(null, row.address(), data, Platform.LONG_ARRAY_OFFSET + header, 4L * n);
        }
        UnsafeArrayData result = new UnsafeArrayData();
        result.pointTo(data, Platform.LONG_ARRAY_OFFSET, (int) size);
        return result;
    }

    /** A new array<struct<token: int, logprob: float>> of the k selected entries, logprob = value - lse. */
    private UnsafeArrayData structArray(int k, float lse) {
        // UnsafeArrayData of structs: header, k offset-and-size words, then k UnsafeRows of 2 fields (24 bytes each:
        // the null-bit word, the int's 8-byte slot, the float's 8-byte slot).
        long header = UnsafeArrayData.calculateHeaderPortionInBytes(k);
        long rows = header + 8L * k;
        long size = rows + 24L * k;
        long[] data = new long[Math.toIntExact(size / 8)];
        data[0] = k;
        long base = Platform.LONG_ARRAY_OFFSET;
        for (int j = 0; j < k; j++) {
            long rowOffset = rows + 24L * j;
            Platform.putLong(data, base + header + 8L * j, (rowOffset << 32) | 24L);
            Platform.putInt(data, base + rowOffset + 8, topIds[j]);
            Platform.putFloat(data, base + rowOffset + 16, topValues[j] - lse);
        }
        UnsafeArrayData result = new UnsafeArrayData();
        result.pointTo(data, base, (int) size);
        return result;
    }
}
