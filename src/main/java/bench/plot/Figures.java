package bench.plot;

import bench.metrics.Metric;
import bench.sweep.Axis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the figures from a {@link ResultTable}. Pure.
 *
 * <p>The article's four figures (output token throughput, request throughput, TTFT, ITL), each
 * with one panel per sweep over input length ("Prefill (output_len=256)") and per sweep over
 * output length ("Decode (input_len=512)"); then, for each sweep over request rate or max
 * concurrency, latency against throughput: x = output tokens/s, y = p99 TTFT and p99 ITL.
 */
public final class Figures {
    private Figures() {}

    /** One quantity of a figure: its title (with unit), file stem and how to read it from a row. */
    private record Quantity(String stem, String title, Function<PointRow, Double> value) {}

    public static List<FigureModel> all(ResultTable table, Stat stat, String titlePrefix) {
        List<FigureModel> out = new ArrayList<>(article(table, stat, titlePrefix));
        out.addAll(latencyVsThroughput(table, titlePrefix));
        return out;
    }

    /** The four article figures; none when no sweep varies input or output length alone. */
    public static List<FigureModel> article(ResultTable table, Stat stat, String titlePrefix) {
        List<ResultTable.SweepInfo> sweeps = new ArrayList<>();
        for (Axis x : List.of(Axis.INPUT_LEN, Axis.OUTPUT_LEN)) {
            table.sweeps().values().stream().filter(s -> s.xAxis() == x).forEach(sweeps::add);
        }
        if (sweeps.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> colors = LabelColors.assign(table.labels());
        List<String> panelTitles = panelTitles(sweeps);
        String suffix = stat == Stat.MEAN ? "" : "_" + stat.key();
        List<Quantity> quantities = List.of(
                new Quantity("throughput", "Output Token Throughput (tok/s)",
                        r -> r.stats().outputThroughput()),
                new Quantity("req_throughput", "Request Throughput (req/s)", r -> r.stats().requestThroughput()),
                new Quantity("ttft" + suffix, stat.title() + " TTFT (ms)", r -> r.stats().latency(Metric.TTFT, stat)),
                new Quantity("itl" + suffix, stat.title() + " ITL (ms)", r -> r.stats().latency(Metric.ITL, stat)));
        List<FigureModel> out = new ArrayList<>();
        for (Quantity q : quantities) {
            List<FigureModel.Panel> panels = new ArrayList<>();
            for (int i = 0; i < sweeps.size(); i++) {
                ResultTable.SweepInfo s = sweeps.get(i);
                Axis x = s.xAxis();
                panels.add(new FigureModel.Panel(panelTitles.get(i), x.title(), q.title(),
                        series(table, s.name(), colors, r -> r.axes().get(x), q.value())));
            }
            out.add(new FigureModel(q.stem(), prefixed(titlePrefix, q.title()), panels, colors));
        }
        return out;
    }

    /** For each request-rate or max-concurrency sweep: p99 TTFT and p99 ITL against output tokens/s. */
    public static List<FigureModel> latencyVsThroughput(ResultTable table, String titlePrefix) {
        Map<String, Integer> colors = LabelColors.assign(table.labels());
        List<FigureModel> out = new ArrayList<>();
        for (ResultTable.SweepInfo s : table.sweeps().values()) {
            Axis x = s.xAxis();
            if (x != Axis.REQUEST_RATE && x != Axis.MAX_CONCURRENCY) {
                continue;
            }
            String xTitle = "Output Token Throughput (tok/s)";
            List<FigureModel.Panel> panels = List.of(
                    new FigureModel.Panel("P99 TTFT vs throughput", xTitle, "P99 TTFT (ms)",
                            series(table, s.name(), colors, r -> r.stats().outputThroughput(),
                                    r -> r.stats().latency(Metric.TTFT, Stat.P99))),
                    new FigureModel.Panel("P99 ITL vs throughput", xTitle, "P99 ITL (ms)",
                            series(table, s.name(), colors, r -> r.stats().outputThroughput(),
                                    r -> r.stats().latency(Metric.ITL, Stat.P99))));
            out.add(new FigureModel("latency-vs-throughput_" + s.name(),
                    prefixed(titlePrefix, "Latency vs Throughput, " + s.name() + " (" + x.id() + " sweep)"), panels,
                    colors));
        }
        return out;
    }

    /** One series per label with rows in the sweep, points in the sweep's order, missing values left out. */
    private static List<FigureModel.Series> series(ResultTable table, String sweep, Map<String, Integer> colors,
            Function<PointRow, Double> x, Function<PointRow, Double> y) {
        List<FigureModel.Series> out = new ArrayList<>();
        for (String label : table.labels()) {
            List<PointRow> rows = table.rows(sweep).stream().filter(r -> r.label().equals(label))
                    .sorted(ResultTable.POINT_ORDER).toList();
            List<double[]> pts = new ArrayList<>();
            for (PointRow r : rows) {
                Double xv = x.apply(r);
                Double yv = y.apply(r);
                if (xv != null && yv != null && Double.isFinite(xv) && Double.isFinite(yv)) {
                    pts.add(new double[] {xv, yv});
                }
            }
            if (pts.isEmpty()) {
                continue;
            }
            double[] xs = pts.stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = pts.stream().mapToDouble(p -> p[1]).toArray();
            out.add(new FigureModel.Series(label, colors.get(label), xs, ys));
        }
        return out;
    }

    /**
     * "Prefill (output_len=256)" for a sweep over input length, "Decode (input_len=512)" over
     * output length; the sweep's name is added where two panels would read the same.
     */
    static List<String> panelTitles(List<ResultTable.SweepInfo> sweeps) {
        List<String> titles = new ArrayList<>();
        for (ResultTable.SweepInfo s : sweeps) {
            boolean prefill = s.xAxis() == Axis.INPUT_LEN;
            Axis other = prefill ? Axis.OUTPUT_LEN : Axis.INPUT_LEN;
            Double v = s.constant().get(other);
            titles.add((prefill ? "Prefill" : "Decode")
                    + (v == null ? "" : " (" + other.configKey() + "=" + other.format(v) + ")"));
        }
        Map<String, Integer> counts = new HashMap<>();
        titles.forEach(t -> counts.merge(t, 1, Integer::sum));
        for (int i = 0; i < titles.size(); i++) {
            if (counts.get(titles.get(i)) > 1) {
                titles.set(i, titles.get(i) + " [" + sweeps.get(i).name() + "]");
            }
        }
        return titles;
    }

    private static String prefixed(String prefix, String title) {
        return prefix == null || prefix.isBlank() ? title : prefix.strip() + " \u2014 " + title;
    }
}
