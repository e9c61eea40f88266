package bench.slurm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A plan as JSON (for tools) and as a table (for people). Pure. */
public final class PlanFormat {
    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** A group's own router, as in the table, the commands and the launch's log names. */
    public static final String GROUP_ROUTER = "group-router";

    private PlanFormat() {}

    public static String json(Plan plan) {
        try {
            return JSON.writeValueAsString(jsonTree(plan)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode jsonTree(Plan plan) {
        PlanConfig c = plan.config();
        Ports p = plan.ports();
        ObjectNode root = F.objectNode();
        root.put("mode", plan.mode().jsonName());
        root.put("job_id", c.jobId());
        root.put("route", c.route());
        root.put("prefill", c.prefill());
        root.put("gpus_per_node", c.gpusPerNode());
        root.put("tensor_parallel_size", c.tensorParallelSize());
        root.put("dp_size_local", c.dpSizeLocal());
        ArrayNode groups = root.putArray("groups");
        for (Group g : plan.groups()) {
            ObjectNode gj = groups.addObject();
            gj.put("index", g.index());
            ArrayNode nodes = gj.putArray("nodes");
            for (Node n : g.nodes()) {
                nodes.add(nodeJson(n));
            }
            if (g.router() != null) {
                gj.set("router", routerJson(g.router()));
            }
        }
        Router r = plan.router();
        if (r == null) {
            root.putNull("router");
        } else {
            root.set("router", routerJson(r));
        }
        root.put("endpoint", plan.endpoint());
        ObjectNode pj = root.putObject("ports");
        pj.put("base", p.basePort());
        pj.put("engine_http", p.engineHttp());
        pj.put("router_http", p.routerHttp());
        pj.put("router_metrics", p.routerMetrics());
        pj.put("dp_rpc", p.dpRpc());
        pj.put("nixl_side_channel_first", p.nixlSideChannel());
        pj.put("nixl_side_channel_last", p.nixlSideChannelLast());
        if (c.hasGroupRouters()) {
            pj.put("group_router_http", p.groupRouterHttp());
            pj.put("group_router_metrics", p.groupRouterMetrics());
        }
        return root;
    }

    private static ObjectNode routerJson(Router r) {
        ObjectNode rj = F.objectNode();
        rj.put("host", r.host());
        rj.put("port", r.port());
        rj.put("metrics_port", r.metricsPort());
        rj.put("policy", r.policy());
        strings(rj.putArray("workers"), r.workers());
        strings(rj.putArray("prefill"), r.prefill());
        strings(rj.putArray("decode"), r.decode());
        rj.put("intra_node_data_parallel_size", r.intraNodeDataParallelSize());
        strings(rj.putArray("command"), texts(r.command()));
        return rj;
    }

    private static ObjectNode nodeJson(Node n) {
        ObjectNode j = F.objectNode();
        j.put("host", n.host());
        j.put("role", n.role().jsonName());
        j.put("port", n.httpPort());
        j.put("group", n.group());
        j.put("url", n.url());
        j.put("dp_size", n.dpSize());
        j.put("dp_size_local", n.dpSizeLocal());
        j.put("dp_start_rank", n.dpStartRank());
        j.put("dp_head", n.dpHeadHost());
        j.put("dp_rpc_port", n.dpRpcPort());
        j.put("kv_role", n.kvRole());
        j.put("nixl_side_channel_port", n.nixlSideChannelPort());
        strings(j.putArray("command"), texts(n.command()));
        return j;
    }

    public static String text(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append(summary(plan)).append("\n\n").append(table(plan));
        PlanConfig c = plan.config();
        Router r = plan.router();
        sb.append('\n');
        sb.append("endpoint: ").append(plan.endpoint()).append('\n');
        if (r != null && r.intraNodeDataParallelSize() > 1) {
            sb.append("router:   ").append(r.intraNodeDataParallelSize())
                    .append(" DP ranks behind each URL, addressed with the X-data-parallel-rank header\n");
        }
        List<Router> groupRouters = plan.groupRouters();
        if (!groupRouters.isEmpty()) {
            sb.append("routing:  the router round-robins over the ").append(groupRouters.size())
                    .append(" group routers; each sends a request to a prefill node and then a decode node of its"
                            + " own group (consistent_hash)\n");
            int ranks = groupRouters.get(0).intraNodeDataParallelSize();
            if (ranks > 1) {
                sb.append("          group routers: ").append(ranks)
                        .append(" DP ranks behind each URL, addressed with the X-data-parallel-rank header\n");
            }
        }
        Ports p = plan.ports();
        sb.append("ports:    base ").append(p.basePort());
        if (p.basePort() == Ports.basePortForJob(c.jobId())) {
            sb.append(" = ").append(Ports.FIRST_BASE_PORT).append(" + ").append(Ports.BLOCK_SIZE)
                    .append(" x (job ").append(c.jobId()).append(" mod ").append(Ports.JOB_SLOTS).append(')');
        } else {
            sb.append(" (--base-port)");
        }
        sb.append(": vLLM HTTP ").append(p.engineHttp()).append(", router ").append(p.routerHttp())
                .append(", router metrics ").append(p.routerMetrics()).append(", DP RPC ").append(p.dpRpc())
                .append(", NIXL side channel ").append(p.nixlSideChannel()).append('-')
                .append(p.nixlSideChannelLast());
        if (c.hasGroupRouters()) {
            sb.append(", group routers ").append(p.groupRouterHttp()).append(", group router metrics ")
                    .append(p.groupRouterMetrics());
        }
        sb.append('\n');
        sb.append("\ncommands (<host> stands for that node's address, resolved on the node at launch):\n");
        plan.nodes().forEach(n -> sb.append("  ").append(n.host()).append(" (").append(n.role().jsonName())
                .append("): ").append(shown(n.command())).append('\n'));
        for (Router g : groupRouters) {
            sb.append("  ").append(g.host()).append(" (").append(GROUP_ROUTER).append("): ").append(shown(g.command()))
                    .append('\n');
        }
        if (r != null) {
            sb.append("  ").append(r.host()).append(" (router): ").append(shown(r.command())).append('\n');
        }
        return sb.toString();
    }

    /** One line: job, nodes, groups, mode, TP. */
    public static String summary(Plan plan) {
        return "job " + plan.config().jobId() + ": " + shape(plan);
    }

    /** The topology in words: nodes, groups, mode, TP, GPUs per node. */
    public static String shape(Plan plan) {
        PlanConfig c = plan.config();
        return c.hosts().size() + (c.hosts().size() == 1 ? " node" : " nodes") + " in "
                + c.route()
                + (c.route() == 1 ? " group" : " groups") + " of " + c.nodesPerGroup() + ", "
                + (plan.mode() == Mode.DP ? "data parallel"
                        : "prefill/decode " + c.prefill() + "P" + (c.nodesPerGroup() - c.prefill()) + "D per group")
                + ", TP " + c.tensorParallelSize() + ", " + c.gpusPerNode() + " GPUs per node";
    }

    /** The table of nodes (and the group routers and the router): node, role, group, port, DP size and ranks, KV role. */
    public static String table(Plan plan) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "ROLE", "GROUP", "PORT", "DP SIZE", "DP RANKS", "KV ROLE"});
        plan.nodes().forEach(n -> rows.add(new String[] {n.host(), n.role().jsonName(),
            Integer.toString(n.group()), n.httpPort() == null ? "-" : n.httpPort().toString(),
            Integer.toString(n.dpSize()), n.dpRanks(), n.kvRole() == null ? "-" : n.kvRole()}));
        for (Group g : plan.groups()) {
            Router gr = g.router();
            if (gr != null) {
                rows.add(new String[] {gr.host(), GROUP_ROUTER, Integer.toString(g.index()),
                    Integer.toString(gr.port()), "-", "-", "-"});
            }
        }
        Router r = plan.router();
        if (r != null) {
            rows.add(new String[] {r.host(), "router", "-", Integer.toString(r.port()), "-", "-", "-"});
        }
        return columns(rows);
    }

    /** Rows as left-aligned columns two spaces apart, the first row the header. */
    public static String columns(List<String[]> rows) {
        StringBuilder sb = new StringBuilder();
        table(sb, rows);
        return sb.toString();
    }

    private static String shown(List<Arg> cmd) {
        return cmd.stream().map(a -> a instanceof Arg.NodeAddress na ? "<" + na.host() + ">" : Shell.quote(a.text()))
                .collect(Collectors.joining(" "));
    }

    private static void table(StringBuilder sb, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]).append(" ".repeat(width[i] - row[i].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static List<String> texts(List<Arg> args) {
        return args.stream().map(Arg::text).toList();
    }

    private static void strings(ArrayNode arr, List<String> values) {
        values.forEach(arr::add);
    }
}
