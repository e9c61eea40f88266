package bench.sweep;

import bench.BenchException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a sweep: the values of its swept axes (which name it), the fixed ones, and the
 * repeat number (1-based).
 *
 * @param swept in the sweep's axis order; the point's name is built from these
 * @param fixed the sweep's fixed axes
 */
public record Point(String sweep, Map<Axis, String> swept, Map<Axis, String> fixed, List<String> args, int run) {
    public Point {
        Names.check("sweep name", sweep);
        if (swept == null || swept.isEmpty()) {
            throw new IllegalArgumentException("a point has at least one swept axis");
        }
        swept = Collections.unmodifiableMap(new LinkedHashMap<>(swept));
        fixed = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(fixed, "fixed")));
        for (Axis a : swept.keySet()) {
            if (fixed.containsKey(a)) {
                throw new IllegalArgumentException(a.id() + " both swept and fixed");
            }
        }
        args = args == null ? List.of() : List.copyOf(args);
        if (run < 1) {
            throw new IllegalArgumentException("run must be >= 1");
        }
    }

    /** {@code input-len=512} or {@code input-len=512,output-len=256}: the swept values. */
    public String name() {
        return name(swept);
    }

    public static String name(Map<Axis, String> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((a, v) -> parts.add(a.id() + "=" + v));
        return String.join(",", parts);
    }

    /** The point's name with the repeat suffix: {@code input-len=512} for run 1, {@code input-len=512-run2} after. */
    public String runName() {
        return name() + (run > 1 ? "-run" + run : "");
    }

    /** {@code <sweep>/<runName>.json}, relative to the label's directory. */
    public String relativeFile() {
        return sweep + "/" + runName() + ".json";
    }

    /** Every axis this point sets: swept, then fixed. */
    public Map<Axis, String> settings() {
        Map<Axis, String> all = new LinkedHashMap<>(swept);
        all.putAll(fixed);
        return Collections.unmodifiableMap(all);
    }

    /** What a result file name says: the swept values and the run, parsed from {@code input-len=512-run2}. */
    public record Parsed(Map<Axis, String> swept, int run) {
        public Parsed {
            swept = Collections.unmodifiableMap(new LinkedHashMap<>(swept));
        }

        public String name() {
            return Point.name(swept);
        }
    }

    /**
     * Parses a point name (with an optional {@code -runN} suffix and {@code .json} extension);
     * throws a BenchException when it is not one.
     */
    public static Parsed parse(String text) {
        String t = text.endsWith(".json") ? text.substring(0, text.length() - 5) : text;
        int run = 1;
        int r = t.lastIndexOf("-run");
        if (r > 0 && t.substring(r + 4).matches("[0-9]{1,6}")) {
            run = Integer.parseInt(t.substring(r + 4));
            t = t.substring(0, r);
            if (run < 1) {
                throw new BenchException("not a point name: " + text);
            }
        }
        Map<Axis, String> values = new LinkedHashMap<>();
        for (String part : t.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new BenchException("not a point name: " + text);
            }
            Axis a = Axis.parse(part.substring(0, eq));
            if (values.put(a, a.normalize(part.substring(eq + 1))) != null) {
                throw new BenchException("not a point name: " + text);
            }
        }
        return new Parsed(values, run);
    }

    /** Like {@link #parse} but null for names that are not point names. */
    public static Parsed tryParse(String text) {
        try {
            return parse(text);
        } catch (BenchException e) {
            return null;
        }
    }
}
