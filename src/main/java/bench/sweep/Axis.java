package bench.sweep;

import bench.BenchException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A dimension a sweep can vary: each is one {@code bench run} flag and one key of the
 * result's {@code config}.
 */
public enum Axis {
    INPUT_LEN("input-len", "--input-len", "input_len", "Input length (tokens)"),
    OUTPUT_LEN("output-len", "--output-len", "output_len", "Output length (tokens)"),
    REQUEST_RATE("request-rate", "--request-rate", "request_rate", "Request rate (req/s)"),
    MAX_CONCURRENCY("max-concurrency", "--max-concurrency", "max_concurrency", "Max concurrency (requests)"),
    NUM_PROMPTS("num-prompts", "--num-prompts", "num_prompts", "Number of prompts");

    private final String id;
    private final String flag;
    private final String configKey;
    private final String title;

    Axis(String id, String flag, String configKey, String title) {
        this.id = id;
        this.flag = flag;
        this.configKey = configKey;
        this.title = title;
    }

    /** The name in sweep definitions and point names, e.g. {@code input-len}. */
    public String id() {
        return id;
    }

    /** The {@code bench run} flag that sets it. */
    public String flag() {
        return flag;
    }

    /** Its key in the result's {@code config} (and vLLM's top level for rate and concurrency). */
    public String configKey() {
        return configKey;
    }

    /** Axis title for plots, with units. */
    public String title() {
        return title;
    }

    public static Axis parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Axis a : values()) {
            if (a.id.equals(n) || a.flag.equals(n)) {
                return a;
            }
        }
        throw new BenchException("unknown sweep axis '" + name + "': " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Axis::id).collect(Collectors.joining(", "));
    }

    /**
     * Checks a value and returns its canonical text: a positive integer for lengths,
     * concurrency and prompt count; a positive number or {@code inf} for the request rate.
     */
    public String normalize(String raw) {
        String v = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        if (this == REQUEST_RATE) {
            if (v.equals("inf") || v.equals("infinity")) {
                return "inf";
            }
            BigDecimal d;
            try {
                d = new BigDecimal(v);
            } catch (NumberFormatException e) {
                throw new BenchException("bad " + id + " value '" + raw + "': a number > 0 or inf");
            }
            if (d.signum() <= 0) {
                throw new BenchException("bad " + id + " value '" + raw + "': must be > 0 or inf");
            }
            return d.stripTrailingZeros().toPlainString();
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BenchException("bad " + id + " value '" + raw + "': an integer >= 1");
        }
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new BenchException("bad " + id + " value '" + raw + "': an integer >= 1");
        }
        return Long.toString(n);
    }

    /** The numeric value of a canonical text ({@code inf} is positive infinity). */
    public static double numeric(String canonical) {
        return canonical.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(canonical);
    }

    /** Canonical text of a numeric value, as {@link #normalize} would give it. */
    public String format(double value) {
        if (Double.isInfinite(value)) {
            return "inf";
        }
        if (this != REQUEST_RATE) {
            return Long.toString(Math.round(value));
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
