package bench.slurm;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link PlanConfig} into a {@link Plan}: the topology math of the article's
 * {@code vllm.sbatch}. Pure: no I/O.
 *
 * <p>DP mode ({@code --prefill 0}): each route group is one vLLM instance with
 * DP = nodes x GPUs/TP. Its first node is the head: it serves HTTP and runs DP ranks
 * 0..L-1 (L = GPUs/TP); every other node runs {@code vllm serve --headless} with its
 * {@code --data-parallel-start-rank}, all pointing at the head's address and RPC port. The
 * head's API server reaches every rank of the group, local or remote. When there is a router,
 * it is started with {@code --intra-node-data-parallel-size DP}, so it addresses each rank of
 * each head explicitly (header {@code X-data-parallel-rank}): ranks on headless nodes get
 * their share of requests like the head's own.
 *
 * <p>PD mode ({@code --prefill P}): every node runs its own vLLM with the NixlConnector,
 * the group's first P nodes as kv_producer and the rest as kv_consumer; with GPUs/TP > 1 each
 * node runs data parallelism inside itself and the router gets
 * {@code --intra-node-data-parallel-size GPUs/TP}. With one group, one router pairs any prefill
 * node with any decode node. With R > 1 groups the groups stay apart, as the article's
 * {@code --route} asks: each group has its own prefill/decode router on its first node (ports
 * {@link Ports#groupRouterHttp()}, {@link Ports#groupRouterMetrics()}), listing only the group's
 * nodes, and the router on the allocation's first node round-robins over those group routers.
 */
public final class Planner {
    private Planner() {}

    public static Plan plan(PlanConfig c) {
        Ports ports = c.ports();
        int local = c.dpSizeLocal();
        int perGroup = c.nodesPerGroup();
        List<Group> groups = new ArrayList<>();
        List<String> workers = new ArrayList<>();
        List<String> prefill = new ArrayList<>();
        List<String> decode = new ArrayList<>();
        for (int g = 0; g < c.route(); g++) {
            List<String> hosts = c.hosts().subList(g * perGroup, (g + 1) * perGroup);
            List<Node> nodes = new ArrayList<>();
            List<String> groupWorkers = new ArrayList<>();
            List<String> groupPrefill = new ArrayList<>();
            List<String> groupDecode = new ArrayList<>();
            for (int i = 0; i < perGroup; i++) {
                String host = hosts.get(i);
                Node node;
                if (c.mode() == Mode.DP) {
                    node = dpNode(c, ports, g, hosts, i);
                } else {
                    Role role = i < c.prefill() ? Role.PREFILL : Role.DECODE;
                    node = new Node(host, role, g, ports.engineHttp(), local, local, 0, null, null,
                            ports.nixlSideChannel(), pdCommand(c, ports, role));
                    (role == Role.PREFILL ? groupPrefill : groupDecode).add(node.url());
                }
                if (node.url() != null) {
                    groupWorkers.add(node.url());
                }
                nodes.add(node);
            }
            // several prefill/decode groups: each pairs its own prefill and decode nodes only
            Router groupRouter = c.hasGroupRouters() ? router(hosts.get(0), ports.groupRouterHttp(),
                    ports.groupRouterMetrics(), groupWorkers, groupPrefill, groupDecode, local) : null;
            groups.add(new Group(g, nodes, groupRouter));
            workers.addAll(groupWorkers);
            prefill.addAll(groupPrefill);
            decode.addAll(groupDecode);
        }
        Router router = null;
        String endpoint = groups.get(0).nodes().get(0).url();
        if (c.hasGroupRouters()) {
            List<String> groupRouters = groups.stream().map(g -> g.router().url()).toList();
            router = router(c.hosts().get(0), ports.routerHttp(), ports.routerMetrics(), groupRouters, List.of(),
                    List.of(), 1);
        } else if (c.hasRouter()) {
            // DP: every rank of a group sits behind its head's URL; PD: the ranks of one node behind its URL
            int ranksPerUrl = c.mode() == Mode.DP ? perGroup * local : local;
            router = router(c.hosts().get(0), ports.routerHttp(), ports.routerMetrics(), workers, prefill, decode,
                    ranksPerUrl);
        }
        if (router != null) {
            endpoint = router.url();
        }
        return new Plan(c, groups, router, endpoint);
    }

    private static Node dpNode(PlanConfig c, Ports ports, int g, List<String> hosts, int i) {
        int local = c.dpSizeLocal();
        int dpSize = hosts.size() * local;
        boolean head = i == 0;
        boolean multiNode = hosts.size() > 1;
        List<Arg> cmd = serveCommand(c);
        if (head) {
            addAll(cmd, "--host", "0.0.0.0", "--port", Integer.toString(ports.engineHttp()));
        } else {
            addAll(cmd, "--headless");
        }
        if (dpSize > 1) {
            addAll(cmd, "--data-parallel-size", Integer.toString(dpSize));
        }
        if (multiNode) {
            addAll(cmd, "--data-parallel-size-local", Integer.toString(local));
            if (!head) {
                addAll(cmd, "--data-parallel-start-rank", Integer.toString(i * local));
            }
            cmd.add(Arg.of("--data-parallel-address"));
            cmd.add(new Arg.NodeAddress(hosts.get(0)));
            addAll(cmd, "--data-parallel-rpc-port", Integer.toString(ports.dpRpc()));
        }
        return new Node(hosts.get(i), head ? Role.DP_HEAD : Role.DP_WORKER, g,
                head ? ports.engineHttp() : null, dpSize, local, i * local,
                multiNode ? hosts.get(0) : null, multiNode ? ports.dpRpc() : null, null, cmd);
    }

    private static List<Arg> pdCommand(PlanConfig c, Ports ports, Role role) {
        List<Arg> cmd = serveCommand(c);
        addAll(cmd, "--host", "0.0.0.0", "--port", Integer.toString(ports.engineHttp()));
        if (c.dpSizeLocal() > 1) {
            addAll(cmd, "--data-parallel-size", Integer.toString(c.dpSizeLocal()));
        }
        addAll(cmd, "--kv-transfer-config", kvTransferConfig(c, role));
        return cmd;
    }

    /** The NixlConnector configuration as compact JSON (all values are fixed names, no escaping needed). */
    static String kvTransferConfig(PlanConfig c, Role role) {
        String kvRole = role == Role.PREFILL ? "kv_producer" : "kv_consumer";
        return "{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"" + kvRole + "\",\"kv_load_failure_policy\":\""
                + c.kvLoadFailurePolicy().jsonName() + "\",\"kv_connector_extra_config\":{\"backends\":[\""
                + c.kvBackend().name() + "\"]}}";
    }

    /** {@code vllm serve} + the user's arguments verbatim + the TP size when they did not give one. */
    private static List<Arg> serveCommand(PlanConfig c) {
        List<Arg> cmd = new ArrayList<>();
        addAll(cmd, "vllm", "serve");
        c.serveArgs().args().forEach(a -> cmd.add(Arg.of(a)));
        if (c.serveArgs().tensorParallelSize().isEmpty()) {
            addAll(cmd, "--tensor-parallel-size", Integer.toString(c.tensorParallelSize()));
        }
        return cmd;
    }

    /**
     * A vllm-router on HOST: round_robin over WORKERS, or with PREFILL and DECODE URLs
     * consistent_hash with prefill/decode disaggregation.
     */
    private static Router router(String host, int port, int metricsPort, List<String> workers, List<String> prefill,
            List<String> decode, int ranksPerUrl) {
        boolean pd = !prefill.isEmpty();
        String policy = pd ? "consistent_hash" : "round_robin";
        List<Arg> cmd = new ArrayList<>();
        addAll(cmd, "vllm-router", "--policy", policy);
        if (pd) {
            cmd.add(Arg.of("--vllm-pd-disaggregation"));
            prefill.forEach(u -> addAll(cmd, "--prefill", u));
            decode.forEach(u -> addAll(cmd, "--decode", u));
        } else {
            cmd.add(Arg.of("--worker-urls"));
            workers.forEach(u -> cmd.add(Arg.of(u)));
        }
        if (ranksPerUrl > 1) {
            addAll(cmd, "--intra-node-data-parallel-size", Integer.toString(ranksPerUrl));
        }
        addAll(cmd, "--host", "0.0.0.0", "--port", Integer.toString(port),
                "--prometheus-port", Integer.toString(metricsPort));
        return new Router(host, port, metricsPort, policy, workers, prefill, decode, ranksPerUrl, cmd);
    }

    private static void addAll(List<Arg> cmd, String... words) {
        for (String w : words) {
            cmd.add(Arg.of(w));
        }
    }
}
