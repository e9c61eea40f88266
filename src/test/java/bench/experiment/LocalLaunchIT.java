package bench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.cli.CliRunner;
import bench.slurm.Plan;
import bench.slurm.PlanConfig;
import bench.slurm.Planner;
import bench.slurm.ServeArgs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
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
        LocalEngineModel model = new LocalEngineModel(200_000, 2, 20, 32, 2048, 200, 1000, 100, "m");
        List<ProcessHandle> started;
        try (LocalLaunch launch = LocalLaunch.start(plan, model, tmp.resolve("logs"))) {
            started = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
            assertEquals(processes, started.size(), "engines plus router");
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
}
