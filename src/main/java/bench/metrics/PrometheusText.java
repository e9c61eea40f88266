package bench.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (what vLLM serves on {@code /metrics}) into
 * series keyed by name and labels, e.g. {@code vllm:prompt_tokens_total{model_name="m"}}.
 * Pure. Comments, TYPE/HELP lines, timestamps and unparsable lines are skipped.
 */
public final class PrometheusText {
    private PrometheusText() {}

    /** Series key (name plus labels as written) to value. */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int split = keyEnd(line);
            if (split <= 0 || split >= line.length()) {
                continue;
            }
            String key = line.substring(0, split).strip();
            String[] rest = line.substring(split).strip().split("\\s+");
            if (rest.length == 0) {
                continue;
            }
            Double v = number(rest[0]);
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }

    /**
     * After minus before for every series present after the run (series new in the run count
     * from zero). Gauges come out as their change too, which is what a run moved.
     */
    public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            double d = v - before.getOrDefault(k, 0.0);
            if (Double.isFinite(d)) {
                out.put(k, d);
            }
        });
        return out;
    }

    /** End of the series key: after the closing brace of the labels, or at the first space. */
    private static int keyEnd(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace >= 0 && (space < 0 || brace < space)) {
            boolean inQuotes = false;
            for (int i = brace; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\' && inQuotes) {
                    i++;
                } else if (c == '"') {
                    inQuotes = !inQuotes;
                } else if (c == '}' && !inQuotes) {
                    return i + 1;
                }
            }
            return -1;
        }
        return space;
    }

    private static Double number(String s) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return null;
                }
        }
    }
}
