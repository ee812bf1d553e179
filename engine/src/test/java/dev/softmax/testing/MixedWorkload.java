package dev.softmax.testing;

import dev.softmax.AttentionOptions;
import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.SamplingParameters;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A mix of engine calls over small tensors, for the soak and the concurrency stress tests: every operation (softmax and
 * log-softmax on both backends' paths, along several axes, f32/bf16/f16 in and out, dense, padded and permuted; both
 * backward passes; attention with scale, soft-cap, causal mask, log-softmax; log-sum-exp; entropy; sampling with
 * top-k/top-p/min-p), and enough distinct oneDNN shapes (128 bf16 rows of 32 to 71 keys) that a primitive cache of
 * capacity 4 keeps evicting.
 *
 * <p>Inputs live in one shared arena, filled once with a fixed seed. Each {@link Call} writes only into the
 * {@link Outputs} it is given, so each thread (or each repetition) can have its own, and its result can be compared
 * bit for bit with a reference run: every operation is deterministic.
 */
public final class MixedWorkload {

    /** One call: what it is, and how to run it into a set of outputs. */
    public interface Call {
        /** Runs the call; returns the bytes it wrote (a fresh copy). */
        byte[] run(SoftmaxEngine engine, Outputs outputs);
    }

    /** One entry of the mix. */
    public record Entry(String name, Call call, Allocator outputs) {}

    /** Allocates the outputs one entry needs, in the caller's arena. */
    @FunctionalInterface
    public interface Allocator {
        Outputs allocate(Arena arena);
    }

    /** The memory one call writes. */
    public record Outputs(TensorView[] views, SamplingParameters parameters) {
        byte[] snapshot() {
            int total = 0;
            for (TensorView v : views) {
                total += (int) v.segment().byteSize();
            }
            byte[] all = new byte[total];
            int at = 0;
            for (TensorView v : views) {
                MemorySegment.copy(v.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, all, at, (int)
                        v.segment().byteSize());
                at += (int) v.segment().byteSize();
            }
            return all;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public List<Entry> entries() {
        return entries;
    }

    /** Builds the mix; inputs go into {@code shared} (which must outlive every call). */
    public MixedWorkload(Arena shared, long seed) {
        Random random = new Random(seed);
        List<DType> floats = List.of(DType.F32, DType.BF16, DType.F16);
        // oneDNN's path under AUTO (16-bit operands, >= 4096 elements): one primitive per shape, 40 shapes for a
        // cache of 4.
        for (int n = 32; n <= 71; n++) {
            long[] shape = {128, n};
            TensorView src = input(shared, DType.BF16, shape, random);
            DType out = floats.get(n % 3);
            boolean log = n % 2 == 0;
            entries.add(new Entry(
                    "bf16->" + out.label() + " 128x" + n + (log ? " log" : ""),
                    (engine, o) -> {
                        if (log) {
                            engine.logSoftmax(src, o.views()[0]);
                        } else {
                            engine.softmax(src, o.views()[0]);
                        }
                        return o.snapshot();
                    },
                    arena -> outputs(TensorView.allocate(arena, out, shape))));
        }
        // The Java kernel: f32 dense, axis 0, temperature, padded and permuted layouts, f16 out.
        long[] shape = {4, 3, 37};
        TensorView f32 = input(shared, DType.F32, shape, random);
        for (int axis = -3; axis < 3; axis++) {
            int a = axis;
            entries.add(new Entry(
                    "f32 4x3x37 axis " + a + " T=0.7",
                    (engine, o) -> {
                        engine.softmax(f32, o.views()[0], a, 0.7f);
                        return o.snapshot();
                    },
                    arena -> outputs(TensorView.allocate(arena, DType.F16, shape))));
        }
        long[] padded = {6, 19};
        TensorView paddedSrc = TestTensors.allocate(shared, DType.F32, padded, new long[] {24, 1});
        paddedSrc.copyFrom(TestTensors.normal(random, 6 * 19, 4));
        entries.add(new Entry(
                "padded f32 6x19 log",
                (engine, o) -> {
                    engine.logSoftmax(paddedSrc, o.views()[0]);
                    return o.snapshot();
                },
                arena -> outputs(TensorView.allocate(arena, DType.F32, padded))));
        long[] big = {8, 4096};
        TensorView bigSrc = input(shared, DType.F32, big, random);
        entries.add(new Entry(
                "f32 8x4096 (rows split over the engine's threads)",
                (engine, o) -> {
                    engine.softmax(bigSrc, o.views()[0]);
                    return o.snapshot();
                },
                arena -> outputs(TensorView.allocate(arena, DType.F32, big))));
        // Backward passes from real forward outputs.
        long[] bshape = {5, 64};
        TensorView y = TensorView.allocate(shared, DType.F32, bshape);
        TensorView logY = TensorView.allocate(shared, DType.F32, bshape);
        TensorView logits = input(shared, DType.F32, bshape, random);
        TensorView dy = input(shared, DType.F32, bshape, random);
        try (SoftmaxEngine once = SoftmaxEngine.create()) {
            once.softmax(logits, y);
            once.logSoftmax(logits, logY);
        }
        entries.add(new Entry(
                "softmax backward 5x64",
                (engine, o) -> {
                    engine.softmaxBackward(y, dy, o.views()[0]);
                    return o.snapshot();
                },
                arena -> outputs(TensorView.allocate(arena, DType.F32, bshape))));
        entries.add(new Entry(
                "log-softmax backward 5x64 -> bf16",
                (engine, o) -> {
                    engine.logSoftmaxBackward(logY, dy, o.views()[0]);
                    return o.snapshot();
                },
                arena -> outputs(TensorView.allocate(arena, DType.BF16, bshape))));
        // Attention.
        long[] ashape = {2, 2, 8, 8};
        TensorView scores = input(shared, DType.F32, ashape, random);
        AttentionOptions causal = AttentionOptions.defaults().scale(0.125f).causal();
        AttentionOptions capped = AttentionOptions.defaults().softcap(30f).logSoftmax(true);
        entries.add(new Entry(
                "attention causal scale",
                (engine, o) -> {
                    engine.attentionSoftmax(scores, o.views()[0], causal);
                    return o.snapshot();
                },
                arena -> outputs(TensorView.allocate(arena, DType.F32, ashape))));
        entries.add(new Entry(
                "attention softcap log",
                (engine, o) -> {
                    engine.attentionSoftmax(scores, o.views()[0], capped);
                    return o.snapshot();
                },
                arena -> outputs(TensorView.allocate(arena, DType.BF16, ashape))));
        // Reductions.
        long[] rshape = {7, 50};
        TensorView r = input(shared, DType.F16, rshape, random);
        entries.add(new Entry(
                "logSumExp + entropy f16 7x50",
                (engine, o) -> {
                    engine.logSumExp(r, o.views()[0], -1);
                    engine.entropy(r, o.views()[1], -1);
                    return o.snapshot();
                },
                arena -> outputs(TensorView.allocate(arena, DType.F32, 7), TensorView.allocate(arena, DType.F32, 7))));
        // The decode step.
        long[] sshape = {4, 300};
        TensorView vocab = input(shared, DType.F32, sshape, random);
        entries.add(new Entry(
                "sample 4x300 top-k/top-p/min-p",
                (engine, o) -> {
                    engine.sample(
                            vocab,
                            o.parameters(),
                            DecodeOutputs.of(o.views()[0]).withLogprobs(o.views()[1]));
                    return o.snapshot();
                },
                arena -> {
                    SamplingParameters p = SamplingParameters.allocate(arena, 4);
                    p.row(0).topK(20).seed(7).step(3);
                    p.row(1).topP(0.9f).temperature(0.8f).seed(8);
                    p.row(2).minP(0.05f).seed(9).step(1);
                    p.row(3).temperature(0f);
                    return new Outputs(
                            new TensorView[] {
                                TensorView.allocate(arena, DType.I64, 4), TensorView.allocate(arena, DType.F32, 4)
                            },
                            p);
                }));
    }

    private static Outputs outputs(TensorView... views) {
        return new Outputs(views, null);
    }

    private static TensorView input(Arena arena, DType type, long[] shape, Random random) {
        TensorView view = TensorView.allocate(arena, type, shape);
        view.copyFrom(TestTensors.normal(random, (int) view.elementCount(), 4));
        return view;
    }

    /** Every entry's outputs, allocated in {@code arena}. */
    public List<Outputs> allocateOutputs(Arena arena) {
        List<Outputs> all = new ArrayList<>();
        for (Entry e : entries) {
            all.add(e.outputs().allocate(arena));
        }
        return all;
    }

    /** The reference result of every entry, computed once by {@code engine} on the calling thread. */
    public List<byte[]> reference(SoftmaxEngine engine, Arena arena) {
        List<Outputs> outputs = allocateOutputs(arena);
        List<byte[]> results = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            results.add(entries.get(i).call().run(engine, outputs.get(i)));
        }
        return results;
    }

    /** Null when {@code got} equals the reference bit for bit; otherwise a description. */
    public String mismatch(int entry, byte[] reference, byte[] got) {
        int at = Arrays.mismatch(reference, got);
        return at < 0 ? null : entries.get(entry).name() + ": byte " + at + " differs from the reference run";
    }
}
