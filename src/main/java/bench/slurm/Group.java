package bench.slurm;

import java.util.List;

/**
 * One route group: in DP mode a single data-parallel vLLM instance spanning its nodes, in PD
 * mode its prefill nodes followed by its decode nodes.
 *
 * @param index  0-based, in host order
 * @param nodes  its nodes
 * @param router the group's own prefill/decode router when the plan has several prefill/decode
 *               groups ({@link PlanConfig#hasGroupRouters()}), else null
 */
public record Group(int index, List<Node> nodes, Router router) {
    public Group {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("group " + index + " has no nodes");
        }
        if (router != null) {
            List<String> own = nodes.stream().map(Node::url).toList();
            if (!own.containsAll(router.workers()) || !router.host().equals(nodes.get(0).host())) {
                throw new IllegalArgumentException("group " + index + "'s router runs on its first node and routes"
                        + " to its own nodes only");
            }
        }
    }
}
