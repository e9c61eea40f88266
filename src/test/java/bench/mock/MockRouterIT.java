package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.cli.CliRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The vllm-router stand-in in front of mock engines: DP round robin and prefill/decode. */
@Timeout(120)
class MockRouterIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int N = 40;

    @TempDir
    Path tmp;

    static MockServer engine(MockConfig.Role role) {
        EngineConfig e = new EngineConfig(50_000, 64, 2_000_000, 0, 8192);
        return new MockServer(new MockConfig("127.0.0.1", 0, "m", 20, 2, 16, e, role, 1000, 100, Faults.NONE, false))
                .start();
    }

    static String url(MockServer s) {
        return "http://127.0.0.1:" + s.port();
    }

    static JsonNode stats(MockServer s) throws Exception {
        return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(s) + "/mock/stats"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    JsonNode run(MockRouter router) throws Exception {
        CliRunner.Result r = CliRunner.run("run", "--base-url", "http://127.0.0.1:" + router.port(), "--input-len", "64",
                "--output-len", "8", "--num-prompts", String.valueOf(N), "--max-concurrency", "8", "--no-self-warmup",
                "--no-progress", "--save-result", "--result-dir", tmp.toString(), "--result-filename", "r.json");
        assertEquals(0, r.exitCode(), r.err());
        return JSON.readTree(tmp.resolve("r.json").toFile());
    }

    @Test
    void roundRobinSpreadsRequestsOverWorkers() throws Exception {
        try (MockServer a = engine(MockConfig.Role.BOTH); MockServer b = engine(MockConfig.Role.BOTH);
                MockRouter router = new MockRouter(new MockRouter.Config("127.0.0.1", 0, "round_robin",
                        List.of(url(a), url(b)), List.of(), List.of(), false, 1)).start()) {
            JsonNode j = run(router);
            assertEquals(N, j.get("completed").asInt());
            assertEquals(N * 8, j.get("total_output_tokens").asInt());
            assertEquals(N / 2, stats(a).get("streams_started").asInt());
            assertEquals(N / 2, stats(b).get("streams_started").asInt());
        }
    }

    @Test
    void prefillThenDecodeWithTheKvTransferParams() throws Exception {
        try (MockServer p = engine(MockConfig.Role.PREFILL); MockServer d1 = engine(MockConfig.Role.DECODE);
                MockServer d2 = engine(MockConfig.Role.DECODE);
                MockRouter router = new MockRouter(new MockRouter.Config("127.0.0.1", 0, "consistent_hash", List.of(),
                        List.of(url(p)), List.of(url(d1), url(d2)), true, 1)).start()) {
            JsonNode j = run(router);
            assertEquals(N, j.get("completed").asInt());
            JsonNode ps = stats(p);
            // every request was prefilled once, as a one-token non-streamed request
            assertEquals(N, ps.get("requests").asInt());
            assertEquals(0, ps.get("streams_started").asInt());
            assertEquals(N, ps.get("tokens_sent").asInt());
            JsonNode s1 = stats(d1);
            JsonNode s2 = stats(d2);
            assertEquals(N, s1.get("streams_started").asInt() + s2.get("streams_started").asInt());
            assertEquals(N * 8, s1.get("tokens_sent").asInt() + s2.get("tokens_sent").asInt());
            // decode servers did no prefill: their TTFT is the KV transfer plus one 2 ms step, not 64/50000 s more
            // (the schedule the engine model set, not the send times, which a cold JVM can make late)
            double ttft = Math.max(s1.get("ttft_scheduled_ms").get("mean").asDouble(),
                    s2.get("ttft_scheduled_ms").get("mean").asDouble());
            assertTrue(ttft > 0 && ttft < 5, "decode TTFT as scheduled " + ttft);
        }
    }

    /**
     * A round-robin router over two prefill/decode group routers, as bench slurm launches
     * --route 2 --prefill 1: each request is prefilled and decoded inside one group, and the
     * response names the group router, the prefill and the decode worker it went through.
     */
    @Test
    void aRouterOverGroupRoutersKeepsEachRequestInsideOneGroup() throws Exception {
        try (MockServer p0 = engine(MockConfig.Role.PREFILL); MockServer d0 = engine(MockConfig.Role.DECODE);
                MockServer p1 = engine(MockConfig.Role.PREFILL); MockServer d1 = engine(MockConfig.Role.DECODE);
                MockRouter g0 = pdRouter(p0, d0); MockRouter g1 = pdRouter(p1, d1);
                MockRouter top = new MockRouter(new MockRouter.Config("127.0.0.1", 0, "round_robin",
                        List.of(url(g0), url(g1)), List.of(), List.of(), false, 1)).start()) {
            Map<String, List<String>> groupOf = Map.of(url(g0), List.of(url(p0), url(d0)), url(g1),
                    List.of(url(p1), url(d1)));
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Integer> perGroup = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(top) + "/v1/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"request " + i
                                + "\",\"max_tokens\":4}")).header("content-type", "application/json").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                String group = r.headers().firstValue("x-mock-router-worker").orElseThrow();
                List<String> route = List.of(r.headers().firstValue("x-mock-router-prefill").orElseThrow(),
                        r.headers().firstValue("x-mock-router-decode").orElseThrow());
                assertEquals(groupOf.get(group), route, "request " + i + " went through " + group);
                perGroup.merge(group, 1, Integer::sum);
            }
            assertEquals(Map.of(url(g0), 3, url(g1), 3), perGroup, "round robin over the group routers");
            for (MockServer s : List.of(p0, p1)) {
                assertEquals(3, stats(s).get("requests").asInt(), "each prefill worker prefilled its group's 3");
            }
            JsonNode j = run(top);
            assertEquals(N, j.get("completed").asInt());
        }
    }

    static MockRouter pdRouter(MockServer prefill, MockServer decode) {
        return new MockRouter(new MockRouter.Config("127.0.0.1", 0, "consistent_hash", List.of(),
                List.of(url(prefill)), List.of(url(decode)), true, 1)).start();
    }

    static String url(MockRouter r) {
        return "http://127.0.0.1:" + r.port();
    }

    @Test
    void dataParallelRanksGetTheirHeader() throws Exception {
        try (MockServer a = engine(MockConfig.Role.BOTH);
                MockRouter router = new MockRouter(new MockRouter.Config("127.0.0.1", 0, "round_robin",
                        List.of(url(a)), List.of(), List.of(), false, 4)).start()) {
            MockRouter.Request req = new MockRouter.Request("POST", "/v1/completions", java.util.Map.of("X-Test", "1"),
                    new byte[0], false);
            String head = new String(req.head(new MockRouter.Target("h", 1, 3), 5), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(head.contains("X-data-parallel-rank: 3\r\n"), head);
            assertTrue(head.contains("X-Test: 1\r\n"), head);
            JsonNode j = run(router);
            assertEquals(N, j.get("completed").asInt());
        }
    }
}
