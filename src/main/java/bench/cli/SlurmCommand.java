package bench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench slurm}: plan and render multi-node vLLM launches; the work is in its subcommands. */
@Command(name = "slurm",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Plan and launch vLLM serving topologies on a Slurm allocation: data-parallel groups behind "
                    + "vllm-router (--route), or NIXL prefill/decode disaggregation (--prefill).",
            "For a launch inside an allocation use slurm/vllm.sbatch, which runs 'bench slurm render'."},
        subcommands = {SlurmPlanCommand.class, SlurmRenderCommand.class})
final class SlurmCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand parent;

    @Spec
    CommandSpec spec;

    CliEnv env() {
        return parent.env();
    }

    /** Without a subcommand: the usage on stderr, exit status 2 ({@code --help} prints it on stdout, exit 0). */
    @Override
    public Integer call() {
        return Cli.missingSubcommand(spec);
    }
}
