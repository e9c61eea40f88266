package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    static String modelOf(byte[] request) throws Exception {
        String text = new String(request, StandardCharsets.UTF_8);
        return JSON.readTree(text.substring(text.indexOf("\r\n\r\n") + 4)).get("model").asText();
    }

    @Test
    void loraModulesAreTakenInTurnOrBySeededDraw() throws Exception {
        List<String> lora = List.of("a", "b", "c");
        for (String ex : new String[] {"{}", "{\"model\":\"x\",\"max_tokens\":1}"}) { // spliced and tree paths
            RequestEncoder rr = new RequestEncoder(EP, "/v1/completions", lora, true, 0, Map.of(), true, true,
                    extra(ex));
            for (int i = 0; i < 7; i++) {
                String expected = ex.equals("{}") ? lora.get(i % 3) : "x"; // an extra body's model wins
                assertEquals(expected, modelOf(rr.encode(i, "p", 4, "id")), "request " + i);
                assertEquals(lora.get(i % 3), rr.modelFor(i));
            }
        }
        RequestEncoder drawn = new RequestEncoder(EP, "/v1/completions", lora, false, 42, Map.of(), true, true, null);
        RequestEncoder again = new RequestEncoder(EP, "/v1/completions", lora, false, 42, Map.of(), true, true, null);
        RequestEncoder other = new RequestEncoder(EP, "/v1/completions", lora, false, 43, Map.of(), true, true, null);
        Map<String, Integer> counts = new HashMap<>();
        List<String> first = new ArrayList<>();
        List<String> otherSeed = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String m = modelOf(drawn.encode(i, "p", 4, "id"));
            assertEquals(again.modelFor(i), m, "the draw depends on the seed and the index only");
            counts.merge(m, 1, Integer::sum);
            if (i < 50) {
                first.add(m);
                otherSeed.add(other.modelFor(i));
            }
        }
        assertEquals(3, counts.size());
        counts.values().forEach(n -> assertTrue(n > 850 && n < 1150, counts.toString()));
        assertTrue(!first.equals(otherSeed), "another seed, other draws");
        // one model: every request carries it, warm-ups too
        RequestEncoder one = new RequestEncoder(EP, "/v1/completions", "m", Map.of(), true, true, null);
        assertEquals("m", modelOf(one.encode(5, "p", 4, "id")));
        assertEquals("a", modelOf(drawn.encode("p", 4, "warm", true)));
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
