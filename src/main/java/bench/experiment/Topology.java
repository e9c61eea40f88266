package bench.experiment;

import bench.BenchException;

/**
 * One serving configuration of an experiment: the article's {@code --route R} and
 * {@code --prefill P}, and the label its results carry.
 */
public record Topology(String label, int route, int prefill) {
    public Topology {
        if (label == null || !label.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new BenchException("bad topology label '" + label + "': letters, digits, '.', '-' and '_'");
        }
        if (route < 1) {
            throw new BenchException("topology " + label + ": route must be >= 1");
        }
        if (prefill < 0) {
            throw new BenchException("topology " + label + ": prefill must be >= 0");
        }
    }
}
