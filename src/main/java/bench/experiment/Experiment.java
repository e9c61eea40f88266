package bench.experiment;

import bench.BenchException;
import bench.ExitStatus;
import bench.slurm.KvBackend;
import bench.slurm.Plan;
import bench.slurm.PlanConfig;
import bench.slurm.Planner;
import bench.slurm.ServeArgs;
import bench.sweep.AxisValues;
import bench.sweep.Point;
import bench.sweep.SweepDef;
import bench.sweep.SweepLines;
import bench.sweep.SweepPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench experiment}: for each topology, launch it, wait until it serves, run the
 * sweeps against its endpoint, keep the engine logs, tear it down, go on; a topology whose
 * points are all complete is skipped, one that fails is reported and the others still run.
 * Then the figures and the comparison over everything measured, and one summary.
 */
public final class Experiment {

    /** The bench subcommands the experiment drives, in this process. */
    public interface Commands {
        /** {@code bench sweep ARGS}; returns its exit status. */
        int sweep(List<String> args);

        /** {@code bench plot ARGS}; returns its exit status. */
        int plot(List<String> args);

        /** {@code bench compare ARGS}; returns the table, or null when it failed. */
        String compare(List<String> args);

        /** The points {@code bench sweep ARGS} would run now (not done, or done with other flags); runs nothing. */
        List<Point> pointsToRun(List<String> sweepArgs);
    }

    /** How one topology went. */
    public record Outcome(String label, String state, double seconds, Path dir, String detail, int exitStatus) {
        /** An outcome that did not end the experiment (exit status 0). */
        Outcome(String label, String state, double seconds, Path dir, String detail) {
            this(label, state, seconds, dir, detail, 0);
        }
    }

    private final ExperimentSpec spec;
    private final Launcher launcher;
    private final Path root;
    private final Commands commands;
    private final PrintWriter out;
    private final Clock clock;

    public Experiment(ExperimentSpec spec, Launcher launcher, Path resultsDir, Commands commands, PrintWriter out,
            Clock clock) {
        this.spec = spec;
        this.launcher = launcher;
        this.root = resultsDir.resolve(spec.name());
        this.commands = commands;
        this.out = out;
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    /** The plan of a topology on the launcher's hosts. */
    public Plan plan(Topology t) {
        KvBackend kv;
        try {
            kv = KvBackend.valueOf(spec.slurm().kvBackend().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BenchException("bad kv_backend '" + spec.slurm().kvBackend() + "': LIBFABRIC or UCX");
        }
        return Planner.plan(new PlanConfig(launcher.hosts(), t.route(), t.prefill(), spec.gpusPerNode(),
                new ServeArgs(spec.slurm().serveArgs()), launcher.jobId(), null, kv, null));
    }

    /** The bench sweep argument lists of a topology, one per sweep of the spec. */
    public List<List<String>> sweepArgs(Topology t, String endpoint) {
        List<List<String>> all = new ArrayList<>();
        for (SweepDef d : spec.sweeps()) {
            List<String> a = new ArrayList<>(List.of("sweep", "--base-url", endpoint, "--experiment", spec.name(),
                    "--label", t.label(), "--results-dir", root.getParent().toString(), "--name", d.name(),
                    "--num-runs", Integer.toString(spec.numRuns())));
            for (AxisValues v : d.swept()) {
                a.addAll(List.of("--sweep", v.axis().id() + "=" + String.join(",", v.values())));
            }
            for (Map.Entry<bench.sweep.Axis, String> f : d.fixed().entrySet()) {
                a.addAll(List.of("--fixed", f.getKey().id() + "=" + f.getValue()));
            }
            a.add("--");
            a.addAll(spec.runArgs());
            a.addAll(d.args());
            all.add(a);
        }
        return all;
    }

    /** Points of a topology that are not complete yet. */
    public List<Point> missing(Topology t) {
        List<Point> todo = new ArrayList<>();
        // where the topology serves does not decide whether a point is done: any endpoint will do
        for (List<String> args : sweepArgs(t, "http://127.0.0.1:8000")) {
            todo.addAll(commands.pointsToRun(args));
        }
        return todo;
    }

    /**
     * What {@link #run} would do, starting nothing: for each topology its points to run, what
     * the launcher would start (the local runtime's processes, the slurm runtime's plan) and
     * its sweeps. Returns the exit status (1: a topology's plan is refused, as the run reports it).
     */
    public int dryRun(List<String> only) {
        int code = 0;
        for (Topology t : selected(only)) {
            out.println("== " + t.label() + ": " + SweepLines.count(missing(t)) + " to run");
            try {
                out.print(launcher.describe(plan(t), t.label(), logDir(t)));
            } catch (BenchException e) {
                out.println("   plan refused: " + e.getMessage());
                code = 1;
            }
            out.println();
            out.println("sweeps (ENDPOINT: where the topology serves once up):");
            for (List<String> a : sweepArgs(t, "ENDPOINT")) {
                out.println("  bench " + bench.sweep.Shell.join(a));
            }
        }
        out.flush();
        return code;
    }

    private List<Topology> selected(List<String> only) {
        List<Topology> topologies = spec.topologies().stream()
                .filter(t -> only.isEmpty() || only.contains(t.label())).toList();
        if (topologies.isEmpty()) {
            throw new BenchException("no topology matches " + only);
        }
        return topologies;
    }

    private Path logDir(Topology t) {
        return root.resolve(t.label()).resolve("logs");
    }

    /** Runs it all; returns the exit status (0: every topology complete). */
    public int run(List<String> only) throws InterruptedException {
        List<Topology> topologies = selected(only);
        out.printf("bench experiment %s: %d topologies x %s, %s runtime -> %s%n", spec.name(),
                topologies.size(), SweepLines.count(plan()), spec.runtime(), root);
        out.flush();
        List<Outcome> outcomes = new ArrayList<>();
        boolean interrupted = false;
        int interruptedStatus = ExitStatus.INTERRUPTED;
        for (Topology t : topologies) {
            Outcome o = runOne(t);
            outcomes.add(o);
            if (o.state().equals("interrupted")) {
                interrupted = true;
                interruptedStatus = o.exitStatus();
                break;
            }
        }
        if (!interrupted && outcomes.stream().anyMatch(o -> !o.state().equals("failed"))) {
            figures();
        }
        summary(outcomes);
        if (interrupted) {
            return interruptedStatus;
        }
        return outcomes.stream().allMatch(o -> o.state().equals("done") || o.state().equals("complete")) ? 0 : 1;
    }

    private Outcome runOne(Topology t) throws InterruptedException {
        Path dir = root.resolve(t.label());
        long start = clock.millis();
        List<Point> todo = missing(t);
        if (todo.isEmpty()) {
            out.printf("== %s: complete, skipped%n", t.label());
            out.flush();
            return new Outcome(t.label(), "complete", 0, dir, "all points done earlier");
        }
        out.printf("== %s (route %d, prefill %d): %s to run%n", t.label(), t.route(), t.prefill(),
                SweepLines.count(todo));
        out.flush();
        Plan plan;
        try {
            plan = plan(t);
        } catch (BenchException e) {
            return failed(t, dir, start, "plan refused: " + e.getMessage());
        }
        Deployment d;
        try {
            d = launcher.launch(plan, t.label(), logDir(t));
        } catch (BenchException e) {
            return failed(t, dir, start, "launch failed: " + e.getMessage());
        }
        Thread hook = new Thread(d::close, "bench-experiment-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        int worst = 0;
        int stoppedBy = 0;
        try {
            out.printf("   up at %s after %.1f s%n", d.endpoint(), (clock.millis() - start) / 1000.0);
            out.flush();
            for (List<String> args : sweepArgs(t, d.endpoint())) {
                int code = commands.sweep(args);
                worst = Math.max(worst, code);
                if (ExitStatus.bySignal(code)) {
                    // Ctrl-C (130) or SIGTERM (143) stopped the sweep: the experiment stops too
                    stoppedBy = code;
                    break;
                }
            }
        } finally {
            d.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already: the hook runs
            }
        }
        double seconds = (clock.millis() - start) / 1000.0;
        if (stoppedBy != 0) {
            return new Outcome(t.label(), "interrupted", seconds, dir, "interrupted", stoppedBy);
        }
        if (worst != 0) {
            return new Outcome(t.label(), "failed", seconds, dir, SweepLines.count(missing(t)) + " not complete");
        }
        return new Outcome(t.label(), "done", seconds, dir, SweepLines.count(plan()));
    }

    /** Every point of every sweep, with its repeats: what each topology runs. */
    private List<Point> plan() {
        return SweepPlan.expand(spec.sweeps(), spec.numRuns());
    }

    private Outcome failed(Topology t, Path dir, long start, String why) {
        out.printf("   FAILED: %s%n", why);
        out.flush();
        return new Outcome(t.label(), "failed", (clock.millis() - start) / 1000.0, dir, why);
    }

    /** The figures and the comparison over everything measured so far. */
    private void figures() {
        Path figures = root.resolve("figures");
        int code = commands.plot(List.of("plot", root.toString(), "--out", figures.toString(), "--stat", spec.stat(),
                "--title", spec.name()));
        if (code == 0) {
            out.println("figures: " + figures);
        } else {
            out.println("figures: bench plot failed (exit " + code + ")");
        }
        String table = commands.compare(List.of("compare", root.toString(), "--baseline", spec.baseline()));
        if (table != null) {
            Path file = root.resolve("compare.md");
            try {
                Files.writeString(file, table, StandardCharsets.UTF_8);
                out.println("comparison: " + file);
            } catch (IOException e) {
                out.println("comparison: cannot write " + file + ": " + e.getMessage());
            }
        }
        out.flush();
    }

    private void summary(List<Outcome> outcomes) {
        out.println();
        out.println("=================== Experiment " + spec.name() + " ===================");
        out.printf("%-24s %-12s %10s  %s%n", "topology", "state", "time (s)", "results");
        for (Outcome o : outcomes) {
            out.printf(Locale.ROOT, "%-24s %-12s %10.1f  %s (%s)%n", o.label(), o.state(), o.seconds(), o.dir(),
                    o.detail());
        }
        out.flush();
    }
}
