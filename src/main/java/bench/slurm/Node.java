package bench.slurm;

import java.util.List;

/**
 * One node of a plan and the vLLM engine it runs.
 *
 * @param host                the Slurm node name
 * @param role                what it runs
 * @param group               index of its route group (0-based)
 * @param httpPort            vLLM's HTTP port; null for a headless DP worker
 * @param dpSize              data-parallel size of the vLLM instance this node belongs to
 * @param dpSizeLocal         DP ranks on this node (GPUs per node / TP)
 * @param dpStartRank         first DP rank on this node
 * @param dpHeadHost          host of the DP group's head (the --data-parallel-address); null when DP is one node
 * @param dpRpcPort           --data-parallel-rpc-port; null when DP is one node
 * @param nixlSideChannelPort VLLM_NIXL_SIDE_CHANNEL_PORT; null outside prefill/decode
 * @param command             the full command line ({@code vllm serve ...})
 */
public record Node(String host, Role role, int group, Integer httpPort, int dpSize, int dpSizeLocal,
        int dpStartRank, String dpHeadHost, Integer dpRpcPort, Integer nixlSideChannelPort, List<Arg> command) {

    public Node {
        if (host == null || role == null) {
            throw new IllegalArgumentException("host and role are required");
        }
        if ((httpPort == null) != (role == Role.DP_WORKER)) {
            throw new IllegalArgumentException("exactly the headless DP workers have no HTTP port");
        }
        if (dpSizeLocal < 1 || dpStartRank < 0 || dpStartRank + dpSizeLocal > dpSize) {
            throw new IllegalArgumentException("DP ranks " + dpStartRank + "+" + dpSizeLocal + " outside " + dpSize);
        }
        command = List.copyOf(command);
    }

    /** {@code http://host:port}, or null for a headless worker. */
    public String url() {
        return httpPort == null ? null : "http://" + host + ":" + httpPort;
    }

    /** kv_producer, kv_consumer, or null outside prefill/decode. */
    public String kvRole() {
        return switch (role) {
            case PREFILL -> "kv_producer";
            case DECODE -> "kv_consumer";
            default -> null;
        };
    }

    /** The DP ranks this node runs, e.g. {@code 0}, {@code 2-3}. */
    public String dpRanks() {
        int last = dpStartRank + dpSizeLocal - 1;
        return last == dpStartRank ? Integer.toString(last) : dpStartRank + "-" + last;
    }
}
