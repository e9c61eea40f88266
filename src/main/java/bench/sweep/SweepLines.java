package bench.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The lines bench sweep prints: one per point as it finishes, and the closing summary. Pure. */
public final class SweepLines {
    private SweepLines() {}

    /** What happened to one point. */
    public enum Kind { RAN, SKIPPED, FAILED }

    /**
     * @param detail key figures, the skip reason, or the failure reason
     */
    public record Outcome(Point point, Kind kind, double seconds, String detail) {
        public Outcome {
            java.util.Objects.requireNonNull(point, "point");
            java.util.Objects.requireNonNull(kind, "kind");
            if (!(seconds >= 0)) {
                throw new IllegalArgumentException("seconds must be >= 0");
            }
        }
    }

    public static String head(int index, int total, Point p) {
        return "[" + index + "/" + total + "] " + p.sweep() + "/" + p.runName();
    }

    public static String ran(int index, int total, Point p, double seconds, JsonNode result) {
        return head(index, total, p) + ": done in " + seconds(seconds) + ": " + figures(result);
    }

    public static String failed(int index, int total, Point p, double seconds, String reason) {
        return head(index, total, p) + ": FAILED in " + seconds(seconds) + ": " + reason;
    }

    public static String skipped(int index, int total, Point p, String file) {
        return head(index, total, p) + ": skipped, already done (" + file + ")";
    }

    /** Output and request throughput, mean TTFT and ITL of a result. */
    public static String figures(JsonNode r) {
        if (r == null) {
            return "no result file";
        }
        return String.format(Locale.ROOT, "%.1f output tok/s, %.2f req/s, mean TTFT %.1f ms, mean ITL %.1f ms",
                r.path("output_throughput").asDouble(), r.path("request_throughput").asDouble(),
                r.path("mean_ttft_ms").asDouble(), r.path("mean_itl_ms").asDouble());
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    /** The closing lines: counts, then one line per failed point. */
    public static List<String> summary(List<Outcome> outcomes, int planned, String resultsDir, boolean interrupted) {
        long ran = outcomes.stream().filter(o -> o.kind() == Kind.RAN).count();
        long skipped = outcomes.stream().filter(o -> o.kind() == Kind.SKIPPED).count();
        long failed = outcomes.stream().filter(o -> o.kind() == Kind.FAILED).count();
        List<String> lines = new ArrayList<>();
        String head = "bench sweep: " + planned + " points: " + ran + " ran, " + skipped + " skipped (already done), "
                + failed + " failed";
        if (interrupted) {
            head += ", " + (planned - outcomes.size()) + " not started (interrupted)";
        }
        lines.add(head + "; results in " + resultsDir);
        for (Outcome o : outcomes) {
            if (o.kind() == Kind.FAILED) {
                lines.add("  failed: " + o.point().sweep() + "/" + o.point().runName() + ": " + o.detail());
            }
        }
        return lines;
    }

    /** Text with each line as a progress bar left it: what follows the line's last {@code \r}. */
    public static String lastStates(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            sb.append(l, l.lastIndexOf('\r') + 1, l.length());
            if (i < lines.length - 1) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** The last line of a run's stderr that states an error, for the failure reason. */
    public static String failureReason(String stderr, int exitCode) {
        String reason = null;
        for (String line : stderr.split("\\R")) {
            String l = line.strip();
            int at = l.indexOf("error: ");
            if (at >= 0) {
                reason = l.substring(at + "error: ".length());
            }
        }
        return (reason == null ? "bench run exited with status " + exitCode : reason) + " (exit " + exitCode + ")";
    }
}
