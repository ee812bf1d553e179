package dev.softmax.cli;

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

    @Mixin
    EngineChoice engineChoice;

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
        long[] shape = header.shape();
        if (shape.length == 0) {
            throw new BadInputException(in + ": is a 0-d array; softmax needs at least one axis");
        }
        int normalisedAxis = TensorView.normaliseAxis(axis, shape.length);
        NpyTensors.noteConversion(err, in, header);

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
            TensorView src = NpyTensors.view(inData, header.dtype(), windowShape, header.stridesInElements(), arena);
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
