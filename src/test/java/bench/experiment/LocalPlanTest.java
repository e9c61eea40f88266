package bench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.slurm.Plan;
import bench.slurm.PlanConfig;
import bench.slurm.Planner;
import bench.slurm.ServeArgs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the local runtime starts for a plan, and how a dry run shows it. */
class LocalPlanTest {
    private static final Path LOGS = Path.of("res/demo/t/logs");

    private static LocalPlan local(int route, int prefill) {
        Plan plan = Planner.plan(new PlanConfig(List.of("node1", "node2", "node3", "node4"), route, prefill, 8,
                new ServeArgs(List.of("--model", "m")), 1, null, null, null));
        return LocalPlan.of(plan, LocalEngineModel.defaults(), LOGS);
    }

    private static List<String> names(LocalPlan p) {
        return p.processes().stream().map(LocalPlan.Proc::name).toList();
    }

    @ParameterizedTest(name = "route {0} prefill {1}")
    @CsvSource(delimiter = ';', value = {
        "1;0;dp-head-node1;dp-head-node1",
        "2;0;dp-head-node1,dp-head-node3,router;router",
        "4;0;dp-head-node1,dp-head-node2,dp-head-node3,dp-head-node4,router;router",
        "1;1;prefill-node1,decode-node2,decode-node3,decode-node4,router;router",
        "1;2;prefill-node1,prefill-node2,decode-node3,decode-node4,router;router",
        "2;1;prefill-node1,decode-node2,prefill-node3,decode-node4,group-router-node1,group-router-node3,router;router"})
    void everyServingNodeAndRouterGetsAProcessOnLoopbackInStartOrder(int route, int prefill, String names,
            String endpoint) {
        LocalPlan p = local(route, prefill);
        assertEquals(List.of(names.split(",")), names(p));
        assertEquals(endpoint, p.endpoint());
        for (LocalPlan.Proc proc : p.processes()) {
            List<String> words = LocalPlan.words(proc, n -> "URL(" + n + ")");
            assertEquals(List.of("--host", "127.0.0.1", "--port", "0", "--port-file",
                    LOGS.resolve(proc.name() + ".port").toString()),
                    words.subList(words.indexOf("--host"), words.indexOf("--port-file") + 2), proc.name());
            assertEquals(LOGS.resolve(proc.name() + ".log"), p.log(proc));
        }
    }

    @Test
    void routersNameTheProcessesStandingInForTheirWorkers() {
        LocalPlan p = local(2, 1);
        Map<String, LocalPlan.Proc> byName = new java.util.HashMap<>();
        p.processes().forEach(x -> byName.put(x.name(), x));
        assertEquals(List.of("mock", "router", "--host", "127.0.0.1", "--port", "0", "--port-file",
                LOGS.resolve("group-router-node3.port").toString(), "--policy", "consistent_hash",
                "--vllm-pd-disaggregation", "--prefill", "URL(prefill-node3)", "--decode", "URL(decode-node4)"),
                LocalPlan.words(byName.get("group-router-node3"), n -> "URL(" + n + ")"));
        List<String> router = LocalPlan.words(byName.get("router"), n -> "URL(" + n + ")");
        assertEquals(List.of("--policy", "round_robin", "--worker-urls", "URL(group-router-node1)",
                "URL(group-router-node3)"), router.subList(router.indexOf("--policy"), router.size()));
        assertEquals(0, byName.get("router").engines());
    }

    @Test
    void aDataParallelHeadSimulatesTheRanksOfItsHeadlessWorkers() {
        LocalPlan p = local(2, 0);
        LocalPlan.Proc head = p.processes().get(0);
        assertEquals(2, head.engines());
        List<String> words = LocalPlan.words(head, n -> n);
        assertEquals("2", words.get(words.indexOf("--data-parallel-size") + 1));
        assertEquals(List.of("node2", "node4"), p.notStarted());
    }

    @Test
    void theTextShowsTheLocalProcessesNotTheSlurmLaunch() {
        String text = local(1, 2).text();
        assertTrue(text.startsWith("local runtime: 5 processes on 127.0.0.1 stand in for 4 nodes in 1 group of 4,"
                + " prefill/decode 2P2D per group"), text);
        assertTrue(text.contains("\nprefill-node2  prefill  0      http://node2:20020  1\n"), text);
        assertTrue(text.contains("endpoint: router, http://127.0.0.1:<router port>\n"), text);
        assertTrue(text.contains("  router: bench mock router --host 127.0.0.1 --port 0 --port-file "
                + LOGS.resolve("router.port") + " --policy consistent_hash --vllm-pd-disaggregation --prefill"
                + " http://127.0.0.1:<prefill-node1 port> --prefill http://127.0.0.1:<prefill-node2 port> --decode"
                + " http://127.0.0.1:<decode-node3 port> --decode http://127.0.0.1:<decode-node4 port>\n"), text);
        assertTrue(text.contains("  decode-node4: bench mock --host 127.0.0.1 --port 0"), text);
        for (String slurm : new String[] {"srun", "vllm serve", "vllm-router", "0.0.0.0", "job 1"}) {
            assertFalse(text.contains(slurm), slurm + " in " + text);
        }
    }

    @Test
    void aProcessNamingOneNotStartedBeforeItIsRefused() {
        LocalPlan p = local(2, 0);
        List<LocalPlan.Proc> reversed = p.processes().reversed();
        assertThrows(IllegalArgumentException.class, () -> new LocalPlan(p.plan(), LOGS, reversed, "router"));
    }
}
