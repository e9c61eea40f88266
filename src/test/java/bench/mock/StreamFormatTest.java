package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    final WordTokenizer tok = new WordTokenizer();

    static StreamFormat format(boolean chat, String model, int maxTokens, boolean usage, boolean continuous) {
        return new StreamFormat(chat, chat ? "chatcmpl-7" : "cmpl-7", model, 1_700_000_000L, 12, maxTokens, usage,
                continuous, 7);
    }

    /**
     * Splits HTTP chunked bytes into chunk payloads, checking each size line against the UTF-8
     * byte length; the terminating zero chunk is returned as an empty payload.
     */
    static List<String> chunks(byte[] wire) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < wire.length) {
            int crlf = indexOf(wire, i, "\r\n");
            assertTrue(crlf > i, "size line at " + i);
            String sizeLine = new String(wire, i, crlf - i, StandardCharsets.US_ASCII);
            assertTrue(sizeLine.matches("[0-9a-f]+"), "hex size, got '" + sizeLine + "'");
            int size = Integer.parseInt(sizeLine, 16);
            int start = crlf + 2;
            if (size == 0) {
                assertEquals("\r\n", new String(wire, start, wire.length - start, StandardCharsets.US_ASCII),
                        "nothing after the last chunk but its CRLF");
                out.add("");
                return out;
            }
            assertTrue(start + size + 2 <= wire.length, "chunk of " + size + " bytes fits");
            out.add(new String(wire, start, size, StandardCharsets.UTF_8));
            assertEquals('\r', wire[start + size], "CR after the payload");
            assertEquals('\n', wire[start + size + 1], "LF after the payload");
            i = start + size + 2;
        }
        return out;
    }

    static int indexOf(byte[] a, int from, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i + n.length <= a.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (a[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The JSON of one {@code data: {...}\n\n} event. */
    static JsonNode event(String payload) throws Exception {
        assertTrue(payload.startsWith("data: "), payload);
        assertTrue(payload.endsWith("\n\n"), payload);
        String json = payload.substring(6, payload.length() - 2);
        assertFalse(json.contains("\n"), "one line: " + json);
        return JSON.readTree(json);
    }

    byte[] token(StreamFormat f, int k) {
        StringBuilder sb = new StringBuilder();
        f.appendToken(sb, tok, k);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCompletionTokenIsOneChunkWithVllmFields() throws Exception {
        StreamFormat f = format(false, "m", 4, false, false);
        List<String> c = chunks(token(f, 0));
        assertEquals(1, c.size());
        JsonNode ev = event(c.get(0));
        assertEquals("cmpl-7", ev.get("id").asText());
        assertEquals("text_completion", ev.get("object").asText());
        assertEquals(1_700_000_000L, ev.get("created").asLong());
        assertEquals("m", ev.get("model").asText());
        assertEquals(1, ev.get("choices").size());
        JsonNode choice = ev.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        String word = tok.token(StreamFormat.outputTokenId(7, 0, tok.vocabSize()));
        assertEquals(" " + word, choice.get("text").asText());
        assertTrue(choice.get("logprobs").isNull());
        assertTrue(choice.get("finish_reason").isNull());
        assertTrue(choice.has("stop_reason") && choice.get("stop_reason").isNull());
        assertFalse(ev.has("usage"));
        assertFalse(choice.has("delta"));
    }

    @Test
    void aChatTokenIsOneChunkAndOnlyTheFirstCarriesTheRole() throws Exception {
        StreamFormat f = format(true, "m", 3, false, false);
        JsonNode first = event(chunks(token(f, 0)).get(0));
        assertEquals("chatcmpl-7", first.get("id").asText());
        assertEquals("chat.completion.chunk", first.get("object").asText());
        JsonNode delta = first.get("choices").get(0).get("delta");
        assertEquals("assistant", delta.get("role").asText());
        assertEquals(" " + tok.token(StreamFormat.outputTokenId(7, 0, tok.vocabSize())), delta.get("content").asText());
        assertFalse(first.get("choices").get(0).has("text"));
        assertTrue(first.get("choices").get(0).get("finish_reason").isNull());

        JsonNode second = event(chunks(token(f, 1)).get(0));
        JsonNode d2 = second.get("choices").get(0).get("delta");
        assertFalse(d2.has("role"));
        assertEquals(" " + tok.token(StreamFormat.outputTokenId(7, 1, tok.vocabSize())), d2.get("content").asText());
        assertTrue(second.get("choices").get(0).get("finish_reason").isNull());

        JsonNode last = event(chunks(token(f, 2)).get(0));
        assertEquals("length", last.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void theLastCompletionTokenFinishesWithLength() throws Exception {
        StreamFormat f = format(false, "m", 5, false, false);
        for (int k = 0; k < 5; k++) {
            JsonNode fr = event(chunks(token(f, k)).get(0)).get("choices").get(0).get("finish_reason");
            if (k == 4) {
                assertEquals("length", fr.asText());
            } else {
                assertTrue(fr.isNull(), "token " + k);
            }
        }
        // a single-token answer: its only token is the last
        assertEquals("length", event(chunks(token(format(true, "m", 1, false, false), 0)).get(0))
                .get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void chunkSizesCountUtf8BytesOfNonAsciiModelNames() throws Exception {
        // 2-, 3- and 4-byte characters, plus characters JSON must escape
        String model = "módèl-日本語-😀-\"quoted\"\\back\tslash\u0001";
        for (boolean chat : new boolean[] {false, true}) {
            StreamFormat f = format(chat, model, 2, true, true);
            for (int k = 0; k < 2; k++) {
                byte[] wire = token(f, k);
                List<String> c = chunks(wire); // checks the size line against the byte length
                assertEquals(1, c.size());
                assertEquals(model, event(c.get(0)).get("model").asText());
                int payloadBytes = c.get(0).getBytes(StandardCharsets.UTF_8).length;
                String hex = Integer.toHexString(payloadBytes);
                assertEquals(hex.length() + 2 + payloadBytes + 2, wire.length);
            }
            StringBuilder end = new StringBuilder();
            f.appendEnd(end, 2);
            List<String> c = chunks(end.toString().getBytes(StandardCharsets.UTF_8));
            assertEquals(model, event(c.get(0)).get("model").asText());
        }
    }

    @Test
    void continuousUsageOnlyWhenAsked() throws Exception {
        StreamFormat plain = format(false, "m", 3, true, false);
        assertFalse(event(chunks(token(plain, 1)).get(0)).has("usage"));

        StreamFormat cont = format(false, "m", 3, true, true);
        for (int k = 0; k < 3; k++) {
            JsonNode usage = event(chunks(token(cont, k)).get(0)).get("usage");
            assertEquals(12, usage.get("prompt_tokens").asInt());
            assertEquals(k + 1, usage.get("completion_tokens").asInt());
            assertEquals(12 + k + 1, usage.get("total_tokens").asInt());
        }
        StreamFormat chat = format(true, "m", 3, true, true);
        assertEquals(1, event(chunks(token(chat, 0)).get(0)).get("usage").get("completion_tokens").asInt());
    }

    @Test
    void theEndWithUsageIsUsageThenDoneThenTheLastChunk() throws Exception {
        StreamFormat f = format(false, "m", 9, true, false);
        StringBuilder sb = new StringBuilder();
        f.appendEnd(sb, 9);
        String wire = sb.toString();
        assertTrue(wire.endsWith("e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"), wire);
        List<String> c = chunks(sb.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(3, c.size());
        JsonNode usageEvent = event(c.get(0));
        assertEquals("cmpl-7", usageEvent.get("id").asText());
        assertEquals("text_completion", usageEvent.get("object").asText());
        assertEquals(0, usageEvent.get("choices").size());
        assertEquals(12, usageEvent.get("usage").get("prompt_tokens").asInt());
        assertEquals(9, usageEvent.get("usage").get("completion_tokens").asInt());
        assertEquals(21, usageEvent.get("usage").get("total_tokens").asInt());
        assertEquals("data: [DONE]\n\n", c.get(1));
        assertEquals("", c.get(2));

        StreamFormat chat = format(true, "m", 9, true, false);
        StringBuilder cs = new StringBuilder();
        chat.appendEnd(cs, 4);
        JsonNode chatUsage = event(chunks(cs.toString().getBytes(StandardCharsets.UTF_8)).get(0));
        assertEquals("chat.completion.chunk", chatUsage.get("object").asText());
        assertEquals(4, chatUsage.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void theEndWithoutUsageIsDoneThenTheLastChunk() {
        for (boolean chat : new boolean[] {false, true}) {
            StreamFormat f = format(chat, "m", 3, false, false);
            StringBuilder sb = new StringBuilder();
            f.appendEnd(sb, 3);
            assertEquals("e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n", sb.toString());
            assertEquals(Arrays.asList("data: [DONE]\n\n", ""), chunks(sb.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void outputWordsAreDeterministicVocabularyWordsNotSingleCharacters() {
        for (int k = 0; k < 1000; k++) {
            int id = StreamFormat.outputTokenId(3, k, tok.vocabSize());
            assertTrue(id >= 100 && id < tok.vocabSize(), "id " + id);
            assertEquals(id, StreamFormat.outputTokenId(3, k, tok.vocabSize()));
        }
        assertFalse(StreamFormat.outputTokenId(3, 0, tok.vocabSize()) == StreamFormat.outputTokenId(4, 0, tok.vocabSize()));
    }

    @Test
    void jsonStringEscapes() throws Exception {
        StringBuilder sb = new StringBuilder();
        String s = "a\"b\\c\nd\re\tf\u0002g/é";
        StreamFormat.jsonString(sb, s);
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0002g/é\"", sb.toString());
        assertEquals(s, JSON.readTree(sb.toString()).asText());
    }
}
