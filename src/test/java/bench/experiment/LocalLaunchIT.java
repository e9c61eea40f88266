package bench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.cli.CliRunner;
import bench.slurm.Node;
import bench.slurm.Plan;
import bench.slurm.PlanConfig;
import bench.slurm.Planner;
import bench.slurm.Role;
import bench.slurm.ServeArgs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The local runtime brings up each of the article's five topologies as mock processes on 127.0.0.1. */
@Timeout(300)
class LocalLaunchIT {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "route {0} prefill {1}")
    @CsvSource({"1,0,1", "2,0,3", "4,0,5", "1,1,5", "1,2,5"})
    void eachTopologyServesThroughItsEndpoint(int route, int prefill, int processes) throws Exception {
        Plan plan = Planner.plan(new PlanConfig(List.of("node1", "node2", "node3", "node4"), route, prefill, 8,
                new ServeArgs(List.of("--model", "m")), 1, null, null, null));
        LocalEngineModel model = new LocalEngineModel(200_000, 2, 20, 32, 2048, 200, 0.2, 1000, 100, "m");
        List<ProcessHandle> started;
        try (LocalLaunch launch = LocalLaunch.start(plan, model, tmp.resolve("logs"))) {
            started = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
            assertEquals(processes, started.size(), "engines plus router");
            // exactly the processes a dry run shows, with their arguments
            LocalPlan shown = LocalPlan.of(plan, model, tmp.resolve("logs"));
            assertEquals(shown.processes().stream().map(p -> LocalPlan.words(p, n -> "URL").toString()).sorted()
                    .toList(), started.stream().map(LocalLaunchIT::benchArgs).sorted().toList());
            CliRunner.Result r = CliRunner.run("run", "--base-url", launch.endpoint(), "--input-len", "32",
                    "--output-len", "8", "--num-prompts", "24", "--max-concurrency", "8", "--no-self-warmup",
                    "--no-progress", "--save-result", "--result-dir", tmp.toString(), "--result-filename", "r.json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode j = new ObjectMapper().readTree(tmp.resolve("r.json").toFile());
            assertEquals(24, j.get("completed").asInt());
            assertEquals("m", j.get("model_id").asText());
        }
        for (ProcessHandle p : started) {
            assertFalse(p.isAlive(), "process " + p.pid() + " still runs");
        }
        assertTrue(tmp.resolve("logs").toFile().list().length >= processes);
    }

    /**
     * --route 2 --prefill 1: four engines, a router per group and the router over them; every
     * request is prefilled and decoded by the two nodes of one group, and both groups serve.
     */
    @Test
    void twoPrefillDecodeGroupsServeEachRequestInsideOneGroup() throws Exception {
        Plan plan = Planner.plan(new PlanConfig(List.of("node1", "node2", "node3", "node4"), 2, 1, 8,
                new ServeArgs(List.of("--model", "m")), 1, null, null, null));
        LocalEngineModel model = new LocalEngineModel(200_000, 2, 20, 32, 2048, 200, 0.2, 1000, 100, "m");
        List<ProcessHandle> started;
        try (LocalLaunch launch = LocalLaunch.start(plan, model, tmp.resolve("logs"))) {
            started = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
            assertEquals(7, started.size(), "4 engines, 2 group routers and the router");
            Map<String, Node> nodeAt = new HashMap<>();
            launch.engineUrls().forEach((planUrl, local) -> nodeAt.put(local,
                    plan.nodes().filter(n -> planUrl.equals(n.url())).findFirst().orElseThrow()));
            HttpClient http = HttpClient.newHttpClient();
            Map<Integer, Integer> perGroup = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(launch.endpoint()
                        + "/v1/completions")).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"request " + i
                                + "\",\"max_tokens\":4}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                Node prefill = nodeAt.get(r.headers().firstValue("x-mock-router-prefill").orElseThrow());
                Node decode = nodeAt.get(r.headers().firstValue("x-mock-router-decode").orElseThrow());
                assertEquals(Role.PREFILL, prefill.role());
                assertEquals(Role.DECODE, decode.role());
                assertEquals(prefill.group(), decode.group(), "request " + i + ": " + r.headers().map());
                perGroup.merge(prefill.group(), 1, Integer::sum);
            }
            assertEquals(Map.of(0, 3, 1, 3), perGroup, "the router round-robins over the two groups");
        }
        for (ProcessHandle p : started) {
            assertFalse(p.isAlive(), "process " + p.pid() + " still runs");
        }
        assertTrue(Files.exists(tmp.resolve("logs/group-router-node3.log")));
    }

    /** A child's bench arguments (after bench.Main), every local URL written URL. */
    private static String benchArgs(ProcessHandle p) {
        List<String> args = List.of(p.info().arguments().orElseThrow());
        return args.subList(args.indexOf("bench.Main") + 1, args.size()).stream()
                .map(a -> a.replaceAll("^http://127\\.0\\.0\\.1:\\d+$", "URL")).toList().toString();
    }
}
