package bench.openai;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Runs the response parsers over a synthetic vLLM stream so the JIT has compiled them before
 * anything is timed: without it the first requests of a run pay for interpretation and
 * compilation, which shows up as milliseconds of TTFT and ITL that the server never caused.
 */
public final class ParserWarmup {
    private ParserWarmup() {}

    /** Parses {@code streams} synthetic responses of {@code tokens} events each; returns tokens seen. */
    public static long run(int streams, int tokens) {
        ByteBuffer response = syntheticResponse(tokens);
        EventScanner scanner = new EventScanner();
        EventFields fields = new EventFields();
        long[] seen = new long[1];
        SseParser sse = new SseParser((data, len, name) -> {
            scanner.scan(data, len, fields);
            if (fields.hasContent || fields.completionTokens >= 0 || fields.done) {
                seen[0]++;
            }
        });
        HttpResponseParser http = new HttpResponseParser(new HttpResponseParser.Handler() {
            @Override
            public void onStatus(int status) {}

            @Override
            public void onHeadersComplete(HttpResponseParser.Headers headers) {}

            @Override
            public void onBody(byte[] buf, int from, int to) {
                sse.feed(buf, from, to);
            }

            @Override
            public void onMessageComplete() {}
        });
        byte[] bytes = response.array();
        int len = bytes.length;
        for (int s = 0; s < streams; s++) {
            http.reset();
            sse.reset();
            // vary the read sizes so every split path of the parsers runs
            int step = 17 + (s % 7) * 61;
            try {
                for (int pos = 0; pos < len; pos += step) {
                    http.feed(bytes, pos, Math.min(len, pos + step));
                }
            } catch (HttpResponseParser.ParseException e) {
                throw new IllegalStateException("warm-up stream did not parse: " + e.getMessage(), e);
            }
            sse.finish();
        }
        return seen[0];
    }

    static ByteBuffer syntheticResponse(int tokens) {
        StringBuilder sb = new StringBuilder();
        sb.append("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
        for (int k = 1; k <= tokens; k++) {
            String ev = "data: {\"id\":\"cmpl-warm\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"text\":\" w" + k + "\",\"logprobs\":null,\"finish_reason\":"
                    + (k == tokens ? "\"length\"" : "null") + ",\"stop_reason\":null}],\"usage\":{\"prompt_tokens\":8,"
                    + "\"total_tokens\":" + (8 + k) + ",\"completion_tokens\":" + k + "}}\n\n";
            chunk(sb, ev);
        }
        chunk(sb, "data: {\"id\":\"cmpl-warm\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":"
                + tokens + "}}\n\n");
        chunk(sb, "data: [DONE]\n\n");
        sb.append("0\r\n\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void chunk(StringBuilder sb, String payload) {
        sb.append(Integer.toHexString(payload.getBytes(StandardCharsets.UTF_8).length)).append("\r\n")
                .append(payload).append("\r\n");
    }
}
