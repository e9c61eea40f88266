package bench.plot;

import bench.BenchException;
import java.util.Locale;

/** A latency statistic, as the result files name it ({@code mean_ttft_ms}, {@code p99_ttft_ms}). */
public enum Stat {
    MEAN("mean", "Mean", -1),
    MEDIAN("median", "Median", 50),
    P90("p90", "P90", 90),
    P99("p99", "P99", 99);

    private final String key;
    private final String title;
    private final double percentile;

    Stat(String key, String title, double percentile) {
        this.key = key;
        this.title = title;
        this.percentile = percentile;
    }

    /** Prefix in result keys: {@code mean}, {@code median}, {@code p90}, {@code p99}. */
    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    /** The percentile, or -1 for the mean. */
    public double percentile() {
        return percentile;
    }

    public static Stat parse(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (Stat st : values()) {
            if (st.key.equals(k) || (st == MEDIAN && k.equals("p50"))) {
                return st;
            }
        }
        throw new BenchException("bad --stat '" + s + "': mean, median, p90 or p99");
    }
}
