package bench.cli;

import bench.slurm.Plan;
import bench.slurm.PlanFormat;
import bench.slurm.Planner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench slurm plan}: which node runs what, on which ports, with which command. */
@Command(name = "plan",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 100,
        customSynopsis = "bench slurm plan [OPTIONS] [--format text|json] -- VLLM_SERVE_ARGS...",
        description = {
            "Show the launch plan of a topology: each node's role, group, port, data-parallel size and ranks and "
                    + "command, the routers, the endpoint and the job's ports. Nothing is started.",
            "Example: bench slurm plan --hosts 'node[1-4]' --route 2 --job-id 1 -- --model org/model"})
final class SlurmPlanCommand implements Callable<Integer> {
    enum Format { TEXT, JSON }

    @ParentCommand
    SlurmCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    SlurmPlanOptions plan = new SlurmPlanOptions();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (a table) or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        Plan p = Cli.usage(() -> Planner.plan(plan.config(parent.env())));
        var out = spec.commandLine().getOut();
        out.print(format == Format.JSON ? PlanFormat.json(p) : PlanFormat.text(p));
        out.flush();
        return 0;
    }
}
