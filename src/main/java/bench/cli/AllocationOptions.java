package bench.cli;

import bench.BenchException;
import bench.slurm.Hostlist;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The Slurm allocation a plan is made for: its nodes and job id, from {@code --hosts} and
 * {@code --job-id}, else from the allocation's environment. Shared by {@code bench slurm plan},
 * {@code bench slurm render} and {@code bench experiment --dry-run}.
 */
final class AllocationOptions {
    @Option(names = "--hosts", paramLabel = "HOSTLIST",
            description = "Nodes as a Slurm hostlist, e.g. node[1-4] (default: $SLURM_JOB_NODELIST).")
    String hosts;

    @Option(names = "--job-id", paramLabel = "ID",
            description = "Slurm job id; ports and logs derive from it (default: $SLURM_JOB_ID).")
    Long jobId;

    /** Whether either flag was given. */
    boolean given() {
        return hosts != null || jobId != null;
    }

    /** Whether the environment is an allocation's (both SLURM_JOB_ID and SLURM_JOB_NODELIST set). */
    static boolean inAllocation(CliEnv env) {
        return present(env.get("SLURM_JOB_ID")) && present(env.get("SLURM_JOB_NODELIST"));
    }

    /** The nodes: {@code --hosts}, else $SLURM_JOB_NODELIST; may be empty (the planner says so). */
    List<String> hosts(CliEnv env) {
        return Hostlist.expand(hosts != null ? hosts : env.get("SLURM_JOB_NODELIST"));
    }

    long jobId(CliEnv env) {
        if (jobId != null) {
            return jobId;
        }
        String fromEnv = env.get("SLURM_JOB_ID");
        if (!present(fromEnv)) {
            throw new BenchException("no job id: give --job-id or run inside a Slurm allocation (SLURM_JOB_ID)");
        }
        try {
            return Long.parseLong(fromEnv.strip());
        } catch (NumberFormatException e) {
            throw new BenchException("SLURM_JOB_ID '" + fromEnv + "' is not a job id; give --job-id", e);
        }
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }
}
