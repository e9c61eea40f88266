package bench.report;

import bench.load.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr: a redrawn bar on a terminal, a status line every few seconds otherwise
 * (Slurm logs), so a long run is never silent; when the run ends, a last line with the final
 * counts and the elapsed time (the bar, left in place, on a terminal).
 */
public final class ProgressPrinter implements Progress {
    private final PrintWriter err;
    private final boolean tty;
    private final double lineIntervalSeconds;
    private double lastLine = -1;
    private boolean barShown;
    /** The last update's figures (done, failed, total, tokens), null before the first. */
    private long[] last;
    private double lastElapsed;

    public ProgressPrinter(PrintWriter err, boolean tty, double lineIntervalSeconds) {
        this.err = err;
        this.tty = tty;
        this.lineIntervalSeconds = lineIntervalSeconds;
    }

    @Override
    public synchronized void phase(String message) {
        clearBar();
        err.println(message);
        err.flush();
    }

    @Override
    public synchronized void update(long done, long failed, long total, long tokens, double elapsed) {
        last = new long[] {done, failed, total, tokens};
        lastElapsed = elapsed;
        if (tty) {
            bar(done, failed, total, tokens, elapsed);
        } else if (lastLine < 0 || elapsed - lastLine >= lineIntervalSeconds) {
            lastLine = elapsed;
            err.println(line(done, failed, total, tokens, elapsed));
            err.flush();
        }
    }

    @Override
    public synchronized void end() {
        if (last == null) {
            clearBar();
            return;
        }
        if (tty) {
            bar(last[0], last[1], last[2], last[3], lastElapsed);
            err.println();
            barShown = false;
        } else {
            err.println(line(last[0], last[1], last[2], last[3], lastElapsed));
        }
        err.flush();
        last = null;
    }

    private void bar(long done, long failed, long total, long tokens, double elapsed) {
        long finished = done + failed;
        int width = 30;
        int filled = total == 0 ? width : (int) Math.min(width, finished * width / total);
        err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d  failed %d  %.0f tok/s  %.0fs ",
                "#".repeat(filled), ".".repeat(width - filled), finished, total, failed, rate(tokens, elapsed),
                elapsed));
        err.flush();
        barShown = true;
    }

    private static String line(long done, long failed, long total, long tokens, double elapsed) {
        return String.format(Locale.ROOT, "progress: %d/%d done, %d failed, %d tokens, %.0f tok/s, %.0f s",
                done + failed, total, failed, tokens, rate(tokens, elapsed), elapsed);
    }

    private static double rate(long tokens, double elapsed) {
        return elapsed > 0 ? tokens / elapsed : 0;
    }

    private void clearBar() {
        if (barShown) {
            err.print("\r" + " ".repeat(78) + "\r");
            err.flush();
            barShown = false;
        }
    }
}
