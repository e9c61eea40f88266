package bench.plot;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One latency metric of one run, as its result file gives it.
 *
 * @param values    statistic to milliseconds, every one the file has ({@code mean}, {@code std},
 *                  {@code min}, {@code max}, {@code median}, each {@code pNN}); one it lacks is absent
 * @param count     samples behind the mean ({@code count_<metric>}), or the completed requests
 * @param histogram HdrHistogram compressed base64 (bench results), or null (vLLM results)
 */
public record Latency(Map<Stat, Double> values, long count, String histogram) {
    public Latency {
        Map<Stat, Double> v = new HashMap<>();
        values.forEach((k, x) -> {
            if (x != null && Double.isFinite(x)) {
                v.put(k, x);
            }
        });
        values = Collections.unmodifiableMap(v);
        if (count < 0) {
            throw new IllegalArgumentException("count < 0");
        }
    }

    public Double get(Stat s) {
        return values.get(s);
    }
}
