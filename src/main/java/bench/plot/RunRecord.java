package bench.plot;

import bench.metrics.Metric;
import bench.sweep.Axis;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One result file, read: where it belongs (label, sweep, point, run), what it measured with
 * (axis values), and what it measured.
 *
 * @param source  the file, for messages
 * @param sweep   null when neither the result nor the layout says (assigned later)
 * @param swept   the point's swept axis values when its name is known, else null (inferred later)
 * @param axes    every axis value known: lengths, rate (infinity for inf), concurrency, prompts
 */
public record RunRecord(String source, String label, String sweep, Map<Axis, String> swept, int run,
        Map<Axis, Double> axes, double outputThroughput, double requestThroughput, long completed,
        Map<Metric, Latency> latencies) {
    public RunRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(label, "label");
        swept = swept == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(swept));
        Map<Axis, Double> a = new EnumMap<>(Axis.class);
        axes.forEach((k, v) -> {
            if (v != null && !Double.isNaN(v)) {
                a.put(k, v);
            }
        });
        axes = Collections.unmodifiableMap(a);
        Map<Metric, Latency> l = new EnumMap<>(Metric.class);
        l.putAll(latencies);
        latencies = Collections.unmodifiableMap(l);
        if (run < 1) {
            throw new IllegalArgumentException("run must be >= 1");
        }
    }

    public RunRecord withSweep(String newSweep, Map<Axis, String> newSwept) {
        return new RunRecord(source, label, newSweep, newSwept, run, axes, outputThroughput, requestThroughput,
                completed, latencies);
    }

    /** The point's name, from its swept values. */
    public String pointName() {
        return swept == null ? null : bench.sweep.Point.name(swept);
    }
}
