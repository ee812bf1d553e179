package dev.softmax.cli;

import dev.softmax.cli.npy.NpyFormatException;
import dev.softmax.nativelib.NativeLibraryUnavailableException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code softmax} command. Exit codes: 0 success, 2 bad usage or bad input (one line on stderr),
 * 1 internal or environment error.
 */
@Command(
        name = "softmax",
        mixinStandardHelpOptions = true,
        versionProvider = SoftmaxCommand.Version.class,
        description = "Softmax and log-softmax on oneDNN or the pure-Java kernel, from the command line.",
        subcommands = {
            DemoCommand.class,
            ApplyCommand.class,
            SampleCommand.class,
            LossCommand.class,
            InfoCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SoftmaxCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command with the given streams and returns its exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new SoftmaxCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            PrintWriter stderr = line.getErr();
            if (exception instanceof BadInputException
                    || exception instanceof IllegalArgumentException
                    || exception instanceof NpyFormatException) {
                stderr.println("softmax: " + exception.getMessage());
                return 2;
            }
            if (exception instanceof FileSystemException problem) {
                // A file the user named is missing, unreadable, a directory, on a read-only or full disk...
                stderr.println("softmax: " + describe(problem));
                return 2;
            }
            if (exception instanceof NativeLibraryUnavailableException) {
                stderr.println("softmax: " + exception.getMessage());
                return 1;
            }
            if (exception instanceof java.io.IOException problem) {
                // A read or write failing mid-way (an I/O error, a file system gone read-only): one line.
                stderr.println("softmax: " + problem.getMessage());
                return 1;
            }
            stderr.println("softmax: internal error: " + exception);
            exception.printStackTrace(stderr);
            return 1;
        });
        try {
            return commandLine.execute(args);
        } catch (InternalError e) {
            if (e.getMessage() == null || !e.getMessage().contains("unsafe memory access")) {
                throw e;
            }
            // The JDK's report of SIGBUS on a mapped page: a mapped input truncated by another process while this
            // command read it (or a mapped output whose file system could not back it). The output's temporary file
            // is already deleted and the target untouched (NpyOutput is closed without commit on the way out).
            err.println("softmax: a memory-mapped file faulted while being read or written: an input .npy file was"
                    + " truncated by another process, or the output's file system could not back it; nothing was"
                    + " written to the output");
            return 1;
        }
    }

    /** "file: reason", with the reason the JDK leaves out for its commonest file errors. */
    static String describe(FileSystemException problem) {
        String reason = problem.getReason();
        if (reason == null) {
            reason = switch (problem) {
                case NoSuchFileException _ -> "no such file";
                case AccessDeniedException _ -> "permission denied";
                case FileAlreadyExistsException _ -> "already exists";
                default -> "file system error (" + problem.getClass().getSimpleName() + ")";
            };
        }
        return problem.getFile() == null ? reason : problem.getFile() + ": " + reason;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the project version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SoftmaxCommand.class.getPackage().getImplementationVersion();
            return new String[] {"softmax-engine " + (version == null ? "(development build)" : version)};
        }
    }
}
