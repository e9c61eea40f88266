package bench.sweep;

import bench.BenchException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One swept axis and its values in the order given, canonical and distinct. */
public record AxisValues(Axis axis, List<String> values) {
    public AxisValues {
        Objects.requireNonNull(axis, "axis");
        if (values == null || values.isEmpty()) {
            throw new BenchException("sweep axis " + (axis == null ? "" : axis.id()) + " needs at least one value");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String v : values) {
            String c = axis.normalize(v);
            if (!seen.add(c)) {
                throw new BenchException("sweep axis " + axis.id() + " lists " + c + " twice");
            }
        }
        values = List.copyOf(seen);
    }

    /** Parses {@code input-len=512,1024,2048}. */
    public static AxisValues parse(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq <= 0) {
            throw new BenchException("bad --sweep '" + text + "': expected AXIS=V1,V2,... (axes: " + Axis.names() + ")");
        }
        Axis axis = Axis.parse(text.substring(0, eq));
        List<String> vs = new ArrayList<>();
        for (String v : text.substring(eq + 1).split(",", -1)) {
            vs.add(v.trim());
        }
        return new AxisValues(axis, vs);
    }
}
