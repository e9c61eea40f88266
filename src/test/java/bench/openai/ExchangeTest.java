package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExchangeTest {

    /** What one response came to: the token calls, the end, and the outcome. */
    record Seen(List<Integer> tokens, String end, StreamOutcome outcome, long inPlace) {}

    private static Seen feed(byte[] response, int step) throws HttpResponseParser.ParseException {
        List<Integer> tokens = new ArrayList<>();
        List<String> ends = new ArrayList<>();
        Exchange ex = new Exchange(new EventScanner(), new EventFields(), new StreamClient.Stats(),
                (now, kind, why, keepAlive) -> ends.add(kind + "|" + why + "|" + keepAlive));
        ex.begin(new StreamHandler() {
            @Override
            public void onWritten(long nanos) {}

            @Override
            public void onTokens(long nanos, int n) {
                tokens.add(n);
            }

            @Override
            public void onComplete(long nanos, StreamOutcome outcome) {}
        });
        for (int pos = 0; pos < response.length; pos += step) {
            ex.feed(response, pos, Math.min(response.length, pos + step), 1L);
        }
        if (ends.isEmpty()) {
            ends.add("open");
        }
        return new Seen(tokens, String.join(";", ends), ex.outcome(null, null), ex.inPlaceEvents);
    }

    private static byte[] chunked(List<String> chunks) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
                + "content-type: text/event-stream\r\n\r\n");
        for (String c : chunks) {
            sb.append(Integer.toHexString(c.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(c)
                    .append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eventsSentOnePerChunkAreReadWhereTheyLie() throws Exception {
        String ev = "data: {\"choices\":[{\"index\":0,\"text\":\" a\"}]}\n\n";
        byte[] response = chunked(List.of(ev, ev, ev, "data: [DONE]\n\n"));
        Seen whole = feed(response, response.length);
        assertEquals(List.of(1, 1, 1), whole.tokens());
        assertEquals("null|null|true", whole.end());
        assertEquals(4, whole.inPlace(), "three token events and [DONE], none through the SSE parser");
        Seen split = feed(response, 1);
        assertEquals(0, split.inPlace(), "a chunk cut across reads goes through the SSE parser");
        assertEquals(whole.tokens(), split.tokens());
        assertEquals(whole.outcome(), split.outcome());
    }

    @Test
    void aChunkThatIsNotOneLfLineGoesThroughTheSseParser() throws Exception {
        String pretty = "data: {\"choices\":\n[{\"index\":0,\"text\":\" a\"}]}\n\n"; // two SSE lines
        String crlf = "data: {\"choices\":[{\"index\":0,\"text\":\" b\"}]}\r\n\r\n";
        String two = "data: {\"choices\":[{\"index\":0,\"text\":\" c\"}]}\n\ndata: {\"choices\":[{\"index\":0,"
                + "\"text\":\" d\"}]}\n\n";
        byte[] response = chunked(List.of(crlf, two, "data: [DONE]\n\n"));
        Seen whole = feed(response, response.length);
        assertEquals(1, whole.inPlace(), "only [DONE] lies whole in its chunk");
        assertEquals(List.of(1, 1, 1), whole.tokens());
        assertEquals(feed(response, 1), new Seen(whole.tokens(), whole.end(), whole.outcome(), 0));

        byte[] broken = chunked(List.of(pretty, "data: [DONE]\n\n"));
        Seen seen = feed(broken, broken.length);
        assertEquals(0, seen.inPlace());
        assertTrue(seen.end().startsWith("MALFORMED|"), "two data lines joined by LF are not JSON: " + seen.end());
        assertEquals(feed(broken, 1), seen);
    }

    /**
     * Random responses (token events with and without usage, pretty-printed JSON, CRLF and CR
     * line ends, two events in a chunk, events split across chunks, comments, named error
     * events, in-band errors, broken JSON, [DONE] or not) come out the same read whole, where
     * single-event chunks are read in place, as read one byte at a time, where none is.
     */
    @Test
    void inPlaceAndSseParserPathsAgreeOnRandomResponses() throws Exception {
        Random rnd = new Random(7);
        long inPlace = 0;
        for (int round = 0; round < 2000; round++) {
            List<String> events = new ArrayList<>();
            int n = 1 + rnd.nextInt(6);
            for (int k = 1; k <= n; k++) {
                String eol = rnd.nextInt(6) == 0 ? "\r\n" : rnd.nextInt(8) == 0 ? "\r" : "\n";
                String sp = rnd.nextInt(5) == 0 ? "\n " : "";
                String json = switch (rnd.nextInt(12)) {
                    case 0 -> "{\"error\":{\"message\":\"boom\",\"code\":500}}";
                    case 1 -> "{\"choices\":[{\"index\":0,\"text\":\"x\"" + sp + "}";
                    case 2 -> "{\"choices\":[]," + sp + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + k
                            + "}}";
                    default -> "{\"choices\":[{\"index\":0," + sp + "\"text\":\" t" + k + "\"}]"
                            + (rnd.nextBoolean() ? ",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + k + "}"
                                    : "") + "}";
                };
                String prefix = rnd.nextInt(10) == 0 ? ": ping" + eol : rnd.nextInt(15) == 0 ? "event: error" + eol : "";
                events.add(prefix + (rnd.nextBoolean() ? "data: " : "data:") + json + eol + eol);
            }
            if (rnd.nextInt(4) > 0) {
                events.add("data: [DONE]\n\n");
            }
            List<String> chunks = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                String e = events.get(i);
                int how = rnd.nextInt(8);
                if (how == 0 && i + 1 < events.size()) {
                    chunks.add(e + events.get(++i));
                } else if (how == 1 && e.length() > 2) {
                    int cut = 1 + rnd.nextInt(e.length() - 1);
                    chunks.add(e.substring(0, cut));
                    chunks.add(e.substring(cut));
                } else {
                    chunks.add(e);
                }
            }
            byte[] response = chunked(chunks);
            Seen whole = feed(response, response.length);
            Seen bytes = feed(response, 1);
            inPlace += whole.inPlace();
            assertEquals(0, bytes.inPlace());
            String why = String.join("|", chunks).replace("\r", "\\r").replace("\n", "\\n");
            assertEquals(bytes.tokens(), whole.tokens(), why);
            assertEquals(bytes.end(), whole.end(), why);
            assertEquals(bytes.outcome(), whole.outcome(), why);
        }
        assertTrue(inPlace > 1000, "the in-place path ran (" + inPlace + " events)");
    }
}
