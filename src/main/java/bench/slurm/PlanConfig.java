package bench.slurm;

import bench.BenchException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to plan: the allocation's hosts, the article's {@code --route R} and {@code --prefill P},
 * the node size and the {@code vllm serve} arguments. The constructor refuses every plan that
 * cannot run, each with one line.
 *
 * @param hosts               the allocation's nodes, in Slurm order (the first runs the router)
 * @param route               R: the nodes are split into R equal groups
 * @param prefill             P: in each group the first P nodes prefill, the rest decode; 0 = data parallel.
 *                            With R > 1 each group gets its own router ({@link #hasGroupRouters()})
 * @param gpusPerNode         GPUs on every node
 * @param serveArgs           the user's vllm serve arguments, verbatim
 * @param jobId               the Slurm job id: ports, log directory and container names derive from it
 * @param basePort            first port of the job's block; null derives it from the job id ({@link Ports})
 * @param kvBackend           NIXL backend for prefill/decode
 * @param kvLoadFailurePolicy what decode nodes do when a KV transfer fails
 */
public record PlanConfig(List<String> hosts, int route, int prefill, int gpusPerNode, ServeArgs serveArgs,
        long jobId, Integer basePort, KvBackend kvBackend, KvLoadFailurePolicy kvLoadFailurePolicy) {
    /** Host names end up in shell words, log file names and container names: keep them plain. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public PlanConfig {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        if (serveArgs == null) {
            serveArgs = new ServeArgs(List.of());
        }
        if (kvBackend == null) {
            kvBackend = KvBackend.LIBFABRIC;
        }
        if (kvLoadFailurePolicy == null) {
            kvLoadFailurePolicy = KvLoadFailurePolicy.FAIL;
        }
        if (hosts.isEmpty()) {
            throw new BenchException("0 nodes to plan for: give --hosts or run inside a Slurm allocation"
                    + " (SLURM_JOB_NODELIST)");
        }
        Set<String> seen = new HashSet<>();
        for (String h : hosts) {
            if (!HOST_NAME.matcher(h).matches()) {
                throw new BenchException("bad host name '" + h + "': letters, digits, '.', '-' and '_' only");
            }
            if (!seen.add(h)) {
                throw new BenchException("duplicate host '" + h + "' in the hostlist");
            }
        }
        if (route < 1) {
            throw new BenchException("--route must be >= 1");
        }
        if (prefill < 0) {
            throw new BenchException("--prefill must be >= 0");
        }
        if (jobId < 0) {
            throw new BenchException("--job-id must be >= 0");
        }
        if (basePort == null) {
            basePort = Ports.basePortForJob(jobId);
        }
        new Ports(basePort, gpusPerNode); // validates both
        int n = hosts.size();
        if (n % route != 0) {
            throw new BenchException(n + (n == 1 ? " node" : " nodes") + " cannot be split into " + route
                    + " equal route groups");
        }
        int perGroup = n / route;
        if (prefill >= perGroup) {
            throw new BenchException("--prefill " + prefill + " leaves no decode node: each of the " + route
                    + " route group(s) has " + perGroup + (perGroup == 1 ? " node" : " nodes"));
        }
        if (route > 1 && prefill > 0 && gpusPerNode > Ports.MAX_GPUS_PER_NODE_WITH_GROUP_ROUTERS) {
            throw new BenchException("--gpus-per-node " + gpusPerNode + " is too many for --route " + route
                    + " --prefill " + prefill + ": the job's " + Ports.BLOCK_SIZE + " ports hold the group routers'"
                    + " ports and NIXL side-channel ports for at most " + Ports.MAX_GPUS_PER_NODE_WITH_GROUP_ROUTERS
                    + " GPUs");
        }
        int tp = serveArgs.tensorParallelSize().orElse(gpusPerNode);
        if (tp > gpusPerNode) {
            throw new BenchException("tensor parallel size " + tp + " is larger than a node (" + gpusPerNode
                    + " GPUs); bench slurm runs each TP group inside one node");
        }
        if (gpusPerNode % tp != 0) {
            throw new BenchException("tensor parallel size " + tp + " does not divide the " + gpusPerNode
                    + " GPUs of a node");
        }
    }

    public Mode mode() {
        return prefill > 0 ? Mode.PD : Mode.DP;
    }

    public int nodesPerGroup() {
        return hosts.size() / route;
    }

    /** From the serve arguments, else one TP group per node. */
    public int tensorParallelSize() {
        return serveArgs.tensorParallelSize().orElse(gpusPerNode);
    }

    /** Data-parallel ranks (engines) per node: GPUs per node / TP. */
    public int dpSizeLocal() {
        return gpusPerNode / tensorParallelSize();
    }

    public Ports ports() {
        return new Ports(basePort, gpusPerNode);
    }

    /** A router fronts the engines whenever there is more than one group or prefill/decode is split. */
    public boolean hasRouter() {
        return route > 1 || prefill > 0;
    }

    /**
     * Two-level routing: with several prefill/decode groups each group has its own router, which
     * pairs only the group's prefill and decode nodes, and the router round-robins over them.
     */
    public boolean hasGroupRouters() {
        return route > 1 && prefill > 0;
    }
}
