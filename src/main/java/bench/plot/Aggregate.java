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
 * (the runs' exact means weighted by their sample counts), the standard deviation that of
 * every sample (pooled from the runs' means, deviations and counts), the minimum and maximum
 * those of all runs. Median and percentiles come from the runs' HdrHistograms merged into
 * one, when every run has them (bench results); otherwise (vLLM results) they are the mean of
 * the runs' values, an approximation. With one run, the file's own values are used as they
 * are, and its histogram answers the percentiles the file does not list (say p99.9).
 *
 * @param latencies each metric's latencies, one per run, in run order (a metric some run lacks is absent)
 */
public record Aggregate(int runs, double outputThroughput, double requestThroughput,
        Map<Metric, List<Latency>> latencies) {
    public Aggregate {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1");
        }
        Map<Metric, List<Latency>> l = new EnumMap<>(Metric.class);
        for (Map.Entry<Metric, List<Latency>> e : latencies.entrySet()) {
            if (e.getValue().size() != runs) {
                throw new IllegalArgumentException(e.getKey() + ": " + e.getValue().size() + " latencies for " + runs
                        + " runs");
            }
            l.put(e.getKey(), List.copyOf(e.getValue()));
        }
        latencies = Collections.unmodifiableMap(l);
    }

    /** A latency statistic in ms, combined over the runs as the class comment says; null when the results lack it. */
    public Double latency(Metric m, Stat s) {
        List<Latency> ls = latencies.get(m);
        if (ls == null) {
            return null;
        }
        if (ls.size() == 1 && ls.get(0).get(s) != null) {
            return ls.get(0).get(s);
        }
        return switch (s.kind()) {
            case MEAN -> weightedMean(ls);
            case STD -> pooledStd(ls);
            case MIN -> extreme(ls, s, true);
            case MAX -> extreme(ls, s, false);
            case PERCENTILE -> percentile(ls, s);
        };
    }

    /** Combines the runs of one point, as the class comment says. */
    public static Aggregate of(List<RunRecord> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        int n = runs.size();
        double out = runs.stream().mapToDouble(RunRecord::outputThroughput).sum() / n;
        double req = runs.stream().mapToDouble(RunRecord::requestThroughput).sum() / n;
        Map<Metric, List<Latency>> lat = new EnumMap<>(Metric.class);
        for (Metric m : ResultParser.METRICS) {
            List<Latency> ls = runs.stream().map(r -> r.latencies().get(m)).toList();
            if (ls.stream().noneMatch(l -> l == null)) {
                lat.put(m, ls);
            }
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
     * The deviation of all samples: E[x^2] - E[x]^2 over the runs' own (population) deviations
     * and means weighted by their counts; from the merged histogram when a run lacks them.
     */
    private static Double pooledStd(List<Latency> ls) {
        Double mean = weightedMean(ls);
        long count = ls.stream().mapToLong(Latency::count).sum();
        if (mean == null || count == 0 || ls.stream().anyMatch(l -> l.get(Stat.STD) == null)) {
            LatencyRecorder merged = merged(ls);
            return merged == null ? null : merged.stdNanos() / 1e6;
        }
        double squares = 0;
        for (Latency l : ls) {
            double m = l.get(Stat.MEAN);
            double sd = l.get(Stat.STD);
            squares += l.count() * (sd * sd + m * m);
        }
        return Math.sqrt(Math.max(0, squares / count - mean * mean));
    }

    /** The smallest minimum or largest maximum of the runs; from the merged histogram when a run lacks it. */
    private static Double extreme(List<Latency> ls, Stat s, boolean min) {
        if (ls.stream().allMatch(l -> l.get(s) != null)) {
            var values = ls.stream().mapToDouble(l -> l.get(s));
            return min ? values.min().getAsDouble() : values.max().getAsDouble();
        }
        LatencyRecorder merged = merged(ls);
        if (merged == null) {
            return null;
        }
        return (min ? merged.minNanos() : merged.maxNanos()) / 1e6;
    }

    /** From the merged histograms; without them (vLLM) the mean of the runs' values, when every run has one. */
    private static Double percentile(List<Latency> ls, Stat s) {
        LatencyRecorder merged = merged(ls);
        if (merged != null) {
            return merged.percentileNanos(s.percentile()) / 1e6;
        }
        if (ls.stream().allMatch(l -> l.get(s) != null)) {
            return ls.stream().mapToDouble(l -> l.get(s)).sum() / ls.size();
        }
        return null;
    }

    /** The runs' histograms merged with add (never averaged), or null when a run has none or all are empty. */
    private static LatencyRecorder merged(List<Latency> ls) {
        if (ls.stream().anyMatch(l -> l.histogram() == null)) {
            return null;
        }
        LatencyRecorder merged = new LatencyRecorder();
        try {
            for (Latency l : ls) {
                merged.add(LatencyRecorder.fromBase64(l.histogram()));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return merged.count() == 0 ? null : merged;
    }
}
