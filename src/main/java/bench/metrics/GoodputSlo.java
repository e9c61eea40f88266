package bench.metrics;

import bench.BenchException;
import java.util.List;
import java.util.Locale;

/**
 * Service-level objectives for goodput ({@code --goodput ttft:MS tpot:MS e2el:MS}): a request
 * is good when it succeeded and meets every objective given. Null means no objective.
 */
public record GoodputSlo(Double ttftMs, Double tpotMs, Double e2elMs) {

    public GoodputSlo {
        for (Double v : new Double[] {ttftMs, tpotMs, e2elMs}) {
            if (v != null && (!(v >= 0) || v.isInfinite())) {
                throw new BenchException("goodput objectives must be finite and >= 0 ms");
            }
        }
    }

    public static final GoodputSlo NONE = new GoodputSlo(null, null, null);

    public boolean enabled() {
        return ttftMs != null || tpotMs != null || e2elMs != null;
    }

    /** True when the request meets every objective (tpot 0 for single-token outputs, as vLLM). */
    public boolean good(long ttftNanos, long tpotNanos, long e2elNanos) {
        return within(ttftMs, ttftNanos) && within(tpotMs, tpotNanos) && within(e2elMs, e2elNanos);
    }

    private static boolean within(Double ms, long nanos) {
        return ms == null || nanos <= ms * 1e6;
    }

    /** Parses {@code ["ttft:200", "tpot:50"]} (entries may also be comma-separated). */
    public static GoodputSlo parse(List<String> pairs) {
        Double ttft = null;
        Double tpot = null;
        Double e2el = null;
        if (pairs == null) {
            return NONE;
        }
        for (String group : pairs) {
            for (String pair : group.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                String[] kv = pair.trim().split(":", -1);
                if (kv.length != 2) {
                    throw new BenchException("bad --goodput entry '" + pair + "': expected KEY:MS, e.g. ttft:200");
                }
                String num = kv[1].trim();
                if (!num.matches("-?[0-9]+(\\.[0-9]*)?|-?\\.[0-9]+")) {
                    throw new BenchException("bad --goodput value in '" + pair + "': not a number of milliseconds");
                }
                double v = Double.parseDouble(num);
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new BenchException("bad --goodput value in '" + pair + "': must be >= 0 ms");
                }
                switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                    case "ttft" -> ttft = v;
                    case "tpot" -> tpot = v;
                    case "e2el" -> e2el = v;
                    default -> throw new BenchException("bad --goodput metric '" + kv[0]
                            + "': use ttft, tpot or e2el");
                }
            }
        }
        return new GoodputSlo(ttft, tpot, e2el);
    }
}
