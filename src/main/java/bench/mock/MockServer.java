package bench.mock;

import bench.BenchException;
import bench.metrics.CpuSteal;
import bench.net.Alarm;
import bench.net.ChannelFds;
import bench.net.Epoll;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible streaming server for tests, demos and CI: {@code /v1/completions},
 * {@code /v1/chat/completions} (streaming and not), {@code /v1/models}, {@code /health},
 * {@code /tokenize}, {@code /detokenize}, {@code /metrics} (Prometheus, vLLM's names),
 * {@code /mock/stats} (ground truth) and {@code /mock/reset}.
 *
 * <p>Without the engine model, token k of a request is written at arrival + TTFT + k x ITL
 * on an absolute schedule. With it ({@link EngineConfig}), an {@link Engine} decides when each
 * token is due. Either way each SSE event goes out in its own HTTP chunk and write, then the
 * usage event and {@code [DONE]}. Faults are injected at seeded rates. One thread runs an NIO
 * selector; a precise {@link Alarm} wakes it when the next token is due; events are encoded
 * into one direct buffer, so a token costs no allocation.
 */
public final class MockServer implements AutoCloseable {
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** During long sending phases, read new requests at least this often. */
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;
    private static final int OUT_BUFFER_BYTES = 1024 * 1024;

    private final MockConfig config;
    private final boolean warmUpFormats;
    private final ObjectMapper mapper = new ObjectMapper();
    private final WordTokenizer tokenizer = new WordTokenizer();
    private final MockStats stats = new MockStats();
    /** Steal time of the mock's CPUs at start or the last {@code /mock/reset}. */
    private CpuSteal.Reading stealSince = CpuSteal.Reading.now();
    /** The event loop's time spent waiting (spinning for a due token or in select), since start or reset. */
    private long loopWaitNanos;
    /** The loop is in its wait: what {@link #ready} does meanwhile is work, not waiting. */
    private boolean inWait;
    private long loopSinceNanos = System.nanoTime();
    private long cpuSinceNanos = processCpuNanos();
    private final EngineGroup engine;
    private final Engine.Sink engineSink = this::engineToken;
    /** Streams on the fixed schedule, whole answers, stall releases: by due time. */
    private final DueHeap<Stream> due = new DueHeap<>(s -> s.dueNanos);
    private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BUFFER_BYTES);
    /** Writes {@link #out} straight to a socket's descriptor, or null: through the channel. */
    private final Epoll directWriter;
    private final long outAddress;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ArrayDeque<Conn> toProcess = new ArrayDeque<>();
    private final java.util.function.Consumer<SelectionKey> onReady = this::ready;
    private long lastPollNanos;
    private final IdleCollector idleCollector;
    private int callsSincePoll;
    private final long createdEpochSeconds = System.currentTimeMillis() / 1000;
    private Selector selector;
    private ServerSocketChannel server;
    private Alarm alarm;
    private Thread thread;
    private volatile boolean running;
    private volatile Throwable failure;
    private long nextId;
    private int openConnections;
    private int activeStreams;
    private volatile long streamsStartedView;
    private volatile long tokensSentView;

    public MockServer(MockConfig config) {
        this(config, true);
    }

    /** @param warmUpFormats run the formatting and parsing paths once before serving */
    public MockServer(MockConfig config, boolean warmUpFormats) {
        this(config, warmUpFormats, new IdleCollector());
    }

    MockServer(MockConfig config, boolean warmUpFormats, IdleCollector idleCollector) {
        this(config, warmUpFormats, idleCollector, true);
    }

    /**
     * @param directWrites write tokens with one {@code write} call on the socket's descriptor
     *     where this JVM allows it (see {@link ChannelFds}); false keeps to {@code
     *     SocketChannel.write}
     */
    MockServer(MockConfig config, boolean warmUpFormats, IdleCollector idleCollector, boolean directWrites) {
        this.config = config;
        this.directWriter = directWrites ? directWriter() : null;
        this.outAddress = directWriter == null ? 0 : Epoll.address(out);
        this.idleCollector = idleCollector;
        this.warmUpFormats = warmUpFormats;
        EngineConfig e = config.engine();
        this.engine = e == null ? null
                : new EngineGroup(e, e.dataParallelSize(), e.lockstepSyncNanos(), e.dpCommFactor());
    }

    /**
     * An epoll instance used only for its write call, or null where the FFM API or the
     * channels' descriptors are out of reach. Measured at 60,000 tokens/s, each token's write
     * is most of the loop's work; NIO's channel adds a lock, thread tracking and state checks
     * to every one.
     */
    private static Epoll directWriter() {
        if (!Epoll.available() || !ChannelFds.available()) {
            return null;
        }
        try {
            return new Epoll(1);
        } catch (IOException e) {
            return null;
        }
    }

    /** Binds and starts serving; returns once the port is open. */
    public MockServer start() {
        // accepting connection 257, 513, 1025 ... must not stall the loop (see there)
        bench.net.Epoll.reserveDescriptors(bench.net.Epoll.DESCRIPTORS_TO_RESERVE);
        try {
            selector = Selector.open();
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            InetSocketAddress at = new InetSocketAddress(config.host(), config.port());
            if (at.isUnresolved()) {
                throw new java.net.UnknownHostException("cannot resolve host '" + config.host() + "'");
            }
            server.bind(at, 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            closeQuietly();
            throw new BenchException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        if (warmUpFormats) {
            warmUp();
        }
        alarm = new Alarm(selector, "bench-mock-alarm");
        running = true;
        thread = Thread.ofPlatform().name("bench-mock").start(this::loop);
        return this;
    }

    /**
     * Runs the request parsing and event formatting paths before serving, so the JIT has
     * compiled them and the first real streams are not late.
     */
    private void warmUp() {
        String prompt = "kalo mine ruta zovi pesu dafi gohu jabe".repeat(16);
        long sink = 0;
        ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
        for (int i = 0; i < 300; i++) {
            try {
                JsonNode req = mapper.readTree("{\"model\":\"m\",\"prompt\":\"" + prompt
                        + "\",\"max_tokens\":64,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
                sink += tokenizer.count(req.get("prompt").asText());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            StreamFormat f = new StreamFormat((i & 1) == 0, "cmpl-warm", config.model(), 0, 8, 64, true, true, i);
            for (int k = 0; k < 64; k++) {
                scratch.clear();
                f.putToken(scratch, tokenizer, k);
                sink += scratch.position();
            }
            scratch.clear();
            f.putEnd(scratch, 64);
            sink += scratch.position();
        }
        if (sink == 42) {
            throw new IllegalStateException("unreachable; keeps the warm-up from being optimised away");
        }
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    public String host() {
        return config.host();
    }

    public long streamsStarted() {
        return streamsStartedView;
    }

    public long tokensSent() {
        return tokensSentView;
    }

    /** Blocks until the server stops (close, or a fatal error). */
    public void await() throws InterruptedException {
        stopped.await();
        if (failure != null) {
            throw new BenchException("mock server failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        running = false;
        if (selector != null) {
            selector.wakeup();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly();
    }

    private void closeQuietly() {
        if (directWriter != null) {
            directWriter.close();
        }
        if (alarm != null) {
            alarm.close();
        }
        try {
            if (selector != null) {
                for (SelectionKey k : selector.keys()) {
                    k.channel().close();
                }
                selector.close();
            }
            if (server != null) {
                server.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // shutting down
        }
    }

    private void loop() {
        try {
            // the body is a method of its own, compiled after its first few hundred calls (early
            // in serving: the warm-up's bursts take fewer turns); a loop entered once is
            // compiled only by on-stack replacement, after tens of thousands of turns
            while (running) {
                turn();
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            running = false;
            stopped.countDown();
        }
    }

    /** One turn: what is due goes out, then the loop waits for the next due time or a request. */
    private void turn() throws IOException {
        long now = System.nanoTime();
        if (engine != null) {
            engine.advance(now, engineSink);
        }
        sendDue(now);
        processQueued();
        streamsStartedView = stats.streamsStarted;
        tokensSentView = stats.tokensSent;
        long next = nextDue();
        long wait = next == Long.MAX_VALUE ? Long.MAX_VALUE : next - System.nanoTime();
        long waitStart = System.nanoTime();
        inWait = true;
        if (wait <= SPIN_NANOS) {
            alarm.disarm();
            spinUntil(next);
            selector.selectNow(onReady);
        } else if (next == Long.MAX_VALUE) {
            alarm.disarm();
            if (idleCollector.due()) {
                // nothing scheduled: if no request comes for a while either, collect now
                if (selector.select(onReady, IdleCollector.IDLE_MILLIS) == 0 && toProcess.isEmpty()
                        && nextDue() == Long.MAX_VALUE) {
                    idleCollector.collect();
                }
            } else {
                selector.select(onReady);
            }
        } else {
            alarm.arm(next);
            selector.select(onReady, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
        }
        inWait = false;
        long waitEnd = System.nanoTime();
        loopWaitNanos += waitEnd - waitStart;
        lastPollNanos = waitEnd;
        processQueued();
    }

    /**
     * One ready key: accept, flush, or read. Reading only stamps the arrival and queues the
     * connection; parsing and answering come after every ready socket has been read, so a
     * burst of requests gets arrival times within microseconds of the truth rather than after
     * the requests before it were handled.
     */
    private void ready(SelectionKey key) {
        // accepting and reading are work, even when they happen inside the loop's wait
        long start = inWait ? System.nanoTime() : 0;
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                accept();
                return;
            }
            Conn c = (Conn) key.attachment();
            if (key.isWritable()) {
                c.flush();
            }
            if (key.isValid() && key.isReadable()) {
                c.read();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (start != 0) {
                loopWaitNanos -= System.nanoTime() - start;
            }
        }
    }

    /**
     * A token is due within {@link #SPIN_NANOS}: wait for it (or at most {@link #POLL_NANOS},
     * so new requests are still read promptly) without a system call per turn.
     */
    private static void spinUntil(long deadline) {
        long until = Math.min(deadline, System.nanoTime() + POLL_NANOS / 4);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /**
     * Between writes of a long sending phase, or between the requests of a burst being parsed:
     * read what arrived meanwhile, so its arrival time is right.
     */
    private void pollDuringSends() {
        pollEvery(32);
    }

    private void pollEvery(int calls) {
        if (++callsSincePoll < calls) {
            return;
        }
        callsSincePoll = 0;
        long now = System.nanoTime();
        if (now - lastPollNanos < POLL_NANOS) {
            return;
        }
        lastPollNanos = now;
        try {
            selector.selectNow(onReady);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Parses and answers the requests whose bytes were read in this turn. */
    private void processQueued() {
        Conn c;
        while ((c = toProcess.poll()) != null) {
            c.queued = false;
            if (!c.closed) {
                c.processRequests(c.arrivalNanos);
                pollEvery(4);
                // a burst of requests takes a while to parse: tokens that fall due meanwhile
                // go out now rather than after the whole burst
                long now = System.nanoTime();
                if (due.peekKey() <= now) {
                    sendDue(now);
                }
            }
        }
    }

    private long nextDue() {
        long next = due.peekKey();
        if (engine != null) {
            next = Math.min(next, engine.nextEventNanos());
        }
        return next;
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            openConnections++;
        }
    }

    /** Streams on the fixed schedule, whole answers and stall releases that are due. */
    private void sendDue(long now) {
        long itl = config.itlNanos();
        while (due.peekKey() <= now) {
            Stream s = due.poll();
            if (s.done || s.conn.closed) {
                continue;
            }
            if (s.seq != null) {
                // an engine stream coming out of a stall: release what was held
                s.stalledUntil = 0;
                if (s.held > 0) {
                    int held = s.held;
                    s.held = 0;
                    writeTokens(s, held, s.heldDueNanos);
                }
                continue;
            }
            if (!s.streaming) {
                // a whole answer (fixed schedule): every token is generated by now
                s.emitted = s.format.maxTokens();
                finishWhole(s);
                continue;
            }
            long ready = itl == 0 ? s.format.maxTokens()
                    : Math.min(s.format.maxTokens(), (now - s.firstDueNanos) / itl + 1);
            int n = (int) (ready - s.emitted);
            long dueAt = s.dueNanos;
            s.emitted += n;
            writeTokens(s, n, dueAt);
            if (!s.done && s.emitted < s.format.maxTokens()) {
                s.dueNanos = s.firstDueNanos + (long) s.emitted * itl;
                due.add(s);
            }
        }
    }

    /** Engine sink: token {@code k} of the stream owning {@code seq} was due at {@code dueNanos}. */
    private void engineToken(Engine.Seq seq, int k, long dueNanos) {
        Stream s = (Stream) seq.owner();
        if (s.done || s.conn.closed) {
            seq.cancel();
            return;
        }
        s.emitted = k + 1;
        if (!s.streaming) {
            if (s.emitted == s.format.maxTokens()) {
                s.dueNanos = dueNanos;
                finishWhole(s);
            }
            return;
        }
        if (s.stalledUntil > 0) {
            if (s.held == 0) {
                s.heldDueNanos = dueNanos;
            }
            s.held++;
            return;
        }
        writeTokens(s, 1, dueNanos);
    }

    /**
     * Writes the next {@code n} tokens of a stream (already counted in {@code emitted}), due
     * at {@code dueNanos}, in one write; applies the stream's fault when its token comes up;
     * ends the stream after its last token.
     */
    private void writeTokens(Stream s, int n, long dueNanos) {
        if (n <= 0) {
            return;
        }
        out.clear();
        int first = s.sent;
        int written = 0;
        Faults.Decision f = s.fault;
        for (int k = first; k < first + n; k++) {
            if (f.atToken() == k && !s.faultDone) {
                s.faultDone = true;
                switch (f.kind()) {
                    case CUT -> {
                        flushOut(s, written, dueNanos);
                        stats.faultsInjected++;
                        s.done = true;
                        s.conn.close();
                        return;
                    }
                    case INBAND_ERROR -> {
                        stats.faultsInjected++;
                        s.format.putInbandError(out, "injected error at token " + k);
                        s.done = true;
                        flushOut(s, written, dueNanos);
                        s.conn.streamEnded();
                        return;
                    }
                    case MALFORMED -> {
                        stats.faultsInjected++;
                        s.format.putMalformed(out);
                    }
                    case STALL -> {
                        stats.faultsInjected++;
                        // what is due now goes out after the stall
                        flushOut(s, written, dueNanos);
                        stall(s, first + n - k, dueNanos);
                        return;
                    }
                    default -> { }
                }
            }
            ensure(s.format.maxTokenEventBytes());
            s.format.putToken(out, tokenizer, k);
            s.sent++;
            written++;
        }
        boolean last = s.sent == s.format.maxTokens();
        if (last) {
            ensure(2 * s.format.maxTokenEventBytes());
            s.format.putEnd(out, s.sent);
            s.done = true;
        }
        long sent = flushOut(s, written, dueNanos);
        if (last) {
            stats.requestFinished(s.arrivalNanos, sent, s.warmup);
            s.conn.streamEnded();
        }
    }

    /** Holds the stream's next {@code pending} tokens (and what follows) for the stall. */
    private void stall(Stream s, int pending, long dueNanos) {
        long until = dueNanos + config.faults().stallNanos();
        if (s.seq != null) {
            s.stalledUntil = until;
            s.held = pending;
            s.heldDueNanos = until;
            s.emitted = s.sent + pending;
            s.dueNanos = until;
            due.add(s);
        } else {
            // fixed schedule: shift the rest of the stream by the stall
            s.emitted = s.sent;
            s.firstDueNanos += config.faults().stallNanos();
            s.dueNanos = s.firstDueNanos + (long) s.emitted * config.itlNanos();
            due.add(s);
        }
    }

    private void ensure(int bytes) {
        if (out.remaining() < bytes) {
            throw new IllegalStateException("event buffer too small");
        }
    }

    /**
     * Sends what {@link #out} holds for stream {@code s} and records the ground truth, stamped
     * when this write returned (not when the loop turn began: in a burst of due streams the
     * later writes leave later, and the ground truth must say so). Returns that time.
     */
    private long flushOut(Stream s, int tokens, long dueNanos) {
        out.flip();
        if (out.hasRemaining()) {
            s.conn.write(out);
        }
        long sent = System.nanoTime();
        if (tokens > 0) {
            stats.tokensWritten(tokens, dueNanos, sent, s.arrivalNanos, s.lastWriteNanos, s.lastDueNanos, s.warmup);
        }
        if (tokens > 0) {
            s.lastWriteNanos = sent;
            s.lastDueNanos = dueNanos;
        }
        pollDuringSends();
        return sent;
    }

    private void finishWhole(Stream s) {
        s.done = true;
        if (s.fault.kind() == Faults.Kind.CUT) {
            stats.faultsInjected++;
            s.conn.close(); // the answer never comes
            return;
        }
        s.conn.write(ByteBuffer.wrap(wholeAnswer(s)));
        long sent = System.nanoTime();
        stats.wholeWritten(s.format.maxTokens(), s.dueNanos, sent, s.arrivalNanos, s.warmup);
        stats.requestFinished(s.arrivalNanos, sent, s.warmup);
        s.conn.streamEnded();
    }

    private byte[] wholeAnswer(Stream s) {
        StreamFormat f = s.format;
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < f.maxTokens(); k++) {
            text.append(' ').append(tokenizer.token(StreamFormat.outputTokenId(f.wordSeed(), k, tokenizer.vocabSize())));
        }
        ObjectNode o = mapper.createObjectNode();
        o.put("id", f.id());
        o.put("object", f.chat() ? "chat.completion" : "text_completion");
        o.put("created", f.created());
        o.put("model", f.model());
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        if (f.chat()) {
            ObjectNode msg = choice.putObject("message");
            msg.put("role", "assistant");
            msg.put("content", text.toString());
        } else {
            choice.put("text", text.toString());
        }
        choice.put("finish_reason", "length");
        ObjectNode usage = o.putObject("usage");
        usage.put("prompt_tokens", f.promptTokens());
        usage.put("total_tokens", f.promptTokens() + f.maxTokens());
        usage.put("completion_tokens", f.maxTokens());
        if (s.kvTransferParams != null) {
            o.set("kv_transfer_params", s.kvTransferParams);
        }
        return httpResponse(200, "application/json", json(o), s.close);
    }

    /** A response in progress: its format, where it is, and its fault. */
    private static final class Stream {
        final Conn conn;
        final StreamFormat format;
        final long arrivalNanos;
        final boolean streaming;
        final boolean close;
        final Faults.Decision fault;
        long firstDueNanos;
        long dueNanos;
        /** Tokens generated so far (written or about to be). */
        int emitted;
        /** Tokens written. */
        int sent;
        long lastWriteNanos;
        long lastDueNanos;
        boolean done;
        boolean faultDone;
        Engine.Seq seq;
        long stalledUntil;
        int held;
        long heldDueNanos;
        ObjectNode kvTransferParams;
        /** A warm-up request: served, but left out of the ground truth. */
        boolean warmup;

        Stream(Conn conn, StreamFormat format, long arrivalNanos, boolean streaming, boolean close,
                Faults.Decision fault) {
            this.conn = conn;
            this.format = format;
            this.arrivalNanos = arrivalNanos;
            this.streaming = streaming;
            this.close = close;
            this.fault = fault;
        }
    }

    /** One client connection: HTTP/1.1 requests in, responses out, one at a time. */
    private final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        /** Small at first (a connection lives long, and young collections copy what lives); grows. */
        ByteBuffer in = ByteBuffer.allocate(2 * 1024);
        final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        Stream stream;
        boolean closeAfterWrite;
        boolean closed;
        /** When the last bytes of input were read. */
        long arrivalNanos;
        boolean queued;
        /** The socket's descriptor for direct writes, or -1. */
        final int fd;

        Conn(SocketChannel channel) {
            this.channel = channel;
            this.fd = directWriter == null ? -1 : ChannelFds.fd(channel);
        }

        void read() {
            ByteBuffer buf = readBuffer;
            while (true) {
                buf.clear();
                int n;
                try {
                    n = channel.read(buf);
                } catch (IOException e) {
                    close();
                    return;
                }
                if (n < 0) {
                    close();
                    return;
                }
                if (n == 0) {
                    break;
                }
                arrivalNanos = System.nanoTime();
                buf.flip();
                if (in.remaining() < n) {
                    int need = in.position() + n;
                    if (need > MAX_REQUEST_BYTES) {
                        respondError(413, "request larger than " + MAX_REQUEST_BYTES + " bytes", true);
                        return;
                    }
                    ByteBuffer grown = ByteBuffer.allocate(Math.max(in.capacity() * 2, need));
                    in.flip();
                    grown.put(in);
                    in = grown;
                }
                in.put(buf);
                if (!queued) {
                    queued = true;
                    toProcess.add(this);
                }
                if (closed || n < buf.capacity()) {
                    break;
                }
            }
        }

        /** Handles every complete request in the input, unless a response is in progress. */
        void processRequests(long arrival) {
            while (stream == null && !closed && !closeAfterWrite) {
                byte[] a = in.array();
                int len = in.position();
                int headEnd = indexOf(a, len, HEAD_END);
                if (headEnd < 0) {
                    if (len > 64 * 1024) {
                        respondError(431, "request headers too large", true);
                    }
                    return;
                }
                // the head is scanned in place: a request costs no regex and no string per header
                int lineEnd = lineEnd(a, 0, headEnd);
                String[] requestLine = new String(a, 0, lineEnd, StandardCharsets.ISO_8859_1).split(" ");
                if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                    respondError(400, "bad request line", true);
                    return;
                }
                long contentLength = 0;
                boolean close = requestLine[2].equals("HTTP/1.0");
                int rank = -1;
                boolean warmup = false;
                for (int from = lineEnd + 2; from < headEnd; from = lineEnd + 2) {
                    lineEnd = lineEnd(a, from, headEnd);
                    int colon = indexOf(a, from, lineEnd, (byte) ':');
                    if (colon <= from) {
                        continue;
                    }
                    Header h = Header.of(a, from, colon);
                    if (h == null) {
                        continue;
                    }
                    String value = new String(a, colon + 1, lineEnd - colon - 1, StandardCharsets.ISO_8859_1).trim();
                    switch (h) {
                        case CONTENT_LENGTH -> {
                            try {
                                contentLength = Long.parseLong(value);
                            } catch (NumberFormatException e) {
                                respondError(400, "bad Content-Length", true);
                                return;
                            }
                        }
                        case TRANSFER_ENCODING -> {
                            respondError(411, "chunked request bodies are not supported; send Content-Length", true);
                            return;
                        }
                        case WARMUP -> warmup = true;
                        case DATA_PARALLEL_RANK -> {
                            try {
                                rank = Integer.parseInt(value);
                            } catch (NumberFormatException e) {
                                rank = -1;
                            }
                        }
                        case CONNECTION -> {
                            String v = value.toLowerCase(Locale.ROOT);
                            if (v.contains("close")) {
                                close = true;
                            } else if (v.contains("keep-alive")) {
                                close = false;
                            }
                        }
                    }
                }
                if (contentLength < 0 || contentLength > MAX_REQUEST_BYTES) {
                    respondError(413, "request body too large", true);
                    return;
                }
                int total = headEnd + 4 + (int) contentLength;
                if (len < total) {
                    return; // body not complete yet
                }
                byte[] body = java.util.Arrays.copyOfRange(a, headEnd + 4, total);
                in.flip();
                in.position(total);
                in.compact();
                if (close) {
                    closeAfterWrite = true;
                }
                handle(requestLine[0], requestLine[1], body, arrival, close, rank, warmup);
            }
        }

        void handle(String method, String target, byte[] body, long arrival, boolean close, int rank,
                boolean warmup) {
            String path = target;
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            try {
                switch (path) {
                    case "/health" -> respond(200, "text/plain", "", close);
                    case "/v1/models" -> respondJson(200, models(), close);
                    case "/metrics" -> respond(200, "text/plain; version=0.0.4; charset=utf-8",
                            stats.prometheus(config.model(), running(), waiting()), close);
                    case "/mock/stats" -> respondJson(200, groundTruth(), close);
                    case "/mock/reset" -> requirePost(method, () -> {
                        stats.reset();
                        stealSince = CpuSteal.Reading.now();
                        loopWaitNanos = 0;
                        loopSinceNanos = System.nanoTime();
                        cpuSinceNanos = processCpuNanos();
                        respondJson(200, groundTruth(), close);
                    });
                    case "/tokenize" -> requirePost(method, () -> respondJson(200, tokenize(parse(body)), close));
                    case "/detokenize" -> requirePost(method, () -> respondJson(200, detokenize(parse(body)), close));
                    case "/v1/completions" ->
                        requirePost(method, () -> completion(parse(body), false, arrival, close, rank, warmup));
                    case "/v1/chat/completions" ->
                        requirePost(method, () -> completion(parse(body), true, arrival, close, rank, warmup));
                    default -> respondError(404, "no route for " + method + " " + path, close);
                }
            } catch (BadRequest e) {
                respondError(e.status, e.getMessage(), close);
            }
        }

        private void requirePost(String method, Runnable r) {
            if (!"POST".equals(method)) {
                throw new BadRequest(405, "use POST");
            }
            r.run();
        }

        private JsonNode parse(byte[] body) {
            try {
                JsonNode n = mapper.readTree(body);
                if (n == null || !n.isObject()) {
                    throw new BadRequest(400, "the body must be a JSON object");
                }
                return n;
            } catch (IOException e) {
                throw new BadRequest(400, "the body is not valid JSON");
            }
        }

        private ObjectNode tokenize(JsonNode req) {
            int[] ids;
            if (req.has("prompt")) {
                ids = tokenizer.encode(req.get("prompt").asText());
            } else if (req.has("messages")) {
                ids = tokenizer.encode(messagesText(req.get("messages")));
            } else {
                throw new BadRequest(400, "give \"prompt\" or \"messages\"");
            }
            ObjectNode o = mapper.createObjectNode();
            o.put("count", ids.length);
            o.put("max_model_len", 1 << 20);
            ArrayNode arr = o.putArray("tokens");
            for (int id : ids) {
                arr.add(id);
            }
            return o;
        }

        private ObjectNode detokenize(JsonNode req) {
            JsonNode tokens = req.get("tokens");
            if (tokens == null || !tokens.isArray()) {
                throw new BadRequest(400, "give \"tokens\": a list of ids");
            }
            int[] ids = new int[tokens.size()];
            for (int i = 0; i < ids.length; i++) {
                int id = tokens.get(i).asInt(-1);
                if (!tokenizer.valid(id)) {
                    throw new BadRequest(400, "token id " + tokens.get(i) + " is out of vocabulary");
                }
                ids[i] = id;
            }
            ObjectNode o = mapper.createObjectNode();
            o.put("prompt", tokenizer.decode(ids));
            return o;
        }

        private void completion(JsonNode req, boolean chat, long arrival, boolean close, int rank,
                boolean warmup) {
            String model = req.path("model").asText(config.model());
            if (req.has("model") && !model.equals(config.model())) {
                throw new BadRequest(404, "The model `" + model + "` does not exist.");
            }
            int promptTokens;
            if (chat) {
                JsonNode messages = req.get("messages");
                if (messages == null || !messages.isArray() || messages.isEmpty()) {
                    throw new BadRequest(400, "\"messages\" must be a non-empty list");
                }
                promptTokens = tokenizer.count(messagesText(messages));
            } else {
                JsonNode prompt = req.get("prompt");
                if (prompt == null) {
                    throw new BadRequest(400, "\"prompt\" is required");
                }
                promptTokens = promptTokens(prompt);
            }
            int maxTokens = config.defaultMaxTokens();
            JsonNode mt = req.has("max_completion_tokens") ? req.get("max_completion_tokens") : req.get("max_tokens");
            if (mt != null && !mt.isNull()) {
                if (!mt.canConvertToInt() || mt.asInt() < 1) {
                    throw new BadRequest(400, "max_tokens must be a positive integer");
                }
                maxTokens = mt.asInt();
            }
            if (req.path("n").asInt(1) != 1) {
                throw new BadRequest(400, "the mock supports n=1 only");
            }
            long id = ++nextId;
            stats.requests++;
            boolean streaming = req.path("stream").asBoolean(false);
            Faults.Decision fault = config.faults().decide(id - 1, maxTokens);
            if (fault.kind() == Faults.Kind.ERROR) {
                stats.faultsInjected++;
                respondError(config.faults().errorStatus(), "injected error", close);
                return;
            }
            if (!streaming && fault.kind() != Faults.Kind.CUT) {
                fault = Faults.Decision.NONE; // in-band faults need a stream
            }
            JsonNode so = req.path("stream_options");
            boolean includeUsage = streaming && so.path("include_usage").asBoolean(false);
            // llama.cpp-style servers know no continuous usage: their usage rides on the last token
            boolean continuous = includeUsage && !config.usageInLastChunk()
                    && so.path("continuous_usage_stats").asBoolean(false);
            StreamFormat format = new StreamFormat(chat, (chat ? "chatcmpl-" : "cmpl-") + id, model,
                    createdEpochSeconds, promptTokens, maxTokens, includeUsage, continuous, (int) id,
                    config.usageInLastChunk());
            Stream s = new Stream(this, format, arrival, streaming, close, fault);
            s.warmup = warmup;
            if (warmup) {
                stats.warmupRequests++;
            }
            stats.admitted(promptTokens, warmup);
            JsonNode kv = req.path("kv_transfer_params");
            boolean remotePrefilled = config.role() == MockConfig.Role.DECODE && kv.path("do_remote_prefill")
                    .asBoolean(false);
            if (config.role() == MockConfig.Role.PREFILL && kv.path("do_remote_decode").asBoolean(false)) {
                s.kvTransferParams = kvTransferParams(promptTokens);
            }
            long kvReady = remotePrefilled ? arrival + config.kvTransferNanos(promptTokens) : arrival;
            stream = s;
            if (streaming) {
                stats.streamsStarted++;
                activeStreams++;
                write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
                        + "cache-control: no-cache\r\ntransfer-encoding: chunked\r\n"
                        + (close ? "connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            }
            if (engine != null) {
                s.seq = new Engine.Seq(s, promptTokens, maxTokens, kvReady, remotePrefilled);
                engine.submit(s.seq, arrival, rank);
                return;
            }
            s.firstDueNanos = remotePrefilled ? kvReady + config.itlNanos() : arrival + config.ttftNanos();
            s.dueNanos = streaming ? s.firstDueNanos : s.firstDueNanos + (long) (maxTokens - 1) * config.itlNanos();
            due.add(s);
        }

        /** What vLLM's NixlConnector producer returns for the decode side to pull the KV cache. */
        private ObjectNode kvTransferParams(int promptTokens) {
            ObjectNode p = mapper.createObjectNode();
            p.put("do_remote_prefill", true);
            p.put("do_remote_decode", false);
            ArrayNode blocks = p.putArray("remote_block_ids");
            for (int b = 0; b < (promptTokens + 15) / 16; b++) {
                blocks.add(b);
            }
            p.put("remote_engine_id", "bench-mock-" + port());
            p.put("remote_host", config.host());
            p.put("remote_port", 5600);
            p.put("tp_size", 1);
            return p;
        }

        private int promptTokens(JsonNode prompt) {
            if (prompt.isTextual()) {
                return tokenizer.count(prompt.asText());
            }
            if (prompt.isArray()) {
                if (!prompt.isEmpty() && prompt.get(0).isInt()) {
                    return prompt.size(); // token ids
                }
                if (prompt.size() == 1 && prompt.get(0).isTextual()) {
                    return tokenizer.count(prompt.get(0).asText());
                }
            }
            throw new BadRequest(400, "\"prompt\" must be a string, a one-string list or a list of token ids");
        }

        /** The current response is complete: go on with the next request, or close. */
        void streamEnded() {
            if (stream != null && stream.streaming) {
                activeStreams--;
            }
            stream = null;
            if (closeAfterWrite) {
                if (pending.isEmpty()) {
                    close();
                }
                return;
            }
            processRequests(arrivalNanos);
        }

        void respondJson(int status, ObjectNode body, boolean close) {
            respond(status, "application/json", json(body), close);
        }

        void respondError(int status, String message, boolean close) {
            ObjectNode o = mapper.createObjectNode();
            ObjectNode e = o.putObject("error");
            e.put("message", message);
            e.put("type", status == 404 ? "NotFoundError" : status >= 500 ? "InternalServerError" : "BadRequestError");
            e.putNull("param");
            e.put("code", status);
            if (close) {
                closeAfterWrite = true;
            }
            respond(status, "application/json", json(o), close);
        }

        void respond(int status, String contentType, String body, boolean close) {
            write(ByteBuffer.wrap(httpResponse(status, contentType, body, close)));
            if (close && pending.isEmpty()) {
                close();
            }
        }

        /** Writes {@code b} now; what the socket does not take is copied and sent when writable. */
        void write(ByteBuffer b) {
            if (closed) {
                return;
            }
            if (pending.isEmpty()) {
                try {
                    writeNow(b);
                } catch (IOException e) {
                    close();
                    return;
                }
                if (!b.hasRemaining()) {
                    return;
                }
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            ByteBuffer copy = ByteBuffer.allocate(b.remaining());
            copy.put(b).flip();
            pending.add(copy);
        }

        /** One write of what {@code b} holds: straight to the descriptor when it is {@link #out}. */
        private void writeNow(ByteBuffer b) throws IOException {
            if (fd >= 0 && b == out) {
                int n = directWriter.write(fd, outAddress + b.position(), b.remaining());
                b.position(b.position() + n);
            } else {
                channel.write(b);
            }
        }

        void flush() {
            while (!pending.isEmpty()) {
                ByteBuffer b = pending.peek();
                try {
                    channel.write(b);
                } catch (IOException e) {
                    close();
                    return;
                }
                if (b.hasRemaining()) {
                    return;
                }
                pending.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
            if (closeAfterWrite && stream == null) {
                close();
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            openConnections--;
            if (stream != null) {
                if (stream.streaming) {
                    activeStreams--;
                }
                stream.done = true;
                if (stream.seq != null) {
                    stream.seq.cancel();
                }
                stream = null;
            }
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private int running() {
        return engine != null ? engine.running() : activeStreams;
    }

    private int waiting() {
        return engine != null ? engine.waiting() : 0;
    }

    private ObjectNode models() {
        ObjectNode o = mapper.createObjectNode();
        o.put("object", "list");
        ObjectNode m = o.putArray("data").addObject();
        m.put("id", config.model());
        m.put("object", "model");
        m.put("created", createdEpochSeconds);
        m.put("owned_by", "bench-mock");
        m.put("root", config.model());
        m.putNull("parent");
        m.put("max_model_len", 1 << 20);
        return o;
    }

    /** What the server really did: TTFT and ITL from its own send times, lateness, counts. */
    private ObjectNode groundTruth() {
        ObjectNode o = mapper.createObjectNode();
        o.put("requests", stats.requests);
        o.put("warmup_requests", stats.warmupRequests);
        o.put("streams_started", stats.streamsStarted);
        o.put("finished", stats.finished);
        o.put("tokens_sent", stats.tokensSent);
        o.put("prompt_tokens", stats.promptTokens);
        o.put("faults_injected", stats.faultsInjected);
        o.put("open_connections", openConnections);
        o.put("active_streams", activeStreams);
        o.put("running", running());
        o.put("waiting", waiting());
        o.put("engine_model", engine != null);
        o.put("role", config.role().name().toLowerCase(Locale.ROOT));
        o.put("ttft_ms_config", config.ttftMs());
        o.put("itl_ms_config", config.itlMs());
        summary(o.putObject("ttft_ms"), stats.ttft);
        summary(o.putObject("itl_ms"), stats.itl);
        summary(o.putObject("lateness_ms"), stats.lateness);
        // the host's share of the mock's CPUs since start or reset: lateness it did not cause
        double steal = CpuSteal.Reading.now().percentSince(stealSince);
        if (Double.isNaN(steal)) {
            o.putNull("cpu_steal_pct");
        } else {
            o.put("cpu_steal_pct", steal);
        }
        // how much of its time the event loop worked (rather than waited for a due token or a
        // request), and the process's CPU, since start or reset: a loop busy near 100 % is
        // saturated, and its lateness is its own
        long sinceNanos = System.nanoTime() - loopSinceNanos;
        long busyNanos = sinceNanos - loopWaitNanos;
        o.put("write_path", directWriter != null ? "direct" : "nio");
        o.put("loop_busy_pct", sinceNanos <= 0 ? 0 : 100.0 * busyNanos / sinceNanos);
        // per token written, warm-ups included (they were work too)
        if (stats.generationTokensTotal > 0) {
            o.put("loop_us_per_token", busyNanos / 1e3 / stats.generationTokensTotal);
        } else {
            o.putNull("loop_us_per_token");
        }
        long cpuNanos = processCpuNanos();
        if (cpuNanos < 0 || cpuSinceNanos < 0) {
            o.putNull("process_cpu_ms");
        } else {
            o.put("process_cpu_ms", (cpuNanos - cpuSinceNanos) / 1e6);
        }
        summary(o.putObject("ttft_scheduled_ms"), stats.ttftScheduled);
        summary(o.putObject("itl_scheduled_ms"), stats.itlScheduled);
        ObjectNode h = o.putObject("histograms");
        h.put("encoding", "HdrHistogram V2 compressed, base64, nanoseconds");
        h.put("ttft", stats.ttft.toBase64());
        h.put("itl", stats.itl.toBase64());
        h.put("lateness", stats.lateness.toBase64());
        return o;
    }

    /** This process's CPU time (all threads), or -1 when the platform does not tell. */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    private static void summary(ObjectNode o, bench.metrics.LatencyRecorder r) {
        o.put("count", r.count());
        o.put("mean", r.meanNanos() / 1e6);
        o.put("p50", r.percentileNanos(50) / 1e6);
        o.put("p90", r.percentileNanos(90) / 1e6);
        o.put("p99", r.percentileNanos(99) / 1e6);
        o.put("p999", r.percentileNanos(99.9) / 1e6);
        o.put("max", r.maxNanos() / 1e6);
    }

    private static String messagesText(JsonNode messages) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : messages) {
            JsonNode content = m.get("content");
            if (content == null) {
                continue;
            }
            if (content.isTextual()) {
                sb.append(content.asText()).append(' ');
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    if (part.path("text").isTextual()) {
                        sb.append(part.get("text").asText()).append(' ');
                    }
                }
            }
        }
        return sb.toString();
    }

    private String json(ObjectNode o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] httpResponse(int status, String contentType, String body, boolean close) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\ncontent-type: " + contentType
                + "\r\ncontent-length: " + b.length + "\r\n" + (close ? "connection: close\r\n" : "") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    /** The request headers the mock acts on; any other is skipped without a string made of it. */
    private enum Header {
        CONTENT_LENGTH("content-length"),
        TRANSFER_ENCODING("transfer-encoding"),
        WARMUP("x-bench-warmup"),
        DATA_PARALLEL_RANK("x-data-parallel-rank"),
        CONNECTION("connection");

        private static final Header[] ALL = values();
        private final byte[] name;

        Header(String name) {
            this.name = name.getBytes(StandardCharsets.US_ASCII);
        }

        /** The header named by {@code a[from, to)} (case-insensitive, surrounding blanks ignored), or null. */
        static Header of(byte[] a, int from, int to) {
            while (from < to && (a[from] == ' ' || a[from] == '\t')) {
                from++;
            }
            while (to > from && (a[to - 1] == ' ' || a[to - 1] == '\t')) {
                to--;
            }
            outer:
            for (Header h : ALL) {
                if (h.name.length != to - from) {
                    continue;
                }
                for (int i = 0; i < h.name.length; i++) {
                    int c = a[from + i];
                    if (c >= 'A' && c <= 'Z') {
                        c += 'a' - 'A';
                    }
                    if (c != h.name[i]) {
                        continue outer;
                    }
                }
                return h;
            }
            return null;
        }
    }

    /** The index of the CR of the CRLF ending the line at {@code from}, or {@code end}. */
    private static int lineEnd(byte[] a, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n') {
                return i;
            }
        }
        return end;
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] a, int len, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
