package bench.cli;

import bench.BenchException;
import bench.experiment.Experiment;
import bench.experiment.ExperimentSpec;
import bench.experiment.Launcher;
import bench.experiment.LocalLauncher;
import bench.experiment.SlurmLauncher;
import bench.experiment.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench experiment}: launch, sweep and tear down every topology of a spec; then plots. */
@Command(name = "experiment",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        description = {
            "Run a whole experiment: for each topology of SPEC, launch it (local: bench mock engines on 127.0.0.1; "
                    + "slurm: the allocation, as slurm/vllm.sbatch does), wait until it serves, run the sweeps "
                    + "against it, keep the engine logs, tear it down; then draw the figures and the comparison. "
                    + "A topology whose points are complete is skipped; one that fails is reported and the others "
                    + "still run. Results: RESULTS/NAME/LABEL/SWEEP/POINT.json, figures in RESULTS/NAME/figures.",
            "SPEC is a YAML file or a built-in name: demo (the article's five topologies on 4 local mock nodes, a "
                    + "small sweep) or article (the article's experiment on a Slurm allocation)."})
final class ExperimentCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", defaultValue = "demo", paramLabel = "SPEC", description = "YAML file or built-in name (default: ${DEFAULT-VALUE}).")
    String specArg;

    @Option(names = "--runtime", paramLabel = "local|slurm", description = "Override the spec's runtime.")
    String runtime;

    @Option(names = "--name", description = "Override the experiment's name (its results directory).")
    String name;

    @Option(names = "--results-dir", defaultValue = "results", paramLabel = "DIR", description = "Root of the results (default: ${DEFAULT-VALUE}).")
    Path resultsDir;

    @Option(names = "--only", split = ",", paramLabel = "LABEL", description = "Run only these topologies.")
    List<String> only = new ArrayList<>();

    @Option(names = "--dry-run", description = "Show what each topology would start (the local runtime's mock "
            + "processes, or the slurm runtime's plan) and its sweeps; start nothing. The slurm runtime's dry run "
            + "outside an allocation: name one with --hosts and --job-id.")
    boolean dryRun;

    @Mixin
    AllocationOptions allocation = new AllocationOptions();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() throws InterruptedException {
        ExperimentSpec s = load();
        CliEnv env = parent.env();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Launcher launcher = launcher(s, env);
        Experiment.Commands commands = new Experiment.Commands() {
            @Override
            public int sweep(List<String> args) {
                return Cli.create(env, out, err, verbose.verbose).execute(args.toArray(String[]::new));
            }

            @Override
            public int plot(List<String> args) {
                return Cli.create(env, out, err, verbose.verbose).execute(args.toArray(String[]::new));
            }

            @Override
            public List<bench.sweep.Point> pointsToRun(List<String> sweepArgs) {
                PrintWriter sink = new PrintWriter(java.io.Writer.nullWriter());
                picocli.CommandLine.ParseResult parsed = Cli.create(env, sink, sink, verbose.verbose)
                        .parseArgs(sweepArgs.toArray(String[]::new));
                return ((SweepCommand) parsed.subcommand().commandSpec().userObject()).pointsToRun();
            }

            @Override
            public String compare(List<String> args) {
                StringWriter table = new StringWriter();
                int code = Cli.create(env, new PrintWriter(table, true), err, verbose.verbose)
                        .execute(args.toArray(String[]::new));
                return code == 0 ? table.toString() : null;
            }
        };
        List<String> labels = s.topologies().stream().map(Topology::label).toList();
        for (String l : only) {
            if (!labels.contains(l)) {
                throw new BenchException("--only: no topology '" + l + "' in " + s.name() + " (its topologies: "
                        + String.join(", ", labels) + ")", Cli.EXIT_USAGE, null);
            }
        }
        Experiment e = new Experiment(s, launcher, resultsDir, commands, out, env.clock());
        if (dryRun) {
            return e.dryRun(only);
        }
        return e.run(only);
    }

    /**
     * The spec's runtime: the local one on node1..nodeN, or the slurm one on the allocation
     * (for a dry run, --hosts and --job-id may stand for one).
     */
    private Launcher launcher(ExperimentSpec s, CliEnv env) {
        if (s.runtime().equals("local")) {
            if (allocation.given()) {
                throw new BenchException("--hosts and --job-id are for the slurm runtime; the local runtime simulates"
                        + " the spec's " + s.nodes() + " nodes (its 'nodes')", Cli.EXIT_USAGE, null);
            }
            return new LocalLauncher(s.local(), s.nodes());
        }
        if (!dryRun && allocation.given()) {
            throw new BenchException("--hosts and --job-id go with --dry-run only: a launch runs on the nodes of its"
                    + " allocation", Cli.EXIT_USAGE, null);
        }
        if (!allocation.given() && !AllocationOptions.inAllocation(env)) {
            throw new BenchException(dryRun
                    ? "the slurm runtime plans for an allocation and there is none (SLURM_JOB_ID and"
                            + " SLURM_JOB_NODELIST are not set): give --hosts HOSTLIST --job-id ID, e.g. --hosts"
                            + " 'node[1-4]' --job-id 1"
                    : "the slurm runtime runs inside an allocation (SLURM_JOB_ID and SLURM_JOB_NODELIST are not set):"
                            + " salloc -N 4 bash slurm/experiment.sbatch SPEC; to see the plans without one:"
                            + " --dry-run --hosts HOSTLIST --job-id ID", Cli.EXIT_USAGE, null);
        }
        List<String> hosts = Cli.usage(() -> allocation.hosts(env));
        if (hosts.isEmpty()) {
            throw new BenchException("no hosts: give --hosts HOSTLIST or run inside a Slurm allocation"
                    + " (SLURM_JOB_NODELIST)", Cli.EXIT_USAGE, null);
        }
        long jobId = Cli.usage(() -> allocation.jobId(env));
        return new SlurmLauncher(s.slurm(), hosts, jobId, Path.of("").toAbsolutePath());
    }

    private ExperimentSpec load() {
        String text;
        String source;
        String defaultName;
        Path file = Path.of(specArg);
        String builtIn = Files.isRegularFile(file) ? null : builtIn(specArg);
        if (builtIn != null) {
            text = builtIn;
            source = "built-in " + specArg;
            defaultName = specArg;
        } else if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new BenchException("no experiment spec '" + specArg
                    + "': no such file, nor a built-in spec (demo or article)");
        } else {
            text = UserFile.read(file, "experiment spec");
            source = file.toString();
            defaultName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        }
        ExperimentSpec s = ExperimentSpec.parse(text, source, defaultName);
        if (runtime != null || name != null) {
            s = new ExperimentSpec(name != null ? name : s.name(), runtime != null ? runtime : s.runtime(), s.nodes(),
                    s.gpusPerNode(), s.topologies(), s.sweeps(), s.numRuns(), s.runArgs(), s.baseline(), s.stat(),
                    s.local(), s.slurm());
        }
        return s;
    }

    /** The text of the built-in spec of that name, or null when there is none. */
    private static String builtIn(String name) {
        try (InputStream in = ExperimentCommand.class.getResourceAsStream("/experiments/" + name + ".yaml")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new BenchException("cannot read the built-in spec " + name + ": " + ex.getMessage(), ex);
        }
    }
}
