package bench.slurm;

import java.util.ArrayList;
import java.util.List;

/** Test fixtures: the article's cluster (4 nodes x 8 GPUs) and its five configurations. */
final class Plans {
    static final long JOB = 1234;
    /** 20000 + 20 x (1234 mod 600) */
    static final int BASE = 20_680;
    static final List<String> MODEL = List.of("--model", "/fsx/models/deepseek-ai/DeepSeek-V2-Lite",
            "--gpu-memory-utilization", "0.9");

    /** The article's five experiments: name, route, prefill. */
    record Experiment(String name, int route, int prefill) {}

    static final List<Experiment> ARTICLE = List.of(
            new Experiment("baseline-dp", 1, 0),
            new Experiment("route2", 2, 0),
            new Experiment("route4", 4, 0),
            new Experiment("pd-1p3d", 1, 1),
            new Experiment("pd-2p2d", 1, 2));

    /** Two prefill/decode groups of one prefill and one decode node: a router per group, one over them. */
    static final Experiment ROUTE2_PD = new Experiment("route2-pd-1p1d", 2, 1);

    /** The configurations with golden plans and launch scripts: the article's and {@link #ROUTE2_PD}. */
    static final List<Experiment> GOLDEN = List.of(ARTICLE.get(0), ARTICLE.get(1), ARTICLE.get(2), ARTICLE.get(3),
            ARTICLE.get(4), ROUTE2_PD);

    private Plans() {}

    static List<String> hosts(int n) {
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            hosts.add("node" + i);
        }
        return hosts;
    }

    static PlanConfig config(int nodes, int route, int prefill, List<String> serveArgs) {
        return new PlanConfig(hosts(nodes), route, prefill, 8, new ServeArgs(serveArgs), JOB, null, null, null);
    }

    static Plan plan(int nodes, int route, int prefill, List<String> serveArgs) {
        return Planner.plan(config(nodes, route, prefill, serveArgs));
    }

    static Plan article(Experiment e) {
        return plan(4, e.route(), e.prefill(), MODEL);
    }

    static List<String> withTp(String... tp) {
        List<String> args = new ArrayList<>(MODEL);
        args.addAll(List.of(tp));
        return args;
    }

    static List<String> texts(List<Arg> cmd) {
        return cmd.stream().map(Arg::text).toList();
    }
}
