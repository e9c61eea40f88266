package bench.plot;

import bench.metrics.LatencyRecorder;
import bench.metrics.Metric;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one point over its runs ({@code --num-runs}): what plots and comparisons show.
 *
 * <p>How runs combine: throughputs are the mean of the runs' throughputs (each run is one
 * measurement of the same rate). A mean latency is the mean over every sample of every run
 * (the runs' exact means weighted by their sample counts). Median and percentiles come from
 * the runs' HdrHistograms merged into one, when every run has them (bench results);
 * otherwise (vLLM results) they are the mean of the runs' values, an approximation. With
 * one run, the file's own values are used as they are.
 */
public record Aggregate(int runs, double outputThroughput, double requestThroughput,
        Map<Metric, Map<Stat, Double>> latencies) {
    public Aggregate {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1");
        }
        Map<Metric, Map<Stat, Double>> l = new EnumMap<>(Metric.class);
        latencies.forEach((m, v) -> {
            Map<Stat, Double> s = new EnumMap<>(Stat.class);
            s.putAll(v);
            l.put(m, Collections.unmodifiableMap(s));
        });
        latencies = Collections.unmodifiableMap(l);
    }

    /** A latency statistic in ms, or null when the results do not have it. */
    public Double latency(Metric m, Stat s) {
        Map<Stat, Double> v = latencies.get(m);
        return v == null ? null : v.get(s);
    }

    /** Combines the runs of one point, as the class comment says. */
    public static Aggregate of(List<RunRecord> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        int n = runs.size();
        double out = runs.stream().mapToDouble(RunRecord::outputThroughput).sum() / n;
        double req = runs.stream().mapToDouble(RunRecord::requestThroughput).sum() / n;
        Map<Metric, Map<Stat, Double>> lat = new EnumMap<>(Metric.class);
        for (Metric m : ResultParser.METRICS) {
            Map<Stat, Double> values = new EnumMap<>(Stat.class);
            List<Latency> ls = runs.stream().map(r -> r.latencies().get(m)).toList();
            if (ls.stream().anyMatch(l -> l == null)) {
                continue;
            }
            if (n == 1) {
                values.putAll(ls.get(0).values());
                fillFromHistogram(values, List.of(ls.get(0)), true);
            } else {
                Double mean = weightedMean(ls);
                if (mean != null) {
                    values.put(Stat.MEAN, mean);
                }
                if (!fillFromHistogram(values, ls, false)) {
                    for (Stat s : Stat.values()) {
                        if (s != Stat.MEAN && ls.stream().allMatch(l -> l.get(s) != null)) {
                            values.put(s, ls.stream().mapToDouble(l -> l.get(s)).sum() / n);
                        }
                    }
                }
            }
            lat.put(m, values);
        }
        return new Aggregate(n, out, req, lat);
    }

    private static Double weightedMean(List<Latency> ls) {
        if (ls.stream().anyMatch(l -> l.get(Stat.MEAN) == null)) {
            return null;
        }
        double sum = 0;
        long count = 0;
        for (Latency l : ls) {
            sum += l.get(Stat.MEAN) * l.count();
            count += l.count();
        }
        if (count == 0) {
            return ls.stream().mapToDouble(l -> l.get(Stat.MEAN)).sum() / ls.size();
        }
        return sum / count;
    }

    /**
     * Percentiles from the merged histograms, if every run has one. With {@code onlyMissing},
     * fills only what {@code values} lacks (one run whose file lacks, say, p90).
     */
    private static boolean fillFromHistogram(Map<Stat, Double> values, List<Latency> ls, boolean onlyMissing) {
        if (ls.stream().anyMatch(l -> l.histogram() == null)) {
            return false;
        }
        LatencyRecorder merged = new LatencyRecorder();
        try {
            for (Latency l : ls) {
                merged.add(LatencyRecorder.fromBase64(l.histogram()));
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (merged.count() == 0) {
            return false;
        }
        for (Stat s : Stat.values()) {
            if (s == Stat.MEAN || (onlyMissing && values.get(s) != null)) {
                continue;
            }
            values.put(s, merged.percentileNanos(s.percentile()) / 1e6);
        }
        return true;
    }
}
