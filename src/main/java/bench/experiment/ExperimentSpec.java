package bench.experiment;

import bench.BenchException;
import bench.sweep.SweepDef;
import bench.sweep.SweepSpec;
import bench.sweep.Suites;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code bench experiment} runs: topologies, each launched, measured over the same
 * sweeps, torn down; then plots and comparisons. Parsed from YAML (see {@link #parse}), pure.
 *
 * @param name       results go to RESULTS/NAME/
 * @param runtime    {@code local} (mock engines on 127.0.0.1) or {@code slurm} (the allocation)
 * @param nodes      local runtime: how many nodes to simulate (node1..nodeN)
 * @param sweeps     the sweeps every topology is measured with
 * @param runArgs    flags for every bench run (after the sweep's own)
 * @param baseline   label the comparison is made against
 * @param local      the local runtime's engine model
 * @param slurm      the slurm runtime's launch settings
 */
public record ExperimentSpec(String name, String runtime, int nodes, int gpusPerNode, List<Topology> topologies,
        List<SweepDef> sweeps, int numRuns, List<String> runArgs, String baseline, String stat, LocalEngineModel local,
        SlurmSettings slurm) {

    /**
     * The slurm runtime's settings: vllm serve arguments and how to run the engines.
     *
     * @param srunArgs options added to every engine and router srun step (bench slurm render --srun-arg)
     */
    public record SlurmSettings(List<String> serveArgs, String runtime, String image, List<String> containerMounts,
            int readyTimeoutSec, List<String> env, String kvBackend, List<String> srunArgs) {
        public SlurmSettings {
            serveArgs = List.copyOf(serveArgs);
            containerMounts = List.copyOf(containerMounts);
            env = List.copyOf(env);
            srunArgs = List.copyOf(srunArgs);
        }

        public static SlurmSettings defaults() {
            return new SlurmSettings(List.of(), "bare", null, List.of(), 1800, List.of(), "LIBFABRIC", List.of());
        }
    }

    private static final Set<String> TOP_KEYS = Set.of("name", "runtime", "nodes", "gpus_per_node", "topologies",
            "suite", "sweeps", "num_runs", "run_args", "baseline", "stat", "local", "slurm");
    private static final Set<String> LOCAL_KEYS = Set.of("prefill_tps", "step_ms", "per_seq_us", "max_num_seqs",
            "max_num_batched_tokens", "dp_lockstep_us", "dp_comm_factor", "kv_bytes_per_token", "kv_gbps", "model");
    private static final Set<String> SLURM_KEYS = Set.of("serve_args", "runtime", "image", "container_mounts",
            "ready_timeout_s", "env", "kv_backend", "srun_args");

    public ExperimentSpec {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new BenchException("bad experiment name '" + name + "': letters, digits, '.', '-' and '_'");
        }
        if (!runtime.equals("local") && !runtime.equals("slurm")) {
            throw new BenchException("bad runtime '" + runtime + "': local or slurm");
        }
        if (nodes < 1) {
            throw new BenchException("nodes must be >= 1");
        }
        if (gpusPerNode < 1) {
            throw new BenchException("gpus_per_node must be >= 1");
        }
        topologies = List.copyOf(topologies);
        if (topologies.isEmpty()) {
            throw new BenchException("the experiment has no topologies");
        }
        if (topologies.stream().map(Topology::label).distinct().count() != topologies.size()) {
            throw new BenchException("topology labels must be distinct");
        }
        sweeps = List.copyOf(sweeps);
        if (sweeps.isEmpty()) {
            throw new BenchException("the experiment has no sweeps");
        }
        if (numRuns < 1) {
            throw new BenchException("num_runs must be >= 1");
        }
        runArgs = List.copyOf(runArgs);
        if (baseline == null) {
            baseline = topologies.get(0).label();
        }
        String base = baseline;
        if (topologies.stream().noneMatch(t -> t.label().equals(base))) {
            throw new BenchException("baseline '" + baseline + "' is not one of the topologies");
        }
        if (bench.plot.Stat.tryParse(stat) == null) {
            throw new BenchException("bad stat '" + stat + "': " + bench.plot.Stat.CHOICES);
        }
    }

    /** The article's five configurations on 4 nodes. */
    public static List<Topology> articleTopologies() {
        return List.of(
                new Topology("baseline_4node_tp8", 1, 0),
                new Topology("route2_2x2node", 2, 0),
                new Topology("route4_no_dp", 4, 0),
                new Topology("pd_1prefill_3decode", 1, 1),
                new Topology("pd_2prefill_2decode", 1, 2));
    }

    /** Parses a spec; {@code defaultName} names it when it has no {@code name}. */
    public static ExperimentSpec parse(String yaml, String source, String defaultName) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            var loc = e.getLocation();
            String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new BenchException("experiment spec " + source + ": not valid YAML"
                    + (loc == null ? "" : " at line " + loc.getLineNr()) + ": " + msg, e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = new ObjectMapper().createObjectNode();
        }
        if (!root.isObject()) {
            throw new BenchException("experiment spec " + source + ": expected a mapping");
        }
        checkKeys(root, TOP_KEYS, source, "");
        String name = text(root, "name", defaultName, source);
        String runtime = text(root, "runtime", "local", source).toLowerCase(Locale.ROOT);
        int nodes = integer(root, "nodes", 4, source);
        int gpus = integer(root, "gpus_per_node", 8, source);
        List<Topology> topologies = new ArrayList<>();
        JsonNode tops = root.get("topologies");
        if (tops == null) {
            topologies.addAll(articleTopologies());
        } else {
            if (!tops.isArray()) {
                throw new BenchException("experiment spec " + source + ": 'topologies' must be a list");
            }
            for (JsonNode t : tops) {
                if (!t.isObject()) {
                    throw new BenchException("experiment spec " + source + ": each topology is a mapping with label, "
                            + "route, prefill");
                }
                checkKeys(t, Set.of("label", "route", "prefill"), source, "topologies.");
                topologies.add(new Topology(text(t, "label", null, source), integer(t, "route", 1, source),
                        integer(t, "prefill", 0, source)));
            }
        }
        List<SweepDef> sweeps;
        if (root.has("sweeps") && root.has("suite")) {
            throw new BenchException("experiment spec " + source + ": give 'suite' or 'sweeps', not both");
        }
        if (root.has("sweeps")) {
            ObjectNode wrapper = new ObjectMapper().createObjectNode();
            wrapper.set("sweeps", root.get("sweeps"));
            sweeps = SweepSpec.parse(wrapper.toString(), source);
        } else {
            sweeps = Suites.get(text(root, "suite", Suites.PREFILL_DECODE, source));
        }
        List<String> runArgs = strings(root, "run_args", source);
        LocalEngineModel local = local(root.get("local"), source);
        SlurmSettings slurm = slurm(root.get("slurm"), source);
        return new ExperimentSpec(name, runtime, nodes, gpus, topologies, sweeps, integer(root, "num_runs", 1, source),
                runArgs, text(root, "baseline", null, source), text(root, "stat", "mean", source), local, slurm);
    }

    private static LocalEngineModel local(JsonNode n, String source) {
        LocalEngineModel d = LocalEngineModel.defaults();
        if (n == null) {
            return d;
        }
        if (!n.isObject()) {
            throw new BenchException("experiment spec " + source + ": 'local' must be a mapping");
        }
        checkKeys(n, LOCAL_KEYS, source, "local.");
        return new LocalEngineModel(number(n, "prefill_tps", d.prefillTps(), source),
                number(n, "step_ms", d.stepMs(), source), number(n, "per_seq_us", d.perSeqUs(), source),
                integer(n, "max_num_seqs", d.maxNumSeqs(), source),
                integer(n, "max_num_batched_tokens", d.maxBatchedTokens(), source),
                number(n, "dp_lockstep_us", d.dpLockstepUs(), source),
                number(n, "dp_comm_factor", d.dpCommFactor(), source),
                (long) number(n, "kv_bytes_per_token", d.kvBytesPerToken(), source),
                number(n, "kv_gbps", d.kvGbps(), source), text(n, "model", d.model(), source));
    }

    private static SlurmSettings slurm(JsonNode n, String source) {
        SlurmSettings d = SlurmSettings.defaults();
        if (n == null) {
            return d;
        }
        if (!n.isObject()) {
            throw new BenchException("experiment spec " + source + ": 'slurm' must be a mapping");
        }
        checkKeys(n, SLURM_KEYS, source, "slurm.");
        return new SlurmSettings(strings(n, "serve_args", source), text(n, "runtime", d.runtime(), source),
                text(n, "image", null, source), strings(n, "container_mounts", source),
                integer(n, "ready_timeout_s", d.readyTimeoutSec(), source), strings(n, "env", source),
                text(n, "kv_backend", d.kvBackend(), source), strings(n, "srun_args", source));
    }

    private static void checkKeys(JsonNode n, Set<String> allowed, String source, String prefix) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new BenchException("experiment spec " + source + ": unknown key '" + prefix + k + "'");
            }
        }
    }

    private static String text(JsonNode n, String key, String dflt, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null && key.equals("label")) {
                throw new BenchException("experiment spec " + source + ": a topology needs a label");
            }
            return dflt;
        }
        if (!v.isValueNode()) {
            throw new BenchException("experiment spec " + source + ": '" + key + "' must be a single value");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String key, int dflt, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new BenchException("experiment spec " + source + ": '" + key + "' must be an integer");
        }
        return v.asInt();
    }

    private static double number(JsonNode n, String key, double dflt, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new BenchException("experiment spec " + source + ": '" + key + "' must be a number");
        }
        return v.asDouble();
    }

    private static List<String> strings(JsonNode n, String key, String source) {
        JsonNode v = n.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new BenchException("experiment spec " + source + ": '" + key + "' must be a list");
        }
        for (JsonNode e : v) {
            if (!e.isValueNode()) {
                throw new BenchException("experiment spec " + source + ": '" + key + "' must hold plain values");
            }
            out.add(e.asText());
        }
        return out;
    }
}
