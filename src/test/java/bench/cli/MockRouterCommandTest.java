package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.mock.MockRouter;
import bench.slurm.Arg;
import bench.slurm.Plan;
import bench.slurm.Planner;
import bench.slurm.PlanConfig;
import bench.slurm.ServeArgs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code bench mock router} takes the command lines bench's launcher gives vllm-router. */
class MockRouterCommandTest {
    private static MockRouter.Config parse(List<String> args) {
        MockRouterCommand cmd = new MockRouterCommand();
        new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
        return cmd.config();
    }

    /** The router's arguments in the launch of 4 nodes with --route R --prefill P. */
    private static List<String> launcherRouterArgs(int route, int prefill) {
        Plan plan = Planner.plan(new PlanConfig(List.of("node1", "node2", "node3", "node4"), route, prefill, 8,
                new ServeArgs(List.of("--model", "m")), 5, null, null, null));
        List<String> words = plan.router().command().stream().map(Arg::text).toList();
        assertEquals("vllm-router", words.get(0));
        return words.subList(1, words.size());
    }

    @Test
    void prefillDecodeFlagsOfTheLauncher() {
        MockRouter.Config c = parse(launcherRouterArgs(1, 1));
        assertTrue(c.pd());
        assertEquals("consistent_hash", c.policy());
        assertEquals(List.of("http://node1:20100"), c.prefill());
        assertEquals(List.of("http://node2:20100", "http://node3:20100", "http://node4:20100"), c.decode());
        assertEquals("0.0.0.0", c.host());
        assertEquals(20101, c.port());

        c = parse(launcherRouterArgs(1, 2));
        assertEquals(List.of("http://node1:20100", "http://node2:20100"), c.prefill());
        assertEquals(List.of("http://node3:20100", "http://node4:20100"), c.decode());
    }

    @Test
    void dataParallelFlagsOfTheLauncher() {
        MockRouter.Config c = parse(launcherRouterArgs(2, 0));
        assertEquals("round_robin", c.policy());
        assertEquals(List.of("http://node1:20100", "http://node3:20100"), c.workers());
        assertEquals(2, c.intraNodeDataParallelSize());
        c = parse(launcherRouterArgs(4, 0));
        assertEquals(4, c.workers().size());
        assertEquals(1, c.intraNodeDataParallelSize());
    }

    @Test
    void aBootstrapPortAfterAPrefillUrlIsAcceptedAndDropped() {
        MockRouter.Config c = parse(List.of("--vllm-pd-disaggregation", "--prefill", "http://a:1", "8998",
                "--prefill", "http://b:1", "--decode", "http://c:1", "--unknown-flag", "x"));
        assertEquals(List.of("http://a:1", "http://b:1"), c.prefill());
        assertEquals(List.of("http://c:1"), c.decode());
    }

    /** A list of URLs ends at the next flag, a known one or a vllm-router flag the stand-in ignores. */
    @Test
    void flagsAfterAUrlListAreFlags() {
        MockRouterCommand cmd = new MockRouterCommand();
        new CommandLine(cmd).parseArgs("--worker-urls", "http://a:1", "http://b:2", "--request-timeout-secs", "10",
                "--port", "9", "--worker-urls=http://c:3");
        assertEquals(List.of("http://a:1", "http://b:2", "http://c:3"), cmd.config().workers());
        assertEquals(9, cmd.config().port());
        assertEquals(List.of("--request-timeout-secs", "10"), cmd.ignored);

        MockRouter.Config c = parse(List.of("--vllm-pd-disaggregation", "--prefill", "http://a:1", "--max-payload-size",
                "5", "--decode", "http://c:1", "--policy", "consistent_hash"));
        assertEquals(List.of("http://a:1"), c.prefill());
        assertEquals(List.of("http://c:1"), c.decode());
        assertEquals("consistent_hash", c.policy());
    }

    /** A worker that is not an http://HOST:PORT URL, or a list without one, is bad input: one line, exit 2. */
    @Timeout(20)
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--worker-urls 127.0.0.1:1                       | bad --worker-urls URL '127.0.0.1:1': expected http://HOST:PORT",
        "--worker-urls http://127.0.0.1:1 https://127.0.0.1:2 | bad --worker-urls URL 'https://127.0.0.1:2'",
        "--worker-urls http://127.0.0.1:1 node2          | bad --worker-urls URL 'node2'",
        "--worker-urls --policy round_robin              | Missing required parameter for option '--worker-urls' (URL)",
        "--vllm-pd-disaggregation --prefill ftp://127.0.0.1:1 --decode http://127.0.0.1:2 | bad --prefill URL 'ftp://",
        "--vllm-pd-disaggregation --prefill http://127.0.0.1:1 --decode http:/x | bad --decode URL 'http:/x'",
        "--vllm-pd-disaggregation --prefill http://127.0.0.1:1 --decode --x | Missing required parameter for option '--decode'",
    })
    void aWorkerThatIsNotAnHttpUrlIsRefused(String args, String message) {
        CliRunner.Result r = CliRunner.run(("mock router --port 0 " + args.strip()).split("\\s+"));
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("bench mock router: error: " + message), r.err());
    }
}
