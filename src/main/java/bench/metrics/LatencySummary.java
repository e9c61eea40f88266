package bench.metrics;

import java.util.List;
import java.util.Objects;

/** Immutable statistics of one latency metric, in milliseconds. */
public record LatencySummary(long count, double meanMs, double medianMs, double stdMs,
        double minMs, double maxMs, List<Double> percentiles, double[] percentileMs) {

    public LatencySummary {
        Objects.requireNonNull(percentiles, "percentiles");
        Objects.requireNonNull(percentileMs, "percentileMs");
        if (percentiles.size() != percentileMs.length) {
            throw new IllegalArgumentException("one value per percentile");
        }
        if (count < 0) {
            throw new IllegalArgumentException("count < 0");
        }
        percentiles = List.copyOf(percentiles);
        percentileMs = percentileMs.clone();
    }

    @Override
    public double[] percentileMs() {
        return percentileMs.clone();
    }

    public double percentileMs(double p) {
        int i = percentiles.indexOf(p);
        if (i < 0) {
            throw new IllegalArgumentException("percentile " + p + " was not computed");
        }
        return percentileMs[i];
    }

    /** Formats a percentile as vLLM names it in result keys: 99 -> "99", 99.9 -> "99.9". */
    public static String percentileName(double p) {
        if (p == Math.rint(p)) {
            return Long.toString((long) p);
        }
        return Double.toString(p);
    }
}
