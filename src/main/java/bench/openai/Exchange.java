package bench.openai;

import java.nio.charset.StandardCharsets;

/**
 * The response side of one streamed request on one connection, whatever reads the socket
 * ({@link StreamClient}'s NIO loop, or the Netty client of {@code bench perf --transports}):
 * HTTP/1.1 framing, SSE events, the OpenAI fields of each event, the token arithmetic, and how
 * the response ended. Feed it the bytes of each read with the read's time; it calls the
 * {@link StreamHandler} per token event and the {@link End} once the response is complete.
 * Reused for every request of its connection ({@link #begin}); loop thread only.
 */
public final class Exchange implements HttpResponseParser.Handler, SseParser.Listener {

    /** How a complete response ended: {@code kind} null for success. */
    public interface End {
        void onEnd(long nowNanos, FailureKind kind, String why, boolean keepAlive);
    }

    private static final int ERROR_SNIPPET_BYTES = 512;

    private final HttpResponseParser http = new HttpResponseParser(this);
    private final SseParser sse = new SseParser(this);
    private final EventScanner scanner;
    private final EventFields fields;
    /** The shape of this stream's events, so that most are read by comparison. */
    private final EventScanner.Shape shape = new EventScanner.Shape();
    private final StreamClient.Stats stats;
    private final End end;

    private StreamHandler handler;
    private long readNanos;
    private int status;
    private boolean streaming;
    private byte[] errorBody;
    private int errorBodyLen;
    private FailureKind failure;
    private String failureDetail;
    private long promptTokens;
    private long completionTokens;
    private long tokensSeen;
    private int tokenEvents;
    private boolean sawDone;
    /** Events read where they lay in the read buffer (for tests). */
    long inPlaceEvents;

    /**
     * @param scanner shared by the exchanges of one loop thread, as are {@code fields}
     * @param stats   token counters to add to
     */
    public Exchange(EventScanner scanner, EventFields fields, StreamClient.Stats stats, End end) {
        this.scanner = scanner;
        this.fields = fields;
        this.stats = stats;
        this.end = end;
    }

    /** A new request on this connection: {@code h} hears of its tokens. */
    public void begin(StreamHandler h) {
        handler = h;
        status = 0;
        streaming = false;
        errorBodyLen = 0;
        failure = null;
        failureDetail = null;
        promptTokens = -1;
        completionTokens = -1;
        tokensSeen = 0;
        tokenEvents = 0;
        sawDone = false;
        shape.reset();
        http.reset();
        sse.reset();
    }

    /** The request is over (complete or failed): returns its handler, null if none was active. */
    public StreamHandler detach() {
        StreamHandler h = handler;
        handler = null;
        return h;
    }

    /** A request is in flight. */
    public boolean active() {
        return handler != null;
    }

    public StreamHandler handler() {
        return handler;
    }

    /** Response bytes [from, to) of {@code buf}, read at {@code nowNanos}. */
    public void feed(byte[] buf, int from, int to, long nowNanos) throws HttpResponseParser.ParseException {
        readNanos = nowNanos;
        http.feed(buf, from, to);
    }

    /**
     * The server closed the connection: true when that completed a close-delimited body (the
     * {@link End} has heard of it), false when the response was cut short.
     */
    public boolean eof() {
        return http.eof();
    }

    public long tokensSeen() {
        return tokensSeen;
    }

    /** The outcome to hand to the handler, with the counts so far. */
    public StreamOutcome outcome(FailureKind kind, String why) {
        return new StreamOutcome(kind, why, status, promptTokens, completionTokens, tokensSeen, tokenEvents, sawDone);
    }

    /** Where a cut stream stopped, for failure messages. */
    public String progress() {
        return !http.hasStatus() ? "before the status line" : "after " + tokensSeen + " tokens (" + tokenEvents
                + " events)";
    }

    @Override
    public void onStatus(int code) {
        status = code;
    }

    @Override
    public void onHeadersComplete(HttpResponseParser.Headers headers) {
        streaming = headers.status() / 100 == 2;
        if (!streaming && errorBody == null) {
            errorBody = new byte[ERROR_SNIPPET_BYTES];
        }
    }

    @Override
    public void onBody(byte[] buf, int from, int to) {
        if (streaming) {
            if (!wholeEvent(buf, from, to)) {
                sse.feed(buf, from, to);
            }
        } else {
            int n = Math.min(to - from, errorBody.length - errorBodyLen);
            if (n > 0) {
                System.arraycopy(buf, from, errorBody, errorBodyLen, n);
                errorBodyLen += n;
            }
        }
    }

    @Override
    public void onMessageComplete() {
        if (handler == null) {
            return;
        }
        long now = readNanos;
        if (streaming) {
            sse.finish();
        }
        boolean keepAlive = http.keepAlive();
        if (status / 100 != 2) {
            String body = new String(errorBody, 0, errorBodyLen, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
            end.onEnd(now, FailureKind.HTTP_ERROR, "HTTP " + status + (body.isEmpty() ? "" : ": " + body), keepAlive);
        } else if (failure != null) {
            end.onEnd(now, failure, failureDetail, keepAlive);
        } else if (!sawDone) {
            end.onEnd(now, FailureKind.MISSING_DONE, "stream ended without data: [DONE] after " + tokensSeen
                    + " tokens", keepAlive);
        } else if (tokensSeen == 0) {
            end.onEnd(now, FailureKind.NO_TOKENS, "stream carried no tokens", keepAlive);
        } else {
            end.onEnd(now, null, null, keepAlive);
        }
    }

    /**
     * One SSE event. Tokens: with usage in the event (continuous usage stats), the growth of
     * completion_tokens; otherwise one per event whose first choice carries output.
     */
    @Override
    public void onEvent(byte[] data, int length, String eventName) {
        if (failure != null || handler == null) {
            return;
        }
        scanner.scan(data, 0, length, fields, shape);
        onFields(data, 0, length, eventName);
    }

    /**
     * A chunk that holds exactly one {@code data:} line and the empty line after it (how vLLM
     * and the mock send every event) is scanned where it lies, skipping the SSE parser's line
     * scan and its two copies. The JSON scanner walks every byte anyway, and it says whether it
     * crossed a line break; when it did, or found the event malformed, the chunk goes through
     * the SSE parser after all, which then decides.
     */
    private boolean wholeEvent(byte[] buf, int from, int to) {
        if (to - from < 8 || buf[to - 1] != '\n' || buf[to - 2] != '\n' || buf[from] != 'd' || buf[from + 1] != 'a'
                || buf[from + 2] != 't' || buf[from + 3] != 'a' || buf[from + 4] != ':' || !sse.idle()) {
            return false;
        }
        int valueFrom = buf[from + 5] == ' ' ? from + 6 : from + 5;
        int valueTo = to - 2;
        if (failure != null || handler == null) {
            return true; // the stream has already failed: events after that are not read
        }
        EventFields f = fields;
        scanner.scan(buf, valueFrom, valueTo, f, shape);
        if (f.malformed || scanner.crossedLineBreak()) {
            return false;
        }
        onFields(buf, valueFrom, valueTo - valueFrom, null);
        inPlaceEvents++;
        return true;
    }

    /** The scanned fields of one event held in {@code data[from, from + length)}. */
    private void onFields(byte[] data, int from, int length, String eventName) {
        EventFields f = fields;
        if (f.done) {
            sawDone = true;
            return;
        }
        if (f.malformed) {
            failure = FailureKind.MALFORMED;
            failureDetail = "malformed event: " + snippet(data, from, length);
            return;
        }
        if (f.error || "error".equals(eventName)) {
            failure = FailureKind.INBAND_ERROR;
            failureDetail = "error event: " + (f.error ? snippet(data, f.errorFrom, f.errorLen)
                    : snippet(data, from, length));
            return;
        }
        if (f.promptTokens >= 0) {
            promptTokens = f.promptTokens;
        }
        int k = 0;
        if (f.completionTokens >= 0) {
            completionTokens = f.completionTokens;
            if (f.choices > 0) {
                k = (int) Math.max(0, f.completionTokens - tokensSeen);
            }
        } else if (f.choices > 0 && f.hasContent) {
            k = 1;
        }
        if (k > 0) {
            tokensSeen += k;
            tokenEvents++;
            stats.tokenEvents++;
            stats.tokens += k;
            handler.onTokens(readNanos, k);
        }
    }

    private static String snippet(byte[] data, int from, int len) {
        int n = Math.min(len, 300);
        String s = new String(data, from, n, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return n < len ? s + "..." : s;
    }
}
