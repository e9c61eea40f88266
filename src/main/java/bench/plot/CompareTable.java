package bench.plot;

import bench.BenchException;
import bench.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code bench compare}: per sweep and point, each label's key figures and their ratio to
 * the baseline label's at the same point, as Markdown or CSV. Pure.
 */
public final class CompareTable {
    /** The columns compared. */
    public enum Column {
        OUTPUT_THROUGHPUT("output tok/s", "output_throughput", r -> r.stats().outputThroughput()),
        REQUEST_THROUGHPUT("req/s", "request_throughput", r -> r.stats().requestThroughput()),
        MEAN_TTFT("mean TTFT (ms)", "mean_ttft_ms", r -> r.stats().latency(Metric.TTFT, Stat.MEAN)),
        MEAN_ITL("mean ITL (ms)", "mean_itl_ms", r -> r.stats().latency(Metric.ITL, Stat.MEAN)),
        P99_TTFT("p99 TTFT (ms)", "p99_ttft_ms", r -> r.stats().latency(Metric.TTFT, Stat.P99)),
        P99_ITL("p99 ITL (ms)", "p99_itl_ms", r -> r.stats().latency(Metric.ITL, Stat.P99));

        private final String title;
        private final String key;
        private final Function<PointRow, Double> value;

        Column(String title, String key, Function<PointRow, Double> value) {
            this.title = title;
            this.key = key;
            this.value = value;
        }

        public Double of(PointRow r) {
            return r == null ? null : value.apply(r);
        }
    }

    /** One label at one point: its row (null when missing) and the baseline's (null when missing). */
    public record Line(String point, String label, boolean isBaseline, PointRow row, PointRow base) {
        public Double ratio(Column c) {
            Double v = c.of(row);
            Double b = c.of(base);
            if (v == null || b == null || b == 0 || !Double.isFinite(b)) {
                return null;
            }
            return v / b;
        }

        public String status() {
            if (row == null) {
                return "missing";
            }
            if (isBaseline) {
                return "baseline";
            }
            return base == null ? "no-baseline" : "ok";
        }
    }

    /** The lines of one sweep. */
    public record Section(String sweep, List<Line> lines) {
        public Section {
            lines = List.copyOf(lines);
        }
    }

    private final String baseline;
    private final List<Section> sections;

    private CompareTable(String baseline, List<Section> sections) {
        this.baseline = baseline;
        this.sections = List.copyOf(sections);
    }

    public List<Section> sections() {
        return sections;
    }

    /** Every sweep (by name), every point of it over all labels, every label: the baseline first. */
    public static CompareTable build(ResultTable table, String baseline) {
        if (!table.labels().contains(baseline)) {
            throw new BenchException("baseline label '" + baseline + "' is not in the results (labels: "
                    + String.join(", ", table.labels()) + ")");
        }
        List<String> labels = new ArrayList<>();
        labels.add(baseline);
        table.labels().stream().filter(l -> !l.equals(baseline)).forEach(labels::add);
        List<Section> sections = new ArrayList<>();
        for (String sweep : table.sweeps().keySet()) {
            List<Line> lines = new ArrayList<>();
            for (PointRow p : table.points(sweep)) {
                PointRow base = table.row(baseline, sweep, p.point());
                for (String label : labels) {
                    lines.add(new Line(p.point(), label, label.equals(baseline), table.row(label, sweep, p.point()),
                            base));
                }
            }
            sections.add(new Section(sweep, lines));
        }
        return new CompareTable(baseline, sections);
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Comparison with baseline `").append(baseline).append("`\n\n");
        sb.append("Each cell: the label's value, then its ratio to the baseline's at the same point. "
                + "Throughput: higher is better; latency: lower is better. Runs of a point are combined.\n");
        for (Section s : sections) {
            sb.append("\n## Sweep `").append(s.sweep()).append("`\n\n");
            sb.append("| point | label | runs |");
            for (Column c : Column.values()) {
                sb.append(' ').append(c.title).append(" |");
            }
            sb.append("\n|---|---|---:|");
            sb.append("---:|".repeat(Column.values().length));
            sb.append('\n');
            for (Line l : s.lines()) {
                sb.append("| ").append(l.point()).append(" | ").append(l.label())
                        .append(l.isBaseline() ? " (baseline)" : "").append(" | ");
                if (l.row() == null) {
                    sb.append("- |");
                    sb.append(" missing |".repeat(Column.values().length));
                    sb.append('\n');
                    continue;
                }
                sb.append(l.row().stats().runs()).append(" |");
                for (Column c : Column.values()) {
                    Double v = c.of(l.row());
                    sb.append(' ').append(v == null ? "n/a" : value(c, v));
                    if (!l.isBaseline() && v != null) {
                        Double r = l.ratio(c);
                        sb.append(r == null ? " (n/a)" : String.format(Locale.ROOT, " (%.2fx)", r));
                    }
                    sb.append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public String csv() {
        StringBuilder sb = new StringBuilder("sweep,point,label,status,runs");
        for (Column c : Column.values()) {
            sb.append(',').append(c.key).append(',').append(c.key).append("_ratio");
        }
        sb.append('\n');
        for (Section s : sections) {
            for (Line l : s.lines()) {
                sb.append(csvField(s.sweep())).append(',').append(csvField(l.point())).append(',')
                        .append(csvField(l.label())).append(',').append(l.status()).append(',')
                        .append(l.row() == null ? "" : Integer.toString(l.row().stats().runs()));
                for (Column c : Column.values()) {
                    Double v = c.of(l.row());
                    Double r = l.ratio(c);
                    sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v));
                    sb.append(',').append(r == null ? "" : String.format(Locale.ROOT, "%.4f", r));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String value(Column c, double v) {
        if (c == Column.REQUEST_THROUGHPUT) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
