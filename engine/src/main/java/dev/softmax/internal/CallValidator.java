package dev.softmax.internal;

import dev.softmax.DType;
import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Every check a call must pass before any backend sees it. Both backends rely on this being the only gate:
 * a failure here throws before a single byte of the destination is written, with a message that names the
 * argument, the value and what was expected.
 */
public final class CallValidator {

    private CallValidator() {
    }

    /**
     * Validates a forward call.
     *
     * @param axis        ONNX-style axis: {@code -rank .. rank-1}, negative counting from the end
     * @param temperature divisor of the logits; must be finite and positive
     */
    public static SoftmaxCall forward(Operation operation, TensorView src, TensorView dst, int axis,
            float temperature, EdgePolicy policy) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireFloatingPoint(src, "src");
        requireFloatingPoint(dst, "dst");
        requireSameShape(src, "src", dst, "dst");
        int normalisedAxis = normaliseAxis(axis, src.rank());
        if (!Float.isFinite(temperature) || temperature <= 0f) {
            throw new IllegalArgumentException("temperature: " + temperature
                    + " is not allowed; expected a finite value > 0");
        }
        requireUsable(src, "src");
        requireUsable(dst, "dst");
        requireWritable(dst, "dst");
        checkAliasing(src, "src", dst, "dst");
        requireDistinctElements(dst, "dst");
        RowLayout rows = RowLayout.of(src, dst, normalisedAxis);
        requireWorkableRowLength(dst, rows);
        return new SoftmaxCall(operation, src, dst, normalisedAxis, temperature, policy, rows);
    }

    /**
     * Validates a backward call. {@code result} may be the very view {@code output} or {@code gradient} (each
     * element is read before it is overwritten); any other overlap with them is rejected.
     */
    public static BackwardCall backward(Operation operation, TensorView output, String outputName,
            TensorView gradient, String gradientName, TensorView result, String resultName, int axis,
            EdgePolicy policy) {
        requireNonNull(output, outputName);
        requireNonNull(gradient, gradientName);
        requireNonNull(result, resultName);
        requireFloatingPoint(output, outputName);
        requireFloatingPoint(gradient, gradientName);
        requireFloatingPoint(result, resultName);
        requireSameShape(output, outputName, gradient, gradientName);
        requireSameShape(output, outputName, result, resultName);
        int normalisedAxis = normaliseAxis(axis, output.rank());
        requireUsable(output, outputName);
        requireUsable(gradient, gradientName);
        requireUsable(result, resultName);
        requireWritable(result, resultName);
        checkAliasing(output, outputName, result, resultName);
        checkAliasing(gradient, gradientName, result, resultName);
        requireDistinctElements(result, resultName);
        RowLayout outputRows = RowLayout.of(output, result, normalisedAxis);
        requireWorkableRowLength(result, outputRows);
        return new BackwardCall(operation, output, gradient, result, normalisedAxis, policy, outputRows,
                RowLayout.of(output, gradient, normalisedAxis));
    }

    /**
     * Validates a per-row reduction: {@code dst} has the shape of {@code src} without {@code axis} (shape
     * {@code [1]} when src has one dimension) and shares no memory with src. Returns the normalised axis.
     */
    public static int reduction(TensorView src, TensorView dst, int axis) {
        requireNonNull(src, "src");
        requireNonNull(dst, "dst");
        requireFloatingPoint(src, "src");
        requireFloatingPoint(dst, "dst");
        int normalisedAxis = normaliseAxis(axis, src.rank());
        long[] expected = reducedShape(src, normalisedAxis);
        if (!Arrays.equals(dst.shape(), expected)) {
            throw new IllegalArgumentException("dst: shape " + Arrays.toString(dst.shape()) + " does not match; "
                    + "expected " + Arrays.toString(expected) + " (src " + Arrays.toString(src.shape())
                    + " without axis " + normalisedAxis + ")");
        }
        requireUsable(src, "src");
        requireUsable(dst, "dst");
        requireWritable(dst, "dst");
        requireDistinctElements(dst, "dst");
        requireDisjoint(src, "src", dst, "dst");
        return normalisedAxis;
    }

    static long[] reducedShape(TensorView src, int axis) {
        if (src.rank() == 1) {
            return new long[] {1};
        }
        long[] shape = new long[src.rank() - 1];
        for (int d = 0, at = 0; d < src.rank(); d++) {
            if (d != axis) {
                shape[at++] = src.dim(d);
            }
        }
        return shape;
    }

    /** The largest n for which {@code jacobian} writes an n x n matrix (4096^2 f32 = 64 MiB). */
    public static final long MAX_JACOBIAN_SIZE = 4096;

    /** Validates an explicit Jacobian: probabilities {@code [n]}, out {@code [n, n]}, n at most 4096. */
    public static void jacobian(TensorView probabilities, TensorView out) {
        requireNonNull(probabilities, "probabilities");
        requireNonNull(out, "out");
        requireFloatingPoint(probabilities, "probabilities");
        requireFloatingPoint(out, "out");
        if (probabilities.rank() != 1) {
            throw new IllegalArgumentException("probabilities: shape " + Arrays.toString(probabilities.shape())
                    + " is not one row; expected [n]");
        }
        long n = probabilities.dim(0);
        if (n > MAX_JACOBIAN_SIZE) {
            throw new IllegalArgumentException("probabilities: a Jacobian of " + n + " x " + n + " would hold "
                    + n * n + " elements; expected n <= " + MAX_JACOBIAN_SIZE + " (use softmaxBackward or softmaxJvp,"
                    + " which apply it without forming the matrix)");
        }
        if (out.rank() != 2 || out.dim(0) != n || out.dim(1) != n) {
            throw new IllegalArgumentException("out: shape " + Arrays.toString(out.shape()) + " does not match; "
                    + "expected [" + n + ", " + n + "]");
        }
        requireUsable(probabilities, "probabilities");
        requireUsable(out, "out");
        requireWritable(out, "out");
        requireDistinctElements(out, "out");
        requireDisjoint(probabilities, "probabilities", out, "out");
    }

    /**
     * Validates a softmax cross-entropy: shapes of scores, labels, weights and outputs; types; aliasing; and
     * every label, which must be in {@code [0, C)} or equal the ignore index. Returns the call with the MEAN
     * divisor already summed, so nothing needs a second look at the labels.
     */
    public static CrossEntropyCall crossEntropy(TensorView scores, TensorView labels,
            dev.softmax.CrossEntropyLoss loss, TensorView lossOut, TensorView logProbOut, TensorView gradientOut,
            EdgePolicy policy) {
        requireNonNull(scores, "scores");
        requireNonNull(labels, "labels");
        requireNonNull(loss, "loss");
        requireFloatingPoint(scores, "scores");
        if (scores.rank() < 2) {
            throw new IllegalArgumentException("scores: shape " + Arrays.toString(scores.shape())
                    + " has rank " + scores.rank() + "; expected [N, C] or [N, C, d1, ..., dk]");
        }
        if (labels.dtype() != DType.I32 && labels.dtype() != DType.I64) {
            throw new IllegalArgumentException("labels: element type " + labels.dtype().label()
                    + " is not supported; expected i32 or i64");
        }
        long[] targetShape = targetShape(scores);
        if (!Arrays.equals(labels.shape(), targetShape)) {
            throw new IllegalArgumentException("labels: shape " + Arrays.toString(labels.shape())
                    + " does not match scores " + Arrays.toString(scores.shape()) + "; expected "
                    + Arrays.toString(targetShape) + " (scores without the class axis 1)");
        }
        long classes = scores.dim(1);
        TensorView weights = loss.weights();
        if (weights != null) {
            requireFloatingPoint(weights, "weights");
            if (weights.rank() != 1 || weights.dim(0) != classes) {
                throw new IllegalArgumentException("weights: shape " + Arrays.toString(weights.shape())
                        + " does not match the " + classes + " classes of scores; expected [" + classes + "]");
            }
            requireUsable(weights, "weights");
        }
        boolean none = loss.reduction() == dev.softmax.CrossEntropyLoss.Reduction.NONE;
        if (none && lossOut == null) {
            throw new NullPointerException("lossOut: must not be null for reduction NONE; expected a view of shape "
                    + Arrays.toString(targetShape));
        }
        if (!none && lossOut != null) {
            throw new IllegalArgumentException("lossOut: must be null for reduction " + loss.reduction()
                    + " (the reduced loss is returned)");
        }
        requireUsable(scores, "scores");
        requireUsable(labels, "labels");
        java.util.List<TensorView> outputs = new java.util.ArrayList<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        if (lossOut != null) {
            requireFloatingPoint(lossOut, "lossOut");
            if (!Arrays.equals(lossOut.shape(), targetShape)) {
                throw new IllegalArgumentException("lossOut: shape " + Arrays.toString(lossOut.shape())
                        + " does not match; expected " + Arrays.toString(targetShape));
            }
            outputs.add(lossOut);
            names.add("lossOut");
        }
        for (Object[] named : new Object[][] {{logProbOut, "logProbOut"}, {gradientOut, "gradientOut"}}) {
            TensorView out = (TensorView) named[0];
            if (out == null) {
                continue;
            }
            String name = (String) named[1];
            requireFloatingPoint(out, name);
            requireSameShape(scores, "scores", out, name);
            outputs.add(out);
            names.add(name);
        }
        for (int i = 0; i < outputs.size(); i++) {
            TensorView out = outputs.get(i);
            String name = names.get(i);
            requireUsable(out, name);
            requireWritable(out, name);
            requireDistinctElements(out, name);
            requireDisjoint(labels, "labels", out, name);
            if (weights != null) {
                requireDisjoint(weights, "weights", out, name);
            }
            requireDisjoint(scores, "scores", out, name);
            for (int j = 0; j < i; j++) {
                requireDisjoint(outputs.get(j), names.get(j), out, name);
            }
        }
        RowLayout rows = RowLayout.of(scores, scores, 1);
        double weightTotal = checkLabels(scores, labels, loss, rows.rowCount());
        return new CrossEntropyCall(scores, labels, loss, lossOut, logProbOut, gradientOut, policy, rows,
                weightTotal);
    }

    /** {@code [N, d1, ..., dk]}: the scores' shape without the class axis. */
    static long[] targetShape(TensorView scores) {
        long[] shape = new long[scores.rank() - 1];
        shape[0] = scores.dim(0);
        for (int d = 2; d < scores.rank(); d++) {
            shape[d - 1] = scores.dim(d);
        }
        return shape;
    }

    private static double checkLabels(TensorView scores, TensorView labels, dev.softmax.CrossEntropyLoss loss,
            long targets) {
        long classes = scores.dim(1);
        double total = 0;
        for (long t = 0; t < targets; t++) {
            long label = ElementAccess.getLong(labels.segment(), labels.dtype(), CrossEntropyCall.targetOffset(labels, t));
            if (loss.ignoreIndex().isPresent() && loss.ignoreIndex().getAsLong() == label) {
                continue;
            }
            if (label < 0 || label >= classes) {
                long[] index = new long[labels.rank()];
                long rest = t;
                for (int d = labels.rank() - 1; d >= 0; d--) {
                    index[d] = rest % labels.dim(d);
                    rest /= labels.dim(d);
                }
                throw new IllegalArgumentException("labels: element " + Arrays.toString(index) + " is " + label
                        + "; expected a class in 0.." + (classes - 1)
                        + (loss.ignoreIndex().isPresent() ? " or the ignore index " + loss.ignoreIndex().getAsLong()
                                : ""));
            }
            TensorView weights = loss.weights();
            total += weights == null ? 1.0
                    : ElementAccess.get(weights.segment(), weights.dtype(), label * weights.stride(0));
        }
        return total;
    }

    /** Two operands that must not share any byte (an output and an input, or two outputs). */
    static void requireDisjoint(TensorView a, String aName, TensorView b, String bName) {
        if (overlaps(a, b)) {
            throw new IllegalArgumentException(bName + ": " + b + " overlaps " + aName + " " + a
                    + "; expected memory that does not overlap");
        }
    }

    /** Longest row that can be computed through an f32 working row (a Java array). */
    public static final long MAX_WORKING_ROW = Integer.MAX_VALUE - 8;

    /**
     * A row is computed in the destination itself when that is f32 with unit stride; otherwise it passes
     * through an f32 working row, which caps its length. Checked here so that no backend fails half-way.
     */
    static void requireWorkableRowLength(TensorView dst, RowLayout rows) {
        boolean computedInPlace = dst.dtype() == DType.F32
                && (rows.dstAxisStride() == 1 || rows.rowLength() == 1);
        if (rows.rowLength() > MAX_WORKING_ROW && !computedInPlace) {
            throw new IllegalArgumentException("dst: rows of " + rows.rowLength() + " elements along the axis "
                    + "need an f32 destination with unit stride along that axis; expected rows of at most "
                    + MAX_WORKING_ROW + " elements for other types or layouts");
        }
    }

    /**
     * Validates a forward call, reusing {@code previous} when it is the same call again (same view objects,
     * operation, axis, temperature and policy): views are immutable, so only what can change between calls is
     * checked again (the segments are alive and this thread may touch them). This keeps repeated calls in a loop
     * free of allocation.
     */
    public static SoftmaxCall forward(SoftmaxCall previous, Operation operation, TensorView src, TensorView dst,
            int axis, float temperature, EdgePolicy policy) {
        if (previous != null && previous.src() == src && previous.dst() == dst && previous.operation() == operation
                && previous.temperature() == temperature && previous.policy() == policy
                && (previous.axis() == axis || previous.axis() == axis + src.rank())) {
            requireUsable(src, "src");
            requireUsable(dst, "dst");
            return previous;
        }
        return forward(operation, src, dst, axis, temperature, policy);
    }

    /**
     * Validates a backward call, reusing {@code previous} when it is the same call again (same view objects,
     * operation, axis and policy), for the reason given at {@link #forward(SoftmaxCall, Operation, TensorView,
     * TensorView, int, float, EdgePolicy)}.
     */
    public static BackwardCall backward(BackwardCall previous, Operation operation, TensorView output,
            String outputName, TensorView gradient, String gradientName, TensorView result, String resultName,
            int axis, EdgePolicy policy) {
        if (previous != null && previous.output() == output && previous.gradient() == gradient
                && previous.result() == result && previous.operation() == operation && previous.policy() == policy
                && (previous.axis() == axis || previous.axis() == axis + output.rank())) {
            requireUsable(output, outputName);
            requireUsable(gradient, gradientName);
            requireUsable(result, resultName);
            return previous;
        }
        return backward(operation, output, outputName, gradient, gradientName, result, resultName, axis, policy);
    }

    /** ONNX opset 13 axis rule: {@code -rank <= axis < rank}; returns {@code 0..rank-1}. */
    public static int normaliseAxis(int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("axis: " + axis + " is out of range for rank " + rank
                    + "; expected " + (-rank) + " to " + (rank - 1));
        }
        return axis < 0 ? axis + rank : axis;
    }

    static void requireFloatingPoint(TensorView view, String name) {
        if (!view.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": element type " + view.dtype().label()
                    + " is not supported here; expected f32, bf16 or f16");
        }
    }

    static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new NullPointerException(name + ": must not be null");
        }
    }

    static void requireSameShape(TensorView expected, String expectedName, TensorView actual, String actualName) {
        if (expected.rank() != actual.rank()) {
            throw new IllegalArgumentException(actualName + ": shape " + Arrays.toString(actual.shape())
                    + " does not match " + expectedName + " shape " + Arrays.toString(expected.shape())
                    + " (rank " + actual.rank() + " vs " + expected.rank() + ")");
        }
        for (int d = 0; d < expected.rank(); d++) {
            if (expected.dim(d) != actual.dim(d)) {
                throw new IllegalArgumentException(actualName + ": shape " + Arrays.toString(actual.shape())
                        + " does not match " + expectedName + " shape " + Arrays.toString(expected.shape())
                        + " (dimension " + d + ")");
            }
        }
    }

    /** The segment is alive and this thread may touch it. */
    static void requireUsable(TensorView view, String name) {
        MemorySegment segment = view.segment();
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + ": the memory segment is no longer alive (its arena was "
                    + "closed); expected a segment whose arena is open");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException(name + ": the memory segment is confined to another thread; "
                    + "expected a segment this thread may access (use a shared arena to cross threads)");
        }
    }

    static void requireWritable(TensorView view, String name) {
        if (view.segment().isReadOnly()) {
            throw new IllegalArgumentException(name + ": the memory segment is read-only; expected a writable "
                    + "segment (a file mapped READ_WRITE, or an arena allocation)");
        }
    }

    /**
     * Returns true when the two views are the same elements (in-place), false when they share no byte;
     * throws on any partial overlap, which no backend can compute correctly.
     */
    static boolean checkAliasing(TensorView src, String srcName, TensorView dst, String dstName) {
        if (!overlaps(src, dst)) {
            return false;
        }
        boolean identical = src.dtype() == dst.dtype() && src.segment().address() == dst.segment().address();
        for (int d = 0; identical && d < src.rank(); d++) {
            identical = src.stride(d) == dst.stride(d) || src.dim(d) == 1;
        }
        if (identical) {
            return true;
        }
        throw new IllegalArgumentException(dstName + ": " + dst + " partially overlaps " + srcName + " " + src
                + "; expected the same view (in-place) or memory that does not overlap");
    }

    /**
     * A destination whose layout maps two indices to one element would make results depend on write order.
     * Sorted by stride, each dimension must step past everything the smaller ones can reach.
     */
    static void requireDistinctElements(TensorView view, String name) {
        if (!view.hasDistinctElements()) {
            throw new IllegalArgumentException(name + ": strides " + Arrays.toString(view.strides())
                    + " for shape " + Arrays.toString(view.shape()) + " make different elements share memory; "
                    + "expected a layout where every element has its own address");
        }
    }

    /**
     * Whether two views share any byte. Native memory is compared by address ranges (no allocation: this runs on
     * every call); heap memory by the segments' own overlap test.
     */
    static boolean overlaps(TensorView a, TensorView b) {
        if (a.spanBytes() == 0 || b.spanBytes() == 0) {
            return false;
        }
        MemorySegment sa = a.segment();
        MemorySegment sb = b.segment();
        if (sa.isNative() && sb.isNative()) {
            long aStart = sa.address();
            long bStart = sb.address();
            return aStart < bStart + b.spanBytes() && bStart < aStart + a.spanBytes();
        }
        if (sa.isNative() != sb.isNative()) {
            return false;
        }
        return sa.asSlice(0, a.spanBytes()).asOverlappingSlice(sb.asSlice(0, b.spanBytes())).isPresent();
    }
}
