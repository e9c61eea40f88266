package bench.slurm;

import java.util.List;

/**
 * One route group: in DP mode a single data-parallel vLLM instance spanning its nodes, in PD
 * mode its prefill nodes followed by its decode nodes.
 */
public record Group(int index, List<Node> nodes) {
    public Group {
        nodes = List.copyOf(nodes);
    }
}
