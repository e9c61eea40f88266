package bench.slurm;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A launch plan: which node runs what, with which ports and command lines, and the endpoint
 * clients use.
 *
 * @param config   what was asked for
 * @param groups   the route groups, in host order, each with its own router when there are several
 *                 prefill/decode groups
 * @param router   the router, or null when one group serves without it; over group routers it
 *                 round-robins across them
 * @param endpoint {@code http://host:port} of the router, or of the only group's head
 */
public record Plan(PlanConfig config, List<Group> groups, Router router, String endpoint) {
    public Plan {
        groups = List.copyOf(groups);
        if (endpoint == null) {
            throw new IllegalArgumentException("a plan has an endpoint");
        }
        List<String> groupRouters = routersOf(groups).stream().map(Router::url).toList();
        if (!groupRouters.isEmpty() && (router == null || !router.workers().equals(groupRouters))) {
            throw new IllegalArgumentException("the router of a plan with group routers routes to them");
        }
    }

    public Mode mode() {
        return config.mode();
    }

    public Ports ports() {
        return config.ports();
    }

    public Stream<Node> nodes() {
        return groups.stream().flatMap(g -> g.nodes().stream());
    }

    /** Nodes with an HTTP server: every engine but the headless DP workers. */
    public Stream<Node> servingNodes() {
        return nodes().filter(n -> n.httpPort() != null);
    }

    /** The groups' own routers, in group order; empty without two-level routing. */
    public List<Router> groupRouters() {
        return routersOf(groups);
    }

    private static List<Router> routersOf(List<Group> groups) {
        return groups.stream().map(Group::router).filter(Objects::nonNull).toList();
    }
}
