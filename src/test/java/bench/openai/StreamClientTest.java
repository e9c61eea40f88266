package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives {@link StreamClient} against a tiny blocking HTTP server on 127.0.0.1 serving canned bytes. */
class StreamClientTest {

    /** The event loop under test: epoll where this JVM has it ({@link StreamClientNioTest}: NIO). */
    StreamClient.Io io() {
        return bench.net.Epoll.available() ? StreamClient.Io.EPOLL : StreamClient.Io.NIO;
    }

    // ---------------------------------------------------------------- canned server

    /** One canned reply: bytes written in pieces, then maybe close; null bytes = never answer. */
    record Reply(byte[] bytes, boolean closeAfter, int pieceSize, long pauseMillis) {
        static Reply of(String s) {
            return new Reply(utf8(s), false, Integer.MAX_VALUE, 0);
        }

        static Reply closing(String s) {
            return new Reply(utf8(s), true, Integer.MAX_VALUE, 0);
        }

        static Reply silent() {
            return new Reply(null, false, 0, 0);
        }
    }

    static final class CannedServer implements AutoCloseable {
        private final ServerSocket server;
        private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
        private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
        private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger accepted = new AtomicInteger();
        final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());
        final List<String> requestBodies = Collections.synchronizedList(new ArrayList<>());

        CannedServer(Reply... rs) throws IOException {
            replies.addAll(List.of(rs));
            server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            threads.add(Thread.ofPlatform().daemon().name("canned-accept").start(this::acceptLoop));
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                accepted.incrementAndGet();
                sockets.add(s);
                threads.add(Thread.ofPlatform().daemon().name("canned-conn").start(() -> serve(s)));
            }
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(10_000);
                s.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    byte[] body = in.readNBytes(contentLength(head));
                    requestLines.add(head.substring(0, head.indexOf("\r\n")));
                    requestBodies.add(new String(body, StandardCharsets.UTF_8));
                    Reply r = replies.poll();
                    if (r == null) {
                        return;
                    }
                    if (r.bytes() == null) {
                        while (in.read() >= 0) {
                            // never answer: wait for the client to give up
                        }
                        return;
                    }
                    byte[] b = r.bytes();
                    for (int i = 0; i < b.length; i += r.pieceSize()) {
                        out.write(b, i, Math.min(r.pieceSize(), b.length - i));
                        out.flush();
                        if (r.pauseMillis() > 0) {
                            Thread.sleep(r.pauseMillis());
                        }
                    }
                    if (r.closeAfter()) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client went away or the server is closing
            }
        }

        static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                head.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
                        : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : (c == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            List<Thread> ts;
            synchronized (threads) {
                ts = new ArrayList<>(threads);
            }
            for (Thread t : ts) {
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private CannedServer server(Reply... replies) throws IOException {
        CannedServer s = new CannedServer(replies);
        toClose.add(s);
        return s;
    }

    // ---------------------------------------------------------------- client side

    /** Records the callbacks of one request and checks their order. */
    static final class Rec implements StreamHandler {
        private final Seq driver;
        final List<Integer> tokens = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        int writes;
        long writtenNanos;
        long lastTokenNanos;
        long completeNanos;
        int completes;
        StreamOutcome outcome;

        Rec(Seq driver) {
            this.driver = driver;
        }

        @Override
        public void onWritten(long nanos) {
            // a retry on a fresh connection after a stale kept-alive one writes the request again
            if (completes > 0 || !tokens.isEmpty()) {
                violations.add("onWritten out of order");
            }
            writes++;
            writtenNanos = nanos;
        }

        @Override
        public void onTokens(long nanos, int k) {
            if (completes > 0 || writtenNanos == 0) {
                violations.add("onTokens out of order");
            }
            if (k < 1) {
                violations.add("onTokens with k=" + k);
            }
            if (nanos < lastTokenNanos || nanos < writtenNanos) {
                violations.add("token time goes backwards");
            }
            lastTokenNanos = nanos;
            tokens.add(k);
        }

        @Override
        public void onComplete(long nanos, StreamOutcome o) {
            completes++;
            completeNanos = nanos;
            outcome = o;
            if (driver.current == this) {
                driver.current = null;
            }
        }
    }

    /** Sends the requests one after the other, each once the previous completed. */
    static final class Seq implements StreamClient.Driver {
        final StreamClient client;
        final List<byte[]> requests;
        final long timeoutNanos;
        final List<Rec> recs = new ArrayList<>();
        int next;
        Rec current;

        Seq(StreamClient client, List<byte[]> requests, long timeoutNanos) {
            this.client = client;
            this.requests = requests;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public long tick(long now) {
            if (current == null && next < requests.size()) {
                current = new Rec(this);
                recs.add(current);
                client.send(requests.get(next++), current, timeoutNanos, now);
            }
            return Long.MAX_VALUE;
        }

        @Override
        public boolean finished() {
            return current == null && next >= requests.size();
        }
    }

    /** A driver that runs {@code start} at its first tick and is finished when {@code done} says so. */
    static StreamClient.Driver once(java.util.function.LongConsumer start, java.util.function.BooleanSupplier done) {
        return new StreamClient.Driver() {
            boolean started;

            @Override
            public long tick(long now) {
                if (!started) {
                    started = true;
                    start.accept(now);
                }
                return Long.MAX_VALUE;
            }

            @Override
            public boolean finished() {
                return done.getAsBoolean();
            }
        };
    }

    record Result(List<Rec> recs, StreamClient.Stats stats, int inFlight) {
        Rec only() {
            assertEquals(1, recs.size());
            return recs.get(0);
        }
    }

    Result exchange(int port, int requests, long timeoutMillis) throws IOException {
        List<byte[]> reqs = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            reqs.add(request(port, "{\"model\":\"m\",\"prompt\":\"p" + i + "\",\"stream\":true}"));
        }
        try (StreamClient client = new StreamClient(Endpoint.of("127.0.0.1", port), false, io())) {
            assertEquals(io() == StreamClient.Io.NIO ? "nio" : "epoll", client.io());
            Seq driver = new Seq(client, reqs, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> client.run(driver));
            for (Rec r : driver.recs) {
                assertEquals(1, r.completes, "onComplete exactly once");
                assertEquals(List.of(), r.violations);
                assertTrue(r.completeNanos >= r.lastTokenNanos, "completion after the last token");
                if (client.stats().retriedOnStaleConnection == 0) {
                    assertTrue(r.writes <= 1, "request written " + r.writes + " times");
                }
            }
            assertEquals(requests, driver.recs.size());
            return new Result(driver.recs, client.stats(), client.inFlight());
        }
    }

    Result exchange(int port, int requests) throws IOException {
        return exchange(port, requests, 10_000);
    }

    private static byte[] request(int port, String body) {
        byte[] b = utf8(body);
        String head = "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: bench\r\n"
                + "Accept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n";
        return utf8(head + body);
    }

    // ---------------------------------------------------------------- canned responses

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String cmpl(String text) {
        return "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"text\":\"" + text + "\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}],\"usage\":null}";
    }

    private static String cmplFinish() {
        return "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}],\"usage\":null}";
    }

    private static String usage(int prompt, int completion) {
        return "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
                + ",\"completion_tokens\":" + completion + "}}";
    }

    /** A token event with continuous usage stats. */
    private static String cmplCu(String text, String finish, int prompt, int completion) {
        return "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"text\":\"" + text + "\",\"logprobs\":null,\"finish_reason\":" + finish + ",\"stop_reason\":null}],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
                + ",\"completion_tokens\":" + completion + "}}";
    }

    private static String chat(String delta, String finish) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}";
    }

    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n";

    /** A chunked SSE response, one chunk per event; {@code data} entries become {@code data: X\n\n}. */
    private static String chunkedSse(boolean terminate, String... data) {
        String[] raw = new String[data.length];
        for (int i = 0; i < data.length; i++) {
            raw[i] = "data: " + data[i] + "\n\n";
        }
        return chunkedRaw(terminate, raw);
    }

    private static String chunkedRaw(boolean terminate, String... rawEvents) {
        StringBuilder sb = new StringBuilder(SSE_HEAD).append("transfer-encoding: chunked\r\n\r\n");
        for (String ev : rawEvents) {
            sb.append(Integer.toHexString(utf8(ev).length)).append("\r\n").append(ev).append("\r\n");
        }
        if (terminate) {
            sb.append("0\r\n\r\n");
        }
        return sb.toString();
    }

    /** One chunk holding the event {@code data: X\n\n}. */
    private static String sseChunk(String data) {
        String ev = "data: " + data + "\n\n";
        return Integer.toHexString(utf8(ev).length) + "\r\n" + ev + "\r\n";
    }

    private static String completeStream(String... tokens) {
        List<String> ev = new ArrayList<>();
        for (String t : tokens) {
            ev.add(cmpl(t));
        }
        ev.add(cmplFinish());
        ev.add(usage(7, tokens.length));
        ev.add("[DONE]");
        return chunkedSse(true, ev.toArray(String[]::new));
    }

    // ---------------------------------------------------------------- tests

    /**
     * What {@link #heldReader} saw: the token times, the server's clock around each token's
     * write (before, after), the stamped reads and the reader lag.
     */
    record Held(List<Long> tokenNanos, long[] writeNanos, long stampedReads, long lagMaxNanos, long lagCount) {
        double gapMs(int from, int to) {
            return (tokenNanos.get(to) - tokenNanos.get(from)) / 1e6;
        }
    }

    /**
     * A server on 127.0.0.1 writes token one, and once the client has it, each further token
     * after its gap; the client's handler holds the loop up for {@code holdMillis} when token
     * one comes, so the later tokens wait in the socket meanwhile.
     */
    private Held heldReader(long holdMillis, long... gapsMillis) throws Exception {
        int tokens = gapsMillis.length + 1;
        long[] writes = new long[2 * tokens];
        List<Long> tokenNanos = new ArrayList<>();
        StreamOutcome[] outcome = new StreamOutcome[1];
        long[] counts = new long[3];
        // the later tokens are written only once token one was read, however slow the host
        java.util.concurrent.CountDownLatch firstRead = new java.util.concurrent.CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofPlatform().daemon().name("timed-server").start(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    in.readNBytes(CannedServer.contentLength(CannedServer.readHead(in)));
                    OutputStream out = s.getOutputStream();
                    for (int k = 0; k < tokens; k++) {
                        if (k == 1) {
                            assertTrue(firstRead.await(10, TimeUnit.SECONDS), "token one read");
                        }
                        if (k > 0) {
                            Thread.sleep(gapsMillis[k - 1]);
                        }
                        String event = sseChunk(cmpl(" t" + k));
                        writes[2 * k] = System.nanoTime();
                        out.write(utf8(k == 0 ? SSE_HEAD + "transfer-encoding: chunked\r\n\r\n" + event : event));
                        writes[2 * k + 1] = System.nanoTime();
                    }
                    out.write(utf8(sseChunk(cmplFinish()) + sseChunk("[DONE]") + "0\r\n\r\n"));
                    in.read(); // until the client closes
                } catch (IOException | InterruptedException e) {
                    // the test failed elsewhere or is closing
                }
            });
            try (StreamClient client = new StreamClient(Endpoint.of("127.0.0.1", server.getLocalPort()), false, io())) {
                StreamHandler handler = new StreamHandler() {
                    @Override
                    public void onWritten(long nanos) {
                    }

                    @Override
                    public void onTokens(long nanos, int n) {
                        tokenNanos.add(nanos);
                        if (tokenNanos.size() == 1) {
                            firstRead.countDown();
                            try {
                                Thread.sleep(holdMillis); // the loop is held up meanwhile
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }

                    @Override
                    public void onComplete(long nanos, StreamOutcome o) {
                        outcome[0] = o;
                    }
                };
                StreamClient.Driver driver = once(
                        now -> client.send(request(server.getLocalPort(), "{\"stream\":true}"), handler, 0, now),
                        () -> outcome[0] != null);
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> client.run(driver));
                assertTrue(outcome[0].ok(), outcome[0].detail());
                counts[0] = client.stats().stampedReads;
                counts[1] = client.stats().readerLag.maxNanos();
                counts[2] = client.stats().readerLag.count();
            }
            serving.join(5000);
        }
        assertEquals(tokens, tokenNanos.size());
        return new Held(tokenNanos, writes, counts[0], counts[1], counts[2]);
    }

    @Test
    void aReaderThatFellBehindStillTimesEachTokenAtItsArrival() throws Exception {
        // the loop is held up (here: by its handler) for 60 ms while the second token arrives
        // 30 ms after the first; epoll's read of it is then timed by the kernel's receive stamp,
        // not by when it was read
        assumeTrue(io() == StreamClient.Io.EPOLL);
        Held h = heldReader(60, 30);
        double gotMs = h.gapMs(0, 1);
        double minMs = (h.writeNanos()[2] - h.writeNanos()[1]) / 1e6;
        double maxMs = (h.writeNanos()[3] - h.writeNanos()[0]) / 1e6;
        // timed at its read, the gap would be the hold-up (60 ms) rather than the server's (30 ms)
        assertTrue(gotMs >= minMs - 5 && gotMs <= maxMs + 5,
                String.format("gap between the tokens %.2f ms; the server wrote them %.2f-%.2f ms apart", gotMs, minMs,
                        maxMs));
        assertTrue(h.stampedReads() >= 1, "a read after the hold-up is stamped");
        // so the self-check's reader lag does not hold the wait against it
        assertEquals(2, h.lagCount());
        assertTrue(h.lagMaxNanos() < 5_000_000, "reader lag " + h.lagMaxNanos() / 1e6 + " ms");
    }

    @Test
    void aReaderThatFellBehindSaysSoInItsLagWhenItsTimesMayBeLate() throws Exception {
        // the second and third tokens (5 and 35 ms after the first) both wait out the 150 ms
        // hold-up in the socket and are read together: they get one time, so the second is
        // about 30 ms late whether or not the read is stamped, and the reader lag must say so
        Held h = heldReader(150, 5, 30);
        assertEquals(0, h.gapMs(1, 2), 0.001, "one read, one time");
        assertEquals(3, h.lagCount());
        assertTrue(h.lagMaxNanos() >= 25_000_000, "reader lag " + h.lagMaxNanos() / 1e6 + " ms");
        if (io() == StreamClient.Io.NIO) {
            // without stamps the token after the hold-up is timed at its read
            Held one = heldReader(60, 30);
            assertTrue(one.lagMaxNanos() >= 50_000_000, "NIO reader lag " + one.lagMaxNanos() / 1e6 + " ms");
        }
    }

    @Test
    void socketsLeftOverFromAFullBatchAreStampedHoweverSoonTheyAreRead() throws Exception {
        // epoll reports at most two ready sockets per wait here, and stamps reads whose data
        // may have waited over 10 ms. Four streams' second tokens all arrive while the loop is
        // held up for 150 ms: the wait after the hold-up reports two of them (their data is
        // older than the last wait: stamped), the next wait the other two, read a moment
        // after that wait; as the batch before was full, their data may be just as old, so
        // they must be stamped too, or they are timed at their read, about 130 ms late
        assumeTrue(io() == StreamClient.Io.EPOLL);
        int streams = 4;
        long[] secondWrites = new long[2 * streams];
        List<List<Long>> times = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            times.add(new ArrayList<>());
        }
        AtomicInteger firsts = new AtomicInteger();
        // the second tokens are written only once every first one was read, however slow the host
        java.util.concurrent.CountDownLatch firstsRead = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        long stamped;
        try (ServerSocket server = new ServerSocket(0, streams, InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofPlatform().daemon().name("burst-server").start(() -> {
                List<Socket> socks = new ArrayList<>();
                try {
                    for (int i = 0; i < streams; i++) {
                        Socket s = server.accept();
                        s.setTcpNoDelay(true);
                        socks.add(s);
                        InputStream in = new BufferedInputStream(s.getInputStream());
                        in.readNBytes(CannedServer.contentLength(CannedServer.readHead(in)));
                    }
                    for (Socket s : socks) {
                        s.getOutputStream().write(utf8(SSE_HEAD + "transfer-encoding: chunked\r\n\r\n"
                                + sseChunk(cmpl(" a"))));
                    }
                    assertTrue(firstsRead.await(10, TimeUnit.SECONDS), "first tokens read");
                    Thread.sleep(20);
                    for (int i = 0; i < streams; i++) {
                        secondWrites[2 * i] = System.nanoTime();
                        socks.get(i).getOutputStream().write(utf8(sseChunk(cmpl(" b")) + sseChunk(cmplFinish())
                                + sseChunk("[DONE]") + "0\r\n\r\n"));
                        secondWrites[2 * i + 1] = System.nanoTime();
                    }
                    for (Socket s : socks) {
                        s.getInputStream().read(); // until the client closes
                    }
                } catch (IOException | InterruptedException e) {
                    // the test failed elsewhere or is closing
                } finally {
                    for (Socket s : socks) {
                        try {
                            s.close();
                        } catch (IOException e) {
                            // closing anyway
                        }
                    }
                }
            });
            try (StreamClient client = new StreamClient(Endpoint.of("127.0.0.1", server.getLocalPort()), false, io(),
                    2, TimeUnit.MILLISECONDS.toNanos(10))) {
                StreamClient.Driver driver = once(now -> {
                    for (int i = 0; i < streams; i++) {
                        List<Long> mine = times.get(i);
                        client.send(request(server.getLocalPort(), "{\"stream\":true}"), new StreamHandler() {
                            @Override
                            public void onWritten(long nanos) {
                            }

                            @Override
                            public void onTokens(long nanos, int n) {
                                mine.add(nanos);
                                if (mine.size() == 1 && firsts.incrementAndGet() == streams) {
                                    firstsRead.countDown();
                                    try {
                                        Thread.sleep(150); // every first token is in: hold the loop up
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            }

                            @Override
                            public void onComplete(long nanos, StreamOutcome o) {
                                assertTrue(o.ok(), o.detail());
                                done.incrementAndGet();
                            }
                        }, 0, now);
                    }
                }, () -> done.get() == streams);
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> client.run(driver));
                stamped = client.stats().stampedReads;
            }
            serving.join(5000);
        }
        // which stream got which connection is the client's business: match the second
        // tokens' times to the writes in order
        List<Long> seconds = new ArrayList<>();
        for (List<Long> t : times) {
            assertEquals(2, t.size());
            seconds.add(t.get(1));
        }
        Collections.sort(seconds);
        for (int i = 0; i < streams; i++) {
            double afterWriteMs = (seconds.get(i) - secondWrites[2 * i]) / 1e6;
            assertTrue(afterWriteMs > -1 && afterWriteMs < 5 + (secondWrites[2 * streams - 1] - secondWrites[0]) / 1e6,
                    String.format("second token %d timed %.2f ms after its write (stamped reads: %d)", i, afterWriteMs,
                            stamped));
        }
        assertTrue(stamped >= streams, "stamped reads " + stamped);
    }

    @Test
    void completionTokensCountedOnePerContentEvent() throws Exception {
        CannedServer srv = server(Reply.of(completeStream(" a", " b", " c")));
        Result res = exchange(srv.port(), 1);
        Rec r = res.only();
        assertNull(r.outcome.failure(), r.outcome.detail());
        assertTrue(r.outcome.ok());
        assertNull(r.outcome.detail());
        assertEquals(List.of(1, 1, 1), r.tokens);
        assertEquals(200, r.outcome.httpStatus());
        assertEquals(3, r.outcome.tokensSeen());
        assertEquals(3, r.outcome.tokenEvents());
        assertEquals(3, r.outcome.completionTokens());
        assertEquals(7, r.outcome.promptTokens());
        assertTrue(r.outcome.sawDone());
        assertTrue(r.writtenNanos > 0);
        assertEquals(3, res.stats().tokens);
        assertEquals(3, res.stats().tokenEvents);
        assertEquals(1, res.stats().connectionsOpened);
        assertEquals(0, res.inFlight());
        assertEquals(List.of("POST /v1/completions HTTP/1.1"), srv.requestLines);
        assertEquals(List.of("{\"model\":\"m\",\"prompt\":\"p0\",\"stream\":true}"), srv.requestBodies);
    }

    @Test
    void requestLargerThanTheSocketBuffersIsWrittenWhole() throws Exception {
        CannedServer srv = server(Reply.of(completeStream(" a")));
        String body = "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(8 << 20) + "\",\"stream\":true}";
        try (StreamClient client = new StreamClient(Endpoint.of("127.0.0.1", srv.port()), false, io())) {
            Seq driver = new Seq(client, List.of(request(srv.port(), body)), TimeUnit.SECONDS.toNanos(20));
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> client.run(driver));
            Rec r = driver.recs.get(0);
            assertTrue(r.outcome.ok(), r.outcome.detail());
            assertEquals(1, r.writes);
        }
        assertEquals(body.length(), srv.requestBodies.get(0).length());
        assertEquals(body, srv.requestBodies.get(0));
    }

    @Test
    void chatRoleOnlyChunkAndEmptyToolCallsAreNotTokens() throws Exception {
        CannedServer srv = server(Reply.of(chunkedSse(true,
                chat("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
                chat("{\"content\":\" hi\"}", "null"),
                chat("{\"reasoning_content\":\"think\"}", "null"),
                chat("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}", "null"),
                chat("{\"content\":\"\",\"tool_calls\":[]}", "null"),
                chat("{\"content\":\"\"}", "\"stop\""),
                usage(11, 3),
                "[DONE]")));
        Rec r = exchange(srv.port(), 1).only();
        assertTrue(r.outcome.ok(), r.outcome.detail());
        assertEquals(List.of(1, 1, 1), r.tokens);
        assertEquals(3, r.outcome.tokensSeen());
        assertEquals(3, r.outcome.outputTokens());
        assertEquals(11, r.outcome.promptTokens());
    }

    @Test
    void continuousUsageCountsTheDelta() throws Exception {
        CannedServer srv = server(Reply.of(chunkedSse(true,
                cmplCu("", "null", 5, 0),
                cmplCu(" a", "null", 5, 1),
                cmplCu(" b c", "null", 5, 3),
                cmplCu(" d", "null", 5, 4),
                cmplCu("", "\"length\"", 5, 4),
                usage(5, 4),
                "[DONE]")));
        Result res = exchange(srv.port(), 1);
        Rec r = res.only();
        assertTrue(r.outcome.ok(), r.outcome.detail());
        assertEquals(List.of(1, 2, 1), r.tokens);
        assertEquals(4, r.outcome.tokensSeen());
        assertEquals(3, r.outcome.tokenEvents());
        assertEquals(4, r.outcome.completionTokens());
        assertEquals(5, r.outcome.promptTokens());
        assertEquals(4, res.stats().tokens);
        assertEquals(3, res.stats().tokenEvents);
    }

    @Test
    void http500IsHttpErrorWithBodySnippetAndKeepsTheConnection() throws Exception {
        String body = "{\"object\":\"error\",\"message\":\"model   overloaded\",\n\"code\":500}";
        CannedServer srv = server(
                Reply.of("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: "
                        + utf8(body).length + "\r\n\r\n" + body),
                Reply.of(completeStream(" x")));
        Result res = exchange(srv.port(), 2);
        Rec r = res.recs().get(0);
        assertEquals(FailureKind.HTTP_ERROR, r.outcome.failure());
        assertEquals(500, r.outcome.httpStatus());
        assertEquals("HTTP 500: {\"object\":\"error\",\"message\":\"model overloaded\", \"code\":500}", r.outcome.detail());
        assertEquals(List.of(), r.tokens);
        assertEquals(0, r.outcome.tokensSeen());
        Rec second = res.recs().get(1);
        assertTrue(second.outcome.ok(), second.outcome.detail());
        assertEquals(List.of(1), second.tokens);
        assertEquals(1, srv.accepted.get(), "a framed error response keeps the connection");
        assertEquals(1, res.stats().connectionsOpened);
    }

    @Test
    void errorBodySnippetIsBounded() throws Exception {
        String body = "E".repeat(5000);
        CannedServer srv = server(Reply.of("HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n"));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.HTTP_ERROR, r.outcome.failure());
        assertEquals(429, r.outcome.httpStatus());
        assertEquals("HTTP 429: " + "E".repeat(512), r.outcome.detail());
    }

    @Test
    void connectionClosedMidStreamIsConnectionCut() throws Exception {
        String partial = chunkedSse(false, cmpl(" a"), cmpl(" b"));
        CannedServer srv = server(Reply.closing(partial));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.CONNECTION_CUT, r.outcome.failure());
        assertEquals(200, r.outcome.httpStatus());
        assertEquals(List.of(1, 1), r.tokens);
        assertEquals(2, r.outcome.tokensSeen());
        assertFalse(r.outcome.sawDone());
        assertTrue(r.outcome.detail().contains("after 2 tokens (2 events)"), r.outcome.detail());
    }

    @Test
    void connectionClosedBeforeStatusIsConnectionCut() throws Exception {
        CannedServer srv = server(Reply.closing(""));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.CONNECTION_CUT, r.outcome.failure());
        assertEquals(0, r.outcome.httpStatus());
        assertTrue(r.outcome.detail().contains("before the status line"), r.outcome.detail());
    }

    @Test
    void missingDoneIsMissingDone() throws Exception {
        CannedServer srv = server(Reply.of(chunkedSse(true, cmpl(" a"), cmpl(" b"), cmplFinish(), usage(3, 2))));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.MISSING_DONE, r.outcome.failure());
        assertEquals(List.of(1, 1), r.tokens);
        assertEquals(2, r.outcome.tokensSeen());
        assertEquals(2, r.outcome.completionTokens());
        assertFalse(r.outcome.sawDone());
        assertTrue(r.outcome.detail().contains("after 2 tokens"), r.outcome.detail());
    }

    @Test
    void inBandErrorEvent() throws Exception {
        String err = "{\"object\":\"error\",\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\","
                + "\"param\":null,\"code\":500}";
        CannedServer srv = server(Reply.of(chunkedSse(true, cmpl(" a"), "{\"error\":" + err + "}", cmpl(" b"),
                "[DONE]")));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.INBAND_ERROR, r.outcome.failure());
        assertEquals("error event: " + err, r.outcome.detail());
        assertEquals(List.of(1), r.tokens, "events after the error are ignored");
        assertEquals(1, r.outcome.tokensSeen());
        assertEquals(200, r.outcome.httpStatus());
    }

    @Test
    void namedErrorEvent() throws Exception {
        CannedServer srv = server(Reply.of(chunkedRaw(true,
                "data: " + cmpl(" a") + "\n\n",
                "event: error\ndata: {\"message\": \"engine  dead\"}\n\n",
                "data: [DONE]\n\n")));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.INBAND_ERROR, r.outcome.failure());
        assertEquals("error event: {\"message\": \"engine dead\"}", r.outcome.detail());
        assertEquals(1, r.outcome.tokensSeen());
    }

    @Test
    void malformedEvent() throws Exception {
        CannedServer srv = server(Reply.of(chunkedSse(true, cmpl(" a"), "{\"choices\":[{\"text\":\"a\"", cmpl(" b"),
                "[DONE]")));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.MALFORMED, r.outcome.failure());
        assertEquals("malformed event: {\"choices\":[{\"text\":\"a\"", r.outcome.detail());
        assertEquals(1, r.outcome.tokensSeen());
    }

    @Test
    void brokenHttpFramingIsMalformed() throws Exception {
        CannedServer srv = server(Reply.closing(SSE_HEAD + "transfer-encoding: chunked\r\n\r\nzz\r\n"));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.MALFORMED, r.outcome.failure());
        assertTrue(r.outcome.detail().startsWith("bad HTTP response: "), r.outcome.detail());
    }

    @Test
    void noTokenEventsIsNoTokens() throws Exception {
        CannedServer srv = server(Reply.of(chunkedSse(true,
                chat("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
                chat("{\"content\":\"\"}", "\"stop\""),
                usage(5, 0),
                "[DONE]")));
        Rec r = exchange(srv.port(), 1).only();
        assertEquals(FailureKind.NO_TOKENS, r.outcome.failure());
        assertEquals(List.of(), r.tokens);
        assertTrue(r.outcome.sawDone());
        assertEquals(0, r.outcome.completionTokens());
    }

    @Test
    void connectionRefusedIsConnectError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Rec r = exchange(port, 1).only();
        assertEquals(FailureKind.CONNECT_ERROR, r.outcome.failure());
        assertEquals(0, r.outcome.httpStatus());
        assertTrue(r.outcome.detail().startsWith("connect to http://127.0.0.1:" + port), r.outcome.detail());
        assertEquals(0, r.writtenNanos, "nothing was written");
    }

    @Test
    void keepAliveReusesTheConnection() throws Exception {
        CannedServer srv = server(Reply.of(completeStream(" a", " b")), Reply.of(completeStream(" c")),
                Reply.of(completeStream(" d", " e", " f")));
        Result res = exchange(srv.port(), 3);
        assertEquals(List.of(1, 1), res.recs().get(0).tokens);
        assertEquals(List.of(1), res.recs().get(1).tokens);
        assertEquals(List.of(1, 1, 1), res.recs().get(2).tokens);
        for (Rec r : res.recs()) {
            assertTrue(r.outcome.ok(), r.outcome.detail());
        }
        assertEquals(1, srv.accepted.get());
        assertEquals(1, res.stats().connectionsOpened);
        assertEquals(0, res.stats().retriedOnStaleConnection);
        assertEquals(3, srv.requestLines.size());
        assertEquals("{\"model\":\"m\",\"prompt\":\"p2\",\"stream\":true}", srv.requestBodies.get(2));
    }

    @Test
    void connectionCloseResponseIsNotReused() throws Exception {
        String first = completeStream(" a").replace("transfer-encoding: chunked\r\n",
                "transfer-encoding: chunked\r\nConnection: close\r\n");
        CannedServer srv = server(Reply.closing(first), Reply.of(completeStream(" b")));
        Result res = exchange(srv.port(), 2);
        assertTrue(res.recs().get(0).outcome.ok(), res.recs().get(0).outcome.detail());
        assertTrue(res.recs().get(1).outcome.ok(), res.recs().get(1).outcome.detail());
        assertEquals(2, srv.accepted.get());
        assertEquals(2, res.stats().connectionsOpened);
        assertEquals(0, res.stats().retriedOnStaleConnection, "the closed connection must not be tried again");
    }

    @Test
    void http10ResponseIsNotReused() throws Exception {
        String body = "data: " + cmpl(" a") + "\n\ndata: [DONE]\n\n";
        String first = "HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + utf8(body).length
                + "\r\n\r\n" + body;
        CannedServer srv = server(Reply.closing(first), Reply.of(completeStream(" b")));
        Result res = exchange(srv.port(), 2);
        assertTrue(res.recs().get(0).outcome.ok(), res.recs().get(0).outcome.detail());
        assertTrue(res.recs().get(1).outcome.ok(), res.recs().get(1).outcome.detail());
        assertEquals(2, res.stats().connectionsOpened);
        assertEquals(0, res.stats().retriedOnStaleConnection, "an HTTP/1.0 connection must not be reused");
    }

    @Test
    void closeDelimitedStreamCompletesAtEof() throws Exception {
        String resp = SSE_HEAD + "\r\n" + "data: " + cmpl(" a") + "\n\n" + "data: " + cmpl(" b") + "\n\n"
                + "data: [DONE]\n\n";
        CannedServer srv = server(Reply.closing(resp));
        Rec r = exchange(srv.port(), 1).only();
        assertTrue(r.outcome.ok(), r.outcome.detail());
        assertEquals(List.of(1, 1), r.tokens);
        assertTrue(r.outcome.sawDone());
    }

    @Test
    void fragmentedWritesAreReassembled() throws Exception {
        String resp = chunkedRaw(true,
                "data: " + cmpl(" a") + "\r\n\r\n",
                ": ping\r\n\r\ndata: " + cmpl(" b") + "\r",
                "\n\r\ndata: " + cmplCu(" c", "null", 2, 3) + "\n\n",
                "data: [DONE]\n\n");
        CannedServer srv = server(new Reply(utf8(resp), false, 5, 1));
        Rec r = exchange(srv.port(), 1).only();
        assertTrue(r.outcome.ok(), r.outcome.detail());
        assertEquals(List.of(1, 1, 1), r.tokens);
        assertEquals(3, r.outcome.completionTokens());
    }

    @Test
    void silentServerTimesOut() throws Exception {
        CannedServer srv = server(Reply.silent());
        long t0 = System.nanoTime();
        Rec r = exchange(srv.port(), 1, 300).only();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(FailureKind.TIMEOUT, r.outcome.failure());
        assertTrue(ms >= 250 && ms < 5_000, "timed out after " + ms + " ms");
    }
}
