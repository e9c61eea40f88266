package bench.sweep;

import bench.BenchException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a YAML sweep spec: several named sweeps, run in the order written.
 *
 * <pre>
 * sweeps:
 *   prefill:
 *     sweep: {input-len: [512, 1024, 2048, 4096]}
 *     fixed: {output-len: 256}
 *   rate:
 *     sweep: {request-rate: [1, 2, 4, inf]}
 *     fixed: {input-len: 512, output-len: 256}
 *     args: [--num-prompts, 200]      # extra bench run flags for this sweep
 * </pre>
 *
 * Pure: takes the text, returns the definitions or throws a one-line BenchException.
 */
public final class SweepSpec {
    private static final Set<String> SWEEP_KEYS = Set.of("sweep", "fixed", "args");

    private SweepSpec() {}

    public static List<SweepDef> parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            var loc = e.getLocation();
            throw new BenchException("spec " + source + ": not valid YAML" + (loc == null ? "" : " at line " + loc.getLineNr())
                    + ": " + msg, e);
        }
        if (root == null || !root.isObject()) {
            throw new BenchException("spec " + source + ": expected a mapping with a 'sweeps' key");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("sweeps")) {
                throw new BenchException("spec " + source + ": unknown key '" + k + "' (expected 'sweeps')");
            }
        }
        JsonNode sweeps = root.get("sweeps");
        if (sweeps == null || !sweeps.isObject() || sweeps.isEmpty()) {
            throw new BenchException("spec " + source + ": 'sweeps' must map sweep names to sweeps");
        }
        List<SweepDef> out = new ArrayList<>();
        for (var it = sweeps.fields(); it.hasNext(); ) {
            var e = it.next();
            String where = "spec " + source + ": sweeps." + e.getKey();
            try {
                out.add(sweep(e.getKey(), e.getValue(), where));
            } catch (BenchException be) {
                if (be.getMessage().startsWith("spec ")) {
                    throw be;
                }
                throw new BenchException(where + ": " + be.getMessage(), be);
            }
        }
        return List.copyOf(out);
    }

    private static SweepDef sweep(String name, JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new BenchException(where + ": expected a mapping with 'sweep' (and optional 'fixed', 'args')");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SWEEP_KEYS.contains(k)) {
                throw new BenchException(where + ": unknown key '" + k + "' (expected sweep, fixed, args)");
            }
        }
        JsonNode sweep = node.get("sweep");
        if (sweep == null || !sweep.isObject() || sweep.isEmpty()) {
            throw new BenchException(where + ".sweep: expected a mapping of axes to lists of values (axes: "
                    + Axis.names() + ")");
        }
        List<AxisValues> swept = new ArrayList<>();
        for (var it = sweep.fields(); it.hasNext(); ) {
            var e = it.next();
            Axis axis = Axis.parse(e.getKey());
            List<String> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                for (JsonNode v : e.getValue()) {
                    values.add(scalar(v, where + ".sweep." + e.getKey()));
                }
            } else {
                values.add(scalar(e.getValue(), where + ".sweep." + e.getKey()));
            }
            swept.add(new AxisValues(axis, values));
        }
        Map<Axis, String> fixed = new LinkedHashMap<>();
        JsonNode f = node.get("fixed");
        if (f != null && !f.isNull()) {
            if (!f.isObject()) {
                throw new BenchException(where + ".fixed: expected a mapping of axes to one value each");
            }
            for (var it = f.fields(); it.hasNext(); ) {
                var e = it.next();
                Axis axis = Axis.parse(e.getKey());
                fixed.put(axis, scalar(e.getValue(), where + ".fixed." + e.getKey()));
            }
        }
        List<String> args = new ArrayList<>();
        JsonNode a = node.get("args");
        if (a != null && !a.isNull()) {
            if (!a.isArray()) {
                throw new BenchException(where + ".args: expected a list of bench run arguments");
            }
            for (JsonNode v : a) {
                args.add(scalar(v, where + ".args"));
            }
        }
        return new SweepDef(name, swept, fixed, args);
    }

    private static String scalar(JsonNode v, String where) {
        if (v == null || !v.isValueNode() || v.isNull()) {
            throw new BenchException(where + ": expected a single value");
        }
        return v.asText();
    }
}
