package bench.cli;

import bench.BenchException;
import bench.slurm.Hostlist;
import bench.slurm.KvBackend;
import bench.slurm.KvLoadFailurePolicy;
import bench.slurm.PlanConfig;
import bench.slurm.ServeArgs;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code bench slurm plan} and {@code bench slurm render} share: the topology and the serve arguments. */
final class SlurmPlanOptions {
    @Option(names = "--hosts", paramLabel = "HOSTLIST",
            description = "Nodes as a Slurm hostlist, e.g. node[1-4] (default: $SLURM_JOB_NODELIST).")
    String hosts;

    @Option(names = "--route", paramLabel = "R", defaultValue = "1",
            description = "Split the nodes into R equal groups behind a router (default: ${DEFAULT-VALUE}).")
    int route;

    @Option(names = "--prefill", paramLabel = "P", defaultValue = "0",
            description = "In each group, the first P nodes prefill and the rest decode (NIXL); with R > 1 each "
                    + "group has its own prefill/decode router and the router round-robins over them; 0: each group "
                    + "is one data-parallel vLLM (default: ${DEFAULT-VALUE}).")
    int prefill;

    @Option(names = "--gpus-per-node", paramLabel = "N", defaultValue = "8",
            description = "GPUs on every node (default: ${DEFAULT-VALUE}). TP comes from the serve arguments "
                    + "(-tp, --tensor-parallel-size), else N.")
    int gpusPerNode;

    @Option(names = "--job-id", paramLabel = "ID",
            description = "Slurm job id; ports and logs derive from it (default: $SLURM_JOB_ID).")
    Long jobId;

    @Option(names = "--base-port", paramLabel = "PORT",
            description = "First of the job's 20 ports (default: 20000 + 20 x (job id mod 600)).")
    Integer basePort;

    @Option(names = "--kv-backend", paramLabel = "NAME", defaultValue = "LIBFABRIC",
            description = "NIXL backend of prefill/decode: LIBFABRIC (EFA) or UCX (default: ${DEFAULT-VALUE}).")
    KvBackend kvBackend;

    @Option(names = "--kv-load-failure-policy", paramLabel = "POLICY", defaultValue = "fail",
            description = "What decode does when a KV transfer fails: fail or recompute (default: ${DEFAULT-VALUE}).")
    KvLoadFailurePolicy kvLoadFailurePolicy;

    @Parameters(paramLabel = "VLLM_SERVE_ARGS",
            description = "After --: the vllm serve arguments, passed to every engine verbatim.")
    List<String> serveArgs;

    PlanConfig config(CliEnv env) {
        String hostlist = hosts != null ? hosts : env.get("SLURM_JOB_NODELIST");
        ServeArgs serve = new ServeArgs(serveArgs == null ? List.of() : serveArgs);
        return new PlanConfig(Hostlist.expand(hostlist), route, prefill, gpusPerNode, serve, jobId(env), basePort,
                kvBackend, kvLoadFailurePolicy);
    }

    private long jobId(CliEnv env) {
        if (jobId != null) {
            return jobId;
        }
        String fromEnv = env.get("SLURM_JOB_ID");
        if (fromEnv == null || fromEnv.isBlank()) {
            throw new BenchException("no job id: give --job-id or run inside a Slurm allocation (SLURM_JOB_ID)");
        }
        try {
            return Long.parseLong(fromEnv.strip());
        } catch (NumberFormatException e) {
            throw new BenchException("SLURM_JOB_ID '" + fromEnv + "' is not a job id; give --job-id", e);
        }
    }
}
