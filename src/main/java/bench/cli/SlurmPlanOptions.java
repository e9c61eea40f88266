package bench.cli;

import bench.slurm.KvBackend;
import bench.slurm.KvLoadFailurePolicy;
import bench.slurm.PlanConfig;
import bench.slurm.ServeArgs;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code bench slurm plan} and {@code bench slurm render} share: the allocation, the
 * topology and the serve arguments.
 */
final class SlurmPlanOptions {
    @Mixin
    AllocationOptions allocation = new AllocationOptions();

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
        ServeArgs serve = new ServeArgs(serveArgs == null ? List.of() : serveArgs);
        return new PlanConfig(allocation.hosts(env), route, prefill, gpusPerNode, serve, allocation.jobId(env),
                basePort, kvBackend, kvLoadFailurePolicy);
    }
}
