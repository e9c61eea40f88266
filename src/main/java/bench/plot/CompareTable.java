package bench.plot;

import bench.BenchException;
import bench.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code bench compare}: per sweep and point, each label's key figures and their ratio to
 * the baseline label's at the same point, as Markdown or CSV: throughputs, mean TTFT and ITL,
 * and a second latency statistic (p99 unless another is asked for). Pure.
 */
public final class CompareTable {
    /**
     * One column compared.
     *
     * @param title as the Markdown header shows it
     * @param key   the CSV column (and its ratio's, KEY_ratio)
     */
    public record Column(String title, String key, Function<PointRow, Double> value) {
        public static final Column OUTPUT_THROUGHPUT = new Column("output tok/s", "output_throughput",
                r -> r.stats().outputThroughput());
        public static final Column REQUEST_THROUGHPUT = new Column("req/s", "request_throughput",
                r -> r.stats().requestThroughput());
        public static final Column MEAN_TTFT = latency(Metric.TTFT, Stat.MEAN);
        public static final Column MEAN_ITL = latency(Metric.ITL, Stat.MEAN);

        public Column {
            java.util.Objects.requireNonNull(title, "title");
            java.util.Objects.requireNonNull(key, "key");
            java.util.Objects.requireNonNull(value, "value");
        }

        /** A latency statistic of a metric, e.g. {@code p99.9 TTFT (ms)}, {@code p99.9_ttft_ms}. */
        public static Column latency(Metric m, Stat s) {
            return new Column(s.key() + " " + m.label() + " (ms)", s.key() + "_" + m.key() + "_ms",
                    r -> r.stats().latency(m, s));
        }

        /** The columns for a latency statistic: throughputs, mean TTFT and ITL, then the statistic's. */
        public static List<Column> of(Stat stat) {
            List<Column> c = new ArrayList<>(List.of(OUTPUT_THROUGHPUT, REQUEST_THROUGHPUT, MEAN_TTFT, MEAN_ITL));
            if (!stat.equals(Stat.MEAN)) {
                c.add(latency(Metric.TTFT, stat));
                c.add(latency(Metric.ITL, stat));
            }
            return c;
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
    private final List<Column> columns;
    private final List<Section> sections;

    private CompareTable(String baseline, List<Column> columns, List<Section> sections) {
        this.baseline = baseline;
        this.columns = List.copyOf(columns);
        this.sections = List.copyOf(sections);
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Section> sections() {
        return sections;
    }

    /** As {@link #build(ResultTable, String, Stat)} with p99 beside the means. */
    public static CompareTable build(ResultTable table, String baseline) {
        return build(table, baseline, Stat.P99);
    }

    /**
     * Every sweep (by name), every point of it over all labels, every label: the baseline first;
     * the columns of {@link Column#of(Stat)}.
     */
    public static CompareTable build(ResultTable table, String baseline, Stat stat) {
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
        return new CompareTable(baseline, Column.of(stat), sections);
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Comparison with baseline `").append(baseline).append("`\n\n");
        sb.append("Each cell: the label's value, then its ratio to the baseline's at the same point. "
                + "Throughput: higher is better; latency: lower is better. Runs of a point are combined.\n");
        for (Section s : sections) {
            sb.append("\n## Sweep `").append(s.sweep()).append("`\n\n");
            sb.append("| point | label | runs |");
            for (Column c : columns) {
                sb.append(' ').append(c.title()).append(" |");
            }
            sb.append("\n|---|---|---:|");
            sb.append("---:|".repeat(columns.size()));
            sb.append('\n');
            for (Line l : s.lines()) {
                sb.append("| ").append(l.point()).append(" | ").append(l.label())
                        .append(l.isBaseline() ? " (baseline)" : "").append(" | ");
                if (l.row() == null) {
                    sb.append("- |");
                    sb.append(" missing |".repeat(columns.size()));
                    sb.append('\n');
                    continue;
                }
                sb.append(l.row().stats().runs()).append(" |");
                for (Column c : columns) {
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
        for (Column c : columns) {
            sb.append(',').append(c.key()).append(',').append(c.key()).append("_ratio");
        }
        sb.append('\n');
        for (Section s : sections) {
            for (Line l : s.lines()) {
                sb.append(csvField(s.sweep())).append(',').append(csvField(l.point())).append(',')
                        .append(csvField(l.label())).append(',').append(l.status()).append(',')
                        .append(l.row() == null ? "" : Integer.toString(l.row().stats().runs()));
                for (Column c : columns) {
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
        if (c.equals(Column.REQUEST_THROUGHPUT)) {
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
