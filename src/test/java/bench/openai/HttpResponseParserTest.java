package bench.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpResponseParserTest {

    /** Records every callback; fails on a body or headers callback outside a message. */
    static final class Rec implements HttpResponseParser.Handler {
        final List<Integer> statuses = new ArrayList<>();
        final List<HttpResponseParser.Headers> headers = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int completes;
        /** Between the first status line of a response and its onMessageComplete. */
        boolean open;
        /** onHeadersComplete seen for the open response. */
        boolean headersSeen;

        @Override
        public void onStatus(int status) {
            if (headersSeen) {
                fail("onStatus after onHeadersComplete of an unfinished response");
            }
            open = true;
            statuses.add(status);
        }

        @Override
        public void onHeadersComplete(HttpResponseParser.Headers h) {
            if (!open || headersSeen) {
                fail("onHeadersComplete out of order");
            }
            headersSeen = true;
            headers.add(h);
        }

        @Override
        public void onBody(byte[] buf, int from, int to) {
            if (!open || !headersSeen) {
                fail("onBody outside a response body");
            }
            assertTrue(from <= to, "from <= to");
            body.write(buf, from, to - from);
        }

        @Override
        public void onMessageComplete() {
            if (!open || !headersSeen) {
                fail("onMessageComplete out of order");
            }
            open = false;
            headersSeen = false;
            completes++;
        }

        String bodyString() {
            return body.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static final int PAD = 7;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Copies {@code bytes} into a buffer between garbage padding (so absolute offsets matter) and
     * feeds it in the segments delimited by {@code cuts}; returns the bytes the parser consumed.
     */
    private static int feedSplit(HttpResponseParser p, byte[] bytes, boolean direct, int... cuts)
            throws HttpResponseParser.ParseException {
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(bytes.length + 2 * PAD)
                : ByteBuffer.allocate(bytes.length + 2 * PAD);
        for (int i = 0; i < PAD; i++) {
            buf.put(i, (byte) 'Z');
            buf.put(PAD + bytes.length + i, (byte) 'Z');
        }
        buf.put(PAD, bytes);
        int consumed = 0;
        int prev = 0;
        int[] all = Arrays.copyOf(cuts, cuts.length + 1);
        all[cuts.length] = bytes.length;
        for (int cut : all) {
            int n = p.feed(buf, PAD + prev, PAD + cut);
            assertTrue(n >= 0 && n <= cut - prev, "feed returned " + n + " for " + (cut - prev) + " bytes");
            consumed += n;
            prev = cut;
        }
        return consumed;
    }

    private static Rec parseWhole(String response) throws HttpResponseParser.ParseException {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        feedSplit(p, ascii(response), false);
        return rec;
    }

    // ---- sample responses ----

    private static final String CL_BODY = "{\"id\":\"x\",\n\"text\":\"a\\r\\nb\"}\r\n";
    private static final String CL_RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: " + CL_BODY.length() + "\r\n"
            + "Server: test\r\n"
            + "\r\n" + CL_BODY;

    private static final String CHUNK_26 = "abcdefghijklmnopqrstuvwxyz";
    private static final String CHUNKED_RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "content-type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "\r\n"
            + "5;name=value\r\nhello\r\n"
            + "1A\r\n" + CHUNK_26 + "\r\n"
            + "3 ; ext=\"q\"\r\n\r\n\n\r\n"
            + "1a\r\n" + CHUNK_26.toUpperCase() + "\r\n"
            + "0\r\n"
            + "X-Trailer: yes\r\n"
            + "X-Other: 1\r\n"
            + "\r\n";
    private static final String CHUNKED_BODY = "hello" + CHUNK_26 + "\r\n\n" + CHUNK_26.toUpperCase();

    private static final String CLOSE_BODY = "data: {\"a\":1}\n\ndata: [DONE]\n\n";
    private static final String CLOSE_RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/event-stream\r\n"
            + "\r\n" + CLOSE_BODY;

    // ---- body framings ----

    @Test
    void contentLengthBody() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        assertFalse(p.hasStatus());
        int n = feedSplit(p, ascii(CL_RESPONSE), false);
        assertEquals(CL_RESPONSE.length(), n);
        assertEquals(List.of(200), rec.statuses);
        assertEquals(1, rec.headers.size());
        HttpResponseParser.Headers h = rec.headers.get(0);
        assertEquals(200, h.status());
        assertFalse(h.chunked());
        assertEquals(CL_BODY.length(), h.contentLength());
        assertFalse(h.connectionClose());
        assertEquals("application/json", h.contentType());
        assertEquals(CL_BODY, rec.bodyString());
        assertEquals(1, rec.completes);
        assertTrue(p.isComplete());
        assertTrue(p.hasStatus());
        assertTrue(p.keepAlive());
        assertTrue(p.eof(), "eof after a complete response is fine");
        assertEquals(1, rec.completes, "eof must not complete twice");
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailers() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        int n = feedSplit(p, ascii(CHUNKED_RESPONSE), false);
        assertEquals(CHUNKED_RESPONSE.length(), n);
        HttpResponseParser.Headers h = rec.headers.get(0);
        assertTrue(h.chunked());
        assertEquals(-1, h.contentLength());
        assertEquals("text/event-stream", h.contentType());
        assertEquals(CHUNKED_BODY, rec.bodyString());
        assertEquals(1, rec.completes);
        assertTrue(p.isComplete());
        assertTrue(p.keepAlive());
    }

    @Test
    void chunkedWinsOverContentLength() throws Exception {
        Rec rec = parseWhole("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n");
        assertTrue(rec.headers.get(0).chunked());
        assertEquals("ok", rec.bodyString());
        assertEquals(1, rec.completes);
    }

    @Test
    void closeDelimitedBodyEndsAtEof() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        int n = feedSplit(p, ascii(CLOSE_RESPONSE), false);
        assertEquals(CLOSE_RESPONSE.length(), n);
        assertEquals(CLOSE_BODY, rec.bodyString());
        assertEquals(0, rec.completes, "a close-delimited body is not complete before eof");
        assertFalse(p.isComplete());
        assertFalse(p.keepAlive());
        assertTrue(p.eof());
        assertEquals(1, rec.completes);
        assertTrue(p.isComplete());
        assertFalse(p.keepAlive(), "a close-delimited response cannot keep the connection");
        assertTrue(p.eof());
        assertEquals(1, rec.completes);
    }

    @Test
    void zeroContentLengthCompletesAtHeaders() throws Exception {
        Rec rec = parseWhole("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertEquals(1, rec.completes);
        assertEquals(0, rec.body.size());
        assertEquals(0, rec.headers.get(0).contentLength());
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() throws Exception {
        for (String r : List.of("HTTP/1.1 204 No Content\r\n\r\n",
                "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")) {
            Rec rec = new Rec();
            HttpResponseParser p = new HttpResponseParser(rec);
            assertEquals(r.length(), feedSplit(p, ascii(r), false));
            assertEquals(1, rec.completes, r);
            assertEquals(0, rec.body.size(), r);
            assertTrue(p.keepAlive(), r);
        }
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        String r = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc";
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        assertEquals(r.length(), feedSplit(p, ascii(r), false));
        assertEquals(List.of(100, 103, 201), rec.statuses);
        assertEquals(1, rec.headers.size(), "headers only for the final response");
        assertEquals(201, rec.headers.get(0).status());
        assertEquals("abc", rec.bodyString());
        assertEquals(1, rec.completes);
    }

    @Test
    void bareLfLineEndingsAndStrayLeadingEmptyLine() throws Exception {
        Rec rec = parseWhole("\r\nHTTP/1.1 200 OK\nContent-Length: 2\n\nhi");
        assertEquals(List.of(200), rec.statuses);
        assertEquals("hi", rec.bodyString());
        assertEquals(1, rec.completes);
    }

    @Test
    void headerNamesAndValuesAreCaseInsensitiveAndTrimmed() throws Exception {
        Rec rec = parseWhole("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING:   Chunked  \r\ncOnNeCtIoN: Close\r\n"
                + "Content-Type:text/event-stream; charset=utf-8 \r\n\r\n1\r\nx\r\n0\r\n\r\n");
        HttpResponseParser.Headers h = rec.headers.get(0);
        assertTrue(h.chunked());
        assertTrue(h.connectionClose());
        assertEquals("text/event-stream; charset=utf-8", h.contentType());
        assertEquals("x", rec.bodyString());
    }

    @Test
    void statusWithoutReasonPhrase() throws Exception {
        Rec rec = parseWhole("HTTP/1.1 503\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(List.of(503), rec.statuses);
        assertNull(rec.headers.get(0).contentType());
        assertEquals(1, rec.completes);
    }

    @Test
    void directBufferWorksLikeHeapBuffer() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        int len = CHUNKED_RESPONSE.length();
        assertEquals(len, feedSplit(p, ascii(CHUNKED_RESPONSE), true, len / 3, 2 * len / 3));
        assertEquals(CHUNKED_BODY, rec.bodyString());
        assertEquals(1, rec.completes);
    }

    // ---- arbitrary splits ----

    private static void assertSameAtEverySplit(String response, String body, boolean needsEof) throws Exception {
        byte[] bytes = ascii(response);
        int len = bytes.length;
        // one cut at every position
        for (int i = 0; i <= len; i++) {
            checkSplit(bytes, body, needsEof, "cut " + i, i);
        }
        // two cuts at every pair of positions
        for (int i = 0; i <= len; i++) {
            for (int j = i; j <= len; j++) {
                checkSplit(bytes, body, needsEof, "cuts " + i + "," + j, i, j);
            }
        }
        // byte by byte
        int[] all = new int[len];
        for (int i = 0; i < len; i++) {
            all[i] = i;
        }
        checkSplit(bytes, body, needsEof, "byte by byte", all);
    }

    private static void checkSplit(byte[] bytes, String body, boolean needsEof, String what, int... cuts)
            throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        int consumed = feedSplit(p, bytes, (cuts.length & 1) == 0, cuts);
        assertEquals(bytes.length, consumed, what);
        if (needsEof) {
            assertEquals(0, rec.completes, what);
            assertTrue(p.eof(), what);
        }
        assertEquals(body, rec.bodyString(), what);
        assertEquals(1, rec.completes, what);
        assertEquals(1, rec.headers.size(), what);
        assertTrue(p.isComplete(), what);
    }

    @Test
    void contentLengthSplitAnywhere() throws Exception {
        assertSameAtEverySplit(CL_RESPONSE, CL_BODY, false);
    }

    @Test
    void chunkedSplitAnywhere() throws Exception {
        assertSameAtEverySplit(CHUNKED_RESPONSE, CHUNKED_BODY, false);
    }

    @Test
    void closeDelimitedSplitAnywhere() throws Exception {
        assertSameAtEverySplit(CLOSE_RESPONSE, CLOSE_BODY, true);
    }

    @Test
    void interimThenChunkedSplitAnywhere() throws Exception {
        assertSameAtEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\ndata\r\n0\r\n\r\n", "data", false);
    }

    // ---- cut short ----

    @Test
    void truncatedResponsesAreNotCompleteAtEof() throws Exception {
        List<String> cut = List.of(
                "",
                "HTTP/1.1 20",
                "HTTP/1.1 200 OK\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n",
                "HTTP/1.1 100 Continue\r\n\r\n");
        for (String r : cut) {
            Rec rec = new Rec();
            HttpResponseParser p = new HttpResponseParser(rec);
            assertEquals(r.length(), feedSplit(p, ascii(r), false), r);
            assertFalse(p.eof(), "cut short: " + r);
            assertEquals(0, rec.completes, r);
            assertFalse(p.isComplete(), r);
            assertFalse(p.keepAlive(), r);
        }
    }

    @Test
    void hasStatusOnlyAfterStatusLine() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        byte[] b = ascii("HTTP/1.1 200 OK\r\n");
        ByteBuffer buf = ByteBuffer.wrap(b);
        p.feed(buf, 0, b.length - 1);
        assertFalse(p.hasStatus());
        assertTrue(rec.statuses.isEmpty());
        p.feed(buf, b.length - 1, b.length);
        assertTrue(p.hasStatus());
        assertEquals(List.of(200), rec.statuses);
    }

    // ---- broken framing ----

    private static void assertParseException(String response) {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        assertThrows(HttpResponseParser.ParseException.class, () -> feedSplit(p, ascii(response), false),
                response);
        assertEquals(0, rec.completes, response);
    }

    @Test
    void badStatusLinesThrow() {
        assertParseException("FOO/1.1 200 OK\r\n\r\n");
        assertParseException("HTTP/2 200 OK\r\n\r\n");
        assertParseException("HTTP/1.1 2x0 OK\r\n\r\n");
        assertParseException("HTTP/1.1  200 OK\r\n\r\n");
        assertParseException("HTTP/1.1_200 OK\r\n\r\n");
        assertParseException("HTTP/1.1 20\r\n\r\n");
        assertParseException("<html>oops</html>\r\n");
    }

    @Test
    void badChunkSizesThrow() {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertParseException(head + "zz\r\n");
        assertParseException(head + "-5\r\n");
        assertParseException(head + "\r\n");
        assertParseException(head + ";ext\r\n");
        assertParseException(head + "5x\r\nhello\r\n");
        assertParseException(head + "1000000000000000\r\n"); // 16 hex digits
        assertParseException(head + "3\r\nabcd\r\n0\r\n\r\n"); // data longer than declared
    }

    @Test
    void fifteenHexDigitChunkSizeIsAccepted() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        String r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n000000000000002\r\nok\r\n0\r\n\r\n";
        feedSplit(p, ascii(r), false);
        assertEquals("ok", rec.bodyString());
        assertEquals(1, rec.completes);
    }

    @Test
    void badHeadersThrow() {
        assertParseException("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
        assertParseException("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n");
        assertParseException("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n");
    }

    @Test
    void overlongHeaderLineThrows() {
        String r = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n";
        assertParseException(r);
    }

    @Test
    void longHeaderLineBelowLimitIsFine() throws Exception {
        Rec rec = parseWhole("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(60 * 1024) + "\r\nContent-Length: 1\r\n\r\nz");
        assertEquals("z", rec.bodyString());
        assertEquals(1, rec.completes);
    }

    // ---- connection handling ----

    @Test
    void connectionCloseDisablesKeepAlive() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        String r = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
        byte[] b = ascii(r);
        p.feed(ByteBuffer.wrap(b), 0, b.length - 1);
        assertFalse(p.keepAlive(), "not before the response is complete");
        p.feed(ByteBuffer.wrap(b), b.length - 1, b.length);
        assertTrue(p.isComplete());
        assertTrue(rec.headers.get(0).connectionClose());
        assertFalse(p.keepAlive());
    }

    @Test
    void keepAliveHeaderOnHttp11() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        feedSplit(p, ascii("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"), false);
        assertTrue(p.isComplete());
        assertTrue(p.keepAlive());
    }

    @Test
    void http10ClosesUnlessKeepAlive() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        feedSplit(p, ascii("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"), false);
        assertTrue(p.isComplete());
        assertEquals("ok", rec.bodyString());
        assertFalse(p.keepAlive(), "an HTTP/1.0 response without keep-alive closes the connection");

        p.reset();
        feedSplit(p, ascii("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok"), false);
        assertTrue(p.isComplete());
        assertTrue(p.keepAlive(), "HTTP/1.0 with Connection: keep-alive persists");
    }

    @Test
    void resetAllowsASecondResponse() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        feedSplit(p, ascii("HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/json\r\n\r\n4\r\nfail\r\n0\r\n\r\n"), false);
        assertEquals(1, rec.completes);
        assertTrue(p.keepAlive());

        // bytes fed after completion (before reset) are not consumed
        assertEquals(0, p.feed(ByteBuffer.wrap(ascii("HTTP/1.1 200 OK\r\n")), 0, 17));
        assertEquals(List.of(500), rec.statuses);

        p.reset();
        assertFalse(p.isComplete());
        assertFalse(p.hasStatus());
        feedSplit(p, ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false);
        assertEquals(List.of(500, 200), rec.statuses);
        assertEquals(2, rec.headers.size());
        HttpResponseParser.Headers second = rec.headers.get(1);
        assertEquals(200, second.status());
        assertFalse(second.chunked(), "chunked must not leak from the first response");
        assertNull(second.contentType(), "content type must not leak from the first response");
        assertEquals(2, second.contentLength());
        assertEquals("failok", rec.bodyString());
        assertEquals(2, rec.completes);
    }

    @Test
    void resetClearsConnectionCloseAndPartialLine() throws Exception {
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        feedSplit(p, ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), false);
        assertFalse(p.keepAlive());
        p.reset();
        feedSplit(p, ascii("garbage without newline"), false); // partial status line
        p.reset();
        feedSplit(p, ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), false);
        assertTrue(p.keepAlive());
        assertEquals(List.of(200, 200), rec.statuses);
    }

    @Test
    void pipelinedResponsesInOneBuffer() throws Exception {
        String first = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n0\r\n\r\n";
        String second = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo";
        byte[] both = ascii(first + second);
        Rec rec = new Rec();
        HttpResponseParser p = new HttpResponseParser(rec);
        ByteBuffer buf = ByteBuffer.wrap(both);
        int n = p.feed(buf, 0, both.length);
        assertEquals(first.length(), n, "only the first response's bytes are consumed");
        assertEquals("one", rec.bodyString());
        p.reset();
        assertEquals(second.length(), p.feed(buf, n, both.length));
        assertEquals("onetwo", rec.bodyString());
        assertEquals(2, rec.completes);
    }

    @Test
    void bodyBytesAreExactIncludingBinary() throws Exception {
        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        byte[] head = ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n");
        byte[] tail = ascii("\r\n0\r\n\r\n");
        byte[] all = new byte[head.length + payload.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        System.arraycopy(tail, 0, all, head.length + payload.length, tail.length);
        for (int cut = 0; cut <= all.length; cut += 13) {
            Rec rec = new Rec();
            HttpResponseParser p = new HttpResponseParser(rec);
            assertEquals(all.length, feedSplit(p, all, false, cut));
            assertArrayEquals(payload, rec.body.toByteArray());
            assertEquals(1, rec.completes);
        }
    }
}
