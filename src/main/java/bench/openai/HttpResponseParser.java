package bench.openai;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Incremental HTTP/1.1 response parser: status line, headers, then the body de-framed
 * (chunked, Content-Length or until close) and handed on as ranges of the caller's buffer,
 * without copying. Bytes may be split anywhere across {@link #feed} calls. One instance per
 * connection; {@link #reset()} between responses on a kept-alive connection.
 */
public final class HttpResponseParser {

    /** Receives the parts of one response, on the thread that feeds the parser. */
    public interface Handler {
        void onStatus(int status);

        void onHeadersComplete(Headers headers);

        /** Body bytes [from, to) of {@code buf}; valid only during the call. */
        void onBody(byte[] buf, int from, int to);

        void onMessageComplete();
    }

    /** The headers bench cares about. */
    public record Headers(int status, boolean chunked, long contentLength, boolean connectionClose,
            String contentType) {}

    /** A response that breaks HTTP/1.1 framing. */
    public static final class ParseException extends Exception {
        public ParseException(String message) {
            super(message);
        }
    }

    private enum State { STATUS, HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, BODY_LENGTH, BODY_CLOSE, DONE }

    private static final int MAX_LINE = 64 * 1024;

    private final Handler handler;
    private State state = State.STATUS;
    private byte[] line = new byte[256];
    private int lineLen;
    private int status;
    private boolean chunked;
    private long contentLength;
    private boolean connectionClose;
    private String contentType;
    private long remaining;

    public HttpResponseParser(Handler handler) {
        this.handler = handler;
    }

    public void reset() {
        state = State.STATUS;
        lineLen = 0;
        status = 0;
        chunked = false;
        contentLength = -1;
        connectionClose = false;
        contentType = null;
        remaining = 0;
    }

    public boolean isComplete() {
        return state == State.DONE;
    }

    /** True once the status line has been read. */
    public boolean hasStatus() {
        return state != State.STATUS;
    }

    /** Whether the connection may carry another request after this response. */
    public boolean keepAlive() {
        return state == State.DONE && !connectionClose;
    }

    /**
     * Consumes {@code buf[from, to)} (absolute buffer indexes); returns how many bytes belonged
     * to this response. A heap buffer is parsed in place; a direct one is copied first.
     */
    public int feed(ByteBuffer buf, int from, int to) throws ParseException {
        if (buf.hasArray()) {
            int off = buf.arrayOffset();
            return feed(buf.array(), off + from, off + to);
        }
        byte[] copy = new byte[to - from];
        buf.get(from, copy, 0, copy.length);
        return feed(copy, 0, copy.length);
    }

    /** Consumes {@code buf[from, to)}; returns how many bytes belonged to this response. */
    public int feed(byte[] buf, int from, int to) throws ParseException {
        int pos = from;
        while (pos < to && state != State.DONE) {
            if (lineLen == 0 && (state == State.CHUNK_SIZE || state == State.CHUNK_DATA_END)) {
                int next = chunkLineInPlace(buf, pos, to);
                if (next > 0) {
                    pos = next;
                    continue;
                }
            }
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_DATA_END, TRAILERS -> {
                    int end = readLine(buf, pos, to);
                    if (end < 0) {
                        return to - from;
                    }
                    pos = end;
                    onLine();
                }
                case CHUNK_DATA, BODY_LENGTH -> {
                    int n = (int) Math.min(remaining, to - pos);
                    handler.onBody(buf, pos, pos + n);
                    pos += n;
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.CHUNK_DATA) {
                            state = State.CHUNK_DATA_END;
                        } else {
                            finish();
                        }
                    }
                }
                case BODY_CLOSE -> {
                    handler.onBody(buf, pos, to);
                    pos = to;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return pos - from;
    }

    /**
     * The peer closed the connection. Completes a close-delimited body; returns false when
     * the response was cut short.
     */
    public boolean eof() {
        if (state == State.BODY_CLOSE) {
            finish();
            return true;
        }
        return state == State.DONE;
    }

    /**
     * A chunk-size line, or the CRLF after a chunk's data, lying whole in {@code buf[pos, to)}:
     * read where it lies instead of through {@link #line}. Returns the position after it, or 0
     * when the line is not whole here (the line path takes it).
     */
    private int chunkLineInPlace(byte[] buf, int pos, int to) throws ParseException {
        int i = pos;
        while (i < to && buf[i] != '\n') {
            i++;
        }
        if (i == to) {
            return 0;
        }
        chunkLine(buf, pos, i > pos && buf[i - 1] == '\r' ? i - 1 - pos : i - pos);
        return i + 1;
    }

    /** The line {@code b[from, from + len)} (CR stripped) in state CHUNK_SIZE or CHUNK_DATA_END. */
    private void chunkLine(byte[] b, int from, int len) throws ParseException {
        if (state == State.CHUNK_DATA_END) {
            if (len != 0) {
                throw new ParseException("chunk data longer than its declared size");
            }
            state = State.CHUNK_SIZE;
            return;
        }
        long size = parseChunkSize(b, from, len);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    /** Appends bytes up to and including LF to {@link #line}; returns the position after LF, or -1. */
    private int readLine(byte[] buf, int pos, int to) throws ParseException {
        int i = pos;
        while (i < to && buf[i] != '\n') {
            i++;
        }
        int n = i - pos;
        if (lineLen + n > MAX_LINE) {
            throw new ParseException("response header line longer than " + MAX_LINE + " bytes");
        }
        if (lineLen + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        System.arraycopy(buf, pos, line, lineLen, n);
        lineLen += n;
        if (i == to) {
            return -1;
        }
        // strip the CR of CRLF
        if (lineLen > 0 && line[lineLen - 1] == '\r') {
            lineLen--;
        }
        return i + 1;
    }

    private void onLine() throws ParseException {
        int len = lineLen;
        lineLen = 0;
        switch (state) {
            case STATUS -> parseStatus(len);
            case HEADERS -> {
                if (len == 0) {
                    headersDone();
                } else {
                    parseHeader(len);
                }
            }
            case CHUNK_SIZE, CHUNK_DATA_END -> chunkLine(line, 0, len);
            case TRAILERS -> {
                if (len == 0) {
                    finish();
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void parseStatus(int len) throws ParseException {
        String s = new String(line, 0, len, StandardCharsets.ISO_8859_1);
        if (len == 0) {
            return; // tolerate a stray empty line before the status line
        }
        if (!s.startsWith("HTTP/1.") || s.length() < 12 || s.charAt(8) != ' ') {
            throw new ParseException("not an HTTP/1.x response: " + snippet(s));
        }
        try {
            status = Integer.parseInt(s.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new ParseException("bad status line: " + snippet(s));
        }
        contentLength = -1;
        // HTTP/1.0 closes after the response unless the server says keep-alive (RFC 9112, 9.3)
        connectionClose = s.startsWith("HTTP/1.0");
        state = State.HEADERS;
        handler.onStatus(status);
    }

    private void parseHeader(int len) throws ParseException {
        int colon = -1;
        for (int i = 0; i < len; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            throw new ParseException("bad header line: " + snippet(new String(line, 0, len, StandardCharsets.ISO_8859_1)));
        }
        String name = new String(line, 0, colon, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
        String value = new String(line, colon + 1, len - colon - 1, StandardCharsets.ISO_8859_1).trim();
        switch (name) {
            case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            case "content-length" -> {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new ParseException("bad Content-Length: " + snippet(value));
                }
            }
            case "connection" -> {
                String v = value.toLowerCase(Locale.ROOT);
                if (v.contains("close")) {
                    connectionClose = true;
                } else if (v.contains("keep-alive")) {
                    connectionClose = false;
                }
            }
            case "content-type" -> contentType = value;
            default -> { }
        }
    }

    private void headersDone() {
        if (status >= 100 && status < 200) {
            // interim response (100 Continue): the real one follows
            state = State.STATUS;
            return;
        }
        handler.onHeadersComplete(new Headers(status, chunked, contentLength, connectionClose, contentType));
        if (status == 204 || status == 304) {
            finish();
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = State.BODY_LENGTH;
            if (remaining == 0) {
                finish();
            }
        } else {
            connectionClose = true;
            state = State.BODY_CLOSE;
        }
    }

    /** The size on the chunk-size line {@code b[from, from + len)} (CR already stripped). */
    private static long parseChunkSize(byte[] b, int from, int len) throws ParseException {
        long size = 0;
        int digits = 0;
        for (int i = from; i < from + len; i++) {
            int c = b[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                if (c == ';' || c == ' ' || c == '\t') {
                    break; // chunk extension
                }
                throw new ParseException("bad chunk size line: "
                        + snippet(new String(b, from, len, StandardCharsets.ISO_8859_1)));
            }
            if (++digits > 15) {
                throw new ParseException("chunk size too large");
            }
            size = size * 16 + d;
        }
        if (digits == 0) {
            throw new ParseException("empty chunk size line");
        }
        return size;
    }

    private void finish() {
        state = State.DONE;
        handler.onMessageComplete();
    }

    private static String snippet(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
