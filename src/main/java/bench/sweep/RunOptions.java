package bench.sweep;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code bench run} accepts, as much as merging argument lists needs: every name of each
 * option (aliases and negated forms), whether it takes a value, and whether it may repeat.
 * Built by the CLI from the real command, so it cannot drift.
 */
public final class RunOptions {
    /**
     * One option.
     *
     * @param key        its canonical name (the longest)
     * @param names      every spelling, including negated {@code --no-x} forms
     * @param valueArity 0 for flags, 1 for one value, -1 for one or more (until the next option)
     * @param optionalValue whether the value may be left out
     * @param repeatable whether repeats accumulate (lists) instead of replacing
     */
    public record Option(String key, List<String> names, int valueArity, boolean optionalValue, boolean repeatable) {
        public Option {
            Objects.requireNonNull(key, "key");
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("an option has a name");
            }
        }
    }

    private final Map<String, Option> byName = new HashMap<>();

    public RunOptions(List<Option> options) {
        for (Option o : options) {
            for (String n : o.names()) {
                byName.put(n, o);
            }
        }
    }

    /** The option spelled {@code name}, or null. */
    public Option find(String name) {
        return byName.get(name);
    }
}
