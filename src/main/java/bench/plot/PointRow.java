package bench.plot;

import bench.sweep.Axis;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One label at one point of one sweep, its runs combined.
 *
 * @param swept the point's swept axis values (canonical text), which name it
 * @param axes  every axis value known (from its first run)
 */
public record PointRow(String label, String sweep, Map<Axis, String> swept, Map<Axis, Double> axes, Aggregate stats) {
    public PointRow {
        java.util.Objects.requireNonNull(label, "label");
        java.util.Objects.requireNonNull(sweep, "sweep");
        java.util.Objects.requireNonNull(stats, "stats");
        swept = Collections.unmodifiableMap(new LinkedHashMap<>(swept));
        axes = Map.copyOf(axes);
    }

    public String point() {
        return bench.sweep.Point.name(swept);
    }
}
