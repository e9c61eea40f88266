package bench.report;

import bench.load.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on stderr: a redrawn bar on a terminal, a status line every few seconds otherwise
 * (Slurm logs), so a long run is never silent.
 */
public final class ProgressPrinter implements Progress {
    private final PrintWriter err;
    private final boolean tty;
    private final double lineIntervalSeconds;
    private double lastLine = -1;
    private boolean barShown;

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
        long finished = done + failed;
        double rate = elapsed > 0 ? tokens / elapsed : 0;
        if (tty) {
            int width = 30;
            int filled = total == 0 ? width : (int) Math.min(width, finished * width / total);
            err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d  failed %d  %.0f tok/s  %.0fs ",
                    "#".repeat(filled), ".".repeat(width - filled), finished, total, failed, rate, elapsed));
            err.flush();
            barShown = true;
        } else if (lastLine < 0 || elapsed - lastLine >= lineIntervalSeconds) {
            lastLine = elapsed;
            err.println(String.format(Locale.ROOT, "progress: %d/%d done, %d failed, %d tokens, %.0f tok/s, %.0f s",
                    finished, total, failed, tokens, rate, elapsed));
            err.flush();
        }
    }

    @Override
    public synchronized void end() {
        clearBar();
    }

    private void clearBar() {
        if (barShown) {
            err.print("\r" + " ".repeat(78) + "\r");
            err.flush();
            barShown = false;
        }
    }
}
