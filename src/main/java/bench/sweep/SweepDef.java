package bench.sweep;

import bench.BenchException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One named sweep: the axes it varies (a cross product, first axis outermost), the axes it
 * holds fixed, and extra {@code bench run} flags for this sweep only.
 */
public record SweepDef(String name, List<AxisValues> swept, Map<Axis, String> fixed, List<String> args) {
    public SweepDef {
        Names.check("sweep name", name);
        if (swept == null || swept.isEmpty()) {
            throw new BenchException("sweep '" + name + "' varies no axis");
        }
        swept = List.copyOf(swept);
        Set<Axis> axes = EnumSet.noneOf(Axis.class);
        for (AxisValues av : swept) {
            if (!axes.add(av.axis())) {
                throw new BenchException("sweep '" + name + "' varies " + av.axis().id() + " twice");
            }
        }
        Map<Axis, String> f = new EnumMap<>(Axis.class);
        if (fixed != null) {
            for (var e : fixed.entrySet()) {
                if (axes.contains(e.getKey())) {
                    throw new BenchException("sweep '" + name + "' both varies and fixes " + e.getKey().id());
                }
                f.put(e.getKey(), e.getKey().normalize(e.getValue()));
            }
        }
        fixed = Collections.unmodifiableMap(new LinkedHashMap<>(f));
        args = args == null ? List.of() : List.copyOf(args);
    }

    /** Number of points (without repeats). */
    public long size() {
        long n = 1;
        for (AxisValues av : swept) {
            n *= av.values().size();
        }
        return n;
    }

    /**
     * The sweep of {@code --sweep AXIS=V1,V2 ... --fixed AXIS=V ... [--name NAME]}; unnamed, it
     * is named after its swept axes ({@code input-len}, {@code input-len+output-len}).
     */
    public static SweepDef fromFlags(List<String> sweepFlags, List<String> fixedFlags, String name) {
        List<AxisValues> axes = sweepFlags.stream().map(AxisValues::parse).toList();
        Map<Axis, String> fixed = new LinkedHashMap<>();
        if (fixedFlags != null) {
            for (String f : fixedFlags) {
                var e = parseFixed(f);
                if (fixed.put(e.getKey(), e.getValue()) != null) {
                    throw new BenchException("--fixed " + e.getKey().id() + " given twice");
                }
            }
        }
        String sweepName = name != null ? name
                : String.join("+", axes.stream().map(a -> a.axis().id()).toList());
        return new SweepDef(sweepName, axes, fixed, List.of());
    }

    /** A fixed axis parsed from {@code output-len=256}. */
    public static Map.Entry<Axis, String> parseFixed(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq <= 0) {
            throw new BenchException("bad --fixed '" + text + "': expected AXIS=VALUE (axes: " + Axis.names() + ")");
        }
        Axis axis = Axis.parse(text.substring(0, eq));
        return Map.entry(axis, axis.normalize(text.substring(eq + 1)));
    }
}
