package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reading an event through its stream's shape must give exactly what a full walk gives: random
 * streams of events that share a shape (their text and usage counts vary, sometimes their other
 * bytes too, sometimes they are cut or corrupted) are scanned with a shape and by a second
 * scanner without one, and every field must agree on every event.
 */
class EventScannerShapeTest {

    private final EventScanner shaped = new EventScanner();
    private final EventScanner plain = new EventScanner();
    private final EventFields got = new EventFields();
    private final EventFields want = new EventFields();

    @Test
    void readsVllmEventsByComparisonAfterTheFirst() {
        EventScanner.Shape shape = new EventScanner.Shape();
        String[] words = {" the", "", " caf\u00e9", " \\\"quoted\\\"", " a\\nb", " \\u00e9t\\u00e9"};
        for (int k = 0; k < 60; k++) {
            String text = words[k % words.length];
            byte[] b = vllm(text, "null", "{\"prompt_tokens\":128,\"total_tokens\":" + (129 + k)
                    + ",\"completion_tokens\":" + (k + 1) + "}");
            shaped.scan(b, 0, b.length, got, shape);
            assertFalse(got.malformed);
            assertEquals(1, got.choices);
            assertEquals(!text.isEmpty(), got.hasContent, text);
            assertEquals(k + 1, got.completionTokens);
            assertEquals(128, got.promptTokens);
            assertFalse(got.finished);
        }
        assertEquals(59, shaped.shapeHits, "every event after the first is read through the shape");

        // the last token event differs outside the holes: read in full
        byte[] last = vllm(" end", "\"length\"", "{\"prompt_tokens\":128,\"total_tokens\":189,\"completion_tokens\":61}");
        shaped.scan(last, 0, last.length, got, shape);
        assertTrue(got.finished);
        assertEquals(61, got.completionTokens);
        assertEquals(59, shaped.shapeHits);
    }

    @Test
    void holesTakeOnlyWhatAFullWalkWouldReadTheSameWay() {
        EventScanner.Shape shape = new EventScanner.Shape();
        byte[] first = vllm(" a", "null", "{\"prompt_tokens\":5,\"completion_tokens\":1}");
        shaped.scan(first, 0, first.length, got, shape);
        String[][] cases = {
            // text, usage: each must be read exactly as the full walk reads it
            {"\"\\\"\"", "{\"prompt_tokens\":5,\"completion_tokens\":2}"},
            {"\"x", "{\"prompt_tokens\":5,\"completion_tokens\":2}"},
            {"null", "{\"prompt_tokens\":5,\"completion_tokens\":2}"},
            {"\" b\"", "{\"prompt_tokens\":5,\"completion_tokens\":null}"},
            {"\" b\"", "{\"prompt_tokens\":5,\"completion_tokens\":2.0}"},
            {"\" b\"", "{\"prompt_tokens\":5,\"completion_tokens\":-2}"},
            {"\" b\"", "{\"prompt_tokens\":5,\"completion_tokens\":1234567890123456789}"},
            {"\" b\"", "{\"prompt_tokens\":5,\"completion_tokens\":2}}"},
            {"\" b\\q\"", "{\"prompt_tokens\":5,\"completion_tokens\":2}"},
            {"\" b\u0001\"", "{\"prompt_tokens\":5,\"completion_tokens\":2}"},
        };
        for (String[] c : cases) {
            byte[] b = raw(c[0], "null", c[1]);
            shaped.scan(b, 0, b.length, got, shape);
            plain.scan(b, 0, b.length, want);
            assertSame(want, got, new String(b, StandardCharsets.UTF_8));
        }
    }

    @Test
    void anEventCutAnywhereIsReadAsTheFullWalkReadsIt() {
        byte[] first = vllm(" a", "null", "{\"prompt_tokens\":5,\"completion_tokens\":1}");
        byte[] next = vllm(" b\\\\c\\u00e9", "null", "{\"prompt_tokens\":5,\"completion_tokens\":2}");
        for (int cut = 0; cut <= next.length; cut++) {
            EventScanner.Shape shape = new EventScanner.Shape();
            shaped.scan(first, 0, first.length, got, shape);
            byte[] b = java.util.Arrays.copyOf(next, cut); // ends where the event was cut
            shaped.scan(b, 0, b.length, got, shape);
            plain.scan(b, 0, b.length, want);
            assertSame(want, got, new String(b, StandardCharsets.UTF_8));
        }
        assertEquals(1, shaped.shapeHits, "only the whole event matches");
    }

    @Test
    void aStreamWhoseEventsAlwaysDifferIsNoLongerShaped() {
        EventScanner.Shape shape = new EventScanner.Shape();
        for (int k = 0; k <= EventScanner.MAX_MISSES; k++) {
            byte[] b = ("{\"id\":\"" + k + "\",\"choices\":[{\"text\":\"x\"}]}").getBytes(StandardCharsets.UTF_8);
            shaped.scan(b, 0, b.length, got, shape);
            assertTrue(got.hasContent);
        }
        byte[] again = "{\"id\":\"x\",\"choices\":[{\"text\":\"y\"}]}".getBytes(StandardCharsets.UTF_8);
        shaped.scan(again, 0, again.length, got, shape);
        shaped.scan(again, 0, again.length, got, shape);
        assertEquals(0, shaped.shapeHits, "after " + EventScanner.MAX_MISSES + " misses no shape is kept");
        shape.reset(); // a new request
        shaped.scan(again, 0, again.length, got, shape);
        shaped.scan(again, 0, again.length, got, shape);
        assertEquals(1, shaped.shapeHits);
    }

    @Test
    void agreesWithTheFullWalkOnRandomStreams() {
        Random rnd = new Random(20261121);
        long events = 0;
        for (int s = 0; s < 3000; s++) {
            Stream stream = new Stream(rnd);
            EventScanner.Shape shape = new EventScanner.Shape();
            int n = 1 + rnd.nextInt(30);
            for (int k = 0; k < n; k++) {
                byte[] b = stream.event(rnd, k);
                int pad = rnd.nextInt(3);
                byte[] buf = new byte[b.length + 2 * pad]; // the event in the middle of a read buffer
                System.arraycopy(b, 0, buf, pad, b.length);
                shaped.scan(buf, pad, pad + b.length, got, shape);
                plain.scan(buf, pad, pad + b.length, want);
                String what = "stream " + s + " event " + k + ": " + new String(b, StandardCharsets.UTF_8);
                assertSame(want, got, what);
                assertEquals(plain.crossedLineBreak(), shaped.crossedLineBreak(), what);
                events++;
            }
        }
        // both paths are exercised
        assertTrue(shaped.shapeHits > events / 5, "hits " + shaped.shapeHits + " of " + events);
        assertTrue(shaped.shapeHits < events * 9 / 10, "hits " + shaped.shapeHits + " of " + events);
    }

    private static void assertSame(EventFields want, EventFields got, String what) {
        assertEquals(want.done, got.done, what);
        assertEquals(want.malformed, got.malformed, what);
        assertEquals(want.error, got.error, what);
        assertEquals(want.errorFrom, got.errorFrom, what);
        assertEquals(want.errorLen, got.errorLen, what);
        assertEquals(want.choices, got.choices, what);
        assertEquals(want.hasContent, got.hasContent, what);
        assertEquals(want.finished, got.finished, what);
        assertEquals(want.completionTokens, got.completionTokens, what);
        assertEquals(want.promptTokens, got.promptTokens, what);
    }

    private static byte[] vllm(String text, String finish, String usage) {
        return raw("\"" + text + "\"", finish, usage);
    }

    private static byte[] raw(String text, String finish, String usage) {
        return ("{\"id\":\"cmpl-7f3a\",\"object\":\"text_completion\",\"created\":1795279975,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"text\":" + text + ",\"logprobs\":null,\"finish_reason\":" + finish
                + ",\"stop_reason\":null}],\"usage\":" + usage + "}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The fixed structure of one random stream (key order, blanks, which fields there are); its
     * events fill in random values, and some are corrupted.
     */
    private static final class Stream {
        final boolean isChat;
        final List<String> top = new ArrayList<>(List.of("id", "object", "created", "model", "choices", "usage"));
        final List<String> usageKeys = new ArrayList<>(List.of("prompt_tokens", "total_tokens", "completion_tokens"));
        final String ws;
        final int usageMode;
        final boolean reasoning;
        final boolean toolCalls;
        final boolean twoChoices;
        final boolean error;
        final String id;

        Stream(Random rnd) {
            isChat = rnd.nextBoolean();
            Collections.shuffle(top, rnd);
            Collections.shuffle(usageKeys, rnd);
            if (rnd.nextInt(4) == 0) {
                top.remove("usage");
            }
            ws = switch (rnd.nextInt(8)) {
                case 0 -> " ";
                case 1 -> "\t ";
                case 2 -> "\n";
                default -> "";
            };
            usageMode = rnd.nextInt(4); // 0 null, 1 prompt only, 2+ continuous
            reasoning = isChat && rnd.nextInt(6) == 0;
            toolCalls = isChat && rnd.nextInt(8) == 0;
            twoChoices = rnd.nextInt(10) == 0;
            error = rnd.nextInt(10) == 0;
            id = "cmpl-" + Long.toHexString(rnd.nextLong());
        }

        byte[] event(Random rnd, int k) {
            StringBuilder sb = new StringBuilder("{").append(ws);
            for (int i = 0; i < top.size(); i++) {
                if (i > 0) {
                    sb.append(',').append(ws);
                }
                String key = top.get(i);
                sb.append('"').append(key).append('"').append(ws).append(':').append(ws);
                switch (key) {
                    case "id" -> sb.append('"').append(rnd.nextInt(20) == 0 ? "other" : id).append('"');
                    case "object" -> sb.append(error ? "\"error\"" : isChat ? "\"chat.completion.chunk\"" : "\"text_completion\"");
                    case "created" -> sb.append(rnd.nextInt(20) == 0 ? 1795279976 : 1795279975);
                    case "model" -> sb.append("\"m\"");
                    case "choices" -> {
                        sb.append('[').append(choice(rnd));
                        if (twoChoices) {
                            sb.append(',').append(ws).append("{\"index\":1,\"text\":").append(text(rnd)).append('}');
                        }
                        sb.append(']');
                    }
                    default -> sb.append(usage(rnd, k));
                }
                sb.append(ws);
            }
            sb.append('}');
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            return rnd.nextInt(8) == 0 ? corrupt(rnd, b) : b;
        }

        private String choice(Random rnd) {
            String finish = rnd.nextInt(10) == 0 ? "\"length\"" : "null";
            if (!isChat) {
                return "{\"index\":0," + ws + "\"text\":" + ws + text(rnd) + ",\"logprobs\":null,\"finish_reason\":"
                        + finish + ",\"stop_reason\":null}";
            }
            StringBuilder d = new StringBuilder("{\"content\":").append(ws).append(text(rnd));
            if (reasoning) {
                d.append(",\"reasoning_content\":").append(text(rnd));
            }
            if (toolCalls) {
                d.append(",\"tool_calls\":").append(rnd.nextBoolean() ? "[]" : "[{\"id\":\"t\"}]");
            }
            return "{\"index\":0,\"delta\":" + d + "}," + ws + "\"finish_reason\":" + finish + "}";
        }

        private String usage(Random rnd, int k) {
            if (usageMode == 0) {
                return "null";
            }
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < usageKeys.size(); i++) {
                String key = usageKeys.get(i);
                if (usageMode == 1 && !key.equals("prompt_tokens")) {
                    continue;
                }
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append('"').append(key).append("\":").append(ws).append(count(rnd, k));
            }
            return sb.append('}').toString();
        }

        private static String count(Random rnd, int k) {
            return switch (rnd.nextInt(60)) {
                case 0 -> "null";
                case 1 -> k + ".5";
                case 2 -> "-" + k;
                case 3 -> "12345678901234567890";
                case 4 -> "0" + k;
                case 5 -> k + "e2";
                default -> Integer.toString(k + rnd.nextInt(3));
            };
        }

        private static String text(Random rnd) {
            return switch (rnd.nextInt(40)) {
                case 0 -> "\"\"";
                case 1 -> "null";
                case 2 -> "7";
                case 3 -> "\"unterminated";
                case 4 -> "\"bad \\x escape\"";
                case 5 -> "\"raw\nline\"";
                case 6 -> "\"cut \\u12\"";
                case 7 -> "{\"text\":\"x\"}";
                default -> {
                    String[] parts = {"a", " hello", "\\\"", "\\\\", "\\n", "\\u00e9", "caf\u00e9", "\u4e2d",
                        "\\\"choices\\\":[", "[DONE]", "{", "}", ",", ":", "\\/"};
                    StringBuilder sb = new StringBuilder("\"");
                    int n = rnd.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        sb.append(parts[rnd.nextInt(parts.length)]);
                    }
                    yield sb.append('"').toString();
                }
            };
        }

        /** One byte replaced, inserted or removed anywhere. */
        private static byte[] corrupt(Random rnd, byte[] b) {
            String junk = "{}[]\":,x0 \n\\";
            int at = rnd.nextInt(b.length);
            byte c = (byte) junk.charAt(rnd.nextInt(junk.length()));
            return switch (rnd.nextInt(3)) {
                case 0 -> {
                    byte[] r = b.clone();
                    r[at] = c;
                    yield r;
                }
                case 1 -> {
                    byte[] r = new byte[b.length + 1];
                    System.arraycopy(b, 0, r, 0, at);
                    r[at] = c;
                    System.arraycopy(b, at, r, at + 1, b.length - at);
                    yield r;
                }
                default -> {
                    byte[] r = new byte[b.length - 1];
                    System.arraycopy(b, 0, r, 0, at);
                    System.arraycopy(b, at + 1, r, at, b.length - at - 1);
                    yield r;
                }
            };
        }
    }
}
