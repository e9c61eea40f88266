package bench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bench}: the top-level command; the work is in its subcommands. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Launch LLM serving topologies on Slurm and measure them.",
        subcommands = {RunCommand.class, MockCommand.class, SlurmCommand.class, SweepCommand.class, PlotCommand.class,
            CompareCommand.class, ExperimentCommand.class, PerfCommand.class},
        usageHelpWidth = 100)
public final class BenchCommand implements Callable<Integer> {
    private final CliEnv env;

    @Spec
    CommandSpec spec;

    BenchCommand(CliEnv env) {
        this.env = env;
    }

    CliEnv env() {
        return env;
    }

    /** Without a subcommand: the usage on stderr, exit status 2 ({@code --help} prints it on stdout, exit 0). */
    @Override
    public Integer call() {
        return Cli.missingSubcommand(spec);
    }
}
