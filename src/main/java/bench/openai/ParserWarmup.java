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

    /**
     * Parses {@code streams} synthetic responses of {@code tokens} events each through an
     * {@link Exchange}, the code a real read runs; returns the tokens counted.
     */
    public static long run(int streams, int tokens) {
        byte[] bytes = syntheticResponse(tokens).array();
        StreamClient.Stats stats = new StreamClient.Stats();
        Exchange exchange = new Exchange(new EventScanner(), new EventFields(), stats, (now, kind, why, keepAlive) -> {
            if (kind != null) {
                throw new IllegalStateException("warm-up stream failed: " + why);
            }
        });
        StreamHandler handler = new StreamHandler() {
            @Override
            public void onWritten(long nanos) {}

            @Override
            public void onTokens(long nanos, int n) {}

            @Override
            public void onComplete(long nanos, StreamOutcome outcome) {}
        };
        int len = bytes.length;
        for (int s = 0; s < streams; s++) {
            exchange.begin(handler);
            // whole reads (each event read where it lies) and varied read sizes (every split path)
            int step = s % 2 == 0 ? len : 17 + (s % 7) * 61;
            try {
                for (int pos = 0; pos < len; pos += step) {
                    exchange.feed(bytes, pos, Math.min(len, pos + step), System.nanoTime());
                }
            } catch (HttpResponseParser.ParseException e) {
                throw new IllegalStateException("warm-up stream did not parse: " + e.getMessage(), e);
            }
            exchange.detach();
        }
        return stats.tokens;
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
