package bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SweepSpecTest {

    @Test
    void parsesNamedSweepsInOrder() {
        String yaml = """
                # the article's two sweeps and a rate sweep
                sweeps:
                  prefill:
                    sweep: {input-len: [512, 1024, 2048, 4096]}
                    fixed: {output-len: 256}
                  decode:
                    sweep:
                      output-len: [256, 512, 1024, 2048, 4096]
                    fixed:
                      input-len: 512
                  rate:
                    sweep: {request-rate: [1, 2.5, inf]}
                    fixed: {input-len: 512, output-len: 256}
                    args: [--num-prompts, 200, --burstiness, 0.5]
                """;
        List<SweepDef> defs = SweepSpec.parse(yaml, "s.yaml");
        assertEquals(List.of("prefill", "decode", "rate"), defs.stream().map(SweepDef::name).toList());
        assertEquals(SweepPlan.expand(Suites.get("prefill-decode"), 1), SweepPlan.expand(defs.subList(0, 2), 1));
        SweepDef rate = defs.get(2);
        assertEquals(List.of("1", "2.5", "inf"), rate.swept().get(0).values());
        assertEquals(Map.of(Axis.INPUT_LEN, "512", Axis.OUTPUT_LEN, "256"), rate.fixed());
        assertEquals(List.of("--num-prompts", "200", "--burstiness", "0.5"), rate.args());
        assertEquals(12, SweepPlan.expand(defs, 1).size());
    }

    @Test
    void aScalarIsAOneValueSweep() {
        List<SweepDef> defs = SweepSpec.parse("sweeps: {one: {sweep: {request-rate: inf}}}", "s");
        assertEquals(List.of("inf"), defs.get(0).swept().get(0).values());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sweeps: [a, b]                                    => 'sweeps' must map sweep names to sweeps",
        "other: 1                                          => unknown key 'other'",
        "- 1                                               => expected a mapping with a 'sweeps' key",
        "sweeps: {p: {sweep: {input-len: [1, 2]}, x: 1}}   => sweeps.p: unknown key 'x'",
        "sweeps: {p: {fixed: {input-len: 1}}}              => sweeps.p.sweep: expected a mapping",
        "sweeps: {p: {sweep: {depth: [1]}}}                => sweeps.p: unknown sweep axis 'depth'",
        "sweeps: {p: {sweep: {input-len: [1, x]}}}         => sweeps.p: bad input-len value 'x'",
        "sweeps: {p: {sweep: {input-len: [[1]]}}}          => sweeps.p.sweep.input-len: expected a single value",
        "sweeps: {p: {sweep: {input-len: [1]}, fixed: [1]}} => sweeps.p.fixed: expected a mapping",
        "sweeps: {p: {sweep: {input-len: [1]}, fixed: {input-len: 2}}} => both varies and fixes input-len",
        "sweeps: {p: {sweep: {input-len: [1]}, args: --x}} => sweeps.p.args: expected a list",
        "sweeps: {'a/b': {sweep: {input-len: [1]}}}        => bad sweep name 'a/b'",
        "sweeps: {p: {sweep: {input-len: [1, 2}}           => not valid YAML at line 1",
    })
    void badSpecsAreOneLineErrors(String row) {
        String[] parts = row.split("=>");
        BenchException e = assertThrows(BenchException.class, () -> SweepSpec.parse(parts[0].strip(), "bad.yaml"));
        assertTrue(e.getMessage().startsWith("spec bad.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(parts[1].strip()), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
