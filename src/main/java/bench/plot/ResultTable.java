package bench.plot;

import bench.sweep.Axis;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Results as a table of (label, sweep, point) rows, each with its runs combined
 * ({@link Aggregate}): what plots and comparisons are drawn from. Pure.
 *
 * <p>Results that do not say which sweep they belong to (plain vLLM files in one directory)
 * are sorted into sweeps per label by their values: the largest group of points that differ
 * only in input length is the sweep {@code prefill}, only in output length {@code decode},
 * only in request rate {@code request-rate}, only in max concurrency {@code max-concurrency}.
 * A point can belong to two (the article's input 512 / output 256 point is in both). What
 * fits none is the sweep {@code unsorted}.
 */
public final class ResultTable {
    /** Auto-assigned sweeps, in order of preference. */
    static final List<Map.Entry<Axis, String>> AUTO = List.of(Map.entry(Axis.INPUT_LEN, "prefill"),
            Map.entry(Axis.OUTPUT_LEN, "decode"), Map.entry(Axis.REQUEST_RATE, "request-rate"),
            Map.entry(Axis.MAX_CONCURRENCY, "max-concurrency"));
    static final String UNSORTED = "unsorted";

    /** A sweep's shape over all labels. */
    public record SweepInfo(String name, List<Axis> swept, Map<Axis, Double> constant) {
        public SweepInfo {
            java.util.Objects.requireNonNull(name, "name");
            swept = List.copyOf(swept);
            constant = Map.copyOf(constant);
        }

        /** The one swept axis, or null for a cross product. */
        public Axis xAxis() {
            return swept.size() == 1 ? swept.get(0) : null;
        }
    }

    private final List<PointRow> rows;
    private final Map<String, SweepInfo> sweeps;
    private final List<String> labels;

    private ResultTable(List<PointRow> rows, Map<String, SweepInfo> sweeps) {
        this.rows = List.copyOf(rows);
        this.sweeps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sweeps));
        this.labels = List.copyOf(new TreeSet<>(rows.stream().map(PointRow::label).toList()));
    }

    public List<PointRow> rows() {
        return rows;
    }

    /** Labels, sorted. */
    public List<String> labels() {
        return labels;
    }

    /** Sweeps by name, sorted by name. */
    public Map<String, SweepInfo> sweeps() {
        return sweeps;
    }

    /** The rows of one sweep, by label (sorted) then point (by swept values). */
    public List<PointRow> rows(String sweep) {
        return rows.stream().filter(r -> r.sweep().equals(sweep)).toList();
    }

    public PointRow row(String label, String sweep, String point) {
        for (PointRow r : rows) {
            if (r.label().equals(label) && r.sweep().equals(sweep) && r.point().equals(point)) {
                return r;
            }
        }
        return null;
    }

    /** The distinct points of a sweep over all labels, ordered by their swept values. */
    public List<PointRow> points(String sweep) {
        Map<String, PointRow> byPoint = new LinkedHashMap<>();
        for (PointRow r : rows(sweep)) {
            byPoint.putIfAbsent(r.point(), r);
        }
        List<PointRow> out = new ArrayList<>(byPoint.values());
        out.sort(POINT_ORDER);
        return out;
    }

    static final Comparator<PointRow> POINT_ORDER = (a, b) -> {
        List<String> ka = new ArrayList<>();
        a.swept().forEach((ax, v) -> ka.add(ax.id()));
        List<String> kb = new ArrayList<>();
        b.swept().forEach((ax, v) -> kb.add(ax.id()));
        int c = String.join(",", ka).compareTo(String.join(",", kb));
        if (c != 0) {
            return c;
        }
        for (Axis ax : a.swept().keySet()) {
            c = Double.compare(Axis.numeric(a.swept().get(ax)), Axis.numeric(b.swept().get(ax)));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    /** Builds the table from result records: assigns sweeps, infers swept axes, combines runs. */
    public static ResultTable of(List<RunRecord> records) {
        List<RunRecord> placed = new ArrayList<>();
        Map<String, List<RunRecord>> unplacedByLabel = new TreeMap<>();
        for (RunRecord r : records) {
            if (r.sweep() == null) {
                unplacedByLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
            } else {
                placed.add(r);
            }
        }
        unplacedByLabel.values().forEach(rs -> placed.addAll(autoSweeps(rs)));
        List<RunRecord> named = splitByWorkload(inferSwept(placed));

        Map<List<String>, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecord r : named) {
            groups.computeIfAbsent(List.of(r.label(), r.sweep(), r.pointName()), k -> new ArrayList<>()).add(r);
        }
        List<PointRow> rows = new ArrayList<>();
        for (List<RunRecord> g : groups.values()) {
            g.sort(Comparator.comparingInt(RunRecord::run).thenComparing(RunRecord::source));
            RunRecord first = g.get(0);
            rows.add(new PointRow(first.label(), first.sweep(), first.swept(), first.axes(), Aggregate.of(g)));
        }
        rows.sort(Comparator.comparing(PointRow::sweep).thenComparing(PointRow::label).thenComparing(POINT_ORDER));

        Map<String, SweepInfo> sweeps = new TreeMap<>();
        for (String s : new TreeSet<>(rows.stream().map(PointRow::sweep).toList())) {
            List<PointRow> rs = rows.stream().filter(r -> r.sweep().equals(s)).toList();
            Set<Axis> swept = new LinkedHashSet<>();
            rs.forEach(r -> swept.addAll(r.swept().keySet()));
            Map<Axis, Double> constant = new EnumMap<>(Axis.class);
            for (Axis a : Axis.values()) {
                if (swept.contains(a)) {
                    continue;
                }
                Set<Double> vs = new LinkedHashSet<>();
                boolean all = true;
                for (PointRow r : rs) {
                    Double v = r.axes().get(a);
                    if (v == null) {
                        all = false;
                    } else {
                        vs.add(v);
                    }
                }
                if (all && vs.size() == 1) {
                    constant.put(a, vs.iterator().next());
                }
            }
            sweeps.put(s, new SweepInfo(s, new ArrayList<>(swept), constant));
        }
        return new ResultTable(rows, sweeps);
    }

    /** Axes that shape the workload: results that differ in one the sweep does not sweep are not one point. */
    static final List<Axis> WORKLOAD = List.of(Axis.INPUT_LEN, Axis.OUTPUT_LEN, Axis.REQUEST_RATE,
            Axis.MAX_CONCURRENCY);
    /** Values closer than this ratio are the same (vLLM's files give lengths as averages per request). */
    static final double SAME_RATIO = 1.1;

    /**
     * Splits a sweep whose results differ in a workload axis it does not sweep (labels measured
     * at input-len 64 and 128 in one output-len sweep) into one sweep per value, named {@code
     * decode@input-len=64}: their points are not the same and are never compared as if they were.
     */
    static List<RunRecord> splitByWorkload(List<RunRecord> records) {
        Map<String, List<Axis>> differing = new HashMap<>();
        for (RunRecord r : records) {
            differing.computeIfAbsent(r.sweep(), s -> {
                List<RunRecord> rs = records.stream().filter(x -> x.sweep().equals(s)).toList();
                List<Axis> axes = new ArrayList<>();
                for (Axis a : WORKLOAD) {
                    if (rs.stream().anyMatch(x -> x.swept() != null && x.swept().containsKey(a))) {
                        continue;
                    }
                    var stats = rs.stream().map(x -> x.axes().get(a)).filter(Objects::nonNull)
                            .mapToDouble(Double::doubleValue).summaryStatistics();
                    if (stats.getCount() > 1 && stats.getMax() > stats.getMin() * SAME_RATIO) {
                        axes.add(a);
                    }
                }
                return axes;
            });
        }
        List<RunRecord> out = new ArrayList<>();
        for (RunRecord r : records) {
            List<Axis> axes = differing.get(r.sweep());
            if (axes.isEmpty()) {
                out.add(r);
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (Axis a : axes) {
                Double v = r.axes().get(a);
                parts.add(a.id() + "=" + (v == null ? "?" : a.format(v)));
            }
            out.add(r.withSweep(r.sweep() + "@" + String.join(",", parts), r.swept()));
        }
        return out;
    }

    /** Sorts one label's records that name no sweep into sweeps by their values (class comment). */
    static List<RunRecord> autoSweeps(List<RunRecord> records) {
        List<RunRecord> out = new ArrayList<>();
        Set<RunRecord> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Map.Entry<Axis, String> e : AUTO) {
            Axis axis = e.getKey();
            Map<List<Double>, List<RunRecord>> groups = new TreeMap<>(ResultTable::compareKeys);
            for (RunRecord r : records) {
                if (r.axes().get(axis) == null) {
                    continue;
                }
                List<Double> key = new ArrayList<>();
                for (Axis other : Axis.values()) {
                    if (other != axis) {
                        key.add(r.axes().getOrDefault(other, Double.NaN));
                    }
                }
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            }
            List<RunRecord> best = null;
            long bestDistinct = 1;
            for (List<RunRecord> g : groups.values()) {
                long distinct = g.stream().map(r -> r.axes().get(axis)).distinct().count();
                if (distinct > bestDistinct) {
                    best = g;
                    bestDistinct = distinct;
                }
            }
            if (best != null) {
                for (RunRecord r : best) {
                    Map<Axis, String> swept = new LinkedHashMap<>();
                    swept.put(axis, axis.format(r.axes().get(axis)));
                    out.add(r.withSweep(e.getValue(), swept));
                    used.add(r);
                }
            }
        }
        for (RunRecord r : records) {
            if (!used.contains(r)) {
                out.add(r.withSweep(UNSORTED, r.swept()));
            }
        }
        return out;
    }

    private static int compareKeys(List<Double> a, List<Double> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Double.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /**
     * Gives records without a point name one: the axes that vary within their sweep (over all
     * labels), or both lengths when none does.
     */
    static List<RunRecord> inferSwept(List<RunRecord> records) {
        Map<String, List<Axis>> varying = new HashMap<>();
        for (RunRecord r : records) {
            if (r.swept() != null) {
                continue;
            }
            varying.computeIfAbsent(r.sweep(), s -> {
                List<Axis> axes = new ArrayList<>();
                for (Axis a : Axis.values()) {
                    long distinct = records.stream().filter(x -> x.sweep().equals(s))
                            .map(x -> x.axes().get(a)).filter(Objects::nonNull).distinct().count();
                    if (distinct > 1) {
                        axes.add(a);
                    }
                }
                return axes.isEmpty() ? List.of(Axis.INPUT_LEN, Axis.OUTPUT_LEN) : axes;
            });
        }
        List<RunRecord> out = new ArrayList<>();
        for (RunRecord r : records) {
            if (r.swept() != null) {
                out.add(r);
                continue;
            }
            Map<Axis, String> swept = new LinkedHashMap<>();
            for (Axis a : varying.get(r.sweep())) {
                // an axis this result does not know is left out of its name
                Double v = r.axes().get(a);
                if (v != null) {
                    swept.put(a, a.format(v));
                }
            }
            out.add(r.withSweep(r.sweep(), swept));
        }
        return out;
    }
}
