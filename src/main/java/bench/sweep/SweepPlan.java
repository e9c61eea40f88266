package bench.sweep;

import bench.BenchException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Expands sweep definitions into the ordered list of points to run. Pure. */
public final class SweepPlan {
    /** No plan may be larger than this (a typo like 1..100000 should not start a week of runs). */
    public static final int MAX_POINTS = 10_000;
    public static final int MAX_RUNS = 100;

    private SweepPlan() {}

    /**
     * Sweeps in order; within a sweep the cross product of its axes with the first axis
     * outermost and values in the order given; repeats innermost ({@code -run2}, ...).
     */
    public static List<Point> expand(List<SweepDef> sweeps, int numRuns) {
        if (numRuns < 1 || numRuns > MAX_RUNS) {
            throw new BenchException("--num-runs must be in 1.." + MAX_RUNS);
        }
        if (sweeps.isEmpty()) {
            throw new BenchException("no sweep to run");
        }
        Set<String> names = new HashSet<>();
        long total = 0;
        for (SweepDef s : sweeps) {
            if (!names.add(s.name())) {
                throw new BenchException("two sweeps are named '" + s.name() + "'");
            }
            total += s.size() * numRuns;
            if (total > MAX_POINTS) {
                throw new BenchException("the plan has more than " + MAX_POINTS + " points");
            }
        }
        List<Point> out = new ArrayList<>();
        for (SweepDef s : sweeps) {
            List<Map<Axis, String>> combos = new ArrayList<>();
            combos.add(new LinkedHashMap<>());
            for (AxisValues av : s.swept()) {
                List<Map<Axis, String>> next = new ArrayList<>();
                for (Map<Axis, String> c : combos) {
                    for (String v : av.values()) {
                        Map<Axis, String> m = new LinkedHashMap<>(c);
                        m.put(av.axis(), v);
                        next.add(m);
                    }
                }
                combos = next;
            }
            for (Map<Axis, String> c : combos) {
                for (int run = 1; run <= numRuns; run++) {
                    out.add(new Point(s.name(), c, s.fixed(), s.args(), run));
                }
            }
        }
        return List.copyOf(out);
    }
}
