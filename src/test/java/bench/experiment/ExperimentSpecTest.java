package bench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExperimentSpecTest {

    static String builtin(String name) throws Exception {
        try (InputStream in = ExperimentSpecTest.class.getResourceAsStream("/experiments/" + name + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anEmptySpecIsTheArticleOnTheLocalRuntime() {
        ExperimentSpec s = ExperimentSpec.parse("", "test", "x");
        assertEquals("x", s.name());
        assertEquals("local", s.runtime());
        assertEquals(ExperimentSpec.articleTopologies(), s.topologies());
        assertEquals(List.of("prefill", "decode"), s.sweeps().stream().map(d -> d.name()).toList());
        assertEquals("baseline_4node_tp8", s.baseline());
        assertEquals(LocalEngineModel.defaults(), s.local());
    }

    @Test
    void theBuiltInSpecsParse() throws Exception {
        ExperimentSpec demo = ExperimentSpec.parse(builtin("demo"), "demo", "demo");
        assertEquals(5, demo.topologies().size());
        assertEquals("local", demo.runtime());
        assertEquals(80000, demo.local().prefillTps());
        assertTrue(demo.runArgs().contains("--num-prompts"));
        ExperimentSpec article = ExperimentSpec.parse(builtin("article"), "article", "article");
        assertEquals("slurm", article.runtime());
        assertEquals("docker", article.slurm().runtime());
        assertTrue(article.slurm().serveArgs().contains("/fsx/models/deepseek-ai/DeepSeek-V2-Lite"));
        assertEquals(9, bench.sweep.SweepPlan.expand(article.sweeps(), 1).size());
    }

    @Test
    void everyFieldIsRead() {
        ExperimentSpec s = ExperimentSpec.parse("""
                name: e1
                runtime: slurm
                nodes: 2
                gpus_per_node: 4
                topologies: [{label: a, route: 2}, {label: b, prefill: 1}]
                sweeps:
                  s: {sweep: {input-len: [8, 16]}, fixed: {output-len: 4}}
                num_runs: 2
                run_args: [--num-prompts, 8]
                baseline: b
                stat: p99.9
                local: {prefill_tps: 1000, step_ms: 1.5, max_num_seqs: 4, dp_comm_factor: 0.1, model: m}
                slurm: {serve_args: [--model, m], runtime: pyxis, image: i.sqsh, container_mounts: [/fsx],
                        ready_timeout_s: 60, env: [A=b], kv_backend: UCX, srun_args: [--gres=gpu:8]}
                """, "t", "d");
        assertEquals("e1", s.name());
        assertEquals(2, s.nodes());
        assertEquals(4, s.gpusPerNode());
        assertEquals(List.of(new Topology("a", 2, 0), new Topology("b", 1, 1)), s.topologies());
        assertEquals(2, s.numRuns());
        assertEquals("p99.9", s.stat());
        assertEquals(1.5, s.local().stepMs());
        assertEquals(4, s.local().maxNumSeqs());
        assertEquals("m", s.local().model());
        assertEquals("UCX", s.slurm().kvBackend());
        assertEquals(60, s.slurm().readyTimeoutSec());
        assertEquals(List.of("A=b"), s.slurm().env());
        assertEquals(List.of("--gres=gpu:8"), s.slurm().srunArgs());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo: 1                                              | unknown key 'foo'",
        "runtime: k8s                                        | bad runtime 'k8s'",
        "topologies: [{label: a, route: 0}]                  | route must be >= 1",
        "topologies: [{route: 1}]                            | a topology needs a label",
        "topologies: [{label: a}, {label: a}]                | labels must be distinct",
        "topologies: [{label: a, cores: 3}]                  | unknown key 'topologies.cores'",
        "baseline: nope                                      | baseline 'nope' is not one of the topologies",
        "suite: x                                            | unknown --suite 'x'",
        "'suite: prefill-decode\nsweeps: {a: {sweep: {input-len: [1]}}}' | give 'suite' or 'sweeps', not both",
        "local: {prefill_tps: fast}                          | 'prefill_tps' must be a number",
        "local: {gpus: 8}                                    | unknown key 'local.gpus'",
        "nodes: 1.5                                          | 'nodes' must be an integer",
        "'name: [a]'                                         | 'name' must be a single value",
        "'topologies: {a: 1}'                                | 'topologies' must be a list",
        "': : :'                                             | not valid YAML",
        "stat: p100.5                                        | bad stat 'p100.5': mean, median, std, min, max or a percentile",
    })
    void badSpecsAreRefusedWithOneLine(String yaml, String message) {
        BenchException e = assertThrows(BenchException.class, () -> ExperimentSpec.parse(yaml, "s.yaml", "d"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
