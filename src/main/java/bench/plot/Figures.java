package bench.plot;

import bench.metrics.Metric;
import bench.sweep.Axis;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds the figures from a {@link ResultTable}. Pure.
 *
 * <p>The article's four figures (output token throughput, request throughput, TTFT, ITL), each
 * with one panel per sweep over input length ("Prefill (output_len=256)") and per sweep over
 * output length ("Decode (input_len=512)"); then, for each sweep over request rate or max
 * concurrency, latency against throughput: x = output tokens/s, y = p99 TTFT and p99 ITL.
 *
 * <p>A sweep over several axes (a cross product, {@code --sweep input-len=... --sweep
 * output-len=...}) is drawn over its first axis, once for every value of the others: one
 * panel per value in the article's figures ("Prefill (output_len=64)", "Prefill
 * (output_len=128)"), one latency-vs-throughput figure per value for a first axis of request
 * rate or max concurrency. Lines stay one per label, in the label's colour.
 */
public final class Figures {
    private Figures() {}

    /** One quantity of a figure: its title (with unit), file stem and how to read it from a row. */
    private record Quantity(String stem, String title, Function<PointRow, Double> value) {}

    /**
     * A sweep as the figures draw it: over its first swept axis {@code x}, with every other axis
     * of {@code constant} held. A one-axis sweep is one view; a cross product one per value of
     * its other swept axes, named {@code SWEEP@AXIS=VALUE}.
     *
     * @param sweep the sweep's name
     * @param held  the values of the sweep's other swept axes this view holds (empty for a one-axis sweep)
     */
    record View(String sweep, String name, Axis x, Map<Axis, Double> constant, Map<Axis, String> held,
            List<PointRow> rows) {
        View {
            constant = Map.copyOf(constant);
            held = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(held));
            rows = List.copyOf(rows);
        }
    }

    /** Every sweep of the table as views (see {@link View}), in sweep order, a cross product's views by value. */
    static List<View> views(ResultTable table) {
        List<View> out = new ArrayList<>();
        for (ResultTable.SweepInfo s : table.sweeps().values()) {
            List<PointRow> rows = table.rows(s.name());
            if (s.swept().size() <= 1) {
                out.add(new View(s.name(), s.name(), s.xAxis(), s.constant(), Map.of(), rows));
                continue;
            }
            Axis x = s.swept().get(0);
            List<Axis> others = s.swept().subList(1, s.swept().size());
            Map<Map<Axis, String>, List<PointRow>> byHeld = new TreeMap<>(Figures::compareHeld);
            for (PointRow r : rows) {
                Map<Axis, String> held = new LinkedHashMap<>();
                for (Axis a : others) {
                    String v = r.swept().get(a);
                    if (v == null) {
                        held = null; // a point that does not sweep every axis has no place in the grid
                        break;
                    }
                    held.put(a, v);
                }
                if (held != null && r.swept().containsKey(x)) {
                    byHeld.computeIfAbsent(held, k -> new ArrayList<>()).add(r);
                }
            }
            byHeld.forEach((held, rs) -> {
                Map<Axis, Double> constant = new EnumMap<>(Axis.class);
                constant.putAll(s.constant());
                held.forEach((a, v) -> constant.put(a, Axis.numeric(v)));
                out.add(new View(s.name(), s.name() + "@" + bench.sweep.Point.name(held), x, constant, held, rs));
            });
        }
        return out;
    }

    /** Held values of one sweep (the same axes, in the same order), by their numbers. */
    private static int compareHeld(Map<Axis, String> a, Map<Axis, String> b) {
        for (Axis ax : a.keySet()) {
            int c = Double.compare(Axis.numeric(a.get(ax)), Axis.numeric(b.get(ax)));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    public static List<FigureModel> all(ResultTable table, Stat stat, String titlePrefix) {
        List<FigureModel> out = new ArrayList<>(article(table, stat, titlePrefix));
        out.addAll(latencyVsThroughput(table, titlePrefix));
        return out;
    }

    /** The four article figures; none when no sweep is drawn over input or output length. */
    public static List<FigureModel> article(ResultTable table, Stat stat, String titlePrefix) {
        List<View> all = views(table);
        List<View> views = new ArrayList<>();
        for (Axis x : List.of(Axis.INPUT_LEN, Axis.OUTPUT_LEN)) {
            all.stream().filter(v -> v.x() == x).forEach(views::add);
        }
        if (views.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> colors = LabelColors.assign(table.labels());
        List<String> panelTitles = panelTitles(views);
        String suffix = stat.equals(Stat.MEAN) ? "" : "_" + stat.key();
        List<Quantity> quantities = List.of(
                new Quantity("throughput", "Output Token Throughput (tok/s)",
                        r -> r.stats().outputThroughput()),
                new Quantity("req_throughput", "Request Throughput (req/s)", r -> r.stats().requestThroughput()),
                new Quantity("ttft" + suffix, stat.title() + " TTFT (ms)", r -> r.stats().latency(Metric.TTFT, stat)),
                new Quantity("itl" + suffix, stat.title() + " ITL (ms)", r -> r.stats().latency(Metric.ITL, stat)));
        List<FigureModel> out = new ArrayList<>();
        for (Quantity q : quantities) {
            List<FigureModel.Panel> panels = new ArrayList<>();
            for (int i = 0; i < views.size(); i++) {
                View v = views.get(i);
                Axis x = v.x();
                panels.add(new FigureModel.Panel(panelTitles.get(i), x.title(), q.title(),
                        series(table, v.rows(), colors, r -> r.axes().get(x), q.value())));
            }
            out.add(new FigureModel(q.stem(), prefixed(titlePrefix, q.title()), panels, colors));
        }
        return out;
    }

    /**
     * For each sweep drawn over request rate or max concurrency (each value of a cross
     * product's other axes apart): p99 TTFT and p99 ITL against output tokens/s.
     */
    public static List<FigureModel> latencyVsThroughput(ResultTable table, String titlePrefix) {
        Map<String, Integer> colors = LabelColors.assign(table.labels());
        List<FigureModel> out = new ArrayList<>();
        for (View v : views(table)) {
            Axis x = v.x();
            if (x != Axis.REQUEST_RATE && x != Axis.MAX_CONCURRENCY) {
                continue;
            }
            String xTitle = "Output Token Throughput (tok/s)";
            List<FigureModel.Panel> panels = List.of(
                    new FigureModel.Panel("P99 TTFT vs throughput", xTitle, "P99 TTFT (ms)",
                            series(table, v.rows(), colors, r -> r.stats().outputThroughput(),
                                    r -> r.stats().latency(Metric.TTFT, Stat.P99))),
                    new FigureModel.Panel("P99 ITL vs throughput", xTitle, "P99 ITL (ms)",
                            series(table, v.rows(), colors, r -> r.stats().outputThroughput(),
                                    r -> r.stats().latency(Metric.ITL, Stat.P99))));
            String held = v.held().isEmpty() ? "" : ", " + bench.sweep.Point.name(v.held());
            out.add(new FigureModel("latency-vs-throughput_" + v.name(),
                    prefixed(titlePrefix, "Latency vs Throughput, " + v.sweep() + " (" + x.id() + " sweep" + held
                            + ")"),
                    panels, colors));
        }
        return out;
    }

    /** One series per label with rows among {@code rows}, points in the sweep's order, missing values left out. */
    private static List<FigureModel.Series> series(ResultTable table, List<PointRow> sweepRows,
            Map<String, Integer> colors, Function<PointRow, Double> x, Function<PointRow, Double> y) {
        List<FigureModel.Series> out = new ArrayList<>();
        for (String label : table.labels()) {
            List<PointRow> rows = sweepRows.stream().filter(r -> r.label().equals(label))
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
     * output length, with the values a cross product's view holds ("Prefill (output_len=64,
     * max_concurrency=8)"); the sweep's name is added where two panels would read the same.
     */
    static List<String> panelTitles(List<View> views) {
        List<String> titles = new ArrayList<>();
        for (View v : views) {
            boolean prefill = v.x() == Axis.INPUT_LEN;
            Axis other = prefill ? Axis.OUTPUT_LEN : Axis.INPUT_LEN;
            List<String> shown = new ArrayList<>();
            Double len = v.constant().get(other);
            if (len != null) {
                shown.add(other.configKey() + "=" + other.format(len));
            }
            v.held().forEach((a, value) -> {
                if (a != other) {
                    shown.add(a.configKey() + "=" + value);
                }
            });
            titles.add((prefill ? "Prefill" : "Decode")
                    + (shown.isEmpty() ? "" : " (" + String.join(", ", shown) + ")"));
        }
        Map<String, Integer> counts = new HashMap<>();
        titles.forEach(t -> counts.merge(t, 1, Integer::sum));
        for (int i = 0; i < titles.size(); i++) {
            if (counts.get(titles.get(i)) > 1) {
                titles.set(i, titles.get(i) + " [" + views.get(i).name() + "]");
            }
        }
        return titles;
    }

    private static String prefixed(String prefix, String title) {
        return prefix == null || prefix.isBlank() ? title : prefix.strip() + " \u2014 " + title;
    }
}
