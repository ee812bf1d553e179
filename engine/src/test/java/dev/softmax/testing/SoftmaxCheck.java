package dev.softmax.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.Backend;
import dev.softmax.EngineStatistics;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.MemorySegment;

/**
 * Runs one engine call and checks everything the contract says about it: the result against the double
 * reference, the source unchanged (out-of-place), nothing written outside the destination's elements, and
 * exactly one call counted by the engine.
 */
public final class SoftmaxCheck {

    private SoftmaxCheck() {}

    /** Calls the overload that matches the arguments (2-, 3- or 4-argument form). */
    public static void invoke(
            SoftmaxEngine engine, boolean log, TensorView src, TensorView dst, int axis, float temperature) {
        if (temperature != 1f) {
            if (log) {
                engine.logSoftmax(src, dst, axis, temperature);
            } else {
                engine.softmax(src, dst, axis, temperature);
            }
        } else if (axis == -1) {
            if (log) {
                engine.logSoftmax(src, dst);
            } else {
                engine.softmax(src, dst);
            }
        } else if (log) {
            engine.logSoftmax(src, dst, axis);
        } else {
            engine.softmax(src, dst, axis);
        }
    }

    /** Runs {@code op(src) -> dst} along {@code axis} and checks it; returns the observed worst error ratio. */
    public static ReferenceSoftmax.Report run(
            SoftmaxEngine engine,
            String context,
            TensorView src,
            TensorView dst,
            int axis,
            boolean log,
            float temperature) {
        return run(engine, context, src, dst, axis, log, temperature, true);
    }

    /** As above; {@code countCalls = false} when other threads use the engine at the same time. */
    public static ReferenceSoftmax.Report run(
            SoftmaxEngine engine,
            String context,
            TensorView src,
            TensorView dst,
            int axis,
            boolean log,
            float temperature,
            boolean countCalls) {
        ReferenceSoftmax.Spec spec = new ReferenceSoftmax.Spec(
                src.shape(), axis, log, temperature, engine.options().edgePolicy());
        float[] input = src.toFloatArray();
        int[] inputBits = TestTensors.bits(input);
        boolean inPlace = src == dst;
        boolean separateSegments =
                !inPlace && src.segment().asOverlappingSlice(dst.segment()).isEmpty();
        byte[] srcBefore = separateSegments ? TestTensors.snapshot(src.segment()) : null;
        byte[] dstBefore = TestTensors.snapshot(dst.segment());
        EngineStatistics before = engine.statistics();

        invoke(engine, log, src, dst, axis, temperature);

        EngineStatistics after = engine.statistics();
        long calls = (after.javaCalls() + after.onednnCalls()) - (before.javaCalls() + before.onednnCalls());
        String where = context + " [" + engine.options().backend() + ", " + src + " -> " + dst + ", axis " + axis + "]";
        boolean empty = src.elementCount() == 0;
        if (countCalls) {
            assertThat(calls).as("%s: calls counted by the engine", where).isEqualTo(empty ? 0 : 1);
        }
        if (engine.options().backend() == Backend.JAVA) {
            assertThat(after.onednnCalls())
                    .as("%s: JAVA engine never calls oneDNN", where)
                    .isZero();
        }
        if (!inPlace) {
            assertThat(TestTensors.bits(src.toFloatArray()))
                    .as("%s: source unchanged", where)
                    .isEqualTo(inputBits);
            if (separateSegments) {
                TestTensors.assertBytesUnchanged(where + ": source segment", srcBefore, src.segment());
            }
        }
        TestTensors.assertOutsideViewUnchanged(where + ": destination padding", dstBefore, dst);
        double[] reference = ReferenceSoftmax.compute(input, spec);
        return ReferenceSoftmax.assertMatches(where, input, dst.toFloatArray(), reference, dst.dtype(), spec);
    }

    public static boolean overlaps(MemorySegment a, MemorySegment b) {
        return a.asOverlappingSlice(b).isPresent();
    }
}
