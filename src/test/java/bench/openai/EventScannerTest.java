package bench.openai;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventScannerTest {

    private final EventScanner scanner = new EventScanner();

    private EventFields scan(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        EventFields f = new EventFields();
        assertDoesNotThrow(() -> scanner.scan(b, b.length, f), json);
        return f;
    }

    private static String errorValue(String json, EventFields f) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return new String(b, f.errorFrom, f.errorLen, StandardCharsets.UTF_8);
    }

    /** A clean event: not done, not malformed, not an error. */
    private static void assertClean(EventFields f, String what) {
        assertFalse(f.done, what + ": done");
        assertFalse(f.malformed, what + ": malformed");
        assertFalse(f.error, what + ": error");
    }

    // ---- realistic vLLM payloads: /v1/completions ----

    private static final String CMPL_TOKEN = "{\"id\":\"cmpl-5f0a1b2c3d4e\",\"object\":\"text_completion\","
            + "\"created\":1730000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":[{\"index\":0,"
            + "\"text\":\" hi\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}],\"usage\":null}";

    @Test
    void completionsTokenEvent() {
        EventFields f = scan(CMPL_TOKEN);
        assertClean(f, "token");
        assertEquals(1, f.choices);
        assertTrue(f.hasContent);
        assertFalse(f.finished);
        assertEquals(-1, f.completionTokens);
        assertEquals(-1, f.promptTokens);
    }

    @Test
    void completionsEmptyTextIsNotContent() {
        EventFields f = scan("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\","
                + "\"stop_reason\":null}]}");
        assertClean(f, "finish");
        assertEquals(1, f.choices);
        assertFalse(f.hasContent);
        assertTrue(f.finished);
    }

    @Test
    void completionsFinalUsageEvent() {
        EventFields f = scan("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1730000000,"
                + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":17,\"total_tokens\":145,"
                + "\"completion_tokens\":128,\"prompt_tokens_details\":null}}");
        assertClean(f, "usage");
        assertEquals(0, f.choices);
        assertFalse(f.hasContent);
        assertFalse(f.finished);
        assertEquals(128, f.completionTokens);
        assertEquals(17, f.promptTokens);
    }

    @Test
    void completionsContinuousUsage() {
        EventFields f = scan("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"text\":\" world\",\"logprobs\":null,\"finish_reason\":null,"
                + "\"stop_reason\":null}],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":8,\"completion_tokens\":3}}");
        assertClean(f, "continuous");
        assertEquals(1, f.choices);
        assertTrue(f.hasContent);
        assertEquals(3, f.completionTokens);
        assertEquals(5, f.promptTokens);
    }

    // ---- realistic vLLM payloads: /v1/chat/completions ----

    private static String chat(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-9c1e\",\"object\":\"chat.completion.chunk\",\"created\":1730000000,"
                + "\"model\":\"Qwen/Qwen3-8B\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]}";
    }

    @Test
    void chatRoleOnlyFirstChunkIsNotContent() {
        EventFields f = scan(chat("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        assertClean(f, "role");
        assertEquals(1, f.choices);
        assertFalse(f.hasContent, "role-only chunk with empty content must not count");
        assertFalse(f.finished);
        EventFields g = scan(chat("{\"role\":\"assistant\"}", "null"));
        assertFalse(g.hasContent);
        assertEquals(1, g.choices);
    }

    @Test
    void chatContentChunk() {
        EventFields f = scan(chat("{\"content\":\" hi\"}", "null"));
        assertClean(f, "content");
        assertTrue(f.hasContent);
        assertEquals(1, f.choices);
    }

    @Test
    void chatNullContentIsNotContent() {
        EventFields f = scan(chat("{\"content\":null}", "null"));
        assertClean(f, "null content");
        assertFalse(f.hasContent);
    }

    @Test
    void chatReasoningContent() {
        EventFields f = scan(chat("{\"content\":null,\"reasoning_content\":\"Let me think\"}", "null"));
        assertClean(f, "reasoning_content");
        assertTrue(f.hasContent);
        EventFields g = scan(chat("{\"reasoning\":\"hmm\"}", "null"));
        assertTrue(g.hasContent, "reasoning");
        EventFields h = scan(chat("{\"reasoning_content\":\"\"}", "null"));
        assertFalse(h.hasContent, "empty reasoning");
    }

    @Test
    void chatToolCalls() {
        EventFields f = scan(chat("{\"tool_calls\":[{\"index\":0,\"id\":\"chatcmpl-tool-1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", "null"));
        assertClean(f, "tool_calls");
        assertTrue(f.hasContent);
        EventFields g = scan(chat("{\"content\":\"\",\"tool_calls\":[]}", "null"));
        assertClean(g, "empty tool_calls");
        assertFalse(g.hasContent, "tool_calls [] is not content");
        EventFields h = scan(chat("{\"tool_calls\":[ \n\t ]}", "null"));
        assertFalse(h.hasContent, "tool_calls [ ] is not content");
        EventFields i = scan(chat("{\"tool_calls\":null}", "null"));
        assertClean(i, "null tool_calls");
        assertFalse(i.hasContent);
    }

    @Test
    void chatFinishChunk() {
        EventFields f = scan(chat("{\"content\":\"\"}", "\"stop\""));
        assertClean(f, "finish");
        assertTrue(f.finished);
        assertFalse(f.hasContent);
    }

    @Test
    void chatFinalUsageEvent() {
        EventFields f = scan("{\"id\":\"chatcmpl-9c1e\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"total_tokens\":287,"
                + "\"completion_tokens\":256}}");
        assertClean(f, "usage");
        assertEquals(0, f.choices);
        assertEquals(256, f.completionTokens);
        assertEquals(31, f.promptTokens);
    }

    @Test
    void chatContinuousUsageOnRoleChunk() {
        String json = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":12,\"completion_tokens\":0}}";
        EventFields f = scan(json);
        assertClean(f, "role+usage");
        assertEquals(1, f.choices);
        assertFalse(f.hasContent);
        assertEquals(0, f.completionTokens);
        assertEquals(12, f.promptTokens);
    }

    @Test
    void nonStreamingMessageShape() {
        EventFields f = scan("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"},"
                + "\"finish_reason\":\"stop\"}]}");
        assertClean(f, "message");
        assertTrue(f.hasContent);
        assertTrue(f.finished);
    }

    @Test
    void onlyFirstChoiceDecidesContentButAllAreCounted() {
        EventFields f = scan("{\"choices\":[{\"index\":0,\"text\":\"\"},{\"index\":1,\"text\":\"x\"},{\"index\":2,"
                + "\"text\":\"y\",\"finish_reason\":\"stop\"}]}");
        assertClean(f, "n=3");
        assertEquals(3, f.choices);
        assertFalse(f.hasContent);
        assertFalse(f.finished, "finish_reason of a later choice is not read");
        EventFields g = scan("{\"choices\":null}");
        assertClean(g, "null choices");
        assertEquals(0, g.choices);
    }

    // ---- [DONE] ----

    @Test
    void doneSentinel() {
        for (String s : List.of("[DONE]", " [DONE]", "[DONE] ", "\t[DONE]\r\n", "\n [DONE] \n")) {
            EventFields f = scan(s);
            assertTrue(f.done, "'" + s + "'");
            assertFalse(f.malformed, "'" + s + "'");
            assertFalse(f.error);
            assertEquals(0, f.choices);
        }
        for (String s : List.of("[DONE]x", "[DONE", "[done]", "[DONE] [DONE]", "\"[DONE]\"")) {
            EventFields f = scan(s);
            assertFalse(f.done, "'" + s + "'");
            assertTrue(f.malformed, "'" + s + "'");
        }
    }

    @Test
    void doneInsideTextIsNotDone() {
        EventFields f = scan("{\"choices\":[{\"text\":\"[DONE]\"}]}");
        assertClean(f, "text [DONE]");
        assertTrue(f.hasContent);
    }

    // ---- errors ----

    @Test
    void topLevelErrorObject() {
        String err = "{\"object\":\"error\",\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\","
                + "\"param\":null,\"code\":500}";
        String json = "{\"id\":\"x\", \"error\" : " + err + " }";
        EventFields f = scan(json);
        assertTrue(f.error);
        assertFalse(f.malformed);
        assertEquals(err, errorValue(json, f));
        assertEquals(json.indexOf(err), f.errorFrom);
        assertEquals(err.length(), f.errorLen);
    }

    @Test
    void topLevelErrorString() {
        String json = "{\"error\":\"upstream failed\"}";
        EventFields f = scan(json);
        assertTrue(f.error);
        assertEquals("\"upstream failed\"", errorValue(json, f));
    }

    @Test
    void objectErrorPointsAtWholeEvent() {
        String json = "{\"object\":\"error\",\"message\":\"The model `x` does not exist.\",\"type\":\"NotFoundError\","
                + "\"param\":null,\"code\":404}";
        EventFields f = scan(json);
        assertTrue(f.error);
        assertFalse(f.malformed);
        assertEquals(0, f.errorFrom);
        assertEquals(json.length(), f.errorLen);
        assertEquals(json, errorValue(json, f));
    }

    @Test
    void errorNullIsNotAnError() {
        EventFields f = scan("{\"error\":null,\"choices\":[{\"text\":\"a\"}]}");
        assertClean(f, "error null");
        assertEquals(0, f.errorLen);
        assertTrue(f.hasContent);
        EventFields g = scan("{ \"error\" :\tnull }");
        assertClean(g, "error null spaced");
    }

    @Test
    void errorOnlyAtTopLevel() {
        EventFields f = scan("{\"choices\":[{\"text\":\"a\",\"error\":{\"x\":1},\"object\":\"error\","
                + "\"delta\":{\"error\":\"no\"}}],\"meta\":{\"error\":{\"m\":1},\"object\":\"error\"}}");
        assertClean(f, "nested error");
        assertTrue(f.hasContent);
        EventFields g = scan("{\"object\":\"chat.completion.chunk\",\"x\":\"error\"}");
        assertClean(g, "other object");
        EventFields h = scan("{\"object\":\"errors\"}");
        assertClean(h, "object errors");
        EventFields i = scan("{\"object\":null}");
        assertClean(i, "object null");
    }

    @Test
    void keyLikeTextInsideStringsIsNotRead() {
        EventFields f = scan("{\"choices\":[{\"index\":0,\"text\":\"\\\"usage\\\":{\\\"completion_tokens\\\":5}\","
                + "\"finish_reason\":null}],\"usage\":null}");
        assertClean(f, "usage text");
        assertTrue(f.hasContent);
        assertEquals(-1, f.completionTokens);
        assertEquals(-1, f.promptTokens);

        EventFields g = scan("{\"choices\":[{\"text\":\"{\\\"error\\\": {\\\"message\\\": \\\"x\\\"}}\"}]}");
        assertClean(g, "error text");
        assertTrue(g.hasContent);

        EventFields h = scan("{\"model\":\"\\\"choices\\\":[{\\\"text\\\":\\\"z\\\"}]\",\"choices\":[]}");
        assertClean(h, "choices text");
        assertFalse(h.hasContent);
        assertEquals(0, h.choices);
    }

    // ---- strings, nesting, whitespace ----

    @Test
    void escapesInsideStrings() {
        // a lone escaped backslash, an escaped quote, unicode escapes, raw UTF-8: the scan must stay in sync
        EventFields f = scan("{\"id\":\"a\\\\\",\"choices\":[{\"text\":\"\\\\\",\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"completion_tokens\":3}}");
        assertClean(f, "backslash");
        assertTrue(f.hasContent);
        assertTrue(f.finished);
        assertEquals(3, f.completionTokens);

        EventFields g = scan("{\"choices\":[{\"text\":\"\\\"\",\"finish_reason\":\"\\\"stop\\\\\"}],"
                + "\"usage\":{\"prompt_tokens\":2}}");
        assertClean(g, "quote");
        assertTrue(g.hasContent, "a text of one escaped quote is content");
        assertTrue(g.finished);
        assertEquals(2, g.promptTokens);

        EventFields h = scan("{\"choices\":[{\"delta\":{\"content\":\"caf\\u00e9 \\ud83d\\ude00 \u4e2d\\n\\t\\/\"}}],"
                + "\"usage\":{\"completion_tokens\":9}}");
        assertClean(h, "unicode");
        assertTrue(h.hasContent);
        assertEquals(9, h.completionTokens);
    }

    @Test
    void nestedValuesAreSkipped() {
        EventFields f = scan("{\"a\":{\"b\":[1,2,{\"c\":[[],{}],\"usage\":{\"completion_tokens\":99}}]},"
                + "\"choices\":[{\"index\":0,\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-0.25,"
                + "\"top_logprobs\":[{\"token\":\"y\",\"logprob\":-1.5e-3}]}]},\"text\":\"x\"}],"
                + "\"usage\":{\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens\":7,"
                + "\"extra\":[true,false,null,-1,2.5E+3]},\"flag\":true,\"none\":null,\"n\":-12.5e-1}");
        assertClean(f, "nested");
        assertTrue(f.hasContent);
        assertEquals(1, f.choices);
        assertEquals(7, f.completionTokens, "nested usage must not be read");
        assertEquals(-1, f.promptTokens);
    }

    @Test
    void whitespaceEverywhere() {
        String json = " \r\n\t{ \"choices\" :\n [ {\n\t\"index\" : 0 ,\r\n \"delta\" : { \"content\" : \" hi\" } ,"
                + " \"finish_reason\" : \"stop\" } , { } ] ,\n \"usage\" : { \"prompt_tokens\" : 4 ,"
                + " \"completion_tokens\" : 2 } , \"error\" : null } \n\t ";
        EventFields f = scan(json);
        assertClean(f, "whitespace");
        assertEquals(2, f.choices);
        assertTrue(f.hasContent);
        assertTrue(f.finished);
        assertEquals(2, f.completionTokens);
        assertEquals(4, f.promptTokens);
    }

    @Test
    void emptyObjectsAndUsageVariants() {
        EventFields f = scan("{}");
        assertClean(f, "{}");
        assertEquals(0, f.choices);
        assertEquals(-1, f.completionTokens);
        EventFields g = scan("{\"choices\":[{}],\"usage\":{}}");
        assertClean(g, "empty members");
        assertEquals(1, g.choices);
        assertFalse(g.hasContent);
        assertEquals(-1, g.completionTokens);
        EventFields h = scan("{\"usage\":{\"completion_tokens\":12.0,\"prompt_tokens\":null}}");
        assertClean(h, "float/null counts");
        assertEquals(12, h.completionTokens);
        assertEquals(-1, h.promptTokens);
        EventFields i = scan("{\"choices\":[{\"delta\":{}}],\"usage\":\"n/a\"}");
        assertClean(i, "usage string");
        assertEquals(-1, i.completionTokens);
    }

    @Test
    void dataBeyondLengthIsIgnored() {
        // the SSE parser hands over a reused array longer than the event
        byte[] b = new byte[200];
        Arrays.fill(b, (byte) 'x');
        byte[] ev = "{\"choices\":[{\"text\":\"a\"}]}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(ev, 0, b, 0, ev.length);
        EventFields f = new EventFields();
        scanner.scan(b, ev.length, f);
        assertClean(f, "prefix");
        assertTrue(f.hasContent);
        scanner.scan(b, ev.length - 1, f);
        assertTrue(f.malformed, "one byte short");
    }

    // ---- malformed ----

    @Test
    void malformedInputsAreFlaggedWithoutThrowing() {
        List<String> bad = List.of(
                "",
                "   ",
                "{",
                "{\"choices\":[{\"text\":\"hi\"",
                "{\"choices\":[{\"text\":\"hi\"}]",
                "{\"choices\":[{\"text\":\"hi",
                "{\"usage\":{\"completion_tokens\":",
                "{\"a\":\"\\",
                "{\"choices\":[]}x",
                "{\"choices\":[]}{}",
                "{\"choices\":[]},",
                "{choices:[]}",
                "{'choices':[]}",
                "{\"choices\":[{\"text\":\"a\nb\"}]}",
                "{\"choices\":[{\"text\":\"a\tb\"}]}",
                "{\"id\":\"\u0001\"}",
                "{\"x\":tru}",
                "{\"x\":nul}",
                "{\"x\":nullx}",
                "{\"x\":False}",
                "{\"usage\":nul}",
                "{\"error\":nul}",
                "{\"x\":undefined}",
                "{\"x\" 1}",
                "{\"x\":1 \"y\":2}",
                "{\"x\":1,}",
                "{\"x\":[1,]}",
                "{\"x\":[1 2]}",
                "{,}",
                "[1,2]",
                "null",
                "\"str\"",
                "{\"choices\":{\"text\":\"a\"}}",
                "{\"usage\":{\"completion_tokens\":\"5\"}}",
                "{\"usage\":{\"completion_tokens\":-5}}",
                "{\"usage\":{\"completion_tokens\":1234567890123456789012}}",
                "{\"x\":+1}",
                "{\"x\":\"\\q\"}",
                "{\"x\":\"\\u12\"}",
                "{\"x\":\"\\u12G4\"}");
        for (String s : bad) {
            EventFields f = scan(s);
            assertTrue(f.malformed, "should be malformed: " + s);
            assertFalse(f.done, s);
        }
    }

    @Test
    void deepNestingIsMalformedNotAStackOverflow() {
        String deep = "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        EventFields f = scan(deep);
        assertTrue(f.malformed);
        String ok = "{\"x\":" + "[".repeat(40) + "]".repeat(40) + ",\"choices\":[{\"text\":\"a\"}]}";
        EventFields g = scan(ok);
        assertClean(g, "40 deep");
        assertTrue(g.hasContent);
    }

    // ---- reuse ----

    @Test
    void scannerAndFieldsAreReusableAcrossEvents() {
        EventFields f = new EventFields();
        String[] events = {
            "{\"error\":{\"message\":\"boom\"}}",
            chat("{\"content\":\" a\"}", "\"stop\""),
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}",
            "[DONE]",
            "{\"choices\":[{\"index\":0,}]}",
            chat("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
        };
        for (int round = 0; round < 500; round++) {
            for (int e = 0; e < events.length; e++) {
                byte[] b = events[e].getBytes(StandardCharsets.UTF_8);
                scanner.scan(b, b.length, f);
                String what = "round " + round + " event " + e;
                assertEquals(e == 0, f.error, what);
                assertEquals(e == 0 ? events[0].indexOf("{\"message\"") : 0, f.errorFrom, what);
                assertEquals(e == 0 ? "{\"message\":\"boom\"}".length() : 0, f.errorLen, what);
                assertEquals(e == 1, f.hasContent, what);
                assertEquals(e == 1, f.finished, what);
                assertEquals(e == 1 || e == 5 ? 1 : 0, f.choices, what);
                assertEquals(e == 2 ? 2 : -1, f.completionTokens, what);
                assertEquals(e == 2 ? 3 : -1, f.promptTokens, what);
                assertEquals(e == 3, f.done, what);
                assertEquals(e == 4, f.malformed, what);
            }
        }
    }

    @Test
    void clearResetsEveryField() {
        EventFields f = new EventFields();
        f.done = true;
        f.malformed = true;
        f.error = true;
        f.errorFrom = 3;
        f.errorLen = 4;
        f.choices = 2;
        f.hasContent = true;
        f.finished = true;
        f.completionTokens = 9;
        f.promptTokens = 8;
        f.clear();
        assertFalse(f.done || f.malformed || f.error || f.hasContent || f.finished);
        assertEquals(0, f.errorFrom);
        assertEquals(0, f.errorLen);
        assertEquals(0, f.choices);
        assertEquals(-1, f.completionTokens);
        assertEquals(-1, f.promptTokens);
    }
}
