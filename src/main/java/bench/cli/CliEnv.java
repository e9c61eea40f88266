package bench.cli;

import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;

/**
 * What the commands read from the outside world, injected so tests control it: environment
 * variables (OPENAI_API_KEY), the clock and time zone, and whether stderr is a terminal.
 */
public record CliEnv(Map<String, String> env, Clock clock, ZoneId zone, boolean errIsTerminal, boolean handleSignals) {
    public CliEnv {
        env = Map.copyOf(env);
    }

    public static CliEnv system() {
        return new CliEnv(System.getenv(), Clock.systemUTC(), ZoneId.systemDefault(), terminal(), true);
    }

    public String get(String name) {
        return env.get(name);
    }

    /** Whether the process talks to a terminal (Console.isTerminal on 22+, console presence before). */
    static boolean terminal() {
        var console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Object r = console.getClass().getMethod("isTerminal").invoke(console);
            return Boolean.TRUE.equals(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }
}
