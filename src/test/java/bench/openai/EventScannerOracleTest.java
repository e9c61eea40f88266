package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random OpenAI-shaped events, scanned by {@link EventScanner} and read by Jackson's tree
 * model as an independent oracle: every field must agree on well-formed JSON, and a cut or
 * corrupted event must be flagged malformed exactly when Jackson rejects it.
 */
class EventScannerOracleTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String[] TOP_KEYS = {"id", "object", "created", "model", "choices", "usage", "error",
        "system_fingerprint", "x"};
    private static final String[] CHOICE_KEYS = {"index", "text", "delta", "message", "finish_reason",
        "stop_reason", "logprobs", "error"};
    private static final String[] DELTA_KEYS = {"role", "content", "reasoning_content", "reasoning", "tool_calls",
        "usage"};
    private static final String[] USAGE_KEYS = {"prompt_tokens", "completion_tokens", "total_tokens",
        "prompt_tokens_details", "choices"};

    private final EventScanner scanner = new EventScanner();
    private final EventFields fields = new EventFields();

    @Test
    void agreesWithJacksonOnRandomEvents() throws Exception {
        Random rnd = new Random(20261121);
        int errors = 0;
        int content = 0;
        for (int n = 0; n < 20_000; n++) {
            String json = top(rnd);
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            scanner.scan(b, b.length, fields);
            Expected e = expected(JSON.readTree(json));
            String what = "case " + n + ": " + json;
            assertFalse(fields.malformed, what);
            assertFalse(fields.done, what);
            assertEquals(e.error, fields.error, what);
            assertEquals(e.choices, fields.choices, what);
            assertEquals(e.hasContent, fields.hasContent, what);
            assertEquals(e.finished, fields.finished, what);
            assertEquals(e.completionTokens, fields.completionTokens, what);
            assertEquals(e.promptTokens, fields.promptTokens, what);
            if (e.errorValue != null) {
                JsonNode read = JSON.readTree(new String(b, fields.errorFrom, fields.errorLen, StandardCharsets.UTF_8));
                assertEquals(e.errorValue, read, what);
            }
            errors += e.error ? 1 : 0;
            content += e.hasContent ? 1 : 0;
        }
        // the generator reaches both sides of the interesting fields
        assertTrue(errors > 1000 && errors < 19_000, "errors " + errors);
        assertTrue(content > 1000 && content < 19_000, "content " + content);
    }

    @Test
    void flagsCutAndCorruptedEventsExactlyWhenJacksonRejectsThem() throws Exception {
        Random rnd = new Random(7);
        int rejected = 0;
        int accepted = 0;
        String structural = "{}[]\":, \n\t\r";
        String replacements = "{}[]\":,x \n\u0001";
        for (int n = 0; n < 20_000; n++) {
            byte[] b = top(rnd).getBytes(StandardCharsets.UTF_8);
            byte[] bad;
            if (rnd.nextBoolean()) {
                bad = Arrays.copyOf(b, rnd.nextInt(b.length)); // cut anywhere: never a whole object
            } else {
                // one structural byte (bracket, quote, colon, comma, blank) replaced by another or by
                // junk; digits and escapes are left alone, where the scanner is knowingly lenient
                bad = b.clone();
                int at = rnd.nextInt(bad.length);
                while (structural.indexOf(bad[at]) < 0) {
                    at = (at + 1) % bad.length;
                }
                bad[at] = (byte) replacements.charAt(rnd.nextInt(replacements.length()));
            }
            JsonNode tree;
            try {
                tree = JSON.readTree(bad);
            } catch (IOException e) {
                tree = null;
            }
            scanner.scan(bad, bad.length, fields);
            String what = "case " + n + ": " + printable(bad);
            if (tree == null || !tree.isObject()) {
                rejected++;
                assertTrue(fields.malformed, what);
            } else {
                accepted++;
                assertFalse(fields.malformed, what);
                assertEquals(expected(tree).choices, fields.choices, what);
            }
        }
        assertTrue(rejected > 10_000 && accepted > 500, "rejected " + rejected + ", accepted " + accepted);
    }

    private static String printable(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
                .replace("\u0001", "\\u0001");
    }

    // ---- the generator ----

    private static String top(Random rnd) {
        return object(rnd, TOP_KEYS, 0, (key, r) -> switch (key) {
            case "choices" -> r.nextInt(10) == 0 ? "null" : array(r, 1 + r.nextInt(1 + (r.nextInt(4) == 0 ? 3 : 0)),
                    i -> i == 0 && r.nextInt(8) != 0 ? choice(r) : value(r, 2));
            case "usage" -> r.nextInt(4) == 0 ? value(r, 1) : object(r, USAGE_KEYS, 1, EventScannerOracleTest::count);
            case "error" -> r.nextInt(3) == 0 ? "null" : value(r, 1);
            case "object" -> r.nextInt(4) == 0 ? "\"error\"" : r.nextBoolean() ? "\"text_completion\"" : value(r, 1);
            default -> value(r, 1);
        });
    }

    private static String choice(Random rnd) {
        return object(rnd, CHOICE_KEYS, 2, (key, r) -> switch (key) {
            case "text" -> r.nextInt(4) == 0 ? "\"\"" : r.nextInt(5) == 0 ? value(r, 3) : string(r);
            case "delta", "message" -> r.nextInt(5) == 0 ? value(r, 3) : object(r, DELTA_KEYS, 3, (k, q) -> switch (k) {
                case "tool_calls" -> q.nextInt(3) == 0 ? "[ ]" : value(q, 4);
                case "content", "reasoning_content", "reasoning" -> q.nextInt(3) == 0 ? "\"\"" : q.nextInt(4) == 0
                        ? "null" : string(q);
                default -> value(q, 4);
            });
            case "finish_reason" -> r.nextBoolean() ? "null" : r.nextBoolean() ? "\"length\"" : value(r, 3);
            default -> value(r, 3);
        });
    }

    private static String count(String key, Random rnd) {
        if (!key.endsWith("_tokens")) {
            return value(rnd, 2);
        }
        return rnd.nextInt(6) == 0 ? "null" : Long.toString(rnd.nextInt(4) == 0 ? rnd.nextInt(10) : rnd.nextInt(1 << 30));
    }

    private interface Member {
        String value(String key, Random rnd);
    }

    private static String object(Random rnd, String[] keys, int depth, Member member) {
        List<String> pick = new ArrayList<>(List.of(keys));
        Collections.shuffle(pick, rnd);
        int n = rnd.nextInt(keys.length + 1);
        StringBuilder sb = new StringBuilder("{").append(ws(rnd));
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',').append(ws(rnd));
            }
            sb.append('"').append(pick.get(i)).append('"').append(ws(rnd)).append(':').append(ws(rnd))
                    .append(member.value(pick.get(i), rnd)).append(ws(rnd));
        }
        return sb.append('}').toString();
    }

    private interface Element {
        String at(int index);
    }

    private static String array(Random rnd, int n, Element element) {
        StringBuilder sb = new StringBuilder("[").append(ws(rnd));
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',').append(ws(rnd));
            }
            sb.append(element.at(i)).append(ws(rnd));
        }
        return sb.append(']').toString();
    }

    /** Any JSON value, nesting less the deeper it already is. */
    private static String value(Random rnd, int depth) {
        int kind = rnd.nextInt(depth > 5 ? 6 : 8);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> rnd.nextBoolean() ? "true" : "false";
            case 2 -> Long.toString(rnd.nextLong() % 100_000);
            case 3 -> rnd.nextInt(1000) + "." + rnd.nextInt(1000) + (rnd.nextBoolean() ? "e-" + rnd.nextInt(9) : "");
            case 4, 5 -> string(rnd);
            case 6 -> array(rnd, rnd.nextInt(4), i -> value(rnd, depth + 1));
            default -> object(rnd, new String[] {"a", "text", "content", "usage", "error", "choices"}, depth + 1,
                    (k, r) -> value(r, depth + 2));
        };
    }

    /** A string with escapes, key-like text and non-ASCII, never empty. */
    private static String string(Random rnd) {
        String[] parts = {"a", " hello", "\\\"", "\\\\", "\\n", "\\u00e9", "caf\u00e9", "\u4e2d", "\\\"choices\\\":[",
            "\\\"usage\\\":{\\\"completion_tokens\\\":5}", "[DONE]", "{", "}", ",", ":", "\\/"};
        StringBuilder sb = new StringBuilder("\"");
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(parts[rnd.nextInt(parts.length)]);
        }
        return sb.append('"').toString();
    }

    private static String ws(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> " ";
            case 1 -> "\n\t ";
            case 2 -> "\r\n";
            default -> "";
        };
    }

    // ---- the oracle ----

    private record Expected(boolean error, JsonNode errorValue, int choices, boolean hasContent, boolean finished,
            long completionTokens, long promptTokens) {}

    private static Expected expected(JsonNode top) {
        JsonNode err = top.get("error");
        boolean error = (err != null && !err.isNull()) || (top.path("object").isTextual()
                && top.get("object").asText().equals("error"));
        JsonNode errorValue = err != null && !err.isNull() ? err : null;
        JsonNode choices = top.get("choices");
        int n = choices != null && choices.isArray() ? choices.size() : 0;
        boolean content = false;
        boolean finished = false;
        if (n > 0 && choices.get(0).isObject()) {
            JsonNode c0 = choices.get(0);
            content = nonEmptyString(c0.get("text"));
            for (String d : new String[] {"delta", "message"}) {
                JsonNode delta = c0.get(d);
                if (delta != null && delta.isObject()) {
                    content |= nonEmptyString(delta.get("content")) || nonEmptyString(delta.get("reasoning_content"))
                            || nonEmptyString(delta.get("reasoning"));
                    JsonNode tools = delta.get("tool_calls");
                    content |= tools != null && tools.isArray() && !tools.isEmpty();
                }
            }
            finished = c0.path("finish_reason").isTextual();
        }
        JsonNode usage = top.get("usage");
        long completion = -1;
        long prompt = -1;
        if (usage != null && usage.isObject()) {
            completion = usage.has("completion_tokens") && !usage.get("completion_tokens").isNull()
                    ? usage.get("completion_tokens").asLong() : -1;
            prompt = usage.has("prompt_tokens") && !usage.get("prompt_tokens").isNull()
                    ? usage.get("prompt_tokens").asLong() : -1;
        }
        return new Expected(error, errorValue, n, content, finished, completion, prompt);
    }

    private static boolean nonEmptyString(JsonNode n) {
        return n != null && n.isTextual() && !n.asText().isEmpty();
    }
}
