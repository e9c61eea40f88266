package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.cli.CliRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault the mock injects is reported by bench run as the right failure kind, in exactly
 * the numbers the seeded draws give.
 */
@Timeout(120)
class MockFaultsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int N = 120;
    static final int TOKENS = 12;

    @TempDir
    Path tmp;

    JsonNode run(MockConfig config, String... extra) throws Exception {
        try (MockServer mock = new MockServer(config).start()) {
            String[] base = {"run", "--base-url", "http://127.0.0.1:" + mock.port(), "--input-len", "16",
                "--output-len", String.valueOf(TOKENS), "--num-prompts", String.valueOf(N), "--max-concurrency", "16",
                "--no-self-warmup", "--no-progress", "--save-result", "--result-dir", tmp.toString(),
                "--result-filename", "r.json", "--request-timeout", "30"};
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                    .toArray(String[]::new);
            CliRunner.Result r = CliRunner.run(args);
            JsonNode j = JSON.readTree(tmp.resolve("r.json").toFile());
            assertEquals(j.get("failed").asInt() == 0 ? 0 : 1, r.exitCode(), r.err());
            return j;
        }
    }

    @Test
    void injectedFaultsAreReportedAsTheirKinds() throws Exception {
        Faults faults = new Faults(0.1, 503, 0.1, 0.1, 30, 0.1, 0.1, 11);
        MockConfig config = new MockConfig("127.0.0.1", 0, "m", 5, 1, 16, null, MockConfig.Role.BOTH, 0, 100, faults,
                false);
        Map<Faults.Kind, Integer> expected = new EnumMap<>(Faults.Kind.class);
        for (int i = 0; i < N; i++) {
            expected.merge(faults.decide(i, TOKENS).kind(), 1, Integer::sum);
        }
        JsonNode j = run(config);
        JsonNode byKind = j.get("failures_by_kind");
        assertEquals(expected.getOrDefault(Faults.Kind.ERROR, 0), byKind.path("http_error").asInt(), byKind.toString());
        assertEquals(expected.getOrDefault(Faults.Kind.CUT, 0), byKind.path("connection_cut").asInt(), byKind.toString());
        assertEquals(expected.getOrDefault(Faults.Kind.INBAND_ERROR, 0), byKind.path("inband_error").asInt(),
                byKind.toString());
        assertEquals(expected.getOrDefault(Faults.Kind.MALFORMED, 0), byKind.path("malformed").asInt(),
                byKind.toString());
        int failing = N - expected.getOrDefault(Faults.Kind.NONE, 0) - expected.getOrDefault(Faults.Kind.STALL, 0);
        assertEquals(failing, j.get("failed").asInt());
        assertEquals(N - failing, j.get("completed").asInt());
        // stalls are not failures, but they show in the latency tail: 30 ms gaps
        assertTrue(j.get("max_itl_ms").asDouble() >= 29, j.get("max_itl_ms").toString());
        for (JsonNode f : j.get("failures")) {
            if (f.get("kind").asText().equals("http_error")) {
                assertEquals(503, f.get("http_status").asInt());
                assertTrue(f.get("detail").asText().contains("injected error"), f.toString());
            }
        }
    }

    @Test
    void usageInTheLastChunkIsCountedRight() throws Exception {
        MockConfig config = new MockConfig("127.0.0.1", 0, "m", 5, 1, 16, null, MockConfig.Role.BOTH, 0, 100,
                Faults.NONE, true);
        JsonNode j = run(config);
        assertEquals(N, j.get("completed").asInt());
        assertEquals(N * TOKENS, j.get("total_output_tokens").asInt());
        assertEquals("usage", j.get("output_tokens_source").asText());
        assertEquals(N * (TOKENS - 1), j.get("count_itl").asInt());
    }
}
