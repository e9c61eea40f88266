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
import java.util.List;
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
