package bench.sweep;

import bench.BenchException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the argument list of one point's {@code bench run}: the user's base flags, then the
 * sweep's own flags, then the point's axis values and the sweep's bookkeeping (label, result
 * file, metadata). A later layer replaces an earlier one's single-valued option (whatever
 * alias or negated form spelled it); repeatable options accumulate. Pure.
 */
public final class RunArgs {
    /** Set by bench sweep itself; the user gives them to the sweep, not to the run. */
    static final List<String> OWNED = List.of("--base-url", "--host", "--port", "--label", "--result-dir",
            "--result-filename");

    /** Grows a result file: not for a sweep, which keeps one result per file. */
    static final String APPEND_RESULT = "--append-result";

    /** Metadata keys bench sweep stores in each result's {@code config.metadata}. */
    public static final String META_EXPERIMENT = "experiment";
    public static final String META_SWEEP = "sweep";
    public static final String META_POINT = "point";
    public static final String META_RUN = "run";

    private RunArgs() {}

    /** One option occurrence (or a stray token, with a null option) and the tokens that spell it. */
    private record Occurrence(RunOptions.Option option, List<String> tokens) {}

    /**
     * The full argument list, starting with {@code run}.
     *
     * @param resultDir directory of the point's result (the sweep's directory under the label)
     */
    public static List<String> build(String baseUrl, String experiment, String label, Path resultDir, Point point,
            List<String> baseArgs, RunOptions options) {
        List<Occurrence> merged = new ArrayList<>(occurrences(baseArgs, options, "after --"));
        override(merged, occurrences(point.args(), options, "in the args of sweep '" + point.sweep() + "'"));
        List<String> pointArgs = new ArrayList<>();
        pointArgs.add("--base-url");
        pointArgs.add(baseUrl);
        for (Map.Entry<Axis, String> e : point.settings().entrySet()) {
            pointArgs.add(e.getKey().flag());
            pointArgs.add(e.getValue());
        }
        pointArgs.addAll(List.of("--label", label, "--save-result", "--result-dir", resultDir.toString(),
                "--result-filename", point.runName() + ".json", "--metadata",
                META_EXPERIMENT + "=" + experiment, META_SWEEP + "=" + point.sweep(),
                META_POINT + "=" + point.name(), META_RUN + "=" + point.run()));
        override(merged, occurrences(pointArgs, options, null));
        List<String> out = new ArrayList<>();
        out.add("run");
        for (Occurrence o : merged) {
            out.addAll(o.tokens());
        }
        return List.copyOf(out);
    }

    /** Appends {@code layer}, first dropping earlier occurrences of its single-valued options. */
    private static void override(List<Occurrence> merged, List<Occurrence> layer) {
        Set<String> replaced = new HashSet<>();
        for (Occurrence o : layer) {
            if (o.option() != null && !o.option().repeatable()) {
                replaced.add(o.option().key());
            }
        }
        merged.removeIf(o -> o.option() != null && replaced.contains(o.option().key()));
        merged.addAll(layer);
    }

    /**
     * Splits user arguments into option occurrences. Unknown tokens are kept as they are, so
     * {@code bench run} reports them.
     *
     * @param where for messages; null for the sweep's own arguments (owned options allowed)
     */
    private static List<Occurrence> occurrences(List<String> args, RunOptions options, String where) {
        List<Occurrence> out = new ArrayList<>();
        Set<String> ownedKeys = ownedKeys(options);
        int i = 0;
        int bound = args.size();
        while (i < bound) {
            String t = args.get(i);
            String name = t;
            String attached = null;
            int eq = t.indexOf('=');
            if (t.startsWith("--") && eq > 2) {
                name = t.substring(0, eq);
                attached = t.substring(eq + 1);
            }
            RunOptions.Option opt = t.startsWith("-") ? options.find(name) : null;
            if (opt == null) {
                out.add(new Occurrence(null, List.of(t)));
                i++;
                continue;
            }
            if (where != null && name.equals(APPEND_RESULT)) {
                throw new BenchException(name + " " + where + " is not allowed: bench sweep writes one result file "
                        + "per run, and its resume reads one result per file");
            }
            if (where != null && ownedKeys.contains(opt.key())) {
                throw new BenchException(name + " " + where + " is not allowed: bench sweep sets it (give --base-url, "
                        + "--label, --results-dir to bench sweep)");
            }
            List<String> tokens = new ArrayList<>();
            tokens.add(t);
            i++;
            if (attached == null && opt.valueArity() != 0) {
                int max = opt.valueArity() < 0 ? Integer.MAX_VALUE : opt.valueArity();
                int taken = 0;
                while (i < bound && taken < max && !looksLikeOption(args.get(i), options)
                        && !(opt.optionalValue() && args.get(i).startsWith("-"))) {
                    tokens.add(args.get(i));
                    i++;
                    taken++;
                }
            }
            out.add(new Occurrence(opt, List.copyOf(tokens)));
        }
        return out;
    }

    /**
     * The flags of a {@code bench run} argument list that decide what its result measured: every
     * option occurrence but those bench sweep owns (where the server is, the label, the result
     * file), header values hidden as in the result ({@link #redactHeaders}), one entry per
     * occurrence, sorted (the order of different options does not matter). Two lists with the
     * same significant flags measure the same thing on the same deployment, wherever it runs.
     */
    public static List<String> significant(List<String> args, RunOptions options) {
        Set<String> owned = ownedKeys(options);
        List<String> tokens = redactHeaders(args);
        int start = !tokens.isEmpty() && tokens.get(0).equals("run") ? 1 : 0;
        List<String> out = new ArrayList<>();
        for (Occurrence o : occurrences(tokens.subList(start, tokens.size()), options, null)) {
            if (o.option() == null || !owned.contains(o.option().key())) {
                out.add(String.join(" ", o.tokens()));
            }
        }
        java.util.Collections.sort(out);
        return List.copyOf(out);
    }

    /**
     * {@code args} with the values of {@code --header KEY=VALUE} replaced by {@code KEY=***}, so
     * that a result file can record its command line without the secrets a header may carry.
     */
    public static List<String> redactHeaders(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        boolean inHeader = false;
        for (String t : args) {
            if (t.equals("--header")) {
                inHeader = true;
                out.add(t);
            } else if (t.startsWith("--header=")) {
                inHeader = false;
                out.add("--header=" + redactHeader(t.substring("--header=".length())));
            } else if (inHeader && !t.startsWith("-")) {
                inHeader = false;
                out.add(redactHeader(t));
            } else {
                inHeader = false;
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    private static String redactHeader(String kv) {
        int eq = kv.indexOf('=');
        return eq < 0 ? "***" : kv.substring(0, eq + 1) + "***";
    }

    /** The canonical keys of the options bench sweep owns ({@link #OWNED}). */
    private static Set<String> ownedKeys(RunOptions options) {
        Set<String> keys = new LinkedHashSet<>();
        for (String o : OWNED) {
            RunOptions.Option opt = options.find(o);
            keys.add(opt == null ? o : opt.key());
        }
        return keys;
    }

    private static boolean looksLikeOption(String token, RunOptions options) {
        if (!token.startsWith("-")) {
            return false;
        }
        int eq = token.indexOf('=');
        String name = token.startsWith("--") && eq > 2 ? token.substring(0, eq) : token;
        return options.find(name) != null;
    }
}
