package bench.slurm;

import bench.BenchException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The user's {@code vllm serve} arguments, kept verbatim. Reads the tensor parallel size from
 * them ({@code -tp N}, {@code -tp=N}, {@code --tensor-parallel-size N},
 * {@code --tensor-parallel-size=N}; vLLM also accepts underscores in flag names) and refuses
 * the flags the plan sets itself, so a launch never runs with two conflicting values.
 */
public record ServeArgs(List<String> args) {
    /** Flags bench slurm sets on every engine (vLLM's short aliases included). */
    private static final Set<String> PLANNED = Set.of(
            "--host", "--port", "--headless",
            "--data-parallel-size", "-dp", "--data-parallel-size-local", "-dpl",
            "--data-parallel-start-rank", "-dpr", "--data-parallel-rank", "-dpn",
            "--data-parallel-address", "-dpa", "--data-parallel-rpc-port", "-dpp",
            "--data-parallel-hybrid-lb", "--data-parallel-external-lb",
            "--kv-transfer-config");

    public ServeArgs {
        args = List.copyOf(args);
        for (String arg : args) {
            String flag = flagName(arg);
            if (PLANNED.contains(flag) || flag.startsWith("--kv-transfer-config.")) {
                throw new BenchException(flag + " is set by bench slurm for each node; remove it from the vllm serve"
                        + " arguments");
            }
        }
        OptionalInt pp = intFlag(args, "-pp", "--pipeline-parallel-size", "pipeline parallel size");
        if (pp.isPresent() && pp.getAsInt() > 1) {
            throw new BenchException("pipeline parallelism (--pipeline-parallel-size " + pp.getAsInt()
                    + ") is not supported by bench slurm; use tensor and data parallelism");
        }
        tensorParallelSize(args);
    }

    /** The tensor parallel size given in the arguments, if any (the last one wins, as in vLLM). */
    public OptionalInt tensorParallelSize() {
        return tensorParallelSize(args);
    }

    private static OptionalInt tensorParallelSize(List<String> args) {
        return intFlag(args, "-tp", "--tensor-parallel-size", "tensor parallel size");
    }

    private static OptionalInt intFlag(List<String> args, String shortName, String longName, String what) {
        OptionalInt value = OptionalInt.empty();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = flagName(arg);
            if (!flag.equals(shortName) && !flag.equals(longName)) {
                continue;
            }
            String text;
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                text = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                text = args.get(++i);
            } else {
                throw new BenchException(longName + " in the vllm serve arguments needs a value");
            }
            value = OptionalInt.of(positive(text, what));
        }
        return value;
    }

    private static int positive(String text, String what) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BenchException("bad " + what + " '" + text + "' in the vllm serve arguments");
    }

    /** {@code --Foo_bar=1} -> {@code --foo-bar}; a non-flag argument -> itself (never a flag name). */
    static String flagName(String arg) {
        if (!arg.startsWith("-") || arg.length() < 2 || Character.isDigit(arg.charAt(1))) {
            return "";
        }
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        return name.startsWith("--") ? name.replace('_', '-').toLowerCase(Locale.ROOT) : name;
    }
}
