package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestEncoderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Endpoint EP = Endpoint.parse("http://h:8000/base");
    static final String PROMPT = "plain, \"quoted\", back\\slash, tab\t, newline\n, ctrl\u0001, é, 日本, 😀";

    static ObjectNode extra(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void splicedBodiesEqualTheJsonTree() throws Exception {
        for (String path : new String[] {"/v1/completions", "/v1/chat/completions"}) {
            for (boolean eos : new boolean[] {false, true}) {
                for (String ex : new String[] {"{}", "{\"temperature\":0.5,\"top_k\":3,\"x\":{\"y\":[1,\"a\"]}}"}) {
                    RequestEncoder e = new RequestEncoder(EP, path, "org/m\"odel", Map.of(), eos, true, extra(ex));
                    JsonNode spliced = JSON.readTree(e.bodyBytes(PROMPT, 77));
                    assertEquals(e.body(PROMPT, 77), spliced, path + " eos " + eos + " extra " + ex);
                }
            }
        }
    }

    @Test
    void anExtraBodyOverridingOurFieldsWins() throws Exception {
        RequestEncoder e = new RequestEncoder(EP, "/v1/completions", "m", Map.of(), true, true,
                extra("{\"max_tokens\":5,\"stream_options\":{\"include_usage\":false}}"));
        JsonNode b = JSON.readTree(e.bodyBytes("p", 77));
        assertEquals(5, b.get("max_tokens").asInt());
        assertEquals(false, b.get("stream_options").get("include_usage").asBoolean());
        assertEquals(1, b.get("stream_options").size());
    }

    @Test
    void theRequestHasItsHeadersAndLength() throws Exception {
        RequestEncoder e = new RequestEncoder(EP, "/v1/completions", "m", Map.of("Authorization", "Bearer k"), true,
                false, null);
        String req = new String(e.encode(PROMPT, 3, "id-7", true), StandardCharsets.UTF_8);
        String head = req.substring(0, req.indexOf("\r\n\r\n"));
        String body = req.substring(req.indexOf("\r\n\r\n") + 4);
        assertTrue(head.startsWith("POST /base/v1/completions HTTP/1.1\r\nHost: h:8000\r\n"), head);
        assertTrue(head.contains("\r\nAuthorization: Bearer k\r\n"), head);
        assertTrue(head.contains("\r\nx-request-id: id-7\r\nx-bench-warmup: 1\r\n"), head);
        assertTrue(head.endsWith("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length), head);
        assertEquals(PROMPT, JSON.readTree(body).get("prompt").asText());
        assertTrue(!new String(e.encode("p", 3, "id-8"), StandardCharsets.UTF_8).contains("x-bench-warmup"));
    }
}
