package bench.slurm;

import java.util.List;

/**
 * The vllm-router of a plan.
 *
 * @param host                      node it runs on (the allocation's first)
 * @param port                      its HTTP port: the endpoint
 * @param metricsPort               its Prometheus port
 * @param policy                    round_robin (DP groups) or consistent_hash (prefill/decode)
 * @param workers                   every engine URL it routes to
 * @param prefill                   the prefill URLs (PD), else empty
 * @param decode                    the decode URLs (PD), else empty
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
    }

    public String url() {
        return "http://" + host + ":" + port;
    }
}
