package bench.cli;

import bench.BenchException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Builds the one {@link CommandLine} of bench, with its error handling: a user error prints
 * one line ({@code bench: error: ...}) and exits non-zero; a stack trace only with
 * {@code --verbose}.
 */
public final class Cli {
    /** Exit code for bad command-line input. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for an internal error (a bug). */
    public static final int EXIT_INTERNAL = 70;
    /** Exit code when stopped by Ctrl-C; SIGTERM gives {@link bench.ExitStatus#TERMINATED}. */
    public static final int EXIT_INTERRUPTED = bench.ExitStatus.INTERRUPTED;

    private Cli() {}

    public static int execute(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        return create(CliEnv.system(), out, err, verbose(args)).execute(args);
    }

    public static CommandLine create(CliEnv env, PrintWriter out, PrintWriter err, boolean verbose) {
        CommandLine cl = new CommandLine(new BenchCommand(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        // arguments are taken as given: an @FILE word (even after --) is not replaced by the file's content,
        // so vllm serve arguments reach the engines verbatim
        cl.setExpandAtFiles(false);
        // as argparse: a repeated single-valued option takes its last value ($BASE_ARGS --num-prompts N)
        cl.setOverwrittenOptionsAllowed(true);
        giveVersion(cl, new VersionProvider());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String msg = oneLine(ex.getMessage());
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": error: " + msg
                    + " (see " + c.getCommandSpec().qualifiedName() + " --help)");
            if (verbose) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof BenchException be) {
                c.getErr().println("bench: error: " + oneLine(be.getMessage()));
                if (verbose) {
                    be.printStackTrace(c.getErr());
                }
                c.getErr().flush();
                return be.exitCode();
            }
            c.getErr().println("bench: internal error: " + oneLine(String.valueOf(ex))
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return EXIT_INTERNAL;
        });
        return cl;
    }

    /** A command that only groups subcommands, run without one: its usage on stderr, bad input. */
    static int missingSubcommand(CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Every subcommand's {@code -V/--version} prints bench's version, as {@code bench -V} does. */
    private static void giveVersion(CommandLine cl, VersionProvider version) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
            giveVersion(sub, version);
        }
    }

    /**
     * Runs the checks of a command's option values: what they reject is bad input, exit status
     * {@link #EXIT_USAGE}, like a flag picocli could not parse.
     */
    static <T> T usage(java.util.function.Supplier<T> checks) {
        try {
            return checks.get();
        } catch (BenchException e) {
            if (e.exitCode() != 1) {
                throw e;
            }
            throw new BenchException(e.getMessage(), EXIT_USAGE, e);
        }
    }

    static boolean verbose(String[] args) {
        return Arrays.asList(args).contains("--verbose");
    }

    static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
