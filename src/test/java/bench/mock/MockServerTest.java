package bench.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The mock server over real sockets on 127.0.0.1: routes, errors, connections and its token schedule. */
@Timeout(30)
class MockServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final double TTFT_MS = 100;
    static final double ITL_MS = 20;
    static final int TOKENS = 10;
    /**
     * Timing bounds. Nothing may be seen before its due time counted from when the request's write
     * began (the server cannot have received it earlier); EARLY_MS only absorbs clock rounding.
     * Counted from when the write returned, every token must come within LATE_MS of its due time
     * and the median token within MEDIAN_LATE_MS. A busy 2-CPU test machine can stall a thread
     * for tens of ms, which makes the tokens due meanwhile late in that exchange only; a wrong
     * schedule makes the same tokens late in every exchange. So a timed exchange is repeated, up
     * to ATTEMPTS times, and each token is judged by its best exchange so far; arriving early
     * fails at once.
     */
    static final double EARLY_MS = 0.5;
    static final double LATE_MS = 10;
    static final double MEDIAN_LATE_MS = 4;
    static final int ATTEMPTS = 5;
    static final int TIMEOUT_MS = 5000;

    static HttpClient http;
    MockServer server;
    String base;

    @BeforeAll
    static void client() {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void closeClient() {
        http.close();
    }

    @BeforeEach
    void start() {
        server = new MockServer(new MockConfig("127.0.0.1", 0, "m", TTFT_MS, ITL_MS, 16)).start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- helpers

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    RawHttp raw() throws IOException {
        return new RawHttp(server.port(), TIMEOUT_MS);
    }

    /** Stats over a fresh connection that the server closes after answering. */
    JsonNode stats() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("GET", "/mock/stats", null, "connection: close");
            assertEquals(200, r.status());
            return JSON.readTree(r.body());
        }
    }

    static void assertError(int status, String messagePart, int gotStatus, String body) throws IOException {
        assertEquals(status, gotStatus, body);
        JsonNode err = JSON.readTree(body).get("error");
        assertTrue(err != null && err.isObject(), body);
        assertTrue(err.get("message").asText().contains(messagePart), body);
        assertEquals(status, err.get("code").asInt());
        assertEquals(status == 404 ? "NotFoundError" : "BadRequestError", err.get("type").asText());
        assertTrue(err.has("param"));
    }

    static String completionBody(int maxTokens, boolean stream, boolean usage) {
        return "{\"model\":\"m\",\"prompt\":\"kalo mine ruta hello\",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + (usage ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    static String chatBody(int maxTokens, boolean stream, boolean usage) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"kalo mine\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"ruta zo\"}]}],\"max_tokens\":" + maxTokens
                + ",\"stream\":" + stream + (usage ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    /** The JSON of a chunk holding exactly one SSE event. */
    static JsonNode event(RawHttp.Chunk c) throws IOException {
        String p = c.payload();
        assertTrue(p.startsWith("data: ") && p.endsWith("\n\n") && p.indexOf("\n\n") == p.length() - 2,
                "one event per chunk: " + p);
        return JSON.readTree(p.substring(6, p.length() - 2));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ---------------------------------------------------------------- routes

    @Test
    void modelsListsTheModel() throws Exception {
        HttpResponse<String> r = get("/v1/models");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode body = JSON.readTree(r.body());
        assertEquals("list", body.get("object").asText());
        assertEquals(1, body.get("data").size());
        assertEquals("m", body.get("data").get(0).get("id").asText());
        assertEquals("model", body.get("data").get(0).get("object").asText());
        assertEquals("m", body.get("data").get(0).get("root").asText());
    }

    @Test
    void healthIsOk() throws Exception {
        HttpResponse<String> r = get("/health");
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        // a query string does not change the route
        assertEquals(200, get("/health?x=1").statusCode());
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        JsonNode t = JSON.readTree(post("/tokenize", "{\"model\":\"m\",\"prompt\":\"kalo mine ruta hello\"}").body());
        assertEquals(3 + 5, t.get("count").asInt());
        assertEquals(8, t.get("tokens").size());
        assertTrue(t.get("max_model_len").asInt() > 0);
        JsonNode d = JSON.readTree(post("/detokenize", "{\"model\":\"m\",\"tokens\":" + t.get("tokens") + "}").body());
        assertEquals("kalo mine ruta h e l l o", d.get("prompt").asText());

        // random ids survive detokenize then tokenize
        WordTokenizer tok = new WordTokenizer();
        int[] ids = new SplittableRandom(5).ints(300, 0, tok.vocabSize()).toArray();
        String text = JSON.readTree(post("/detokenize", "{\"tokens\":" + JSON.writeValueAsString(ids) + "}").body())
                .get("prompt").asText();
        JsonNode back = JSON.readTree(post("/tokenize", JSON.writeValueAsString(java.util.Map.of("prompt", text))).body());
        assertArrayEquals(ids, JSON.treeToValue(back.get("tokens"), int[].class));

        // chat messages are tokenized by their text
        JsonNode m = JSON.readTree(post("/tokenize", chatBody(1, false, false)).body());
        assertEquals(4, m.get("count").asInt());
    }

    @Test
    void tokenizeErrors() throws Exception {
        HttpResponse<String> r = post("/detokenize", "{\"tokens\":[1,2,99999999]}");
        assertError(400, "out of vocabulary", r.statusCode(), r.body());
        r = post("/detokenize", "{\"prompt\":\"x\"}");
        assertError(400, "give \"tokens\"", r.statusCode(), r.body());
        r = post("/tokenize", "{\"model\":\"m\"}");
        assertError(400, "give \"prompt\" or \"messages\"", r.statusCode(), r.body());
        r = get("/tokenize");
        assertError(405, "use POST", r.statusCode(), r.body());
    }

    @Test
    void anUnknownModelIs404() throws Exception {
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"other\",\"prompt\":\"kalo\",\"max_tokens\":2}");
        assertError(404, "The model `other` does not exist.", r.statusCode(), r.body());
        r = post("/v1/chat/completions", "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertError(404, "does not exist", r.statusCode(), r.body());
    }

    @Test
    void badRequestsAre400() throws Exception {
        HttpResponse<String> r = post("/v1/completions", "{\"model\": \"m\", \"prompt\": ");
        assertError(400, "not valid JSON", r.statusCode(), r.body());
        r = post("/v1/completions", "[1, 2]");
        assertError(400, "must be a JSON object", r.statusCode(), r.body());
        r = post("/v1/completions", "{\"model\":\"m\"}");
        assertError(400, "\"prompt\" is required", r.statusCode(), r.body());
        r = post("/v1/completions", "{\"prompt\":\"kalo\",\"max_tokens\":0}");
        assertError(400, "max_tokens must be a positive integer", r.statusCode(), r.body());
        r = post("/v1/chat/completions", "{\"messages\":[]}");
        assertError(400, "\"messages\" must be a non-empty list", r.statusCode(), r.body());
        // the connection is still usable after errors
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        HttpResponse<String> r = get("/v1/nope");
        assertError(404, "no route for GET /v1/nope", r.statusCode(), r.body());
        r = post("/v2/completions", "{}");
        assertError(404, "no route for POST /v2/completions", r.statusCode(), r.body());
    }

    @Test
    void getOnCompletionsIs405() throws Exception {
        HttpResponse<String> r = get("/v1/completions");
        assertError(405, "use POST", r.statusCode(), r.body());
        r = get("/v1/chat/completions");
        assertError(405, "use POST", r.statusCode(), r.body());
    }

    // ---------------------------------------------------------------- completions

    @Test
    void aNonStreamingCompletionArrivesWhenItsLastTokenIsDue() throws Exception {
        double due = TTFT_MS + (TOKENS - 1) * ITL_MS; // 280 ms
        List<String> tries = new ArrayList<>();
        try (RawHttp c = raw()) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                RawHttp.Sent sent = c.send("POST", "/v1/completions", completionBody(TOKENS, false, false));
                RawHttp.Response r = c.read();
                long seen = System.nanoTime();
                assertTrue(ms(seen - sent.before()) >= due - EARLY_MS,
                        "answer " + ms(seen - sent.before()) + " ms after the request, due at " + due);
                checkNonStreamingBody(r);
                double late = ms(seen - sent.after()) - due;
                if (late <= LATE_MS) {
                    return;
                }
                tries.add(String.format("answer %.2f ms late", late));
                System.out.println("MockServerTest: timed attempt " + (attempt + 1) + " late: " + tries);
            }
        }
        throw new AssertionError("late in every attempt: " + tries);
    }

    static void checkNonStreamingBody(RawHttp.Response r) throws IOException {
        assertEquals(200, r.status());
        assertEquals("application/json", r.header("content-type"));
        JsonNode body = JSON.readTree(r.body());
        assertEquals("text_completion", body.get("object").asText());
        assertTrue(body.get("id").asText().startsWith("cmpl-"));
        assertEquals("m", body.get("model").asText());
        JsonNode choice = body.get("choices").get(0);
        String text = choice.get("text").asText();
        assertTrue(text.startsWith(" "), text);
        assertEquals(TOKENS, text.trim().split(" ").length, text);
        assertEquals(TOKENS, new WordTokenizer().count(text), "every word is one token");
        assertEquals("length", choice.get("finish_reason").asText());
        JsonNode usage = body.get("usage");
        assertEquals(8, usage.get("prompt_tokens").asInt()); // kalo mine ruta + h e l l o
        assertEquals(TOKENS, usage.get("completion_tokens").asInt());
        assertEquals(8 + TOKENS, usage.get("total_tokens").asInt());
    }

    @Test
    void aNonStreamingChatCompletionHasAnAssistantMessage() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chatBody(3, false, false));
        assertEquals(200, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("chat.completion", body.get("object").asText());
        assertTrue(body.get("id").asText().startsWith("chatcmpl-"));
        JsonNode msg = body.get("choices").get(0).get("message");
        assertEquals("assistant", msg.get("role").asText());
        assertEquals(3, msg.get("content").asText().trim().split(" ").length);
        assertEquals(4, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(3, body.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void withoutMaxTokensTheDefaultApplies() throws Exception {
        JsonNode body = JSON.readTree(post("/v1/completions", "{\"prompt\":[1,2,3]}").body());
        assertEquals(16, body.get("usage").get("completion_tokens").asInt());
        assertEquals(3, body.get("usage").get("prompt_tokens").asInt(), "a prompt of token ids counts its ids");
    }

    /**
     * Reads streaming responses and checks token k came at TTFT + k x ITL after the request was
     * sent (see the timing bounds above); returns the events of the last exchange, the last chunk
     * being [DONE].
     */
    List<JsonNode> streamOnSchedule(RawHttp c, String path, String body) throws IOException {
        List<String> tries = new ArrayList<>();
        double[] best = new double[TOKENS];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            RawHttp.Sent sent = c.send("POST", path, body);
            RawHttp.Response r = c.read();
            assertEquals(200, r.status());
            assertEquals("text/event-stream; charset=utf-8", r.header("content-type"));
            assertEquals("chunked", r.header("transfer-encoding"));
            List<RawHttp.Chunk> chunks = r.chunks();
            assertTrue(chunks.size() >= TOKENS + 1, "chunks: " + chunks.size());
            List<String> timing = new ArrayList<>();
            for (int k = 0; k < TOKENS; k++) {
                double due = TTFT_MS + k * ITL_MS;
                double sinceStart = ms(chunks.get(k).nanos() - sent.before());
                double late = ms(chunks.get(k).nanos() - sent.after()) - due;
                best[k] = Math.min(best[k], late);
                timing.add(String.format("token %d: %.2f ms late", k, late));
                assertTrue(sinceStart >= due - EARLY_MS,
                        String.format("token %d at %.2f ms, before its due time %.0f ms", k, sinceStart, due));
            }
            double[] sorted = best.clone();
            java.util.Arrays.sort(sorted);
            double median = (sorted[TOKENS / 2 - 1] + sorted[TOKENS / 2]) / 2;
            List<JsonNode> events = new ArrayList<>();
            for (int i = 0; i < chunks.size() - 1; i++) {
                events.add(event(chunks.get(i)));
            }
            assertEquals("data: [DONE]\n\n", chunks.get(chunks.size() - 1).payload());
            if (sorted[TOKENS - 1] <= LATE_MS && median <= MEDIAN_LATE_MS) {
                return events;
            }
            tries.add(String.join(", ", timing));
            System.out.println("MockServerTest: timed attempt " + (attempt + 1) + " late: " + tries.getLast());
        }
        List<String> bestTiming = new ArrayList<>();
        for (int k = 0; k < TOKENS; k++) {
            bestTiming.add(String.format("token %d: %.2f ms", k, best[k]));
        }
        throw new AssertionError("late even at best over " + ATTEMPTS + " attempts (" + String.join(", ", bestTiming)
                + "): " + String.join(" / ", tries));
    }

    @Test
    void aStreamingCompletionFollowsTheScheduleThenUsageAndDone() throws Exception {
        try (RawHttp c = raw()) {
            List<JsonNode> events = streamOnSchedule(c, "/v1/completions", completionBody(TOKENS, true, true));
            assertEquals(TOKENS + 1, events.size(), "10 tokens and the usage event");
            String id = events.get(0).get("id").asText();
            assertTrue(id.startsWith("cmpl-"), id);
            for (int k = 0; k < TOKENS; k++) {
                JsonNode ev = events.get(k);
                assertEquals(id, ev.get("id").asText());
                assertEquals("text_completion", ev.get("object").asText());
                JsonNode choice = ev.get("choices").get(0);
                assertTrue(choice.get("text").asText().matches(" \\S+"), choice.toString());
                if (k < TOKENS - 1) {
                    assertTrue(choice.get("finish_reason").isNull(), "token " + k);
                } else {
                    assertEquals("length", choice.get("finish_reason").asText());
                }
                assertFalse(ev.has("usage"), "no continuous usage unless asked");
            }
            JsonNode usage = events.get(TOKENS);
            assertEquals(0, usage.get("choices").size());
            assertEquals(8, usage.get("usage").get("prompt_tokens").asInt());
            assertEquals(TOKENS, usage.get("usage").get("completion_tokens").asInt());
            assertEquals(8 + TOKENS, usage.get("usage").get("total_tokens").asInt());
        }
    }

    @Test
    void aStreamingChatCompletionFollowsTheScheduleWithoutUsage() throws Exception {
        try (RawHttp c = raw()) {
            List<JsonNode> events = streamOnSchedule(c, "/v1/chat/completions", chatBody(TOKENS, true, false));
            assertEquals(TOKENS, events.size(), "tokens only: no usage event without include_usage");
            for (int k = 0; k < TOKENS; k++) {
                JsonNode ev = events.get(k);
                assertEquals("chat.completion.chunk", ev.get("object").asText());
                JsonNode delta = ev.get("choices").get(0).get("delta");
                assertEquals(k == 0, delta.has("role"), "role only on the first token");
                assertTrue(delta.get("content").asText().matches(" \\S+"), delta.toString());
                assertFalse(ev.has("usage"));
            }
            assertEquals("length", events.get(TOKENS - 1).get("choices").get(0).get("finish_reason").asText());
        }
    }

    @Test
    void continuousUsageStatsAreSentWhenAsked() throws Exception {
        try (RawHttp c = raw()) {
            c.send("POST", "/v1/completions", "{\"prompt\":\"kalo\",\"max_tokens\":3,\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true,\"continuous_usage_stats\":true}}");
            List<RawHttp.Chunk> chunks = c.read().chunks();
            assertEquals(5, chunks.size());
            for (int k = 0; k < 3; k++) {
                JsonNode usage = event(chunks.get(k)).get("usage");
                assertEquals(1, usage.get("prompt_tokens").asInt());
                assertEquals(k + 1, usage.get("completion_tokens").asInt());
            }
        }
    }

    // ---------------------------------------------------------------- connections

    @Test
    void aKeepAliveConnectionCarriesSeveralRequests() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response first = c.exchange("POST", "/v1/completions", completionBody(3, true, true));
            assertEquals(200, first.status());
            assertEquals(3 + 2, first.chunks().size());
            assertNull(first.header("connection"));
            RawHttp.Response second = c.exchange("POST", "/v1/chat/completions", chatBody(2, false, false));
            assertEquals(200, second.status());
            assertEquals(2, JSON.readTree(second.body()).get("usage").get("completion_tokens").asInt());
            RawHttp.Response third = c.exchange("GET", "/v1/models", null);
            assertEquals("m", JSON.readTree(third.body()).get("data").get(0).get("id").asText());
            assertFalse(c.socket.isInputShutdown());
        }
        JsonNode s = stats();
        assertEquals(1, s.get("streams_started").asLong());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp c = raw()) {
            c.send("POST", "/v1/completions", completionBody(2, true, false));
            c.send("GET", "/health", null);
            c.send("POST", "/tokenize", "{\"prompt\":\"kalo mine\"}");
            RawHttp.Response stream = c.read();
            assertEquals(3, stream.chunks().size());
            assertEquals(200, c.read().status());
            assertEquals(2, JSON.readTree(c.read().body()).get("count").asInt());
        }
    }

    @Test
    void groundTruthSaysHowMuchOfItsCpusTheHostTook() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/stat")),
                "steal time comes from /proc/stat");
        try (RawHttp c = raw()) {
            JsonNode reset = JSON.readTree(c.exchange("POST", "/mock/reset", "").body());
            assertTrue(reset.get("cpu_steal_pct").isNull(), "no figure for a window under a second: " + reset);
            Thread.sleep(1100);
            JsonNode stats = JSON.readTree(c.exchange("GET", "/mock/stats", null).body());
            assertTrue(stats.get("cpu_steal_pct").isNumber(), stats.toString());
            assertTrue(stats.get("cpu_steal_pct").asDouble() >= 0);
        }
    }

    /**
     * /metrics counts a warm-up as any request, as vLLM counts everything; the ground truth
     * leaves it out. Streamed and whole answers alike.
     */
    @ParameterizedTest(name = "stream {0}")
    @ValueSource(booleans = {true, false})
    void prometheusCountersCountWarmUpsAsAnyRequestTheGroundTruthDoesNot(boolean stream) throws Exception {
        try (RawHttp c = raw()) {
            assertEquals(200, c.exchange("POST", "/v1/completions", completionBody(3, stream, false),
                    "x-bench-warmup: 1").status());
            assertEquals(200, c.exchange("POST", "/v1/completions", completionBody(5, stream, false)).status());
        }
        Map<String, Double> m = bench.metrics.PrometheusText.parse(get("/metrics").body());
        String l = "{model_name=\"m\"}";
        assertEquals(8.0 + 8, m.get("vllm:prompt_tokens_total" + l), "both prompts of 8 tokens");
        assertEquals(3.0 + 5, m.get("vllm:generation_tokens_total" + l));
        assertEquals(2.0, m.get("vllm:request_success_total{model_name=\"m\",finished_reason=\"length\"}"));
        assertEquals(2.0, m.get("vllm:time_to_first_token_seconds_count" + l));
        assertEquals(2.0, m.get("vllm:e2e_request_latency_seconds_count" + l));
        assertEquals(stream ? 2.0 + 4 : 0.0, m.get("vllm:inter_token_latency_seconds_count" + l));
        JsonNode truth = stats();
        assertEquals(1, truth.get("warmup_requests").asInt());
        assertEquals(2, truth.get("requests").asInt());
        assertEquals(8, truth.get("prompt_tokens").asInt());
        assertEquals(5, truth.get("tokens_sent").asInt());
        assertEquals(1, truth.get("finished").asInt());
        assertEquals(1, truth.get("ttft_ms").get("count").asInt());
    }

    @Test
    void headerNamesMatchInAnyCaseAndWithBlanks() throws Exception {
        try (RawHttp c = raw()) {
            // a warm-up request is served but kept out of the ground truth
            RawHttp.Response r = c.exchange("POST", "/v1/completions", completionBody(2, true, true),
                    "X-BENCH-Warmup : 1", "x-unknown-header: 7", "x-bench-warmupx: no");
            assertEquals(200, r.status());
            JsonNode stats = JSON.readTree(c.exchange("GET", "/mock/stats", null).body());
            assertEquals(1, stats.get("warmup_requests").asInt());
            assertEquals(0, stats.get("ttft_ms").get("count").asInt(), "warm-up left out of the ground truth");
            r = c.exchange("POST", "/v1/completions", completionBody(2, true, true), "x-bench-warmupx: no");
            assertEquals(200, r.status());
            stats = JSON.readTree(c.exchange("GET", "/mock/stats", null).body());
            assertEquals(1, stats.get("warmup_requests").asInt(), "a longer name is another header");
            assertEquals(1, stats.get("ttft_ms").get("count").asInt());
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("GET", "/health", null, "CONNECTION:   Close  ");
            assertEquals(200, r.status());
            assertTrue(c.closedByPeer(), "Connection: close in capitals");
        }
    }

    @Test
    void connectionCloseClosesAfterTheResponse() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("GET", "/health", null, "Connection: close");
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer(), "closed after a plain response");
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("POST", "/v1/completions", completionBody(3, true, true), "Connection: close");
            assertEquals("close", r.header("connection"));
            assertEquals(5, r.chunks().size());
            assertTrue(c.closedByPeer(), "closed after a stream");
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("POST", "/v1/completions", completionBody(2, false, false),
                    "Connection: close");
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer(), "closed after a non-streaming answer");
        }
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("GET", "/nope", null, "Connection: close");
            assertEquals(404, r.status());
            assertTrue(c.closedByPeer(), "closed after an error");
        }
    }

    @Test
    void statsCountStreamsTokensAndLatenessAndResetZeroesThem() throws Exception {
        JsonNode s0 = stats();
        assertEquals(0, s0.get("streams_started").asLong());
        assertEquals(0, s0.get("tokens_sent").asLong());
        assertEquals(0, s0.get("lateness_ms").get("count").asLong());
        assertEquals(TTFT_MS, s0.get("ttft_ms_config").asDouble());
        assertEquals(ITL_MS, s0.get("itl_ms_config").asDouble());
        assertEquals(0, s0.get("ttft_ms").get("count").asLong());
        assertEquals(1, s0.get("open_connections").asInt(), "the stats request's own connection");

        try (RawHttp c = raw()) {
            assertEquals(TOKENS + 2, c.exchange("POST", "/v1/completions", completionBody(TOKENS, true, true))
                    .chunks().size());
            assertEquals(200, c.exchange("POST", "/v1/chat/completions", chatBody(5, false, false)).status());
        }
        JsonNode s = stats();
        assertEquals(1, s.get("streams_started").asLong());
        assertEquals(TOKENS + 5, s.get("tokens_sent").asLong());
        long count = s.get("lateness_ms").get("count").asLong();
        // one lateness sample per scheduled send: up to one per streamed token, one for the whole answer
        assertTrue(count >= 2 && count <= TOKENS + 1, "lateness count " + count);
        assertTrue(s.get("lateness_ms").get("max").asDouble() >= 0);
        assertTrue(s.get("lateness_ms").get("p50").asDouble() < LATE_MS, s.toString());
        // ground truth from the server's own send times: one TTFT per answer, gaps only inside streams
        assertEquals(2, s.get("ttft_ms").get("count").asLong());
        assertTrue(s.get("ttft_ms").get("p50").asDouble() >= TTFT_MS, s.toString());
        assertEquals(TOKENS - 1, s.get("itl_ms").get("count").asLong(), s.toString());
        assertEquals(0, s.get("active_streams").asInt());
        // the loop's own work: some per token written, and far from all of its time (it mostly
        // waited for the stream's tokens to fall due)
        double loopUs = s.get("loop_us_per_token").asDouble();
        assertTrue(loopUs > 0 && loopUs < 1e5, s.toString());
        double busy = s.get("loop_busy_pct").asDouble();
        assertTrue(busy > 0 && busy < 50, s.toString());
        assertTrue(s.get("process_cpu_ms").asDouble() > 0, s.toString());

        try (RawHttp c = raw()) {
            assertEquals(405, c.exchange("GET", "/mock/reset", null).status());
            RawHttp.Response r = c.exchange("POST", "/mock/reset", "{}");
            assertEquals(200, r.status());
            JsonNode z = JSON.readTree(r.body());
            assertEquals(0, z.get("streams_started").asLong());
            assertEquals(0, z.get("tokens_sent").asLong());
            assertEquals(0, z.get("lateness_ms").get("count").asLong());
            assertTrue(z.get("loop_us_per_token").isNull(), "no tokens since the reset: " + z);
        }
        JsonNode after = stats();
        assertEquals(0, after.get("streams_started").asLong());
        assertEquals(0, after.get("tokens_sent").asLong());
        assertEquals(0, after.get("lateness_ms").get("count").asLong());
        assertEquals(0, server.streamsStarted());
        assertEquals(0, server.tokensSent());
    }

    @Test
    void aClientThatLeavesMidStreamDoesNotBreakTheServer() throws Exception {
        long started = System.nanoTime();
        try (RawHttp c = raw()) {
            // 500 tokens would take 10 s; leave after three
            c.send("POST", "/v1/completions", completionBody(500, true, true));
            List<RawHttp.Chunk> three = c.readHeadAndChunks(3);
            assertEquals(3, three.size());
            c.socket.setSoLinger(true, 0); // reset, as a killed client would
        }
        // the server notices, drops the stream and the connection
        JsonNode s = stats();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while ((s.get("active_streams").asInt() != 0 || s.get("open_connections").asInt() != 1)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = stats();
        }
        assertEquals(0, s.get("active_streams").asInt(), s.toString());
        assertEquals(1, s.get("open_connections").asInt(), s.toString());
        long sentThen = s.get("tokens_sent").asLong();
        assertTrue(sentThen < 500, "tokens sent: " + sentThen);

        // and serves the next client
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("POST", "/v1/completions", completionBody(TOKENS, true, true));
            assertEquals(200, r.status());
            assertEquals(TOKENS + 2, r.chunks().size());
            assertEquals(TOKENS, event(r.chunks().get(TOKENS)).get("usage").get("completion_tokens").asInt());
            assertEquals("data: [DONE]\n\n", r.chunks().get(TOKENS + 1).payload());
        }
        assertEquals(2, stats().get("streams_started").asLong());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "did not wait for the 500 tokens");
    }

    @Test
    void http10RequestsAreAnsweredAndClosed() throws Exception {
        try (RawHttp c = raw()) {
            c.writeRaw("GET /health HTTP/1.0\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals(200, r.status());
            assertTrue(c.closedByPeer());
        }
    }

    @Test
    void aRequestSplitAcrossWritesAndALargeBodyAreRead() throws Exception {
        try (RawHttp c = raw()) {
            String body = "{\"prompt\":\"kalo mine ruta\"}";
            c.writeRaw("POST /tokenize HTTP/1.1\r\nhost: x\r\ncontent-le");
            Thread.sleep(30);
            c.writeRaw("ngth: " + body.length() + "\r\n\r\n{\"prompt\":");
            Thread.sleep(30);
            c.writeRaw(body.substring(10));
            RawHttp.Response r = c.read();
            assertEquals(200, r.status(), r.body());
            assertEquals(3, JSON.readTree(r.body()).get("count").asInt());

            // 100,000 words: far more than one read buffer
            String big = "kalo ".repeat(100_000);
            RawHttp.Response rb = c.exchange("POST", "/tokenize", "{\"prompt\":\"" + big + "\"}");
            assertEquals(200, rb.status());
            assertEquals(100_000, JSON.readTree(rb.body()).get("count").asInt());
        }
    }

    @Test
    void maxCompletionTokensWinsAndOnlyNOfOneIsServed() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"max_completion_tokens\":2,\"max_tokens\":5}");
        assertEquals(200, r.statusCode());
        assertEquals(2, JSON.readTree(r.body()).get("usage").get("completion_tokens").asInt());
        r = post("/v1/completions", "{\"prompt\":\"x\",\"max_tokens\":2,\"n\":2}");
        assertError(400, "n=1 only", r.statusCode(), r.body());
    }

    @Test
    void chunkedRequestBodiesAreRefusedAndTheConnectionClosed() throws Exception {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.exchange("POST", "/v1/completions", null, "transfer-encoding: chunked");
            assertError(411, "send Content-Length", r.status(), r.body());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer());
        }
    }
}
