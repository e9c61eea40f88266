package bench.perf;

import bench.BenchException;
import bench.openai.EventFields;
import bench.openai.EventScanner;
import bench.openai.Exchange;
import bench.openai.FailureKind;
import bench.openai.HttpResponseParser;
import bench.openai.StreamClient;
import bench.openai.StreamHandler;
import bench.openai.StreamOutcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Netty counterpart of {@link bench.openai.StreamClient} for {@link TransportCompare}: one
 * {@link EpollEventLoopGroup} thread, {@link EpollSocketChannel}s with TCP_NODELAY, a fixed set
 * of keep-alive connections each carrying its requests one after another, the pre-encoded
 * request bytes written as they are ({@link Unpooled#wrappedBuffer}), and in
 * {@code channelRead} one {@link System#nanoTime()} per read and the response bytes fed to the
 * same {@link Exchange} as StreamClient's (HTTP framing, SSE, event fields, token counting). No
 * Netty HTTP codec: only the transport differs.
 *
 * <p>Read buffers: Netty's epoll transport reads into direct buffers from the configured
 * allocator ({@code ioBuffer}); the bytes are copied once into a heap array that the parsers
 * scan (the NIO client's JDK copy, from its own direct buffer into the heap read buffer, is the
 * same one copy). Heap-backed buffers, where an allocator hands them out, are parsed in place.
 */
final class NettyStreamClient implements AutoCloseable {

    /** Which {@link ByteBufAllocator} the channels use. */
    enum Alloc {
        /** Netty's default: pooled, direct. */
        POOLED,
        /** Unpooled direct buffers: a fresh buffer per read. */
        UNPOOLED;

        ByteBufAllocator allocator() {
            return this == POOLED ? PooledByteBufAllocator.DEFAULT : UnpooledByteBufAllocator.DEFAULT;
        }
    }

    private static final int SCRATCH_BYTES = 256 * 1024;

    private final EpollEventLoopGroup group;
    private final EventLoop loop;
    private final Conn[] conns;
    // loop thread only
    private final byte[] scratch = new byte[SCRATCH_BYTES];
    private final EventScanner scanner = new EventScanner();
    private final EventFields fields = new EventFields();
    private final StreamClient.Stats tokens = new StreamClient.Stats();
    private long reads;
    private long bytesRead;

    /** Connects {@code connections} channels to host:port; fails with one clear message. */
    NettyStreamClient(String host, int port, int connections, Alloc alloc, long connectTimeoutNanos) {
        if (!Epoll.isAvailable()) {
            Throwable why = Epoll.unavailabilityCause();
            throw new BenchException("Netty epoll transport unavailable: "
                    + (why == null ? "unknown reason" : why.getMessage()));
        }
        group = new EpollEventLoopGroup(1);
        loop = group.next();
        conns = new Conn[connections];
        try {
            Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.ALLOCATOR, alloc.allocator())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos)));
            InetSocketAddress address = new InetSocketAddress(host, port);
            ChannelFuture[] futures = new ChannelFuture[connections];
            for (int i = 0; i < connections; i++) {
                conns[i] = new Conn();
                futures[i] = b.clone().handler(conns[i]).connect(address);
            }
            long deadline = System.nanoTime() + connectTimeoutNanos;
            for (int i = 0; i < connections; i++) {
                long left = Math.max(1, deadline - System.nanoTime());
                if (!futures[i].awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                    throw new BenchException("connect to " + host + ":" + port + ": timed out");
                }
                if (!futures[i].isSuccess()) {
                    Throwable t = futures[i].cause();
                    throw new BenchException("connect to " + host + ":" + port + ": "
                            + (t == null ? "failed" : t.getMessage()));
                }
                conns[i].channel = futures[i].channel();
            }
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    long reads() {
        return reads;
    }

    long bytesRead() {
        return bytesRead;
    }

    /**
     * Runs one phase on the event loop: slot i sends on connection i, the next request of a
     * slot is sent from a loop task after the one before completed. Blocks the caller until
     * the phase is finished or {@code timeoutNanos} passed (then the rest fail as timeouts).
     */
    void run(ClosedLoop phase, long timeoutNanos) throws InterruptedException {
        if (phase.slots.length > conns.length) {
            throw new IllegalArgumentException("more streams than connections");
        }
        CountDownLatch finished = new CountDownLatch(1);
        loop.execute(() -> {
            current = phase;
            phaseFinished = finished;
            phase.onReady(this::scheduleDrain);
            drainScheduled = true;
            drain();
        });
        if (!finished.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
            CountDownLatch aborted = new CountDownLatch(1);
            loop.execute(() -> {
                phase.abort();
                for (Conn c : conns) {
                    c.fail(System.nanoTime(), FailureKind.TIMEOUT, "no complete response within the phase timeout");
                }
                aborted.countDown();
            });
            aborted.await(10, TimeUnit.SECONDS);
        }
        // hand-over: the loop thread's writes (counters, histograms) are visible after this
        CountDownLatch sync = new CountDownLatch(1);
        loop.execute(() -> {
            current = null;
            phaseFinished = null;
            sync.countDown();
        });
        sync.await(10, TimeUnit.SECONDS);
    }

    // loop thread only: the phase being run
    private ClosedLoop current;
    private CountDownLatch phaseFinished;
    private boolean drainScheduled;

    /** A slot became ready: send on it from a loop task, after this turn's reads (as StreamClient's tick). */
    private void scheduleDrain() {
        if (!drainScheduled) {
            drainScheduled = true;
            loop.execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled = false;
        ClosedLoop phase = current;
        if (phase == null) {
            return;
        }
        ClosedLoop.Slot s;
        while ((s = phase.poll()) != null) {
            s.sentNanos = System.nanoTime();
            conns[s.id].send(phase.request, s);
        }
        checkFinished();
    }

    private void checkFinished() {
        if (current != null && current.finished() && phaseFinished != null) {
            phaseFinished.countDown();
        }
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            if (c != null && c.channel != null) {
                c.channel.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection and the exchange it carries. */
    private final class Conn extends ChannelInboundHandlerAdapter implements Exchange.End {
        Channel channel;
        final Exchange exchange = new Exchange(scanner, fields, tokens, this);

        void send(byte[] request, StreamHandler h) {
            exchange.begin(h);
            if (!channel.isActive()) {
                fail(System.nanoTime(), FailureKind.CONNECTION_CUT, "the connection is closed");
                return;
            }
            channel.writeAndFlush(Unpooled.wrappedBuffer(request), channel.voidPromise());
            h.onWritten(System.nanoTime());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            long now = System.nanoTime();
            try {
                int n = buf.readableBytes();
                reads++;
                bytesRead += n;
                if (!exchange.active()) {
                    ctx.close(); // bytes on an idle connection: not HTTP/1.1 keep-alive
                    return;
                }
                if (buf.hasArray()) {
                    int from = buf.arrayOffset() + buf.readerIndex();
                    exchange.feed(buf.array(), from, from + n, now);
                } else {
                    int at = buf.readerIndex();
                    int end = at + n;
                    while (at < end && exchange.active()) {
                        int k = Math.min(scratch.length, end - at);
                        buf.getBytes(at, scratch, 0, k);
                        exchange.feed(scratch, 0, k, now);
                        at += k;
                    }
                }
            } catch (HttpResponseParser.ParseException e) {
                fail(now, FailureKind.MALFORMED, "bad HTTP response: " + e.getMessage());
                ctx.close();
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (exchange.active() && !exchange.eof()) {
                fail(System.nanoTime(), FailureKind.CONNECTION_CUT, "connection closed by the server "
                        + exchange.progress());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(System.nanoTime(), FailureKind.CONNECTION_CUT, "connection error after " + exchange.tokensSeen()
                    + " tokens: " + cause.getMessage());
            ctx.close();
        }

        @Override
        public void onEnd(long nowNanos, FailureKind kind, String why, boolean keepAlive) {
            complete(nowNanos, kind, why);
            if (!keepAlive && channel != null) {
                channel.close(); // the next request on this slot fails: the mock keeps connections alive
            }
        }

        void fail(long now, FailureKind kind, String why) {
            complete(now, kind, why);
        }

        private void complete(long now, FailureKind kind, String why) {
            if (!exchange.active()) {
                return;
            }
            StreamOutcome outcome = exchange.outcome(kind, why);
            StreamHandler h = exchange.detach();
            h.onComplete(now, outcome);
            checkFinished();
        }
    }
}
