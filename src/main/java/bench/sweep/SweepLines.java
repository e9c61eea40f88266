package bench.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

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

    /**
     * How many points and runs a plan holds: {@code 9 points}; with repeats (--num-runs)
     * {@code 1 point x 2 runs} or {@code 9 points x 3 runs = 27 runs}; for part of a plan,
     * where the points have different numbers of runs left, {@code 3 runs of 2 points}.
     */
    public static String count(List<Point> plan) {
        Map<String, Long> runsPerPoint = plan.stream().collect(Collectors.groupingBy(
                p -> p.sweep() + "/" + p.name(), LinkedHashMap::new, Collectors.counting()));
        String points = runsPerPoint.size() + (runsPerPoint.size() == 1 ? " point" : " points");
        if (!repeats(plan)) {
            return points;
        }
        List<Long> runs = runsPerPoint.values().stream().distinct().toList();
        if (runs.size() == 1 && runs.get(0) > 1) {
            String total = runsPerPoint.size() > 1 ? " = " + plan.size() + " runs" : "";
            return points + " x " + runs.get(0) + " runs" + total;
        }
        return plan.size() + (plan.size() == 1 ? " run of " : " runs of ") + points;
    }

    /** What each entry of the plan is called: {@code points}, or {@code runs} when points repeat. */
    public static String entries(List<Point> plan) {
        return repeats(plan) ? "runs" : "points";
    }

    private static boolean repeats(List<Point> plan) {
        return plan.stream().anyMatch(p -> p.run() > 1);
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
    public static List<String> summary(List<Outcome> outcomes, List<Point> plan, String resultsDir,
            boolean interrupted) {
        int planned = plan.size();
        long ran = outcomes.stream().filter(o -> o.kind() == Kind.RAN).count();
        long skipped = outcomes.stream().filter(o -> o.kind() == Kind.SKIPPED).count();
        long failed = outcomes.stream().filter(o -> o.kind() == Kind.FAILED).count();
        List<String> lines = new ArrayList<>();
        String head = "bench sweep: " + count(plan) + ": " + ran + " ran, " + skipped + " skipped (already done), "
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
