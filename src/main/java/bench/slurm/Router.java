package bench.slurm;

import java.util.List;

/**
 * A vllm-router of a plan: the plan's router, whose URL is the endpoint, or the own router of
 * one prefill/decode group when there are several ({@link PlanConfig#hasGroupRouters()}).
 *
 * @param host                      node it runs on: the allocation's first, or for a group router the group's first
 * @param port                      its HTTP port
 * @param metricsPort               its Prometheus port
 * @param policy                    round_robin (DP groups, or over the group routers) or consistent_hash (prefill/decode)
 * @param workers                   every URL it routes to: engines, or the group routers
 * @param prefill                   the prefill URLs (prefill/decode), else empty
 * @param decode                    the decode URLs (prefill/decode), else empty
 * @param intraNodeDataParallelSize DP ranks behind each URL, addressed with the X-data-parallel-rank header (1: none)
 * @param command                   the full command line ({@code vllm-router ...})
 */
public record Router(String host, int port, int metricsPort, String policy, List<String> workers,
        List<String> prefill, List<String> decode, int intraNodeDataParallelSize, List<Arg> command) {
    public Router {
        workers = List.copyOf(workers);
        prefill = List.copyOf(prefill);
        decode = List.copyOf(decode);
        command = List.copyOf(command);
        if (host == null || policy == null || workers.isEmpty() || command.isEmpty()) {
            throw new IllegalArgumentException("a router has a host, a policy, workers and a command");
        }
        if (port == metricsPort) {
            throw new IllegalArgumentException("the router's HTTP and metrics ports are one: " + port);
        }
        if (prefill.isEmpty() != decode.isEmpty()) {
            throw new IllegalArgumentException("a prefill/decode router has both prefill and decode URLs");
        }
        if (intraNodeDataParallelSize < 1) {
            throw new IllegalArgumentException("intra-node data parallel size " + intraNodeDataParallelSize);
        }
    }

    public String url() {
        return "http://" + host + ":" + port;
    }
}
