package bench.experiment;

import bench.BenchException;
import bench.proc.BenchProcess;
import bench.slurm.LaunchOptions;
import bench.slurm.LaunchRuntime;
import bench.slurm.LaunchScript;
import bench.slurm.Plan;
import bench.slurm.PlanFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The slurm runtime: inside an allocation (its hosts and job id), renders the plan's launch
 * script (the same as {@code slurm/vllm.sbatch} runs), runs it, waits for the endpoint file it
 * writes, and on close stops it (TERM; its trap stops this launch's processes and containers)
 * and keeps the engine logs in the topology's result directory.
 */
public final class SlurmLauncher implements Launcher {
    private final ExperimentSpec.SlurmSettings settings;
    private final List<String> hosts;
    private final long jobId;
    private final Path workDir;

    /**
     * @param hosts the allocation's nodes, in Slurm order
     * @param jobId the allocation's job id: ports and the launch's log directory derive from it
     */
    public SlurmLauncher(ExperimentSpec.SlurmSettings settings, List<String> hosts, long jobId, Path workDir) {
        this.settings = settings;
        this.hosts = List.copyOf(hosts);
        this.jobId = jobId;
        this.workDir = workDir;
        // a bad runtime, env or srun option is the spec's error: say so before anything starts
        options();
    }

    @Override
    public String describe(Plan plan, String label, Path logDir) {
        LaunchOptions o = options();
        return PlanFormat.text(plan) + "launch:   bash " + script(label) + " (runtime " + o.runtime().cliName()
                + (o.image() == null ? "" : ", image " + o.image())
                + (o.srunArgs().isEmpty() ? "" : ", srun steps with " + String.join(" ", o.srunArgs()))
                + "), as slurm/vllm.sbatch does; logs kept in "
                + logDir + "\n";
    }

    @Override
    public List<String> hosts() {
        return hosts;
    }

    @Override
    public long jobId() {
        return jobId;
    }

    private LaunchOptions options() {
        LaunchRuntime runtime;
        try {
            runtime = LaunchRuntime.valueOf(settings.runtime().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BenchException("bad slurm runtime '" + settings.runtime() + "': docker, pyxis or bare");
        }
        try {
            List<LaunchOptions.EnvSetting> env = new ArrayList<>();
            for (String e : settings.env()) {
                env.add(LaunchOptions.EnvSetting.parse(e));
            }
            return new LaunchOptions(runtime, settings.image(), settings.containerMounts(), settings.readyTimeoutSec(),
                    env, settings.srunArgs());
        } catch (BenchException e) {
            // the checks speak of bench slurm render's flags; here the values come from the spec
            throw new BenchException("the spec's slurm settings: " + e.getMessage().replace("--srun-arg", "srun_args")
                    .replace("--env", "env"), e);
        }
    }

    @Override
    public Deployment launch(Plan plan, String label, Path logDir) throws InterruptedException {
        Path jobLogs = jobLogs();
        Path endpointFile = jobLogs.resolve("endpoint");
        Path script = script(label);
        Path output = jobLogs.resolve("launch-" + label + ".out");
        try {
            Files.createDirectories(jobLogs);
            Files.deleteIfExists(endpointFile);
            Files.writeString(script, LaunchScript.render(plan, options()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchException("cannot write " + script + ": " + e.getMessage(), e);
        }
        Process p;
        try {
            p = new ProcessBuilder("bash", script.toString()).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new BenchException("cannot run " + script + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.readyTimeoutSec() + 120L);
        String endpoint = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(endpointFile) && !Files.readString(endpointFile).isBlank()) {
                    endpoint = Files.readString(endpointFile).strip();
                    break;
                }
            } catch (IOException ignored) {
                // being written
            }
            if (!p.isAlive()) {
                keepLogs(jobLogs, logDir);
                throw new BenchException(label + ": the launch failed (exit " + p.exitValue() + "): "
                        + BenchProcess.lastLine(output));
            }
            Thread.sleep(500);
        }
        if (endpoint == null) {
            stop(p);
            keepLogs(jobLogs, logDir);
            throw new BenchException(label + ": no endpoint within " + (settings.readyTimeoutSec() + 120) + " s; see "
                    + output);
        }
        String url = endpoint;
        return new Deployment() {
            @Override
            public String endpoint() {
                return url;
            }

            @Override
            public void close() {
                stop(p);
                keepLogs(jobLogs, logDir);
            }
        };
    }

    private Path jobLogs() {
        return workDir.resolve("logs").resolve(Long.toString(jobId));
    }

    private Path script(String label) {
        return jobLogs().resolve("launch-" + label + ".sh");
    }

    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy(); // TERM: the script's trap stops its srun steps and containers
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Moves the launch's logs into the topology's result directory, so the next launch starts clean. */
    private static void keepLogs(Path jobLogs, Path logDir) {
        try {
            Files.createDirectories(logDir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(jobLogs)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f)) {
                        Files.move(f, logDir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            // the logs stay where they are
        }
    }
}
