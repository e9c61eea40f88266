package bench.plot;

import bench.metrics.Metric;
import bench.sweep.Axis;
import bench.sweep.Point;
import bench.sweep.RunArgs;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads one result file's JSON, bench's or {@code vllm bench serve}'s, into a {@link RunRecord}.
 * Pure: the caller reads the file and says where it lies.
 *
 * <p>Where it belongs: bench results carry the label and, from {@code bench sweep}, the sweep,
 * point and run in {@code config.metadata}. Otherwise the layout tells:
 * {@code <label>/<sweep>/<point>.json} when the file name is a point name such as
 * {@code input-len=512.json}, else {@code <label>/<any name>.json} (the sweep is then assigned
 * from the values). A null label falls back to the layout, then the root directory's name.
 *
 * <p>Axis values: bench results' {@code config}; vLLM results have none, so the point name
 * gives them when there is one, else the average lengths (total tokens / completed requests)
 * and the top-level {@code request_rate}, {@code max_concurrency}, {@code num_prompts}.
 */
public final class ResultParser {
    /** Metrics read for plots and comparisons. */
    static final List<Metric> METRICS = List.of(Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL);

    private ResultParser() {}

    /**
     * The outcome: a record, or why the file was skipped ({@code quiet} when it is simply not a
     * result file, so it need not be reported).
     */
    public record Parsed(RunRecord record, String skipReason, boolean quiet) {
        static Parsed skip(String reason, boolean quiet) {
            return new Parsed(null, reason, quiet);
        }
    }

    /**
     * @param dirs     directories between the root given by the user and the file
     * @param fileName the file's name
     * @param rootName the name of the root directory itself (last fallback for the label)
     */
    public static Parsed parse(JsonNode j, String source, List<String> dirs, String fileName, String rootName) {
        if (j == null || !j.isObject()) {
            return Parsed.skip("not a result", true);
        }
        for (String k : List.of("completed", "output_throughput", "request_throughput", "total_input_tokens",
                "total_output_tokens")) {
            if (!j.has(k) || !j.get(k).isNumber()) {
                return Parsed.skip("not a result", true);
            }
        }
        if (j.path("interrupted").asBoolean(false)) {
            return Parsed.skip("interrupted run", false);
        }
        long completed = j.get("completed").asLong();
        if (completed <= 0) {
            return Parsed.skip("no successful request", false);
        }
        JsonNode config = j.get("config");
        boolean ours = config != null && config.isObject();
        JsonNode meta = ours ? config.path("metadata") : j;

        // where it belongs
        Point.Parsed fromName = Point.tryParse(fileName);
        String layoutLabel;
        String layoutSweep = null;
        if (fromName != null) {
            layoutSweep = dirs.isEmpty() ? null : dirs.get(dirs.size() - 1);
            layoutLabel = dirs.size() >= 2 ? dirs.get(dirs.size() - 2) : rootName;
        } else {
            layoutLabel = dirs.isEmpty() ? rootName : dirs.get(dirs.size() - 1);
        }
        String label = text(j.get("label"));
        if (label == null) {
            label = layoutLabel != null && !layoutLabel.isBlank() ? layoutLabel : "unlabeled";
        }
        // bench sweep's metadata (vLLM's --metadata keys are top-level), else the layout
        String sweep = text(meta.get(RunArgs.META_SWEEP));
        Point.Parsed point;
        int run = 1;
        if (sweep != null) {
            String metaPoint = text(meta.get(RunArgs.META_POINT));
            point = metaPoint == null ? null : Point.tryParse(metaPoint);
            JsonNode metaRun = meta.get(RunArgs.META_RUN);
            if (metaRun != null && metaRun.asInt(0) >= 1) {
                run = metaRun.asInt();
            }
        } else {
            sweep = layoutSweep;
            point = fromName;
            run = fromName == null ? 1 : fromName.run();
        }

        // axis values
        Map<Axis, Double> axes = new EnumMap<>(Axis.class);
        if (ours) {
            for (Axis a : Axis.values()) {
                axes.put(a, number(config.get(a.configKey())));
            }
        } else {
            axes.put(Axis.INPUT_LEN, (double) Math.round(j.get("total_input_tokens").asDouble() / completed));
            axes.put(Axis.OUTPUT_LEN, (double) Math.round(j.get("total_output_tokens").asDouble() / completed));
            axes.put(Axis.REQUEST_RATE, number(j.get("request_rate")));
            axes.put(Axis.MAX_CONCURRENCY, number(j.get("max_concurrency")));
            axes.put(Axis.NUM_PROMPTS, number(j.get("num_prompts")));
        }
        if (point != null) {
            point.swept().forEach((a, v) -> axes.put(a, Axis.numeric(v)));
        }

        Map<Metric, Latency> lat = new EnumMap<>(Metric.class);
        for (Metric m : METRICS) {
            // every statistic the file has: <stat>_<metric>_ms (median_ and p50_ alike)
            Map<Stat, Double> values = new HashMap<>();
            String suffix = "_" + m.key() + "_ms";
            for (Iterator<String> names = j.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                Stat s = name.endsWith(suffix) ? Stat.tryParse(name.substring(0, name.length() - suffix.length()))
                        : null;
                Double v = s == null ? null : number(j.get(name));
                if (v != null) {
                    values.putIfAbsent(s, v);
                }
            }
            long count = j.path("count_" + m.key()).asLong(completed);
            String hist = ours ? text(j.path("histograms").get(m.key())) : null;
            if (values.values().stream().anyMatch(v -> v != null) || hist != null) {
                lat.put(m, new Latency(values, count, hist));
            }
        }
        RunRecord r = new RunRecord(source, label, sweep, point == null ? null : point.swept(), run, axes,
                j.get("output_throughput").asDouble(), j.get("request_throughput").asDouble(), completed, lat);
        return new Parsed(r, null, false);
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || !n.isValueNode()) {
            return null;
        }
        String s = n.asText().trim();
        return s.isEmpty() ? null : s;
    }

    /** A number, "inf" as infinity, anything else (null, missing) as null. */
    private static Double number(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            String t = n.asText().trim().toLowerCase(java.util.Locale.ROOT);
            if (t.equals("inf") || t.equals("infinity")) {
                return Double.POSITIVE_INFINITY;
            }
            try {
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
