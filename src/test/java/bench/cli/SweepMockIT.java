package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.mock.MockConfig;
import bench.mock.MockServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bench sweep end to end against the in-process mock, then plot and compare of what it wrote. */
@Timeout(240)
class SweepMockIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Tiny points: fast, and still real runs through bench run. */
    static final String[] RUN_FLAGS = {"--", "--num-prompts", "8", "--no-self-warmup", "--no-progress", "--seed", "3"};

    @TempDir
    Path tmp;
    MockServer mock;
    String url;

    @BeforeEach
    void start() {
        mock = new MockServer(new MockConfig("127.0.0.1", 0, "m", 5, 1, 16)).start();
        url = "http://127.0.0.1:" + mock.port();
    }

    @AfterEach
    void stop() {
        mock.close();
    }

    CliRunner.Result sweep(String label, String... args) {
        List<String> all = new ArrayList<>(List.of("sweep", "--base-url", url, "--experiment", "exp", "--label", label,
                "--results-dir", tmp.toString()));
        all.addAll(List.of(args));
        all.addAll(List.of(RUN_FLAGS));
        return CliRunner.run(all.toArray(String[]::new));
    }

    static List<String> points(CliRunner.Result r) {
        return r.out().lines().filter(l -> l.startsWith("[")).toList();
    }

    @Test
    void sweepWritesEveryPointAndResumeRedoesExactlyTheUnfinishedOnes() throws IOException {
        String[] grid = {"--sweep", "input-len=16,32", "--fixed", "output-len=4", "--num-runs", "2"};
        CliRunner.Result first = sweep("a", grid);
        assertEquals(0, first.exitCode(), first.out() + first.err());
        List<String> lines = points(first);
        assertEquals(4, lines.size(), first.out());
        assertTrue(lines.get(0).matches("\\[1/4] input-len/input-len=16: done in [0-9.]+ s: [0-9.]+ output tok/s, "
                + "[0-9.]+ req/s, mean TTFT [0-9.]+ ms, mean ITL [0-9.]+ ms"), lines.get(0));
        assertTrue(lines.get(3).startsWith("[4/4] input-len/input-len=32-run2: done in "), lines.get(3));
        assertTrue(first.out().contains("bench sweep: 2 points x 2 runs = 4 runs: 4 ran, 0 skipped (already done), "
                + "0 failed"), first.out());

        Path dir = tmp.resolve("exp/a/input-len");
        assertEquals(List.of("input-len=16-run2.json", "input-len=16-run2.log", "input-len=16.json", "input-len=16.log",
                "input-len=32-run2.json", "input-len=32-run2.log", "input-len=32.json", "input-len=32.log"), list(dir));
        JsonNode r = JSON.readTree(dir.resolve("input-len=32-run2.json").toFile());
        assertEquals("a", r.get("label").asText());
        assertEquals(8, r.get("completed").asInt());
        assertEquals(0, r.get("failed").asInt());
        assertEquals(32 * 8, r.get("total_input_tokens").asInt());
        assertEquals(4 * 8, r.get("total_output_tokens").asInt());
        assertEquals(32, r.at("/config/input_len").asInt());
        assertEquals(4, r.at("/config/output_len").asInt());
        assertEquals("exp", r.at("/config/metadata/experiment").asText());
        assertEquals("input-len", r.at("/config/metadata/sweep").asText());
        assertEquals("input-len=32", r.at("/config/metadata/point").asText());
        assertEquals("2", r.at("/config/metadata/run").asText());
        String log = Files.readString(dir.resolve("input-len=32-run2.log"));
        assertTrue(log.startsWith("$ bench run --num-prompts 8 "), log);
        assertTrue(log.contains("Successful requests:"), log);

        // leave one done, and make the other three unfinished in three ways
        ObjectNode interrupted = (ObjectNode) JSON.readTree(dir.resolve("input-len=32.json").toFile());
        interrupted.put("interrupted", true);
        Files.writeString(dir.resolve("input-len=32.json"), interrupted.toString());
        Files.delete(dir.resolve("input-len=16-run2.json"));
        Files.writeString(dir.resolve("input-len=32-run2.json"), "{\"label\": \"a\", \"comple");

        CliRunner.Result dry = sweep("a", append(grid, "--dry-run"));
        assertEquals(0, dry.exitCode(), dry.err());
        List<String> plan = points(dry);
        assertEquals("[1/4] input-len/input-len=16: skip (done)", plan.get(0));
        assertEquals("[2/4] input-len/input-len=16-run2: run (no result yet)", plan.get(1));
        assertEquals("[3/4] input-len/input-len=32: run (interrupted)", plan.get(2));
        assertTrue(plan.get(3).startsWith("[4/4] input-len/input-len=32-run2: run (unreadable result ("), plan.get(3));

        CliRunner.Result again = sweep("a", grid);
        assertEquals(0, again.exitCode(), again.out() + again.err());
        lines = points(again);
        assertTrue(lines.get(0).startsWith("[1/4] input-len/input-len=16: skipped, already done ("), lines.get(0));
        assertTrue(lines.get(1).startsWith("[2/4] input-len/input-len=16-run2: done in "), lines.get(1));
        assertTrue(lines.get(2).startsWith("[3/4] input-len/input-len=32: done in "), lines.get(2));
        assertTrue(lines.get(3).startsWith("[4/4] input-len/input-len=32-run2: done in "), lines.get(3));
        assertTrue(again.out().contains("bench sweep: 2 points x 2 runs = 4 runs: 3 ran, 1 skipped (already done), "
                + "0 failed"), again.out());
        assertFalse(JSON.readTree(dir.resolve("input-len=32.json").toFile()).get("interrupted").asBoolean());

        CliRunner.Result redo = sweep("a", append(grid, "--no-resume"));
        assertEquals(0, redo.exitCode(), redo.err());
        assertTrue(redo.out().contains("4 ran, 0 skipped"), redo.out());
        assertTrue(r.at("/config/args").toString().startsWith("[\"--num-prompts\",\"8\","), r.toString());

        // other run flags make other results: a point done with --num-prompts 8 is not done for 9;
        // where the server is does not matter (a new allocation serves elsewhere)
        List<String> moved = new ArrayList<>(List.of("sweep", "--base-url", "http://127.0.0.1:1", "--experiment",
                "exp", "--label", "a", "--results-dir", tmp.toString(), "--dry-run"));
        moved.addAll(List.of(grid));
        moved.addAll(List.of(RUN_FLAGS));
        assertEquals("[1/4] input-len/input-len=16: skip (done)", points(CliRunner.run(moved.toArray(String[]::new)))
                .get(0));
        moved.set(moved.indexOf("8"), "9");
        assertEquals("[1/4] input-len/input-len=16: run (flags changed: result has '--num-prompts 8', the plan "
                + "'--num-prompts 9')", points(CliRunner.run(moved.toArray(String[]::new))).get(0));

        // a second label, then the figures and the comparison, from the files alone
        assertEquals(0, sweep("b", "--sweep", "input-len=16,32", "--fixed", "output-len=4").exitCode());
        Path plots = tmp.resolve("plots");
        CliRunner.Result plot = CliRunner.run("plot", tmp.resolve("exp").toString(), "--out", plots.toString());
        assertEquals(0, plot.exitCode(), plot.err());
        assertEquals(List.of("itl.png", "itl.svg", "req_throughput.png", "req_throughput.svg", "throughput.png",
                "throughput.svg", "ttft.png", "ttft.svg"), list(plots));
        CliRunner.Result cmp = CliRunner.run("compare", tmp.resolve("exp").toString(), "--baseline", "a");
        assertEquals(0, cmp.exitCode(), cmp.err());
        assertTrue(cmp.out().contains("\n| input-len=16 | a (baseline) | 2 | "), cmp.out());
        assertTrue(cmp.out().contains("\n| input-len=32 | b | 1 | "), cmp.out());
    }

    @Test
    void aFailedPointIsReportedAndTheOthersStillRun() throws IOException {
        Path spec = tmp.resolve("spec.yaml");
        Files.writeString(spec, """
                sweeps:
                  first: {sweep: {input-len: [16]}, fixed: {output-len: 4}}
                  broken:
                    sweep: {input-len: [16]}
                    args: [--dataset-name, custom, --dataset-path, /nonexistent/prompts.jsonl]
                  last: {sweep: {input-len: [32]}, fixed: {output-len: 4}}
                """);
        CliRunner.Result r = sweep("a", "--spec", spec.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        List<String> lines = points(r);
        assertTrue(lines.get(0).startsWith("[1/3] first/input-len=16: done in "), lines.get(0));
        assertTrue(lines.get(1).matches("\\[2/3] broken/input-len=16: FAILED in [0-9.]+ s: dataset file not found: "
                + "/nonexistent/prompts.jsonl \\(exit 2\\)"), lines.get(1));
        assertTrue(lines.get(2).startsWith("[3/3] last/input-len=32: done in "), lines.get(2));
        assertTrue(r.out().contains("bench sweep: 3 points: 2 ran, 0 skipped (already done), 1 failed"), r.out());
        assertTrue(r.out().contains("\n  failed: broken/input-len=16: dataset file not found"), r.out());
        List<String> errLines = r.err().strip().lines().toList();
        assertEquals("bench: error: 1 of 3 points failed: broken/input-len=16", errLines.get(errLines.size() - 1));
        assertTrue(Files.exists(tmp.resolve("exp/a/first/input-len=16.json")));
        assertTrue(Files.exists(tmp.resolve("exp/a/last/input-len=32.json")));
        assertFalse(Files.exists(tmp.resolve("exp/a/broken/input-len=16.json")));
        assertTrue(Files.readString(tmp.resolve("exp/a/broken/input-len=16.log")).contains("dataset file not found"));
    }

    @Test
    void anUnreachableServerFailsEveryPointAndEachIsReported() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + closed;
        CliRunner.Result r = sweep("a", "--sweep", "output-len=4,8", "--fixed", "input-len=16");
        assertEquals(1, r.exitCode(), r.out() + r.err());
        List<String> lines = points(r);
        assertEquals(2, lines.size(), r.out());
        for (String l : lines) {
            assertTrue(l.contains(": FAILED in ") && l.contains("cannot reach http://127.0.0.1:" + closed), l);
        }
        assertTrue(r.out().contains("2 points: 0 ran, 0 skipped (already done), 2 failed"), r.out());
        assertTrue(r.err().strip().endsWith("bench: error: 2 of 2 points failed: output-len/output-len=4, "
                + "output-len/output-len=8"), r.err());
    }

    static String[] append(String[] a, String... more) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(more));
        return l.toArray(String[]::new);
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
