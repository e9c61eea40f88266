package bench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/** Runs the bench CLI in-process with captured output and a controlled environment. */
public final class CliRunner {
    /** The result of one invocation. */
    public record Result(int exitCode, String out, String err) {}

    private CliRunner() {}

    public static final Instant FIXED_NOW = Instant.parse("2026-11-21T10:00:00Z");

    public static CliEnv env(Map<String, String> vars) {
        return new CliEnv(vars, Clock.fixed(FIXED_NOW, ZoneOffset.UTC), ZoneId.of("UTC"), false, false);
    }

    public static Result run(String... args) {
        return run(env(Map.of()), args);
    }

    public static Result run(CliEnv env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.create(env, new PrintWriter(out, true), new PrintWriter(err, true), Cli.verbose(args))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
