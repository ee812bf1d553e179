package dev.softmax.cli;

import dev.softmax.CrossEntropyLoss;
import dev.softmax.SoftmaxEngine;
import dev.softmax.TensorView;
import dev.softmax.cli.npy.NpyArray;
import dev.softmax.cli.npy.NpyDType;
import dev.softmax.cli.npy.NpyOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code softmax loss}: ONNX {@code SoftmaxCrossEntropyLoss} (opset 13) on .npy files. Scores
 * {@code [N, C, d1, ..., dk]} (class axis 1), int32/int64 labels {@code [N, d1, ..., dk]}, optional weights
 * {@code [C]}. The loss file is a 0-d array for sum and mean, {@code [N, d1, ..., dk]} for none.
 */
@Command(
        name = "loss",
        mixinStandardHelpOptions = true,
        description = "Softmax cross-entropy with ONNX SoftmaxCrossEntropyLoss semantics, on .npy files.")
final class LossCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scores", required = true, paramLabel = "S.npy", description = "Scores [N, C, d1, ..., dk].")
    Path scores;

    @Option(
            names = "--labels",
            required = true,
            paramLabel = "L.npy",
            description = "Labels [N, d1, ..., dk], int32 or int64.")
    Path labels;

    @Option(names = "--weights", paramLabel = "W.npy", description = "Per-class weights [C].")
    Path weights;

    @Option(names = "--ignore-index", paramLabel = "K", description = "Targets with this label count for nothing.")
    Long ignoreIndex;

    @Option(
            names = "--reduction",
            defaultValue = "mean",
            paramLabel = "none|sum|mean",
            description = "How losses are combined. Default: ${DEFAULT-VALUE}.")
    String reduction;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "LOSS.npy",
            description = "The loss (replaced only on success).")
    Path out;

    @Option(
            names = "--log-prob",
            paramLabel = "P.npy",
            description = "Also write log-softmax of the scores along axis 1.")
    Path logProb;

    @Mixin
    EngineChoice engineChoice;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        CrossEntropyLoss.Reduction mode = switch (reduction.toLowerCase(Locale.ROOT)) {
            case "none" -> CrossEntropyLoss.Reduction.NONE;
            case "sum" -> CrossEntropyLoss.Reduction.SUM;
            case "mean" -> CrossEntropyLoss.Reduction.MEAN;
            default ->
                throw new BadInputException(
                        "--reduction: '" + reduction + "' is not a reduction; expected none, sum or mean");
        };
        try (Arena arena = Arena.ofShared();
                SoftmaxEngine engine = SoftmaxEngine.create(engineChoice.options())) {
            NpyArray scoreFile = NpyArray.open(scores, arena);
            NpyTensors.requireFloatingPoint(scores, scoreFile.header(), "scores");
            if (scoreFile.shape().length < 2) {
                throw new BadInputException(
                        scores + ": shape " + scoreFile.header().shapeString()
                                + " has fewer than 2 dimensions; scores must be [N, C] or [N, C, d1, ..., dk]");
            }
            NpyArray labelFile = NpyArray.open(labels, arena);
            NpyTensors.requireInteger(labels, labelFile.header(), "labels");
            if (labelFile.shape().length == 0) {
                throw new BadInputException(labels + ": is a 0-d array; labels must be [N, d1, ..., dk]");
            }
            NpyTensors.noteConversion(err, scores, scoreFile.header());
            TensorView scoreView = NpyTensors.input(
                    scoreFile.data(), scoreFile.dtype(), scoreFile.shape(), scoreFile.stridesInElements(), arena);
            TensorView labelView = NpyTensors.input(
                    labelFile.data(), labelFile.dtype(), labelFile.shape(), labelFile.stridesInElements(), arena);
            CrossEntropyLoss loss = CrossEntropyLoss.of(mode);
            if (ignoreIndex != null) {
                loss = loss.withIgnoreIndex(ignoreIndex);
            }
            if (weights != null) {
                NpyArray weightFile = NpyArray.open(weights, arena);
                NpyTensors.requireFloatingPoint(weights, weightFile.header(), "weights");
                NpyTensors.noteConversion(err, weights, weightFile.header());
                loss = loss.withWeights(NpyTensors.input(
                        weightFile.data(),
                        weightFile.dtype(),
                        weightFile.shape(),
                        weightFile.stridesInElements(),
                        arena));
            }
            long[] targetShape = labelFile.shape();
            try (NpyOutput lossFile = NpyOutput.create(
                            out, NpyDType.F4, mode == CrossEntropyLoss.Reduction.NONE ? targetShape : new long[0]);
                    NpyOutput logProbFile =
                            logProb == null ? null : NpyOutput.create(logProb, NpyDType.F4, scoreFile.shape())) {
                TensorView lossView = NpyTensors.view(
                        lossFile.data(arena), NpyDType.F4, lossFile.shape(), lossFile.stridesInElements(), arena);
                TensorView logProbView = logProbFile == null
                        ? null
                        : NpyTensors.view(
                                logProbFile.data(arena),
                                NpyDType.F4,
                                logProbFile.shape(),
                                logProbFile.stridesInElements(),
                                arena);
                double value = engine.softmaxCrossEntropy(
                        scoreView,
                        labelView,
                        loss,
                        mode == CrossEntropyLoss.Reduction.NONE ? lossView : null,
                        logProbView,
                        null);
                if (mode != CrossEntropyLoss.Reduction.NONE) {
                    lossView.setFloat((float) value, 0);
                }
                lossFile.commit();
                if (logProbFile != null) {
                    logProbFile.commit();
                }
            }
        }
        return 0;
    }
}
