package dev.softmax.cli;

import dev.softmax.AttentionOptions;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.cli.npy.NpyArray;
import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyHeader;
import dev.softmax.cli.npy.NpyOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code softmax apply}: softmax or log-softmax of a .npy file into another. The input is memory-mapped and
 * handed to the engine as segments, and the output is mapped too, so the engine writes straight into the
 * file. Large C-order inputs are processed in windows of about {@value #WINDOW_BYTES} bytes along the first
 * axis (when that is not the softmax axis), so memory use stays far below the file size. The output appears
 * under its name only when complete.
 *
 * <p>With any attention option ({@code --scale}, {@code --softcap}, {@code --bias}, {@code --mask},
 * {@code --causal}, {@code --key-lengths}, {@code --sinks}, {@code --lse-out}) the call is the engine's
 * {@link SoftmaxEngine#attentionSoftmax}, along the last axis only, over the whole mapped file in one call (the
 * operands broadcast over and index into axis 0, so it is not cut into windows); both outputs appear only when
 * both are complete.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = "Apply softmax or log-softmax to a NumPy .npy file.")
final class ApplyCommand implements Callable<Integer> {

    static final long WINDOW_BYTES = 16L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--op", required = true, paramLabel = "softmax|log-softmax", description = "The operation.")
    String op;

    @Option(
            names = "--axis",
            defaultValue = "-1",
            paramLabel = "N",
            description =
                    "Axis (ONNX opset 13: -rank..rank-1, negative counts from the end). Default: ${DEFAULT-VALUE}.")
    int axis;

    @Option(
            names = "--temperature",
            defaultValue = "1",
            paramLabel = "T",
            description = "Divide the logits by T (finite, > 0). Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(
            names = "--dtype",
            defaultValue = "f32",
            paramLabel = "f32|f16",
            description = "Output element type. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--in", required = true, paramLabel = "X.npy", description = "Input logits.")
    Path in;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "Y.npy",
            description = "Output file (replaced only on success).")
    Path out;

    @Option(
            names = "--scale",
            paramLabel = "S",
            description = "Attention: multiply the logits by S first (finite, not 0).")
    Float scale;

    @Option(
            names = "--softcap",
            paramLabel = "C",
            description = "Attention: soft-cap C * tanh(z / C) after the scale (C > 0; 0 = off).")
    Float softcap;

    @Option(
            names = "--bias",
            paramLabel = "B.npy",
            description = "Attention: additive bias (f32/f16), broadcastable to the input (NumPy rules).")
    Path bias;

    @Option(
            names = "--mask",
            paramLabel = "M.npy",
            description = "Attention: boolean mask (bool or uint8, non-zero = keep), broadcastable to the input.")
    Path mask;

    @Option(
            names = "--causal",
            description = "Attention: causal mask: key j of query i (axis -2) kept iff j <= i + offset.")
    boolean causal;

    @Option(
            names = "--causal-offset",
            paramLabel = "N",
            description = "Attention: the causal offset (default 0; needs --causal). Decode with Q new queries "
                    + "over K keys: K - Q.")
    Long causalOffset;

    @Option(
            names = "--key-lengths",
            paramLabel = "L.npy",
            description = "Attention: int32/int64 [dim 0]: in batch entry b, keys j >= L[b] are masked.")
    Path keyLengths;

    @Option(
            names = "--sinks",
            paramLabel = "S.npy",
            description = "Attention: f32 [dim 1]: per head, a logit in the denominator only.")
    Path sinks;

    @Option(
            names = "--lse-out",
            paramLabel = "LSE.npy",
            description =
                    "Attention: also write each row's log-sum-exp (f32, the input's shape without the last axis).")
    Path lseOut;

    @Mixin
    EngineChoice engineChoice;

    /** True when any attention option was given: the call is then the fused attention softmax. */
    private boolean attention() {
        return scale != null
                || softcap != null
                || bias != null
                || mask != null
                || causal
                || causalOffset != null
                || keyLengths != null
                || sinks != null
                || lseOut != null;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        // Exactly the two documented spellings: a third accepted silently would become a contract nobody wrote down.
        boolean log = switch (op) {
            case "softmax" -> false;
            case "log-softmax" -> true;
            default ->
                throw new BadInputException("--op: '" + op + "' is not an operation; expected softmax or log-softmax");
        };
        NpyDType outType = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> NpyDType.F4;
            case "f16", "float16" -> NpyDType.F2;
            default -> throw new BadInputException("--dtype: '" + dtype + "' is not supported; expected f32 or f16");
        };
        NpyHeader header = NpyArray.openHeader(in);
        NpyTensors.requireFloatingPoint(in, header, "logits");
        OneShotKernel.chooseFor(header.elementCount());
        long[] shape = header.shape();
        if (shape.length == 0) {
            throw new BadInputException(in + ": is a 0-d array; softmax needs at least one axis");
        }
        int normalisedAxis = TensorView.normaliseAxis(axis, shape.length);
        NpyTensors.noteConversion(err, in, header);
        if (attention()) {
            return attention(err, header, outType, shape, normalisedAxis, log);
        }

        // Windows along the slowest-varying axis, when it is not the softmax axis: axis 0 in C order.
        boolean windowed = !header.fortranOrder() && shape.length > 1 && normalisedAxis != 0;
        long sliceElements = Arrays.stream(shape).skip(1).reduce(1, Math::multiplyExact);
        long sliceBytes = sliceElements * header.dtype().itemSize();
        long rowsPerWindow = windowed ? Math.max(1, WINDOW_BYTES / Math.max(1, sliceBytes)) : Math.max(1, shape[0]);
        ProgressBar progress = ProgressBar.forInput(err, header.dataBytes(), shape[0], sliceBytes);

        try (SoftmaxEngine engine = SoftmaxEngine.create(engineChoice.options());
                NpyOutput output = NpyOutput.create(out, outType, shape)) {
            if (header.elementCount() > 0) {
                for (long first = 0; first < shape[0]; first += rowsPerWindow) {
                    long rows = windowed ? Math.min(rowsPerWindow, shape[0] - first) : shape[0];
                    runWindow(
                            engine,
                            header,
                            output,
                            outType,
                            shape,
                            normalisedAxis,
                            log,
                            first,
                            rows,
                            windowed,
                            sliceElements);
                    progress.update(first + rows);
                    if (!windowed) {
                        break;
                    }
                }
            }
            output.commit();
        }
        return 0;
    }

    /** The attention softmax over the whole mapped input, writing the output and, if asked, the log-sum-exp. */
    private int attention(
            PrintWriter err, NpyHeader header, NpyDType outType, long[] shape, int normalisedAxis, boolean log)
            throws IOException {
        if (normalisedAxis != shape.length - 1) {
            throw new BadInputException("--axis: " + axis + " is not the last axis; the attention options (--scale,"
                    + " --softcap, --bias, --mask, --causal, --key-lengths, --sinks, --lse-out) work along the last"
                    + " axis only; expected -1");
        }
        if (temperature != 1f) {
            throw new BadInputException("--temperature: cannot be combined with the attention options; expected"
                    + " --scale " + (1f / temperature) + " instead");
        }
        if (causalOffset != null && !causal) {
            throw new BadInputException("--causal-offset: " + causalOffset + " given without --causal; expected both");
        }
        long[] lseShape = Arrays.copyOf(shape, shape.length - 1);
        try (Arena arena = Arena.ofShared();
                SoftmaxEngine engine = SoftmaxEngine.create(engineChoice.options());
                NpyOutput output = NpyOutput.create(out, outType, shape);
                NpyOutput lse = lseOut == null ? null : NpyOutput.create(lseOut, NpyDType.F4, lseShape)) {
            AttentionOptions options = AttentionOptions.defaults().logSoftmax(log);
            if (scale != null) {
                options = options.scale(scale);
            }
            if (softcap != null) {
                options = options.softcap(softcap);
            }
            if (causal) {
                options = options.causal(causalOffset == null ? 0 : causalOffset);
            }
            if (bias != null) {
                options = options.bias(operand(bias, "--bias", "a bias", arena, NpyDType.F4, NpyDType.F2));
            }
            if (mask != null) {
                options = options.mask(operand(mask, "--mask", "a mask", arena, NpyDType.B1, NpyDType.U1));
            }
            if (keyLengths != null) {
                options = options.keyLengths(
                        operand(keyLengths, "--key-lengths", "key lengths", arena, NpyDType.I4, NpyDType.I8));
            }
            if (sinks != null) {
                options = options.sinks(operand(sinks, "--sinks", "sinks", arena, NpyDType.F4));
            }
            if (lse != null) {
                MemorySegment lseData = lse.mapRange(0, lse.dataBytes(), arena);
                options = options.logSumExpOut(
                        NpyTensors.view(lseData, NpyDType.F4, lseShape, TensorView.rowMajorStrides(lseShape), arena));
            }
            if (header.elementCount() > 0 || (lse != null && lse.dataBytes() > 0)) {
                MemorySegment inData = NpyArray.mapRange(in, header, 0, header.dataBytes(), arena);
                MemorySegment outData = output.mapRange(0, header.elementCount() * outType.itemSize(), arena);
                TensorView src = NpyTensors.input(inData, header.dtype(), shape, header.stridesInElements(), arena);
                TensorView dst = NpyTensors.view(outData, outType, shape, TensorView.rowMajorStrides(shape), arena);
                try {
                    engine.attentionSoftmax(src, dst, options);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(withFlagNames(e.getMessage()));
                }
            }
            output.commit();
            if (lse != null) {
                lse.commit();
            }
        }
        return 0;
    }

    /** An operand file mapped as a view, of one of the accepted types. */
    private static TensorView operand(Path file, String flag, String what, Arena arena, NpyDType... accepted)
            throws IOException {
        NpyArray array = NpyArray.open(file, arena);
        NpyDType type = array.dtype();
        if (!Arrays.asList(accepted).contains(type)) {
            throw new BadInputException(flag + " " + file + ": holds " + type.descr() + "; " + what + " must be "
                    + String.join(
                            " or ", Arrays.stream(accepted).map(NpyDType::descr).toList()));
        }
        return NpyTensors.input(array.data(), type, array.shape(), array.stridesInElements(), arena);
    }

    /** The engine names options as the API does; on the command line they are flags with files. */
    private String withFlagNames(String message) {
        String[][] names = {
            {"bias:", "--bias " + bias + ":"},
            {"mask:", "--mask " + mask + ":"},
            {"keyLengths:", "--key-lengths " + keyLengths + ":"},
            {"sinks:", "--sinks " + sinks + ":"},
            {"logSumExpOut:", "--lse-out " + lseOut + ":"},
            {"scale:", "--scale:"},
            {"softcap:", "--softcap:"},
            {"causal:", "--causal:"},
            {"x:", in + ":"},
        };
        for (String[] name : names) {
            if (message.startsWith(name[0])) {
                return name[1] + message.substring(name[0].length());
            }
        }
        return message;
    }

    private void runWindow(
            SoftmaxEngine engine,
            NpyHeader header,
            NpyOutput output,
            NpyDType outType,
            long[] shape,
            int normalisedAxis,
            boolean log,
            long firstRow,
            long rows,
            boolean windowed,
            long sliceElements)
            throws IOException {
        long[] windowShape = shape.clone();
        windowShape[0] = rows;
        long elementOffset = windowed ? firstRow * sliceElements : 0;
        long elements = windowed ? rows * sliceElements : header.elementCount();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment inData = NpyArray.mapRange(
                    in,
                    header,
                    elementOffset * header.dtype().itemSize(),
                    elements * header.dtype().itemSize(),
                    arena);
            MemorySegment outData =
                    output.mapRange(elementOffset * outType.itemSize(), elements * outType.itemSize(), arena);
            TensorView src = NpyTensors.input(inData, header.dtype(), windowShape, header.stridesInElements(), arena);
            TensorView dst =
                    NpyTensors.view(outData, outType, windowShape, TensorView.rowMajorStrides(windowShape), arena);
            if (log) {
                engine.logSoftmax(src, dst, normalisedAxis, temperature);
            } else {
                engine.softmax(src, dst, normalisedAxis, temperature);
            }
        }
    }
}
