package dev.softmax.cli;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.DecodeOutputs;
import dev.softmax.EngineOptions;
import dev.softmax.SamplingParameters;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code softmax sample}: one decode step per row of a 2-D logits .npy file. Row r is its own request, with the
 * given settings, seed S and step r (so copies of one row give independent draws, and a row's token does not
 * depend on the other rows). The input is memory-mapped and handed to the engine in one call (so the engine's
 * messages name the file's own row numbers; only f64 input is copied, converted to f32). Outputs are written
 * straight into their mapped files and appear under their names only when every output is complete.
 */
@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        description = {
            "Draw one token per row of a 2-D logits .npy file (the decode step): the same settings for "
                    + "every row, row r drawn with seed S and step r (its own request).",
            "Order: temperature -> top-k -> top-p -> min-p -> draw; each filter acts on the renormalised "
                    + "result of the one before. Temperature 0 is greedy (the argmax, lowest id on ties)."
        })
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--in",
            required = true,
            paramLabel = "LOGITS.npy",
            description = "Logits [rows, vocab], f32, f16 or f64 (f64 is converted to f32).")
    Path in;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "TOKENS.npy",
            description = "Token ids, int64 [rows] (replaced only on success).")
    Path out;

    @Option(
            names = "--temperature",
            defaultValue = "1",
            paramLabel = "T",
            description =
                    "Logits are multiplied by 1/T before the filters (finite, >= 0; 0 = greedy). Default: ${DEFAULT-VALUE}.")
    float temperature;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            paramLabel = "K",
            description = "Keep the K largest logits, ties by lower id (>= 0; 0 = off). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(
            names = "--top-p",
            defaultValue = "1",
            paramLabel = "P",
            description =
                    "Keep the shortest prefix by probability (descending, ties by lower id) whose mass reaches P (in (0, 1]; 1 = off). Default: ${DEFAULT-VALUE}.")
    float topP;

    @Option(
            names = "--min-p",
            defaultValue = "0",
            paramLabel = "M",
            description =
                    "Keep tokens with probability >= M times the largest (in [0, 1]; 0 = off). Default: ${DEFAULT-VALUE}.")
    float minP;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "The Philox seed of every row (row r uses step r). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--logprobs-out",
            paramLabel = "LP.npy",
            description = "Also write the chosen token's log-probability under the processed distribution, f32 [rows].")
    Path logprobsOut;

    @Option(
            names = "--top",
            paramLabel = "N",
            description =
                    "Also write the N most probable tokens of the processed distribution (1..20), sorted; needs --top-ids-out and --top-logprobs-out. Entries past the kept set are id -1 and -inf.")
    Integer top;

    @Option(names = "--top-ids-out", paramLabel = "I.npy", description = "Top-N ids, int64 [rows, N].")
    Path topIdsOut;

    @Option(names = "--top-logprobs-out", paramLabel = "L.npy", description = "Top-N log-probabilities, f32 [rows, N].")
    Path topLogprobsOut;

    @Option(
            names = "--backend",
            paramLabel = "auto|onednn|java",
            description =
                    "Backend (default: -Dsoftmax.backend, SOFTMAX_BACKEND, else auto). Tokens do not depend on it.")
    String backend;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads per call (default: the number of available processors). Tokens do not depend on it.")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        NpyHeader header = NpyArray.openHeader(in);
        NpyTensors.requireFloatingPoint(in, header, "logits");
        long[] shape = header.shape();
        if (shape.length != 2) {
            throw new BadInputException(
                    in + ": shape " + header.shapeString() + " is not 2-D; sample needs logits" + " [rows, vocab]");
        }
        if (shape[1] == 0 && shape[0] > 0) {
            throw new BadInputException(in + ": shape " + header.shapeString()
                    + " has an empty vocabulary; every row needs at least one token");
        }
        if (shape[0] > Integer.MAX_VALUE || shape[1] > Integer.MAX_VALUE) {
            throw new BadInputException(in + ": shape " + header.shapeString() + " is too large; rows and vocab must"
                    + " each be below 2^31");
        }
        NpyTensors.noteConversion(err, in, header);
        long rows = shape[0];

        EngineOptions.Builder options = EngineOptions.builder()
                .threads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        if (backend != null) {
            options.backend(Backend.parse(backend, "--backend"));
        }
        int n = top == null ? 0 : top;
        try (SoftmaxEngine engine = SoftmaxEngine.create(options.build());
                NpyOutput tokens = NpyOutput.create(out, NpyDType.I8, new long[] {rows});
                NpyOutput logprobs =
                        logprobsOut == null ? null : NpyOutput.create(logprobsOut, NpyDType.F4, new long[] {rows});
                NpyOutput topIds = n == 0 ? null : NpyOutput.create(topIdsOut, NpyDType.I8, new long[] {rows, n});
                NpyOutput topLogprobs =
                        n == 0 ? null : NpyOutput.create(topLogprobsOut, NpyDType.F4, new long[] {rows, n})) {
            if (rows > 0) {
                run(engine, header, tokens, logprobs, topIds, topLogprobs, n);
            }
            // Every output is complete before any is renamed into place: a failure above leaves none of them.
            tokens.commit();
            if (logprobs != null) {
                logprobs.commit();
            }
            if (topIds != null) {
                topIds.commit();
                topLogprobs.commit();
            }
        }
        return 0;
    }

    /** The settings checked here, naming the option, before any file is opened. */
    private void checkOptions() {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new BadInputException(
                    "--temperature: " + temperature + " is not allowed; expected a finite T >= 0" + " (0 = greedy)");
        }
        if (topK < 0) {
            throw new BadInputException("--top-k: " + topK + " is negative; expected K >= 0 (0 = off)");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new BadInputException("--top-p: " + topP + " is outside (0, 1]; expected 0 < P <= 1 (1 = off)");
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new BadInputException("--min-p: " + minP + " is outside [0, 1]; expected 0 <= M <= 1 (0 = off)");
        }
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads: " + threads + " is not allowed; expected N >= 1");
        }
        if (top != null) {
            if (top < 1 || top > DecodeOutputs.MAX_TOP) {
                throw new BadInputException("--top: " + top + " is outside 1.." + DecodeOutputs.MAX_TOP);
            }
            if (topIdsOut == null || topLogprobsOut == null) {
                throw new BadInputException("--top: needs both --top-ids-out I.npy and --top-logprobs-out L.npy");
            }
        } else if (topIdsOut != null || topLogprobsOut != null) {
            throw new BadInputException(
                    (topIdsOut != null ? "--top-ids-out" : "--top-logprobs-out") + ": needs --top N");
        }
        // Two outputs at one path would replace each other: the last committed would win.
        java.util.Map<Path, String> seen = new java.util.LinkedHashMap<>();
        String[] names = {"--out", "--logprobs-out", "--top-ids-out", "--top-logprobs-out"};
        Path[] paths = {out, logprobsOut, topIdsOut, topLogprobsOut};
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] == null) {
                continue;
            }
            String earlier = seen.putIfAbsent(paths[i].toAbsolutePath().normalize(), names[i]);
            if (earlier != null) {
                throw new BadInputException(
                        names[i] + ": " + paths[i] + " is also " + earlier + "; every output needs its own file");
            }
        }
    }

    private void run(
            SoftmaxEngine engine,
            NpyHeader header,
            NpyOutput tokens,
            NpyOutput logprobs,
            NpyOutput topIds,
            NpyOutput topLogprobs,
            int n)
            throws IOException {
        long[] shape = header.shape();
        long rows = shape[0];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment inData = NpyArray.mapRange(in, header, 0, header.dataBytes(), arena);
            TensorView logits = NpyTensors.input(inData, header.dtype(), shape, header.stridesInElements(), arena);
            DecodeOutputs outputs = DecodeOutputs.of(TensorView.wrap(tokens.data(arena), DType.I64, rows));
            if (logprobs != null) {
                outputs = outputs.withLogprobs(TensorView.wrap(logprobs.data(arena), DType.F32, rows));
            }
            if (n > 0) {
                outputs = outputs.withTopLogprobs(
                        TensorView.wrap(topIds.data(arena), DType.I64, rows, n),
                        TensorView.wrap(topLogprobs.data(arena), DType.F32, rows, n),
                        DecodeOutputs.LogprobSource.PROCESSED);
            }
            SamplingParameters parameters = SamplingParameters.allocate(arena, (int) rows);
            for (int r = 0; r < rows; r++) {
                parameters
                        .row(r)
                        .temperature(temperature)
                        .topK(topK)
                        .topP(topP)
                        .minP(minP)
                        .seed(seed)
                        .step(r);
            }
            engine.sample(logits, parameters, outputs);
        }
    }
}
