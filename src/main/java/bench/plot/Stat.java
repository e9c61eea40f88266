package bench.plot;

import bench.BenchException;
import bench.metrics.LatencySummary;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A latency statistic, named as the result files name it ({@code mean_ttft_ms},
 * {@code std_ttft_ms}, {@code p99.9_ttft_ms}): the mean, the standard deviation, the minimum,
 * the maximum, or any percentile (the median is p50).
 *
 * @param key        prefix of its keys in result files: {@code mean}, {@code std}, {@code min},
 *                   {@code max}, {@code median}, {@code p90}, {@code p99.9}
 * @param kind       which statistic
 * @param percentile for {@link Kind#PERCENTILE}, in (0, 100]; else -1
 */
public record Stat(String key, Kind kind, double percentile) {
    /** What a statistic is computed as. */
    public enum Kind { MEAN, STD, MIN, MAX, PERCENTILE }

    public static final Stat MEAN = new Stat("mean", Kind.MEAN, -1);
    public static final Stat STD = new Stat("std", Kind.STD, -1);
    public static final Stat MIN = new Stat("min", Kind.MIN, -1);
    public static final Stat MAX = new Stat("max", Kind.MAX, -1);
    public static final Stat MEDIAN = percentileOf(50);
    public static final Stat P90 = percentileOf(90);
    public static final Stat P99 = percentileOf(99);

    /** What {@link #parse} takes, for messages. */
    public static final String CHOICES = "mean, median, std, min, max or a percentile pNN or pNN.N (e.g. p95, p99.9)";

    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,3}(?:\\.\\d+)?)");

    public Stat {
        if (key == null || kind == null) {
            throw new IllegalArgumentException("a statistic has a key and a kind");
        }
        if (kind == Kind.PERCENTILE ? !(percentile > 0 && percentile <= 100) : percentile != -1) {
            throw new IllegalArgumentException("statistic " + key + ": percentile " + percentile);
        }
    }

    /** The p-th percentile; p50 is the median. */
    public static Stat percentileOf(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + " outside (0, 100]");
        }
        return new Stat(p == 50 ? "median" : "p" + LatencySummary.percentileName(p), Kind.PERCENTILE, p);
    }

    /** For titles: {@code Mean}, {@code Median}, {@code P99.9}, {@code Std}. */
    public String title() {
        return key.substring(0, 1).toUpperCase(Locale.ROOT) + key.substring(1);
    }

    /** The statistic a name stands for ({@code p50} is the median), or null when it is none. */
    public static Stat tryParse(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        switch (k) {
            case "mean":
                return MEAN;
            case "median":
                return MEDIAN;
            case "std":
                return STD;
            case "min":
                return MIN;
            case "max":
                return MAX;
            default:
                break;
        }
        Matcher m = PERCENTILE.matcher(k);
        if (!m.matches()) {
            return null;
        }
        double p = Double.parseDouble(m.group(1));
        return p > 0 && p <= 100 ? percentileOf(p) : null;
    }

    /** As {@link #tryParse}; an unknown name is refused with one line. */
    public static Stat parse(String s) {
        Stat st = tryParse(s);
        if (st == null) {
            throw new BenchException("bad --stat '" + s + "': " + CHOICES);
        }
        return st;
    }
}
