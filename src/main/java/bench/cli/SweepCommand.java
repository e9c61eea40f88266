package bench.cli;

import bench.BenchException;
import bench.sweep.Names;
import bench.sweep.Point;
import bench.sweep.ResultFiles;
import bench.sweep.RunArgs;
import bench.sweep.RunOptions;
import bench.sweep.SweepDef;
import bench.sweep.SweepPlan;
import bench.sweep.SweepSpec;
import bench.sweep.Suites;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench sweep}: {@code bench run} over a grid of points against one endpoint. */
@Command(name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        header = "Run 'bench run' over a grid of points against one endpoint; skip what is done.",
        description = {
            "Run 'bench run' once per point of a grid against one endpoint, in this process, and save each "
                    + "result as RESULTS/EXPERIMENT/LABEL/SWEEP/POINT.json (plus POINT.log with the run's output).",
            "The grid: --sweep AXIS=V1,V2,... (repeat for a cross product) with --fixed AXIS=V, or the named "
                    + "sweeps of --spec FILE.yaml, or --suite prefill-decode (the article's 9 points). Axes: "
                    + "input-len, output-len, request-rate, max-concurrency, num-prompts.",
            "Flags for every run go after '--'; a point's own values override them.",
            "Example: bench sweep --base-url http://10.0.0.12:8010 --experiment exp1 --label pd_1p3d "
                    + "--suite prefill-decode -- --num-prompts 1024 --max-concurrency 256",
            "Exit status: 0 when every point is done, 1 when some failed (the others still run), 2 for bad "
                    + "input, 130 when interrupted by Ctrl-C, 143 by SIGTERM."})
final class SweepCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--base-url", required = true, paramLabel = "URL", description = "Server base URL, e.g. http://host:8000.")
    String baseUrl;

    @Option(names = "--experiment", required = true, paramLabel = "NAME", description = "Experiment name: the directory under --results-dir.")
    String experiment;

    @Option(names = "--label", required = true, paramLabel = "LABEL",
            description = "Label of the topology measured (stored in each result; one line per label in plots).")
    String label;

    @Option(names = "--results-dir", paramLabel = "DIR", defaultValue = "results",
            description = "Root of the results (default: ${DEFAULT-VALUE}).")
    Path resultsDir;

    @Option(names = "--sweep", paramLabel = "AXIS=V1,V2,...",
            description = "Axis and values to sweep; several --sweep form a cross product.")
    List<String> sweepAxes;

    @Option(names = "--fixed", paramLabel = "AXIS=VALUE", description = "Axis held at one value, with --sweep.")
    List<String> fixedAxes;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Name of the --sweep sweep, its directory (default: the swept axes, e.g. input-len).")
    String name;

    @Option(names = "--spec", paramLabel = "FILE.yaml", description = "YAML file with named sweeps (instead of --sweep).")
    Path specFile;

    @Option(names = "--suite", paramLabel = "NAME",
            description = "Built-in sweeps: prefill-decode = prefill (input-len 512..4096, output-len 256) and "
                    + "decode (output-len 256..4096, input-len 512).")
    String suite;

    @Option(names = "--num-runs", paramLabel = "N", defaultValue = "1",
            description = "Runs per point; repeats are saved as POINT-run2.json, ... (default: ${DEFAULT-VALUE}).")
    int numRuns;

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Skip points whose result is complete; incomplete or interrupted ones run again (default: on).")
    boolean resume;

    @Option(names = "--dry-run", description = "List the points and their bench run command lines; run nothing.")
    boolean dryRun;

    @Parameters(paramLabel = "-- RUN_FLAGS", description = "Flags for every bench run, after '--'.")
    List<String> runFlags = new ArrayList<>();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        CliEnv env = parent.env();
        Planned p = planned();
        for (List<String> args : p.argLists()) {
            validate(args, env);
        }
        return new SweepJob(env, spec.commandLine().getOut(), spec.commandLine().getErr(), verbose.verbose, label,
                baseUrl, p.labelDir(), resume, p.options()).run(p.plan(), p.argLists(), dryRun);
    }

    /** The points, their bench run argument lists, where their results go, and what bench run accepts. */
    record Planned(List<Point> plan, List<List<String>> argLists, Path labelDir, RunOptions options) {}

    /**
     * What the flags say wrong is bad input (exit status 2); a --spec file that cannot be read or
     * parsed fails as bench experiment's spec does (exit status 1).
     */
    private Planned planned() {
        List<SweepDef> sweeps = definitions();
        return Cli.usage(() -> planned(sweeps));
    }

    private Planned planned(List<SweepDef> sweeps) {
        Names.check("--experiment", experiment);
        Names.check("--label", label);
        List<Point> plan = SweepPlan.expand(sweeps, numRuns);
        Path labelDir = resultsDir.resolve(experiment).resolve(label);
        RunOptions options = runOptions();
        List<List<String>> argLists = new ArrayList<>();
        for (Point p : plan) {
            argLists.add(RunArgs.build(baseUrl, experiment, label, labelDir.resolve(p.sweep()), p, runFlags, options));
        }
        return new Planned(plan, argLists, labelDir, options);
    }

    /** The points this sweep would run now (all of them with --no-resume); runs nothing. */
    List<Point> pointsToRun() {
        Planned p = planned();
        List<Point> todo = new ArrayList<>();
        for (int i = 0; i < p.plan().size(); i++) {
            Point point = p.plan().get(i);
            if (!resume || !ResultFiles.status(p.labelDir(), point, label, p.argLists().get(i), p.options()).done()) {
                todo.add(point);
            }
        }
        return todo;
    }

    /** The sweeps: --sweep/--fixed, --spec or --suite (exactly one of them). */
    private List<SweepDef> definitions() {
        boolean adHoc = sweepAxes != null && !sweepAxes.isEmpty();
        int sources = (adHoc ? 1 : 0) + (specFile != null ? 1 : 0) + (suite != null ? 1 : 0);
        if (sources != 1) {
            throw new BenchException("give exactly one of --sweep, --spec or --suite", Cli.EXIT_USAGE, null);
        }
        if (!adHoc && (fixedAxes != null || name != null)) {
            throw new BenchException("--fixed and --name go with --sweep", Cli.EXIT_USAGE, null);
        }
        if (specFile != null) {
            return SweepSpec.parse(UserFile.read(specFile, "--spec"), specFile.toString());
        }
        return Cli.usage(() -> suite != null ? Suites.get(suite)
                : List.of(SweepDef.fromFlags(sweepAxes, fixedAxes, name)));
    }

    /** What bench run accepts, read from the run command itself. */
    private RunOptions runOptions() {
        CommandSpec run = spec.parent().subcommands().get("run").getCommandSpec();
        List<RunOptions.Option> list = new ArrayList<>();
        for (OptionSpec o : run.options()) {
            List<String> names = new ArrayList<>(List.of(o.names()));
            if (o.negatable()) {
                for (String nm : o.names()) {
                    String neg = run.negatableOptionTransformer().makeNegative(nm, run);
                    if (neg != null && !neg.equals(nm)) {
                        names.add(neg);
                    }
                }
            }
            int max = o.arity().max();
            int arity = max == 0 ? 0 : (o.isMultiValue() && max > 1 ? -1 : 1);
            list.add(new RunOptions.Option(o.longestName(), names, arity, o.arity().min() == 0 && max > 0,
                    o.isMultiValue()));
        }
        return new RunOptions(list);
    }

    /** Parses a point's arguments without running, so bad flags stop the sweep before it starts. */
    private void validate(List<String> args, CliEnv env) {
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        try {
            Cli.create(env, sink, sink, false).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new BenchException("bad bench run flags after '--': " + Cli.oneLine(e.getMessage()), Cli.EXIT_USAGE, e);
        }
    }





}
