package bench.cli;

import bench.BenchException;
import bench.slurm.LaunchOptions;
import bench.slurm.LaunchRuntime;
import bench.slurm.LaunchScript;
import bench.slurm.Plan;
import bench.slurm.PlanFormat;
import bench.slurm.Planner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench slurm render}: the launch script of a plan. */
@Command(name = "render",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 100,
        customSynopsis = "bench slurm render [OPTIONS] --runtime docker|pyxis|bare [--out FILE] -- VLLM_SERVE_ARGS...",
        description = {
            "Write the bash script that launches the plan inside the allocation: every engine with srun on its "
                    + "node, /health checks, then the group routers (--route R > 1 with --prefill P > 0), then the "
                    + "router; the endpoint goes to logs/JOB/endpoint, logs to "
                    + "logs/JOB/ROLE-HOST.log. Any process exiting, Ctrl-C or TERM stops this launch's processes "
                    + "and containers only."})
final class SlurmRenderCommand implements Callable<Integer> {
    @ParentCommand
    SlurmCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    SlurmPlanOptions plan = new SlurmPlanOptions();

    @Option(names = "--runtime", paramLabel = "RUNTIME", defaultValue = "bare",
            description = "docker, pyxis (srun --container-image) or bare (engines on PATH)"
                    + " (default: ${DEFAULT-VALUE}).")
    LaunchRuntime runtime;

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "docker: a registry image or a docker save tarball (.tar.gz, loaded once per node); "
                    + "pyxis: a squashfs file or registry image.")
    String image;

    @Option(names = "--container-mount", paramLabel = "SRC[:DST]",
            description = "Mount into every container (repeatable), e.g. /fsx.")
    List<String> containerMounts;

    @Option(names = "--ready-timeout", paramLabel = "SEC", defaultValue = "1800",
            description = "Seconds for every engine and router to answer /health (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSec;

    @Option(names = "--env", paramLabel = "NAME=VALUE",
            description = "Environment of every process (repeatable); wins over the defaults (FI_PROVIDER=efa, "
                    + "FI_EFA_USE_DEVICE_RDMA=1, FI_EFA_FORK_SAFE=1, ...) and over the environment.")
    List<String> env;

    @Option(names = "--srun-arg", paramLabel = "OPTION",
            description = "An option for every engine and router srun step (repeatable, one option each, written "
                    + "--srun-arg=--gres=gpu:8), e.g. --gres=gpu:8, --cpus-per-task=96, --cpu-bind=none, --mpi=pmix; "
                    + "for clusters whose steps get no GPUs or too few CPUs by default.")
    List<String> srunArgs;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the script (default: stdout).")
    Path out;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        Plan p = Cli.usage(() -> Planner.plan(plan.config(parent.env())));
        LaunchOptions options = Cli.usage(() -> new LaunchOptions(runtime, image, containerMounts, readyTimeoutSec,
                env == null ? List.of() : env.stream().map(LaunchOptions.EnvSetting::parse).toList(), srunArgs));
        String script = LaunchScript.render(p, options);
        var stdout = spec.commandLine().getOut();
        if (out == null || out.toString().equals("-")) {
            stdout.print(script);
        } else {
            write(out, script);
            stdout.println("wrote " + out + " (" + runtime.cliName() + "): " + PlanFormat.summary(p) + "; endpoint "
                    + p.endpoint());
        }
        stdout.flush();
        return 0;
    }

    private static void write(Path file, String script) {
        RunJob.write(file, script);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: run it with bash FILE
        } catch (IOException e) {
            throw new BenchException("cannot make " + file + " executable: " + e.getMessage(), e);
        }
    }
}
