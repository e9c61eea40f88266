package bench.slurm;

import bench.BenchException;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands Slurm hostlist expressions, as {@code scontrol show hostnames} does:
 * {@code node[1-4,7]}, {@code a,b}, zero-padded ranges ({@code gpu[001-004]}), several bracket
 * groups in one name ({@code rack[1-2]-node[1-2]}: the rightmost group varies fastest) and
 * comma-separated lists of such expressions. Order is kept and duplicates are not removed
 * (the planner refuses them). Pure: no I/O.
 */
public final class Hostlist {
    /** More hosts than any allocation bench plans for: a typo such as {@code [1-100000]} is refused. */
    public static final int MAX_HOSTS = 65_536;

    private Hostlist() {}

    public static List<String> expand(String expression) {
        if (expression == null || expression.isBlank()) {
            return List.of();
        }
        String expr = expression.strip();
        List<String> hosts = new ArrayList<>();
        for (String item : splitTopLevel(expr)) {
            String name = item.strip();
            if (name.isEmpty()) {
                throw bad(expr, "empty host name");
            }
            expandItem(expr, name, 0, "", hosts);
        }
        return List.copyOf(hosts);
    }

    /** Splits on commas outside brackets. */
    private static List<String> splitTopLevel(String expr) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '[') {
                if (depth > 0) {
                    throw bad(expr, "nested '['");
                }
                depth++;
            } else if (c == ']') {
                if (depth == 0) {
                    throw bad(expr, "']' without '['");
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                items.add(expr.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw bad(expr, "'[' without ']'");
        }
        items.add(expr.substring(start));
        return items;
    }

    /** Appends every name of {@code item} from {@code from} on, each prefixed with {@code prefix}. */
    private static void expandItem(String expr, String item, int from, String prefix, List<String> out) {
        int open = item.indexOf('[', from);
        if (open < 0) {
            String name = prefix + item.substring(from);
            checkName(expr, name);
            if (out.size() >= MAX_HOSTS) {
                throw bad(expr, "more than " + MAX_HOSTS + " hosts");
            }
            out.add(name);
            return;
        }
        int close = item.indexOf(']', open);
        String literal = item.substring(from, open);
        for (String value : rangeValues(expr, item.substring(open + 1, close))) {
            expandItem(expr, item, close + 1, prefix + literal + value, out);
        }
    }

    private static List<String> rangeValues(String expr, String body) {
        if (body.isBlank()) {
            throw bad(expr, "empty brackets");
        }
        List<String> values = new ArrayList<>();
        for (String part : body.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            String lowText = dash < 0 ? p : p.substring(0, dash);
            String highText = dash < 0 ? p : p.substring(dash + 1);
            long low = number(expr, lowText);
            long high = number(expr, highText);
            if (high < low) {
                throw bad(expr, "range " + p + " runs backwards");
            }
            if (high - low >= MAX_HOSTS) {
                throw bad(expr, "more than " + MAX_HOSTS + " hosts");
            }
            // Slurm pads to the width of the lower bound when it is written with leading zeros
            int width = lowText.length() > 1 && lowText.charAt(0) == '0' ? lowText.length() : 0;
            for (long v = low; v <= high; v++) {
                String digits = Long.toString(v);
                values.add(digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits);
            }
        }
        return values;
    }

    private static long number(String expr, String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(expr, "'" + text + "' is not a number");
        }
        return Long.parseLong(text);
    }

    private static void checkName(String expr, String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                throw bad(expr, "character '" + c + "' in host name '" + name + "'");
            }
        }
    }

    private static BenchException bad(String expr, String why) {
        return new BenchException("bad hostlist '" + expr + "': " + why);
    }
}
