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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine model seen from outside: TTFT grows with the prompt and ITL with the batch as
 * the formulas say (the server's own ground truth is compared with hand-computed values; the
 * client's figures must agree with it), roles for prefill/decode, and /metrics.
 */
@Timeout(180)
class MockEngineIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static MockConfig engine(double prefillTps, double stepMs, double perSeqUs, MockConfig.Role role) {
        EngineConfig e = new EngineConfig(prefillTps, 256, Math.round(stepMs * 1e6), Math.round(perSeqUs * 1e3), 8192);
        return new MockConfig("127.0.0.1", 0, "m", 50, stepMs, 16, e, role, 20_000, 80, Faults.NONE, false);
    }

    JsonNode run(MockServer mock, String name, String... extra) throws Exception {
        String[] base = {"run", "--base-url", "http://127.0.0.1:" + mock.port(), "--no-self-warmup", "--no-progress",
            "--save-result", "--result-dir", tmp.toString(), "--result-filename", name + ".json"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r.err());
        return JSON.readTree(tmp.resolve(name + ".json").toFile());
    }

    static JsonNode stats(MockServer mock, boolean reset) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + mock.port() + (reset ? "/mock/reset" : "/mock/stats"));
        HttpRequest req = reset ? HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build()
                : HttpRequest.newBuilder(uri).GET().build();
        return JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void ttftGrowsWithThePromptAsPrefillOverRate() throws Exception {
        // 5000 prompt tokens/s: 0.2 ms a token; step 5 ms; one request at a time
        try (MockServer mock = new MockServer(engine(5000, 5, 0, MockConfig.Role.BOTH)).start()) {
            double[] expectedMs = {5 + 100 * 0.2, 5 + 1100 * 0.2};
            int[] inputs = {100, 1100};
            for (int i = 0; i < 2; i++) {
                stats(mock, true);
                JsonNode j = run(mock, "in" + inputs[i], "--input-len", String.valueOf(inputs[i]), "--output-len", "4",
                        "--num-prompts", "6", "--max-concurrency", "1");
                JsonNode truth = stats(mock, false);
                // the model's own schedule is exact; what the server really did may be late under load
                assertEquals(expectedMs[i], truth.get("ttft_scheduled_ms").get("mean").asDouble(), 0.2,
                        truth.toString());
                double serverTtft = truth.get("ttft_ms").get("mean").asDouble();
                assertTrue(serverTtft >= expectedMs[i] - 0.2, truth.toString());
                double clientTtft = j.get("mean_ttft_ms").asDouble();
                assertTrue(clientTtft >= serverTtft, clientTtft + " vs " + serverTtft);
                // decode steps of one request: 5 ms
                assertEquals(5.0, truth.get("itl_scheduled_ms").get("p50").asDouble(), 0.1, truth.toString());
            }
        }
    }

    @Test
    void itlGrowsWithTheRunningBatch() throws Exception {
        // step = 4 ms + 1 ms per running decode
        try (MockServer mock = new MockServer(engine(1e6, 4, 1000, MockConfig.Role.BOTH)).start()) {
            stats(mock, true);
            run(mock, "b1", "--input-len", "8", "--output-len", "30", "--num-prompts", "3", "--max-concurrency", "1");
            double one = stats(mock, false).get("itl_scheduled_ms").get("p50").asDouble();
            assertEquals(4 + 1, one, 0.1);
            stats(mock, true);
            JsonNode j = run(mock, "b12", "--input-len", "8", "--output-len", "60", "--num-prompts", "12",
                    "--request-rate", "inf");
            JsonNode truth = stats(mock, false);
            double twelve = truth.get("itl_scheduled_ms").get("p50").asDouble();
            assertEquals(4 + 12, twelve, 0.1);
            // the client sees what the server really sent
            assertEquals(truth.get("itl_ms").get("p50").asDouble(), j.get("median_itl_ms").asDouble(), 1.5);
        }
    }

    @Test
    void prefillAndDecodeRoles() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (MockServer prefill = new MockServer(engine(10_000, 5, 0, MockConfig.Role.PREFILL)).start();
                MockServer decode = new MockServer(engine(10_000, 5, 0, MockConfig.Role.DECODE)).start()) {
            String prompt = "kalo ".repeat(1000).trim();
            String first = "{\"model\":\"m\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1,\"stream\":false,"
                    + "\"kv_transfer_params\":{\"do_remote_decode\":true,\"do_remote_prefill\":false}}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prefill.port()
                    + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(first)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode kv = JSON.readTree(r.body()).get("kv_transfer_params");
            assertTrue(kv.get("do_remote_prefill").asBoolean(), r.body());
            assertEquals(63, kv.get("remote_block_ids").size()); // 1000 tokens in blocks of 16
            // the decode side: no prefill (1000 tokens would take 100 ms), only the KV transfer:
            // 1000 x 20000 B x 8 / 80 Gbit/s = 2 ms, then one 5 ms step
            String second = "{\"model\":\"m\",\"prompt\":\"" + prompt + "\",\"max_tokens\":3,\"stream\":false,"
                    + "\"kv_transfer_params\":" + kv + "}";
            long t0 = System.nanoTime();
            HttpResponse<String> d = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + decode.port()
                    + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(second)).build(),
                    HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - t0) / 1e6;
            assertEquals(200, d.statusCode(), d.body());
            JsonNode truth = stats(decode, false);
            // whole answer after the transfer and three 5 ms decode steps: 2 + 3 x 5 = 17
            assertEquals(17.0, truth.get("ttft_scheduled_ms").get("mean").asDouble(), 0.1, truth.toString());
            assertTrue(truth.get("ttft_ms").get("mean").asDouble() >= 16.9, truth.toString());
            assertTrue(ms < 60, "decode took " + ms + " ms");
            // without kv_transfer_params the decode server prefills like any engine
            String plain = "{\"model\":\"m\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1,\"stream\":false}";
            stats(decode, true);
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + decode.port() + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(plain)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(5 + 100.0, stats(decode, false).get("ttft_scheduled_ms").get("mean").asDouble(), 0.1);
        }
    }

    @Test
    void metricsUseVllmNamesAndScrapeStoresTheDeltas() throws Exception {
        try (MockServer mock = new MockServer(engine(1e5, 2, 0, MockConfig.Role.BOTH)).start()) {
            JsonNode j = run(mock, "scrape", "--input-len", "20", "--output-len", "5", "--num-prompts", "10",
                    "--scrape-metrics");
            JsonNode d = j.get("server_metrics").get("deltas");
            assertEquals(200.0, d.get("vllm:prompt_tokens_total{model_name=\"m\"}").asDouble());
            assertEquals(50.0, d.get("vllm:generation_tokens_total{model_name=\"m\"}").asDouble());
            assertEquals(10.0, d.get("vllm:time_to_first_token_seconds_count{model_name=\"m\"}").asDouble());
            assertEquals(40.0, d.get("vllm:inter_token_latency_seconds_count{model_name=\"m\"}").asDouble());
            assertEquals(10.0, d.get("vllm:request_success_total{model_name=\"m\",finished_reason=\"length\"}")
                    .asDouble());
            assertTrue(d.has("vllm:num_requests_running{model_name=\"m\"}"));
        }
    }

    /**
     * --scrape-metrics reads the counters after the ready check and the warm-ups: the stored
     * changes are the timed requests' exactly, while the mock's counters, like vLLM's, count
     * the warm-ups too. On the engine model and on the fixed schedule.
     */
    @ParameterizedTest(name = "engine model {0}")
    @ValueSource(booleans = {true, false})
    void scrapedDeltasAreTheTimedRequestsAloneAndTheCountersCountWarmUpsToo(boolean engineModel) throws Exception {
        MockConfig config = engineModel ? engine(1e5, 1, 0, MockConfig.Role.BOTH)
                : new MockConfig("127.0.0.1", 0, "m", 2, 1, 16);
        int warmups = 3;
        int prompts = 7;
        try (MockServer mock = new MockServer(config).start()) {
            JsonNode j = run(mock, "warm", "--input-len", "24", "--output-len", "6", "--num-prompts",
                    Integer.toString(prompts), "--num-warmups", Integer.toString(warmups), "--ready-check-timeout-sec",
                    "5", "--scrape-metrics");
            assertEquals(prompts, j.get("completed").asInt());
            JsonNode d = j.get("server_metrics").get("deltas");
            String m = "{model_name=\"m\"}";
            assertEquals(j.get("total_input_tokens").asDouble(), d.get("vllm:prompt_tokens_total" + m).asDouble());
            assertEquals(24.0 * prompts, d.get("vllm:prompt_tokens_total" + m).asDouble());
            assertEquals(j.get("total_output_tokens").asDouble(), d.get("vllm:generation_tokens_total" + m).asDouble());
            assertEquals(6.0 * prompts, d.get("vllm:generation_tokens_total" + m).asDouble());
            assertEquals(prompts, d.get("vllm:request_success_total{model_name=\"m\",finished_reason=\"length\"}")
                    .asDouble());
            assertEquals(prompts, d.get("vllm:time_to_first_token_seconds_count" + m).asDouble());
            assertEquals(prompts, d.get("vllm:e2e_request_latency_seconds_count" + m).asDouble());

            // the counters themselves count the ready check's request and the warm-ups too, as vLLM's do
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + mock.port() + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, Double> all = bench.metrics.PrometheusText.parse(metrics.body());
            int untimed = 1 + warmups;
            assertEquals(24.0 * (prompts + untimed), all.get("vllm:prompt_tokens_total" + m));
            assertEquals(6.0 * (prompts + untimed), all.get("vllm:generation_tokens_total" + m));
            assertEquals(prompts + untimed,
                    all.get("vllm:request_success_total{model_name=\"m\",finished_reason=\"length\"}"));
            assertEquals(prompts + untimed, all.get("vllm:time_to_first_token_seconds_count" + m));
            // the ground truth leaves them out (both carry the warm-up mark)
            JsonNode truth = stats(mock, false);
            assertEquals(untimed, truth.get("warmup_requests").asInt());
            assertEquals(6 * prompts, truth.get("tokens_sent").asInt());
            assertEquals(24 * prompts, truth.get("prompt_tokens").asInt());
            assertEquals(prompts, truth.get("finished").asInt());
            assertEquals(prompts, truth.get("ttft_ms").get("count").asInt());
        }
    }
}
