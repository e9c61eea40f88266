package bench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench run}: measure an OpenAI-compatible endpoint with streaming requests. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        description = {
            "Drive an OpenAI-compatible server with streaming completions and measure TTFT, ITL, TPOT, "
                    + "E2E latency and throughput. Flags follow 'vllm bench serve'.",
            "Exit status: 0 when every request succeeded, 1 when some failed or none succeeded, "
                    + "2 for bad input, 130 when interrupted by Ctrl-C and 143 by SIGTERM (the result is still "
                    + "written)."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Mixin
    DatasetOptions dataset = new DatasetOptions();

    @Mixin
    LoadOptions load = new LoadOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        return new RunJob(parent.env(), target, dataset, load, output, ownArgs(),
                spec.commandLine().getOut(), spec.commandLine().getErr()).run();
    }

    /** This command's arguments as given (after the word {@code run}), for the result to record. */
    private java.util.List<String> ownArgs() {
        java.util.List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return java.util.List.copyOf(all.subList(at + 1, all.size()));
    }
}
