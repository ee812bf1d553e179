package dev.softmax.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for long runs: rows done out of the total, and the rate. Shown only for
 * inputs above {@value #THRESHOLD_BYTES} bytes when stderr is a terminal, so logs and pipes stay clean.
 * {@code SOFTMAX_PROGRESS=always|never} overrides the terminal check (for scripts and tests).
 */
final class ProgressBar {

    static final long THRESHOLD_BYTES = 64L << 20;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long total;
    private final long bytesPerRow;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastDraw;

    private ProgressBar(PrintWriter err, long total, long bytesPerRow, boolean enabled) {
        this.err = err;
        this.total = total;
        this.bytesPerRow = bytesPerRow;
        this.enabled = enabled;
    }

    /** A bar for {@code total} rows of {@code bytesPerRow} input bytes each; silent when it should not show. */
    static ProgressBar forInput(PrintWriter err, long inputBytes, long total, long bytesPerRow) {
        String mode = System.getenv().getOrDefault("SOFTMAX_PROGRESS", "auto");
        boolean enabled = switch (mode) {
            case "always" -> true;
            case "never" -> false;
            default -> inputBytes > THRESHOLD_BYTES && stderrIsTerminal();
        };
        return new ProgressBar(err, total, bytesPerRow, enabled);
    }

    /** Redraws the bar (at most every 100 ms, and always at the end). */
    void update(long done) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        double rowsPerSecond = done / seconds;
        double megabytesPerSecond = done * (double) bytesPerRow / seconds / 1e6;
        err.printf(
                Locale.ROOT,
                "\r[%s%s] %d/%d rows  %.0f rows/s  %.0f MB/s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done,
                total,
                rowsPerSecond,
                megabytesPerSecond);
        if (done >= total) {
            err.println();
        }
        err.flush();
    }

    /** The launcher passes whether stderr is a terminal (its own stderr is piped through a filter). */
    private static boolean stderrIsTerminal() {
        String fromLauncher = System.getProperty("softmax.stderr.tty");
        if (fromLauncher != null) {
            return Boolean.parseBoolean(fromLauncher);
        }
        return System.console() != null && System.console().isTerminal();
    }
}
