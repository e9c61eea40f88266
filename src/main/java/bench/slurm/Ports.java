package bench.slurm;

import bench.BenchException;

/**
 * The TCP ports of one job. They are a block of {@link #BLOCK_SIZE} ports starting at a base
 * derived from the Slurm job id, so two jobs sharing a node do not collide:
 * {@code base = 20000 + 20 * (job id mod 600)}, which stays in 20000..31999, below Linux's
 * ephemeral range (32768 and up). Two jobs can only collide when their ids differ by a
 * multiple of 600 and they share a node at the same time; {@code --base-port} overrides.
 *
 * <pre>
 * base + 0              vLLM HTTP on every engine node (each node runs at most one engine per job)
 * base + 1              vllm-router HTTP (the endpoint when there is a router)
 * base + 2              vllm-router Prometheus metrics (its default, 29000, would collide)
 * base + 3              --data-parallel-rpc-port of each DP group's head
 * base + 4 .. + 4+G-1   VLLM_NIXL_SIDE_CHANNEL_PORT and the ports vLLM derives from it per
 *                       local DP rank (prefill/decode nodes; G = GPUs per node)
 * base + 18             HTTP of each group's own prefill/decode router (--route R > 1 with
 *                       --prefill P > 0), on the group's first node
 * base + 19             Prometheus metrics of each group router
 * </pre>
 *
 * <p>The group routers' ports are the last two of the block, so with them the side channel has
 * room for {@link #MAX_GPUS_PER_NODE_WITH_GROUP_ROUTERS} GPUs per node ({@link PlanConfig}
 * refuses more); without them it keeps {@link #MAX_GPUS_PER_NODE}.
 *
 * @param basePort    first port of the block
 * @param gpusPerNode G above: how many side-channel ports to reserve
 */
public record Ports(int basePort, int gpusPerNode) {
    public static final int FIRST_BASE_PORT = 20_000;
    public static final int BLOCK_SIZE = 20;
    public static final int JOB_SLOTS = 600;
    /** side-channel ports start here in the block and must fit in it */
    private static final int SIDE_CHANNEL_OFFSET = 4;
    public static final int MAX_GPUS_PER_NODE = BLOCK_SIZE - SIDE_CHANNEL_OFFSET;
    /** the group routers' HTTP and metrics ports close the block */
    private static final int GROUP_ROUTER_OFFSET = BLOCK_SIZE - 2;
    public static final int MAX_GPUS_PER_NODE_WITH_GROUP_ROUTERS = GROUP_ROUTER_OFFSET - SIDE_CHANNEL_OFFSET;

    public Ports {
        if (gpusPerNode < 1 || gpusPerNode > MAX_GPUS_PER_NODE) {
            throw new BenchException("--gpus-per-node must be in 1.." + MAX_GPUS_PER_NODE);
        }
        if (basePort < 1024 || basePort > 65_535 - BLOCK_SIZE + 1) {
            throw new BenchException("--base-port must be in 1024.." + (65_535 - BLOCK_SIZE + 1));
        }
    }

    public static int basePortForJob(long jobId) {
        if (jobId < 0) {
            throw new BenchException("--job-id must be >= 0");
        }
        return FIRST_BASE_PORT + BLOCK_SIZE * (int) (jobId % JOB_SLOTS);
    }

    public int engineHttp() {
        return basePort;
    }

    public int routerHttp() {
        return basePort + 1;
    }

    public int routerMetrics() {
        return basePort + 2;
    }

    public int dpRpc() {
        return basePort + 3;
    }

    public int nixlSideChannel() {
        return basePort + SIDE_CHANNEL_OFFSET;
    }

    public int nixlSideChannelLast() {
        return nixlSideChannel() + gpusPerNode - 1;
    }

    /** HTTP of a group's own prefill/decode router, on the group's first node. */
    public int groupRouterHttp() {
        return basePort + GROUP_ROUTER_OFFSET;
    }

    public int groupRouterMetrics() {
        return basePort + GROUP_ROUTER_OFFSET + 1;
    }
}
