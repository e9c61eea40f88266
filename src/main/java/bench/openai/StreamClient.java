package bench.openai;

import bench.net.Alarm;
import bench.net.Epoll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The token-streaming data path: one event loop on its own thread, HTTP/1.1 keep-alive
 * connections, chunked and SSE framing parsed from a shared read buffer, one
 * {@link System#nanoTime()} per read, and nothing allocated per token. Requests arrive
 * pre-encoded. Everything here, including the {@link Driver} and the {@link StreamHandler}s,
 * runs on the thread that called {@link #run}.
 *
 * <p>The loop is Linux epoll called directly ({@link Epoll}) for plain http where the JVM
 * allows it (Java 22+), else NIO's selector; https always takes NIO, with the JDK's TLS.
 * {@code -Dbench.io=nio} asks for NIO everywhere. On epoll the sockets are edge-triggered: a
 * read shorter than the buffer has drained its socket, so one read per arrival suffices and
 * the kernel does not poll every socket again on the next wait, as it does for NIO's
 * level-triggered selector.
 */
public final class StreamClient implements AutoCloseable {

    /** The load logic, called on the loop thread at every turn. */
    public interface Driver {
        /**
         * Starts whatever is due (via {@link StreamClient#send}); returns the next instant it
         * needs a turn, on the {@link System#nanoTime()} scale, or {@link Long#MAX_VALUE}.
         */
        long tick(long nowNanos);

        /** When true, {@link #run} returns. */
        boolean finished();
    }

    /** Counters of the data path, for the self-check. */
    public static final class Stats {
        public long reads;
        public long bytesRead;
        public long tokenEvents;
        public long tokens;
        public long connectionsOpened;
        public long retriedOnStaleConnection;
        /** Reads timed by the kernel's receive stamp, their data having possibly waited (epoll). */
        public long stampedReads;
        /**
         * Reader lag, one entry per token event: how long its data may have waited in the socket
         * before the client took its time, at most. A plain read's data came after the previous
         * wait returned (or this connection's previous read): its events may have waited since
         * then. A stamped read's time is when its last segment arrived: its last token event did
         * not wait; the ones before it may have come any time since.
         */
        public final bench.metrics.LatencyRecorder readerLag = new bench.metrics.LatencyRecorder();
    }

    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final long TIMEOUT_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(30);

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Ready sockets one epoll wait reports at most (more wait for the next turn). */
    private static final int MAX_EVENTS = 1024;

    /** Which event loop a client uses. */
    public enum Io {
        /** epoll where available, else NIO. */
        AUTO,
        NIO,
        EPOLL;

        /** From {@code -Dbench.io} (auto, nio, epoll); auto when unset. */
        public static Io fromProperty() {
            String v = System.getProperty("bench.io", "auto").trim().toUpperCase(java.util.Locale.ROOT);
            try {
                return Io.valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new bench.BenchException("-Dbench.io must be auto, nio or epoll, not '"
                        + System.getProperty("bench.io") + "'");
            }
        }
    }

    private final Endpoint endpoint;
    private final SSLContext sslContext;
    private final boolean verifyHostname;
    private final InetSocketAddress address;
    /** The native loop, or null: then {@link #selector}. */
    private final Epoll epoll;
    private final Selector selector;
    private final Alarm alarm;
    /**
     * Plain reads land here: a direct buffer of our own, so the JDK reads straight into it
     * instead of fetching a temporary direct buffer from its thread-local cache on every read.
     */
    private final ByteBuffer directRead = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final long directReadAddress;
    /** Request bytes for epoll's write (grown to the largest request). */
    private ByteBuffer directWrite;
    private long directWriteAddress;
    /** The connection of each epoll token; freed tokens wait for the end of a loop turn. */
    private Conn[] byToken = new Conn[64];
    private int[] freeTokens = new int[64];
    private int freeCount;
    private int[] releasedTokens = new int[64];
    private int releasedCount;
    private int nextToken;
    /**
     * The parsers scan this heap array: each plain read is copied here in one bulk copy (the
     * copy the JDK would make itself for a heap buffer); TLS decrypts into it directly.
     */
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final java.util.function.Consumer<SelectionKey> onReady = this::onReady;
    private final EventScanner scanner = new EventScanner();
    private final EventFields fields = new EventFields();
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final Conn busy = new Conn(); // sentinel of the circular list of busy connections
    private final Stats stats = new Stats();
    private int inFlight;
    private long nextTimeoutScan;
    /** NIO: when the current select reported its first ready key (0: none yet). */
    private long selectedNanos;
    /**
     * epoll: a read is timed by the kernel's receive stamp when its data may have waited longer
     * than this (-1: never); see {@link #stampAfterNanos()}.
     */
    private final long stampAfterNanos;
    private final int maxEvents;
    /**
     * When the last wait (or select) returned, and the one before: data read now came after the
     * latter (it would have been reported then otherwise), so that bounds how long it waited.
     */
    private long awaitedNanos;
    private long windowNanos;
    /** epoll: the last wait reported as many sockets as it could (more may have been ready). */
    private boolean lastBatchFull;
    /** epoll: the loop's latest clock reading (the last wait or read). */
    private long latestNanos;
    /** epoll: the wall clock minus {@link System#nanoTime()}, taken once per turn that needs it. */
    private long realtimeOffsetNanos;
    private boolean offsetTaken;
    private int preconnected;
    private int preconnectFailed;
    private String lastPreconnectError;

    public StreamClient(Endpoint endpoint) throws IOException {
        this(endpoint, false);
    }

    /**
     * @param insecureTls for https: accept any certificate and host name (vLLM's --insecure)
     */
    public StreamClient(Endpoint endpoint, boolean insecureTls) throws IOException {
        this(endpoint, insecureTls, Io.fromProperty());
    }

    /**
     * @param io which event loop; {@link Io#EPOLL} fails where epoll is not available or the
     *           endpoint is https
     */
    public StreamClient(Endpoint endpoint, boolean insecureTls, Io io) throws IOException {
        this(endpoint, insecureTls, io, MAX_EVENTS, stampAfterNanos());
    }

    /**
     * For tests: epoll reports at most {@code maxEvents} ready sockets per wait, and a read is
     * stamped when its data may have waited more than {@code stampAfterNanos} (-1: never).
     */
    StreamClient(Endpoint endpoint, boolean insecureTls, Io io, int maxEvents, long stampAfterNanos)
            throws IOException {
        this.endpoint = endpoint;
        this.sslContext = endpoint.tls() ? Tls.context(insecureTls) : null;
        this.verifyHostname = !insecureTls;
        this.address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new bench.BenchException("cannot resolve host '" + endpoint.host() + "'");
        }
        boolean useEpoll = ioFor(endpoint, io).equals("epoll");
        if (io == Io.EPOLL && !useEpoll) {
            throw new bench.BenchException("-Dbench.io=epoll: " + (sslContext != null ? "https takes NIO"
                    : "epoll is not available: " + Epoll.unavailableReason()));
        }
        this.stampAfterNanos = stampAfterNanos;
        this.maxEvents = maxEvents;
        // opening connection 257, 513, 1025 ... must not stall the loop (see there)
        Epoll.reserveDescriptors(Epoll.DESCRIPTORS_TO_RESERVE);
        if (useEpoll) {
            this.epoll = new Epoll(maxEvents);
            this.selector = null;
            this.directReadAddress = Epoll.address(directRead);
            this.alarm = new Alarm(epoll::wakeup, "bench-client-alarm");
        } else {
            this.epoll = null;
            this.selector = Selector.open();
            this.directReadAddress = 0;
            this.alarm = new Alarm(selector, "bench-client-alarm");
        }
        busy.prev = busy;
        busy.next = busy;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public Stats stats() {
        return stats;
    }

    /**
     * How long data may have waited in its socket before a read is timed by the kernel's
     * receive stamp instead of the clock after the read: {@code -Dbench.io.stamp-after-us}
     * (default 100; 0 every read; -1 never).
     *
     * <p>A read's data arrived after the previous wait returned (that wait would have reported
     * it otherwise, unless it reported a full batch: then the next turn's reads all ask the
     * kernel), so the clock after the read is late by at most the time since then. While
     * the loop keeps up, that is a few microseconds, and a plain read is cheaper. When a turn
     * runs long (a burst of ready sockets, a stall of the client's core) it can be
     * milliseconds: then the kernel's stamp gives the arrival itself, and a client behind by
     * less than one inter-token gap still measures every gap right.
     */
    static long stampAfterNanos() {
        String v = System.getProperty("bench.io.stamp-after-us", "100").trim();
        try {
            long us = Long.parseLong(v);
            if (us >= -1) {
                return us < 0 ? -1 : TimeUnit.MICROSECONDS.toNanos(us);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new bench.BenchException("-Dbench.io.stamp-after-us must be a whole number of microseconds, "
                + "or -1 for never, not '" + v + "'");
    }

    /** The event loop a client for {@code endpoint} uses: "epoll" or "nio". */
    public static String ioFor(Endpoint endpoint, Io io) {
        return io != Io.NIO && !endpoint.tls() && Epoll.available() ? "epoll" : "nio";
    }

    /** The event loop in use: "epoll" or "nio". */
    public String io() {
        return epoll != null ? "epoll" : "nio";
    }

    public int inFlight() {
        return inFlight;
    }

    /** Thread-safe: makes the loop take a turn now. */
    public void wakeup() {
        if (epoll != null) {
            epoll.wakeup();
        } else {
            selector.wakeup();
        }
    }

    /**
     * Starts a request (loop thread only). The handler hears of it through
     * {@link StreamHandler#onComplete} exactly once, possibly before this returns.
     *
     * @param request      the complete HTTP request bytes
     * @param timeoutNanos per-request timeout, or 0 for none
     */
    public void send(byte[] request, StreamHandler handler, long timeoutNanos, long nowNanos) {
        inFlight++;
        Conn c = idle.pollFirst();
        boolean reused = c != null;
        if (c == null) {
            c = new Conn();
        }
        c.begin(request, handler, timeoutNanos > 0 ? nowNanos + timeoutNanos : Long.MAX_VALUE, reused);
        linkBusy(c);
        if (reused) {
            c.write();
        } else {
            c.connect(nowNanos);
        }
    }

    /**
     * Opens idle keep-alive connections until {@code count} are pooled, before a run, so the
     * first requests do not pay for connection set-up (a warm client's pool). Call when the
     * loop is not running. Returns the number of idle connections.
     */
    public int preconnect(int count, long timeoutNanos) throws IOException {
        int want = count - idle.size();
        if (want <= 0) {
            return idle.size();
        }
        preconnected = 0;
        preconnectFailed = 0;
        long now = System.nanoTime();
        for (int i = 0; i < want; i++) {
            new Conn().connect(now);
        }
        long deadline = now + timeoutNanos;
        while (preconnected + preconnectFailed < want && System.nanoTime() < deadline) {
            selectedNanos = 0;
            poll(10);
        }
        if (preconnected == 0 && preconnectFailed > 0) {
            throw new bench.BenchException("cannot connect to " + endpoint + ": " + lastPreconnectError);
        }
        return idle.size();
    }

    /** Runs the loop until the driver says it is finished. */
    public void run(Driver driver) throws IOException {
        nextTimeoutScan = System.nanoTime() + TIMEOUT_SCAN_NANOS;
        // the loop's body is a method of its own: run is called once per run, so the JIT
        // compiles its loop only by on-stack replacement, which came seconds into a run (the
        // loop ran interpreted until then); turn is called thousands of times in warm-up
        while (turn(driver)) {
            // each turn waits, reads and sends
        }
    }

    /** One turn of the loop; false when the driver says it is finished. */
    private boolean turn(Driver driver) throws IOException {
        long now = System.nanoTime();
        long next = driver.tick(now);
        if (driver.finished()) {
            alarm.disarm();
            return false;
        }
        if (now >= nextTimeoutScan) {
            scanTimeouts(now);
            nextTimeoutScan = now + TIMEOUT_SCAN_NANOS;
        }
        long deadline = Math.min(next, nextTimeoutScan);
        long wait = deadline - System.nanoTime();
        selectedNanos = 0;
        if (wait <= SPIN_NANOS) {
            alarm.disarm();
            poll(0);
        } else {
            if (next != Long.MAX_VALUE && next <= deadline) {
                alarm.arm(next);
            } else {
                alarm.disarm();
            }
            poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
        }
        return true;
    }

    /** One turn: waits up to {@code timeoutMillis} (0: not at all) and serves the ready connections. */
    private void poll(long timeoutMillis) throws IOException {
        if (epoll == null) {
            windowNanos = awaitedNanos;
            if (timeoutMillis == 0) {
                selector.selectNow(onReady);
            } else {
                selector.select(onReady, timeoutMillis);
            }
            awaitedNanos = selectedNanos != 0 ? selectedNanos : System.nanoTime();
            return;
        }
        while (releasedCount > 0) {
            pushFreeToken(releasedTokens[--releasedCount]);
        }
        int n = epoll.await((int) Math.min(timeoutMillis, Integer.MAX_VALUE));
        // after a full batch, sockets ready then may only be reported now: their data may be
        // older than the last wait, so every read of this turn asks the kernel
        windowNanos = lastBatchFull ? Long.MIN_VALUE / 2 : awaitedNanos;
        lastBatchFull = n == maxEvents;
        awaitedNanos = System.nanoTime();
        latestNanos = awaitedNanos;
        offsetTaken = false;
        for (int i = 0; i < n; i++) {
            int token = epoll.token(i);
            if (token == Epoll.WAKEUP_TOKEN) {
                epoll.clearWakeup();
                continue;
            }
            Conn c = byToken[token];
            if (c == null) {
                continue; // closed earlier in this turn
            }
            int ready = epoll.ready(i);
            int ops;
            if (c.interest == SelectionKey.OP_CONNECT) {
                ops = SelectionKey.OP_CONNECT; // writable, or an error: finishConnect says which
            } else {
                ops = ((ready & Epoll.OUT) != 0 ? SelectionKey.OP_WRITE : 0)
                        | ((ready & (Epoll.IN | Epoll.ERR | Epoll.HUP | Epoll.RDHUP)) != 0 ? SelectionKey.OP_READ : 0);
            }
            // the data and the close (or an error) may arrive as one edge: then read to the end
            c.readToEnd = (ready & (Epoll.ERR | Epoll.HUP | Epoll.RDHUP)) != 0;
            c.ready(ops);
        }
    }

    private int takeToken(Conn c) {
        int t = freeCount > 0 ? freeTokens[--freeCount] : nextToken++;
        if (t >= byToken.length) {
            byToken = java.util.Arrays.copyOf(byToken, byToken.length * 2);
        }
        byToken[t] = c;
        return t;
    }

    /** A closed connection's token: reused only after this loop turn, whose events may still name it. */
    private void releaseToken(int t) {
        byToken[t] = null;
        if (releasedCount == releasedTokens.length) {
            releasedTokens = java.util.Arrays.copyOf(releasedTokens, releasedCount * 2);
        }
        releasedTokens[releasedCount++] = t;
    }

    private void pushFreeToken(int t) {
        if (freeCount == freeTokens.length) {
            freeTokens = java.util.Arrays.copyOf(freeTokens, freeCount * 2);
        }
        freeTokens[freeCount++] = t;
    }

    /** {@code n} request bytes at {@code b[from]} in native memory, for epoll's write. */
    private long nativeRequest(byte[] b, int from, int n) {
        if (directWrite == null || directWrite.capacity() < n) {
            directWrite = ByteBuffer.allocateDirect(Math.max(n, 16 * 1024));
            directWriteAddress = Epoll.address(directWrite);
        }
        directWrite.put(0, b, from, n);
        return directWriteAddress;
    }

    /**
     * When the data of the last {@link Epoll#readStamped} arrived, on the {@link System#nanoTime()}
     * scale: the kernel's stamp, no later than {@code now} (the clock after the read); {@code
     * now} when the kernel gave none.
     */
    private long arrival(long now) {
        long stamp = epoll.arrivalRealtimeNanos();
        if (stamp == 0) {
            return now;
        }
        if (!offsetTaken) {
            long before = System.nanoTime();
            long wall = epoll.realtimeNanos();
            long after = System.nanoTime();
            realtimeOffsetNanos = wall - (before + (after - before) / 2);
            offsetTaken = true;
        }
        return Math.min(now, stamp - realtimeOffsetNanos);
    }

    /** A ready key of this loop turn; the turn's time is taken at the first one. */
    private void onReady(SelectionKey key) {
        if (selectedNanos == 0) {
            selectedNanos = System.nanoTime();
        }
        if (key.isValid()) {
            ((Conn) key.attachment()).ready(key.readyOps());
        }
    }

    /** Fails every request still in flight with {@code kind}, closing their connections. */
    public void abortAll(FailureKind kind, String why) {
        long now = System.nanoTime();
        while (busy.next != busy) {
            Conn c = busy.next;
            c.fail(now, kind, why, false);
        }
    }

    @Override
    public void close() throws IOException {
        alarm.close();
        abortAll(FailureKind.INTERRUPTED, "client closed");
        for (Conn c : idle) {
            c.closeChannel();
        }
        idle.clear();
        if (epoll != null) {
            epoll.close();
        } else {
            selector.close();
        }
    }

    private void scanTimeouts(long now) {
        Conn c = busy.next;
        while (c != busy) {
            Conn next = c.next;
            if (now >= c.deadline) {
                c.fail(now, FailureKind.TIMEOUT, "no complete response within the request timeout", false);
            }
            c = next;
        }
    }

    private void linkBusy(Conn c) {
        c.prev = busy.prev;
        c.next = busy;
        busy.prev.next = c;
        busy.prev = c;
    }

    private static void unlink(Conn c) {
        if (c.prev != null) {
            c.prev.next = c.next;
            c.next.prev = c.prev;
            c.prev = null;
            c.next = null;
        }
    }

    /** One connection and the exchange it carries. */
    private final class Conn implements Exchange.End {
        Conn prev;
        Conn next;
        SocketChannel channel;
        SelectionKey key;
        /** epoll: the socket and its token, -1 when none. */
        int fd = -1;
        int token = -1;
        /** epoll: what the loop waits for on this connection (NIO's interest bits); NIO's key holds its own. */
        int interest;
        /** epoll: the peer closed or the socket failed; read until the end, not the first short read. */
        boolean readToEnd;
        final Exchange exchange = new Exchange(scanner, fields, stats, this);
        // TLS (https only): the engine, encrypted bytes read but not yet decrypted, and
        // encrypted bytes waiting to be written (kept flipped, ready to drain)
        SSLEngine tls;
        ByteBuffer netIn;
        ByteBuffer netOut;
        boolean handshaking;

        // the current request (its response: exchange)
        byte[] request;
        ByteBuffer out;
        long deadline;
        boolean reused;
        boolean responseStarted;
        /**
         * When the last data delivered arrived, or the request was written: a later read's data
         * is not timed earlier (the handler sees times in order).
         */
        long arrivedNanos;
        /** When this connection's last read (or the request's write) returned: later data came after it. */
        long lastReadNanos;

        void begin(byte[] req, StreamHandler h, long dl, boolean wasReused) {
            request = req;
            out = ByteBuffer.wrap(req);
            deadline = dl;
            reused = wasReused;
            responseStarted = false;
            exchange.begin(h);
        }

        void connect(long now) {
            if (epoll != null) {
                try {
                    fd = epoll.open(address);
                    stats.connectionsOpened++;
                    boolean pending = epoll.connecting();
                    token = takeToken(this);
                    interest = pending ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ;
                    epoll.register(fd, (pending ? Epoll.OUT : Epoll.IN | Epoll.RDHUP) | Epoll.ET, token);
                    if (!pending) {
                        connected();
                    }
                } catch (IOException e) {
                    closeChannel();
                    connectFailed(now, e);
                }
                return;
            }
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                stats.connectionsOpened++;
                if (channel.connect(address)) {
                    key = channel.register(selector, SelectionKey.OP_READ, this);
                    connected();
                } else {
                    key = channel.register(selector, SelectionKey.OP_CONNECT, this);
                }
            } catch (IOException e) {
                connectFailed(now, e);
            }
        }

        /** TCP connected: start TLS if needed, then {@link #ready()}. */
        private void connected() {
            if (sslContext != null) {
                try {
                    startTls();
                    if (!handshake()) {
                        return; // continues when the socket is ready
                    }
                } catch (IOException e) {
                    connectFailed(System.nanoTime(), new IOException("TLS handshake with " + endpoint.host()
                            + " failed: " + message(e), e));
                    return;
                }
            }
            usable();
        }

        /** Connected (and TLS established): send the request, or join the idle pool when pre-connecting. */
        private void usable() {
            if (!exchange.active()) {
                idle.addLast(this);
                preconnected++;
            } else {
                write();
            }
        }

        private void connectFailed(long now, IOException e) {
            if (!exchange.active()) {
                closeChannel();
                preconnectFailed++;
                lastPreconnectError = message(e);
            } else {
                fail(now, FailureKind.CONNECT_ERROR, "connect to " + endpoint + ": " + message(e), false);
            }
        }

        /** The loop found this connection ready for {@code ops} (NIO's bits). */
        void ready(int ops) {
            if ((ops & SelectionKey.OP_CONNECT) != 0) {
                try {
                    if (epoll != null) {
                        epoll.finishConnect(fd);
                    } else {
                        channel.finishConnect();
                    }
                } catch (IOException e) {
                    connectFailed(System.nanoTime(), e);
                    return;
                }
                if (interest(SelectionKey.OP_READ)) {
                    connected();
                }
                return;
            }
            if (handshaking) {
                try {
                    if (handshake()) {
                        usable();
                    }
                } catch (IOException e) {
                    connectFailed(System.nanoTime(), new IOException("TLS handshake with " + endpoint.host()
                            + " failed: " + message(e), e));
                }
                return;
            }
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                write();
            }
            if ((ops & SelectionKey.OP_READ) != 0 && isOpen()) {
                read();
            }
        }

        private boolean isOpen() {
            return epoll != null ? fd >= 0 : key != null && key.isValid();
        }

        /**
         * Waits for {@code ops} (NIO's bits) from now on; false when that failed, and then the
         * request has failed too.
         */
        private boolean interest(int ops) {
            if (epoll == null) {
                key.interestOps(ops);
                return true;
            }
            if (ops == interest) {
                return true;
            }
            try {
                epoll.modify(fd, Epoll.ET | ((ops & SelectionKey.OP_READ) != 0 ? Epoll.IN | Epoll.RDHUP
                        | ((ops & SelectionKey.OP_WRITE) != 0 ? Epoll.OUT : 0) : Epoll.OUT), token);
                interest = ops;
                return true;
            } catch (IOException e) {
                fail(System.nanoTime(), FailureKind.CONNECTION_CUT, "epoll: " + message(e), false);
                return false;
            }
        }

        private void startTls() throws SSLException {
            tls = sslContext.createSSLEngine(endpoint.host(), endpoint.port());
            tls.setUseClientMode(true);
            SSLParameters params = tls.getSSLParameters();
            if (verifyHostname) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!Tls.isIpLiteral(endpoint.host())) {
                params.setServerNames(List.of(new SNIHostName(endpoint.host())));
            }
            params.setApplicationProtocols(new String[] {"http/1.1"});
            tls.setSSLParameters(params);
            int packet = tls.getSession().getPacketBufferSize();
            netIn = ByteBuffer.allocate(packet);
            netOut = ByteBuffer.allocate(packet).flip();
            tls.beginHandshake();
            handshaking = true;
        }

        /** Advances the TLS handshake without blocking; true once it is complete. */
        private boolean handshake() throws IOException {
            while (true) {
                if (!flushNetOut()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return false;
                }
                switch (tls.getHandshakeStatus()) {
                    case NEED_WRAP -> wrap(EMPTY);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        netIn.flip();
                        ByteBuffer scratch = readBuffer.clear();
                        SSLEngineResult r = tls.unwrap(netIn, scratch);
                        netIn.compact();
                        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SSLException("the server closed the TLS session during the handshake");
                        }
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            growNetInIfFull();
                            int n = channel.read(netIn);
                            if (n < 0) {
                                throw new SSLException("connection closed during the TLS handshake");
                            }
                            if (n == 0) {
                                key.interestOps(SelectionKey.OP_READ);
                                return false;
                            }
                        }
                    }
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = tls.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    default -> {
                        handshaking = false;
                        key.interestOps(SelectionKey.OP_READ);
                        return true;
                    }
                }
            }
        }

        /** Encrypts as much of {@code src} as fits into {@link #netOut}. */
        private void wrap(ByteBuffer src) throws IOException {
            netOut.compact();
            SSLEngineResult r;
            try {
                r = tls.wrap(src, netOut);
            } finally {
                netOut.flip();
            }
            switch (r.getStatus()) {
                case CLOSED -> throw new SSLException("the TLS session is closed");
                case BUFFER_OVERFLOW -> {
                    ByteBuffer bigger = ByteBuffer.allocate(netOut.capacity() * 2);
                    bigger.put(netOut).flip();
                    netOut = bigger;
                }
                default -> { }
            }
        }

        private boolean flushNetOut() throws IOException {
            if (netOut.hasRemaining()) {
                channel.write(netOut);
            }
            return !netOut.hasRemaining();
        }

        private void growNetInIfFull() {
            if (!netIn.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
                netIn.flip();
                bigger.put(netIn);
                netIn = bigger;
            }
        }

        void write() {
            try {
                if (epoll != null) {
                    int n = out.remaining();
                    int written = epoll.write(fd, nativeRequest(out.array(), out.position(), n), n);
                    out.position(out.position() + written);
                } else if (tls == null) {
                    channel.write(out);
                } else {
                    while (flushNetOut() && out.hasRemaining()) {
                        wrap(out);
                    }
                    if (netOut.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        return;
                    }
                }
            } catch (IOException e) {
                long now = System.nanoTime();
                if (!retryStale(now)) {
                    fail(now, FailureKind.CONNECTION_CUT, "writing the request: " + message(e), false);
                }
                return;
            }
            if (out.hasRemaining()) {
                interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else if (interest(SelectionKey.OP_READ)) {
                out = null;
                long written = System.nanoTime();
                arrivedNanos = written; // an answer can come before this clock reading, not before the write
                lastReadNanos = written;
                exchange.handler().onWritten(written);
            }
        }

        void read() {
            if (tls != null) {
                readTls();
                return;
            }
            ByteBuffer direct = directRead;
            while (true) {
                int n;
                boolean stamped = false;
                try {
                    if (epoll != null) {
                        // the loop's latest clock reading is no later than now: when it already
                        // says the data may have waited, the clock need not be read again
                        stamped = stampAfterNanos >= 0 && (latestNanos - windowNanos > stampAfterNanos
                                || System.nanoTime() - windowNanos > stampAfterNanos);
                        n = stamped ? epoll.readStamped(fd, directReadAddress, READ_BUFFER_BYTES)
                                : epoll.read(fd, directReadAddress, READ_BUFFER_BYTES);
                        n = n == 0 ? -1 : n < 0 ? 0 : n; // NIO's way: -1 end of stream, 0 nothing now
                    } else {
                        direct.clear();
                        n = channel.read(direct);
                    }
                } catch (IOException e) {
                    readFailed(e);
                    return;
                }
                long now = System.nanoTime();
                if (n < 0) {
                    onEof(now);
                    return;
                }
                if (n == 0) {
                    return;
                }
                stats.reads++;
                stats.bytesRead += n;
                long since = Math.max(windowNanos, lastReadNanos);
                lastReadNanos = now;
                long at = now;
                if (epoll != null) {
                    latestNanos = now;
                    if (stamped) {
                        stats.stampedReads++;
                        at = arrival(now);
                    }
                    at = Math.max(at, arrivedNanos);
                    arrivedNanos = at;
                }
                direct.get(0, readBuffer.array(), 0, n);
                long events = stats.tokenEvents;
                boolean more = deliver(readBuffer, n, at);
                readerLag(stamped, now, at, since, stats.tokenEvents - events);
                if (n < READ_BUFFER_BYTES && !(readToEnd && fd >= 0)) {
                    return; // the socket is drained
                }
                if (!more && (epoll == null || fd < 0)) {
                    return; // done; epoll reports a socket once per arrival (edge-triggered), so
                            // one that stays open is drained even when its exchange is over
                }
            }
        }

        /** Reads encrypted bytes, decrypts them record by record into the shared buffer, delivers. */
        private void readTls() {
            while (true) {
                int n;
                try {
                    growNetInIfFull();
                    n = channel.read(netIn);
                } catch (IOException e) {
                    readFailed(e);
                    return;
                }
                long now = System.nanoTime();
                if (n < 0) {
                    onEof(now);
                    return;
                }
                if (n == 0) {
                    return;
                }
                stats.reads++;
                stats.bytesRead += n;
                long since = Math.max(windowNanos, lastReadNanos);
                lastReadNanos = now;
                long events = stats.tokenEvents;
                netIn.flip();
                try {
                    while (netIn.hasRemaining()) {
                        ByteBuffer app = readBuffer.clear();
                        SSLEngineResult r = tls.unwrap(netIn, app);
                        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK
                                || r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                            handshaking = true;
                            netIn.compact();
                            if (handshake()) {
                                handshaking = false;
                            }
                            netIn.flip();
                        }
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            break;
                        }
                        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            netIn.compact();
                            onEof(now);
                            return;
                        }
                        int produced = r.bytesProduced();
                        if (produced > 0 && !deliver(app, produced, now)) {
                            netIn.compact();
                            return;
                        }
                    }
                } catch (IOException e) {
                    netIn.compact();
                    fail(now, FailureKind.CONNECTION_CUT, "TLS error after " + exchange.tokensSeen() + " tokens: "
                            + message(e), false);
                    return;
                } finally {
                    readerLag(false, now, now, since, stats.tokenEvents - events);
                }
                netIn.compact();
            }
        }

        /**
         * Records the reader lag of the {@code events} token events a read delivered: how long
         * their data may have waited before it was timed, at most. Data read at {@code now} came
         * after {@code since}; a stamped read's last token event is taken to have come with its
         * last segment (the stamp's), the ones before it anywhere after {@code since}.
         */
        private void readerLag(boolean stamped, long now, long at, long since, long events) {
            if (events <= 0) {
                return;
            }
            if (!stamped) {
                stats.readerLag.record(Math.max(0, now - since), events);
                return;
            }
            stats.readerLag.record(0);
            if (events > 1) {
                stats.readerLag.record(Math.max(0, at - since), events - 1);
            }
        }

        private void readFailed(IOException e) {
            long now = System.nanoTime();
            if (!exchange.active()) {
                discardIdle();
            } else if (!retryStale(now)) {
                fail(now, FailureKind.CONNECTION_CUT, "connection error after " + exchange.tokensSeen() + " tokens: "
                        + message(e), false);
            }
        }

        /**
         * Hands response bytes [0, n) of {@code buf}, read at {@code now}, to the parser.
         * Returns false when the connection has nothing more to read for now.
         */
        private boolean deliver(ByteBuffer buf, int n, long now) {
            if (!exchange.active()) {
                // bytes on an idle connection: the server is not speaking HTTP/1.1 keep-alive
                discardIdle();
                return false;
            }
            responseStarted = true;
            try {
                exchange.feed(buf.array(), 0, n, now);
            } catch (HttpResponseParser.ParseException e) {
                fail(now, FailureKind.MALFORMED, "bad HTTP response: " + e.getMessage(), false);
                return false;
            }
            return exchange.active();
        }

        private void onEof(long now) {
            if (!exchange.active()) {
                discardIdle();
                return;
            }
            if (!responseStarted && retryStale(now)) {
                return;
            }
            if (exchange.eof()) {
                return; // close-delimited body completed (the exchange's end ran)
            }
            fail(now, FailureKind.CONNECTION_CUT, "connection closed by the server " + exchange.progress(), false);
        }

        /** A kept-alive connection the server had already closed: redo on a fresh one. */
        private boolean retryStale(long now) {
            if (!reused || responseStarted) {
                return false;
            }
            stats.retriedOnStaleConnection++;
            closeChannel();
            begin(request, exchange.handler(), deadline, false);
            connect(now);
            return true;
        }

        @Override
        public void onEnd(long nowNanos, FailureKind kind, String why, boolean keepAlive) {
            complete(nowNanos, kind, why, keepAlive);
        }

        void fail(long now, FailureKind kind, String why, boolean keepAlive) {
            complete(now, kind, why, keepAlive);
        }

        private void complete(long now, FailureKind kind, String why, boolean keepAlive) {
            if (!exchange.active()) {
                return;
            }
            StreamOutcome outcome = exchange.outcome(kind, why);
            StreamHandler h = exchange.detach();
            request = null;
            out = null;
            unlink(this);
            inFlight--;
            if (keepAlive && (fd >= 0 || (channel != null && channel.isOpen()))) {
                idle.addFirst(this); // the response ended cleanly: the connection can carry another
            } else {
                closeChannel();
            }
            h.onComplete(now, outcome);
        }

        private void discardIdle() {
            idle.remove(this);
            closeChannel();
        }

        void closeChannel() {
            if (fd >= 0) {
                epoll.close(fd);
                fd = -1;
            }
            if (token >= 0) {
                releaseToken(token);
                token = -1;
            }
            if (tls != null) {
                tls.closeOutbound();
                tls = null;
                netIn = null;
                netOut = null;
                handshaking = false;
            }
            if (key != null) {
                key.cancel();
                key = null;
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing: nothing left to do
                }
                channel = null;
            }
        }
    }

    private static String message(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
