package bench.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way a streamed request can fail, served by WireMock stubs: bench run must count every
 * request as failed with the right kind and reason, list them, and exit non-zero.
 */
@Timeout(120)
class FailureKindsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int N = 4;
    private static final int MAX_TOKENS = 3;
    static WireMockServer wiremock;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startWireMock() {
        wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wiremock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wiremock.stop();
    }

    @BeforeEach
    void reset() {
        wiremock.resetAll();
    }

    static String token(String text, int completionTokens) {
        return "data: {\"id\":\"c\",\"object\":\"text_completion\",\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\""
                + text + "\",\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":"
                + completionTokens + "}}\n\n";
    }

    static String usage(int completionTokens) {
        return "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":"
                + completionTokens + ",\"total_tokens\":" + (8 + completionTokens) + "}}\n\n";
    }

    static String tokens(int n) {
        StringBuilder sb = new StringBuilder();
        for (int k = 1; k <= n; k++) {
            sb.append(token(" w" + k, k));
        }
        return sb.toString();
    }

    static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("http_error", aResponse().withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"engine overloaded\",\"code\":500}}"),
                        "HTTP 500: {\"error\":{\"message\":\"engine overloaded\""),
                Arguments.of("http_error", aResponse().withStatus(429).withBody("slow down"), "HTTP 429: slow down"),
                Arguments.of("connection_cut", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), "connection"),
                Arguments.of("connection_cut", aResponse().withFault(Fault.EMPTY_RESPONSE),
                        "connection closed by the server before the status line"),
                // status 200, then garbage without a line end, then close: a cut stream
                Arguments.of("connection_cut", aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
                        "connection closed by the server after 0 tokens"),
                Arguments.of("inband_error", sse(tokens(1)
                        + "data: {\"error\":{\"message\":\"KV cache transfer failed\",\"code\":500}}\n\n"
                        + "data: [DONE]\n\n"), "KV cache transfer failed"),
                Arguments.of("inband_error", sse(tokens(1) + "event: error\ndata: {\"message\":\"aborted\"}\n\n"),
                        "aborted"),
                Arguments.of("malformed", sse(tokens(1) + "data: {\"choices\":[{\"text\":\"x\"\n\ndata: [DONE]\n\n"),
                        "malformed event"),
                Arguments.of("missing_done", sse(tokens(MAX_TOKENS) + usage(MAX_TOKENS)),
                        "without data: [DONE] after 3 tokens"),
                Arguments.of("no_tokens", sse(usage(0) + "data: [DONE]\n\n"), "no tokens"),
                Arguments.of("short_output", sse(tokens(2) + usage(2) + "data: [DONE]\n\n"),
                        "got 2 output tokens of max_tokens 3"),
                Arguments.of("timeout", sse(tokens(MAX_TOKENS) + usage(MAX_TOKENS) + "data: [DONE]\n\n")
                        .withFixedDelay(5000), "within the request timeout"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("failures")
    void everyRequestFailsWithItsKindAndReason(String kind, ResponseDefinitionBuilder response, String reason)
            throws Exception {
        wiremock.stubFor(post(urlEqualTo("/v1/completions")).willReturn(response));
        CliRunner.Result r = run();
        assertEquals(1, r.exitCode(), r.out() + r.err());
        JsonNode j = JSON.readTree(tmp.resolve("r.json").toFile());
        assertEquals(0, j.get("completed").asInt(), r.out());
        assertEquals(N, j.get("failed").asInt());
        assertEquals(N, j.path("failures_by_kind").path(kind).asInt(), j.get("failures").toString());
        assertEquals(N, j.get("failures").size());
        List<Integer> indexes = new ArrayList<>();
        for (JsonNode f : j.get("failures")) {
            assertEquals(kind, f.get("kind").asText());
            assertTrue(f.get("detail").asText().contains(reason), f.get("detail").asText());
            indexes.add(f.get("index").asInt());
        }
        assertEquals(List.of(0, 1, 2, 3), indexes.stream().sorted().toList());
        assertTrue(r.out().contains("Failed requests:                         " + N), r.out());
        assertTrue(r.out().contains(kind + ":"), r.out());
        String err = r.err().strip();
        assertTrue(err.contains("bench: error: no request succeeded (" + N + " failed; first: " + kind), err);
        // the latency histograms hold no failed request
        assertEquals(0, j.get("count_ttft").asInt());
    }

    @Test
    void successOverWireMockCountsEveryToken() throws Exception {
        wiremock.stubFor(post(urlEqualTo("/v1/completions"))
                .willReturn(sse(tokens(MAX_TOKENS) + usage(MAX_TOKENS) + "data: [DONE]\n\n")));
        CliRunner.Result r = run();
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode j = JSON.readTree(tmp.resolve("r.json").toFile());
        assertEquals(N, j.get("completed").asInt());
        assertEquals(N * MAX_TOKENS, j.get("total_output_tokens").asInt());
        assertEquals(N * 8, j.get("total_input_tokens").asInt());
        // the request carried what vLLM's benchmark sends
        var requests = wiremock.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlEqualTo("/v1/completions")));
        assertEquals(N, requests.size());
        JsonNode body = JSON.readTree(requests.get(0).getBodyAsString());
        assertEquals("m", body.get("model").asText());
        assertEquals(MAX_TOKENS, body.get("max_tokens").asInt());
        assertTrue(body.get("stream").asBoolean());
        assertTrue(body.get("stream_options").get("include_usage").asBoolean());
        assertTrue(body.get("ignore_eos").asBoolean());
        assertEquals("Bearer sk-test", requests.get(0).getHeader("Authorization"));
        assertEquals("yes", requests.get(0).getHeader("X-Extra"));
        assertTrue(requests.get(0).getHeader("x-request-id").startsWith("t-"));
    }

    @Test
    void someFailSomeSucceed() throws Exception {
        // half the requests go to a failing stub (by request id), the rest succeed
        wiremock.stubFor(post(urlEqualTo("/v1/completions"))
                .willReturn(sse(tokens(MAX_TOKENS) + usage(MAX_TOKENS) + "data: [DONE]\n\n")));
        wiremock.stubFor(post(urlEqualTo("/v1/completions"))
                .withHeader("x-request-id", com.github.tomakehurst.wiremock.client.WireMock.matching("t-[13]"))
                .atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("draining")));
        CliRunner.Result r = run();
        assertEquals(1, r.exitCode());
        JsonNode j = JSON.readTree(tmp.resolve("r.json").toFile());
        assertEquals(2, j.get("completed").asInt());
        assertEquals(2, j.get("failed").asInt());
        assertEquals(2, j.get("failures_by_kind").get("http_error").asInt());
        assertTrue(r.err().contains("2 of 4 requests failed"), r.err());
        assertEquals(2 * MAX_TOKENS, j.get("total_output_tokens").asInt());
    }

    private CliRunner.Result run() {
        String tokenizer = Path.of("src/test/resources/tokenizers/wordlevel-tokenizer.json").toString();
        return CliRunner.run(CliRunner.env(java.util.Map.of("OPENAI_API_KEY", "sk-test")), "run",
                "--base-url", "http://127.0.0.1:" + wiremock.port(), "--model", "m", "--tokenizer", tokenizer,
                "--input-len", "8", "--output-len", String.valueOf(MAX_TOKENS), "--num-prompts", String.valueOf(N),
                "--request-timeout", "1", "--request-id-prefix", "t-", "--header", "X-Extra=yes",
                "--no-self-warmup", "--no-progress", "--save-result", "--result-dir", tmp.toString(),
                "--result-filename", "r.json");
    }
}
