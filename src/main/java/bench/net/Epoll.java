package bench.net;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Linux epoll and non-blocking TCP sockets called directly through the Foreign Function and
 * Memory API, for the client's token-streaming loop. Measured on the client's workload (512
 * streams, one event per read), NIO's selector and channel read path cost 1.5-3.5 us per token
 * more than a C loop doing the same; the same loop through these calls costs 0.4-1.2 more.
 * The JDK's way adds a map lookup and a selection key per ready socket, a lock and a
 * thread-tracking step per read, and virtual calls in between.
 *
 * <p>The FFM API is final from Java 22; bench compiles for Java 21, so everything is looked up
 * reflectively once, and every call site afterwards is an ordinary {@link MethodHandle} with
 * only {@code int} and {@code long} parameters (pointers are passed as addresses). Memory is
 * direct {@link ByteBuffer}s, whose addresses come from {@code MemorySegment.ofBuffer}. Where
 * this is not available (Java 21, another OS or CPU, a JVM without native access), {@link
 * #available()} is false and callers keep to NIO.
 *
 * <p>One instance per event loop; only {@link #wakeup()} may be called from other threads.
 */
public final class Epoll implements AutoCloseable {

    /** Ready and interest flags, as Linux defines them. */
    public static final int IN = 0x001;
    public static final int OUT = 0x004;
    public static final int ERR = 0x008;
    public static final int HUP = 0x010;
    /** The peer has closed its side: reading on finds the end of the stream. */
    public static final int RDHUP = 0x2000;
    /**
     * Edge-triggered: a socket is reported when something new arrives, not again on every
     * wait while it stays readable. The reader must then drain it (a read shorter than the
     * buffer did).
     */
    public static final int ET = 1 << 31;

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int O_CLOEXEC = 0x80000;
    private static final int RLIMIT_NOFILE = 7;
    private static final int SOL_SOCKET = 1;
    private static final int SO_ERROR = 4;
    private static final int SO_KEEPALIVE = 9;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int TCP_INFO = 11;
    /** SO_TIMESTAMPNS (and SCM_TIMESTAMPNS): the same number on x86-64 and arm64. */
    private static final int SO_TIMESTAMPNS = 35;
    private static final int CLOCK_REALTIME = 0;
    /** struct msghdr's fields (64-bit Linux): iov, iovlen, control, controllen. */
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSGHDR_BYTES = 56;
    private static final int IOVEC_BYTES = 16;
    private static final int CONTROL_BYTES = 64;
    /** cmsghdr: its length (8 bytes), level and type, then the data. */
    private static final int CMSG_HEADER_BYTES = 16;
    /** tcp_info's state of a socket the kernel closed (reset, timed out), as against CLOSE_WAIT. */
    private static final int TCP_CLOSE = 7;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int EINPROGRESS = 115;
    /** The token {@link #await} reports for a {@link #wakeup()}; never a caller's token. */
    public static final int WAKEUP_TOKEN = -1;

    private static final Binding BINDING = Binding.load();

    private final int epfd;
    private final int eventFd;
    private final int maxEvents;
    private final ByteBuffer events;
    private final long eventsAddress;
    /** Small structures passed to the kernel: an epoll_event, a sockaddr, an int and its length. */
    private final ByteBuffer scratch;
    private final long scratchAddress;
    /** Where each call leaves errno (the FFM API's captured call state). */
    private final ByteBuffer errno;
    private final ByteBuffer one;
    private final long oneAddress;
    private final ByteBuffer drain;
    private final long drainAddress;
    /** A msghdr, its one iovec and its control buffer, for {@link #readStamped}. */
    private final ByteBuffer message;
    private final long messageAddress;
    /** The arrival time of the data the last {@link #readStamped} returned, or 0. */
    private long arrivalRealtimeNanos;
    // the calls, with this instance's errno capture bound in
    private final MethodHandle socket;
    private final MethodHandle connect;
    private final MethodHandle getsockopt;
    private final MethodHandle read;
    private final MethodHandle write;
    private final MethodHandle epollCtl;
    private final MethodHandle epollWait;
    /** Whether the socket of the last {@link #open} is still connecting. */
    private boolean connecting;
    private boolean closed;

    /** Whether this JVM and OS can use it; {@link #unavailableReason()} says why not. */
    public static boolean available() {
        return BINDING.reason == null;
    }

    public static String unavailableReason() {
        return BINDING.reason;
    }

    /** An epoll instance reporting up to {@code maxEvents} ready sockets per {@link #await}. */
    public Epoll(int maxEvents) throws IOException {
        Binding b = BINDING;
        if (b.reason != null) {
            throw new IOException("epoll through the FFM API is not available: " + b.reason);
        }
        this.maxEvents = maxEvents;
        errno = ByteBuffer.allocateDirect(Math.max(16, (int) b.captureBytes)).order(ByteOrder.nativeOrder());
        Object capture = b.segment(errno);
        socket = MethodHandles.insertArguments(b.socket, 0, capture);
        connect = MethodHandles.insertArguments(b.connect, 0, capture);
        getsockopt = MethodHandles.insertArguments(b.getsockopt, 0, capture);
        read = MethodHandles.insertArguments(b.read, 0, capture);
        write = MethodHandles.insertArguments(b.write, 0, capture);
        epollCtl = MethodHandles.insertArguments(b.epollCtl, 0, capture);
        epollWait = MethodHandles.insertArguments(b.epollWait, 0, capture);
        events = ByteBuffer.allocateDirect(maxEvents * b.eventBytes).order(ByteOrder.nativeOrder());
        eventsAddress = b.address(events);
        scratch = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        scratchAddress = b.address(scratch);
        one = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 1);
        oneAddress = b.address(one);
        drain = ByteBuffer.allocateDirect(8);
        drainAddress = b.address(drain);
        message = ByteBuffer.allocateDirect(MSGHDR_BYTES + IOVEC_BYTES + CONTROL_BYTES).order(ByteOrder.nativeOrder());
        messageAddress = b.address(message);
        message.putLong(MSG_IOV, messageAddress + MSGHDR_BYTES).putLong(MSG_IOVLEN, 1)
                .putLong(MSG_CONTROL, messageAddress + MSGHDR_BYTES + IOVEC_BYTES);
        int ep = -1;
        int efd = -1;
        try {
            ep = check((int) b.epollCreate.invokeExact(capture, EPOLL_CLOEXEC), "epoll_create1");
            efd = check((int) b.eventfd.invokeExact(capture, 0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd");
            epfd = ep;
            eventFd = efd;
            ctl(EPOLL_CTL_ADD, efd, IN, WAKEUP_TOKEN);
        } catch (Throwable t) {
            if (efd >= 0) {
                close(efd);
            }
            if (ep >= 0) {
                close(ep);
            }
            if (t instanceof IOException io) {
                throw io;
            }
            throw new IOException("epoll set-up failed: " + t, t);
        }
    }

    /**
     * A non-blocking TCP socket (TCP_NODELAY, SO_KEEPALIVE, SO_TIMESTAMPNS) connecting to {@code address}.
     * Returns its descriptor; {@link #connecting()} says whether the connection is still under
     * way (then the socket turns writable, or reports an error, when it is done: {@link
     * #finishConnect}).
     */
    public int open(InetSocketAddress address) throws IOException {
        InetAddress ip = address.getAddress();
        boolean v6 = ip instanceof Inet6Address;
        if (!(ip instanceof Inet4Address) && !v6) {
            throw new IOException("unresolved address " + address);
        }
        int fd;
        try {
            fd = check((int) socket.invokeExact(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
                    "socket");
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
        try {
            setInt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
            setInt(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
            // the kernel stamps each arriving segment; readStamped returns the stamp, plain reads
            // do not pay for it. Where it is refused, readStamped finds no stamp: read times only
            trySetInt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
            int len = sockaddr(ip, address.getPort());
            int r = (int) connect.invokeExact(fd, scratchAddress, len);
            connecting = false;
            if (r != 0) {
                int e = errno();
                if (e != EINPROGRESS && e != EINTR) {
                    throw new IOException(message(e));
                }
                connecting = true;
            }
            return fd;
        } catch (Throwable t) {
            close(fd);
            if (t instanceof IOException io) {
                throw io;
            }
            throw new IOException(t);
        }
    }

    /** Whether the last {@link #open} is still connecting. */
    public boolean connecting() {
        return connecting;
    }

    /** After a connecting socket turned ready: throws when the connection failed. */
    public void finishConnect(int fd) throws IOException {
        scratch.putInt(0, 0).putInt(8, 4);
        try {
            int r = (int) getsockopt.invokeExact(fd, SOL_SOCKET, SO_ERROR, scratchAddress, scratchAddress + 8);
            check(r, "getsockopt");
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
        int e = scratch.getInt(0);
        if (e != 0) {
            throw new IOException(message(e));
        }
    }

    /**
     * Reads into native memory: bytes read, 0 at end of stream, -1 when nothing is there now.
     *
     * <p>The read is a {@code recv}: for a socket it does what {@code read} does, without the
     * file layer's steps around it (measured with the C floor at 512 streams: about 0.6 us per
     * token less in eight alternating pairs). It is linked without errno capture: with it, the
     * JDK allocates a small segment on every call (C1 code does not remove it), and this is the
     * call made once per token. Only a read that fails is repeated with capture to learn why. That repeat cannot
     * see an error the first read already reported and cleared (a reset, a keep-alive timeout):
     * it finds the end of the stream instead. So an end found that way counts as the end only
     * when the peer closed (the socket waits for our close); a socket the kernel closed itself
     * is reported as failed.
     */
    public int read(int fd, long address, int length) throws IOException {
        long n;
        try {
            n = (long) BINDING.plainRecv.invokeExact(fd, address, (long) length, 0);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n >= 0) {
            return (int) n;
        }
        return readAfterFailure(fd, address, length);
    }

    /** A plain read or recv failed: the read again, with capture, to learn why (see {@link #read}). */
    private int readAfterFailure(int fd, long address, int length) throws IOException {
        int again = transfer(read, fd, address, length, -1);
        if (again == 0 && tcpState(fd) == TCP_CLOSE) {
            throw new IOException("connection reset or failed");
        }
        return again;
    }

    /**
     * {@link #read}, also learning when the data arrived: the kernel's receive time of the last
     * segment read ({@code SO_TIMESTAMPNS}, on the {@link #realtimeNanos} scale), then given by
     * {@link #arrivalRealtimeNanos()}, 0 when the kernel gave none. A {@code recvmsg}, which
     * costs more than {@link #read}'s {@code recv} (the C floor at 512 streams: about 0.6 us per
     * token more, when every read is one), so a reader takes it when its data may have waited.
     */
    public int readStamped(int fd, long address, int length) throws IOException {
        ByteBuffer m = message;
        m.putLong(MSGHDR_BYTES, address).putLong(MSGHDR_BYTES + 8, length).putLong(MSG_CONTROLLEN, CONTROL_BYTES);
        arrivalRealtimeNanos = 0;
        long n;
        try {
            n = (long) BINDING.plainRecvmsg.invokeExact(fd, messageAddress, 0);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n > 0) {
            arrivalRealtimeNanos = stamp(m);
            return (int) n;
        }
        if (n == 0) {
            return 0;
        }
        return readAfterFailure(fd, address, length);
    }

    /** The SCM_TIMESTAMPNS time in a received msghdr's control data, or 0. */
    private static long stamp(ByteBuffer m) {
        long controlLength = m.getLong(MSG_CONTROLLEN);
        int at = MSGHDR_BYTES + IOVEC_BYTES;
        int end = at + (int) Math.min(controlLength, CONTROL_BYTES);
        while (at + CMSG_HEADER_BYTES <= end) {
            long cmsgLength = m.getLong(at);
            if (cmsgLength < CMSG_HEADER_BYTES) {
                return 0;
            }
            if (m.getInt(at + 8) == SOL_SOCKET && m.getInt(at + 12) == SO_TIMESTAMPNS
                    && at + CMSG_HEADER_BYTES + 16 <= end) {
                return m.getLong(at + CMSG_HEADER_BYTES) * 1_000_000_000L + m.getLong(at + CMSG_HEADER_BYTES + 8);
            }
            at += (int) ((cmsgLength + 7) & ~7L);
        }
        return 0;
    }

    /** When the data of the last {@link #readStamped} arrived ({@link #realtimeNanos} scale), or 0. */
    public long arrivalRealtimeNanos() {
        return arrivalRealtimeNanos;
    }

    /** The system's wall clock (CLOCK_REALTIME) in nanoseconds: the scale of the kernel's receive stamps. */
    public long realtimeNanos() {
        int r;
        try {
            r = (int) BINDING.clockGettime.invokeExact(CLOCK_REALTIME, scratchAddress + 48);
        } catch (Throwable t) {
            return 0;
        }
        return r != 0 ? 0 : scratch.getLong(48) * 1_000_000_000L + scratch.getLong(56);
    }

    /** The socket's TCP state (tcp_info's first byte), or -1 when it cannot be read. */
    private int tcpState(int fd) {
        scratch.putLong(0, 0).putInt(8, 1);
        try {
            int r = (int) getsockopt.invokeExact(fd, IPPROTO_TCP, TCP_INFO, scratchAddress, scratchAddress + 8);
            return r == 0 ? scratch.get(0) & 0xFF : -1;
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Writes from native memory: bytes written, 0 when the socket buffer is full. */
    public int write(int fd, long address, int length) throws IOException {
        return transfer(write, fd, address, length, 0);
    }

    /** One read or write: what the call returned, or {@code wouldBlock} when it would have blocked. */
    private int transfer(MethodHandle call, int fd, long address, int length, int wouldBlock) throws IOException {
        long n;
        try {
            n = (long) call.invokeExact(fd, address, (long) length);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n >= 0) {
            return (int) n;
        }
        int e = errno();
        if (e == EAGAIN || e == EINTR) {
            return wouldBlock;
        }
        throw new IOException(message(e));
    }

    /** Watches {@code fd} for {@code interest} ({@link #IN}, {@link #OUT}), reported with {@code token}. */
    public void register(int fd, int interest, int token) throws IOException {
        ctl(EPOLL_CTL_ADD, fd, interest, token);
    }

    public void modify(int fd, int interest, int token) throws IOException {
        ctl(EPOLL_CTL_MOD, fd, interest, token);
    }

    private void ctl(int op, int fd, int interest, int token) throws IOException {
        Binding b = BINDING;
        scratch.putInt(0, interest).putLong(b.dataOffset, token & 0xFFFFFFFFL);
        int r;
        try {
            r = (int) epollCtl.invokeExact(epfd, op, fd, scratchAddress);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        check(r, op == EPOLL_CTL_MOD ? "epoll_ctl(MOD)" : "epoll_ctl");
    }

    /** Closes a socket (which also takes it out of this epoll set). */
    public void close(int fd) {
        try {
            int r = (int) BINDING.close.invokeExact(fd);
        } catch (Throwable t) {
            // closing: nothing left to do
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (0: not at all, -1: without limit) for ready sockets;
     * returns how many, each read with {@link #token} and {@link #ready}.
     *
     * <p>Linked without errno capture, like {@link #read}. A failed wait is repeated at once
     * with capture: an interrupted wait (the one failure to expect) then returns, and any other
     * (a closed epoll descriptor) fails the same way again and is reported.
     */
    public int await(int timeoutMillis) throws IOException {
        int n;
        try {
            n = (int) BINDING.plainEpollWait.invokeExact(epfd, eventsAddress, maxEvents, timeoutMillis);
            if (n < 0) {
                n = (int) epollWait.invokeExact(epfd, eventsAddress, maxEvents, 0);
            }
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n < 0) {
            int e = errno();
            if (e == EINTR) {
                return 0;
            }
            throw new IOException("epoll_wait: " + message(e));
        }
        return n;
    }

    /** The token of ready socket {@code i} of the last {@link #await}. */
    public int token(int i) {
        Binding b = BINDING;
        return (int) events.getLong(i * b.eventBytes + b.dataOffset);
    }

    /** What ready socket {@code i} is ready for ({@link #IN}, {@link #OUT}, {@link #ERR}, {@link #HUP}). */
    public int ready(int i) {
        return events.getInt(i * BINDING.eventBytes);
    }

    /** Thread-safe: makes a waiting (or the next) {@link #await} return. */
    public void wakeup() {
        try {
            long n = (long) BINDING.plainWrite.invokeExact(eventFd, oneAddress, 8L);
        } catch (Throwable t) {
            // the counter is full or closed: a wake-up is pending or not needed
        }
    }

    /** Clears the wake-ups counted so far (loop thread, when {@link #WAKEUP_TOKEN} was ready). */
    public void clearWakeup() {
        try {
            long n = (long) BINDING.plainRead.invokeExact(eventFd, drainAddress, 8L);
        } catch (Throwable t) {
            // nothing to clear
        }
    }

    /** The native address of a direct buffer's first byte. */
    public static long address(ByteBuffer direct) {
        return BINDING.address(direct);
    }

    /** What the event loops reserve: enough for every stream a benchmark here opens. */
    public static final int DESCRIPTORS_TO_RESERVE = 65_536;

    /**
     * Grows this process's table of file descriptors to hold {@code wanted} of them (at most
     * the open-files limit) now, best effort; returns how many it holds, 0 if it could not.
     *
     * <p>Linux grows the table by doubling as descriptors are opened, and in a process with
     * more than one thread each growth waits for an RCU grace period: the thread opening the
     * socket sleeps (uninterruptibly) for milliseconds, measured here at about 20 ms. A
     * server accepting, or a client opening, its 257th, 513th, 1025th ... connection in the
     * middle of a run would stall its event loop for that long. Growing it once at start-up
     * (placing a descriptor at the top, then closing it: the table never shrinks) moves that
     * wait out of every run.
     */
    public static int reserveDescriptors(int wanted) {
        Binding b = BINDING;
        if (b.reason != null || wanted <= 64) {
            return 0;
        }
        try {
            ByteBuffer limit = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            if ((int) b.getrlimit.invokeExact(RLIMIT_NOFILE, b.address(limit)) != 0) {
                return 0;
            }
            long soft = limit.getLong(0); // rlim_cur; RLIM_INFINITY is all ones, negative here
            int n = soft < 0 ? wanted : (int) Math.min(wanted, soft);
            if (n <= 64) {
                return 0;
            }
            if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/fd/" + (n - 1)))) {
                return n; // that descriptor is open (dup3 would close it): the table holds n already
            }
            int source = (int) b.plainEventfd.invokeExact(0, EFD_CLOEXEC);
            if (source < 0) {
                return 0;
            }
            try {
                int top = (int) b.dup3.invokeExact(source, n - 1, O_CLOEXEC);
                if (top < 0) {
                    return 0;
                }
                int closed = (int) b.close.invokeExact(top);
                return closed == 0 ? n : 0;
            } finally {
                int ignored = (int) b.close.invokeExact(source);
            }
        } catch (Throwable t) {
            return 0;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            close(eventFd);
            close(epfd);
        }
    }

    private void setInt(int fd, int level, int name, int value) throws Throwable {
        if (!trySetInt(fd, level, name, value)) {
            throw new IOException("setsockopt failed");
        }
    }

    private boolean trySetInt(int fd, int level, int name, int value) throws Throwable {
        scratch.putInt(32, value);
        return (int) BINDING.setsockopt.invokeExact(fd, level, name, scratchAddress + 32, 4) == 0;
    }

    /** Writes the sockaddr for {@code ip}:{@code port} at the start of {@link #scratch}; returns its length. */
    private int sockaddr(InetAddress ip, int port) {
        for (int i = 0; i < 28; i++) {
            scratch.put(i, (byte) 0);
        }
        byte[] a = ip.getAddress();
        scratch.put(2, (byte) (port >>> 8)).put(3, (byte) port); // network order
        if (ip instanceof Inet6Address v6) {
            scratch.putShort(0, (short) AF_INET6);
            scratch.put(8, a);
            scratch.putInt(24, v6.getScopeId());
            return 28;
        }
        scratch.putShort(0, (short) AF_INET);
        scratch.put(4, a);
        return 16;
    }

    private int errno() {
        return errno.getInt(BINDING.errnoOffset);
    }

    private int check(int r, String call) throws IOException {
        if (r < 0) {
            throw new IOException(call + ": " + message(errno()));
        }
        return r;
    }

    /** The C library's wording for the errors a client meets, else the number. */
    static String message(int errno) {
        return switch (errno) {
            case 104 -> "Connection reset by peer";
            case 111 -> "Connection refused";
            case 110 -> "Connection timed out";
            case 113 -> "No route to host";
            case 101 -> "Network is unreachable";
            case 99 -> "Cannot assign requested address";
            case 32 -> "Broken pipe";
            case 24 -> "Too many open files";
            case 23 -> "Too many open files in system";
            case 9 -> "Bad file descriptor";
            default -> "errno " + errno;
        };
    }

    /** The downcall handles (errno capture unbound), shared by every instance; immutable. */
    private static final class Binding {
        final String reason;
        final MethodHandle socket;
        final MethodHandle connect;
        final MethodHandle setsockopt;
        final MethodHandle getsockopt;
        final MethodHandle read;
        final MethodHandle write;
        final MethodHandle plainRead;
        final MethodHandle plainWrite;
        final MethodHandle close;
        final MethodHandle epollCreate;
        final MethodHandle epollCtl;
        final MethodHandle epollWait;
        final MethodHandle eventfd;
        final MethodHandle plainEpollWait;
        final MethodHandle plainRecv;
        final MethodHandle plainRecvmsg;
        final MethodHandle clockGettime;
        final MethodHandle getrlimit;
        final MethodHandle dup3;
        final MethodHandle plainEventfd;
        final long captureBytes;
        final int errnoOffset;
        final int eventBytes;
        final int dataOffset;
        private final Method ofBuffer;
        private final Method segmentAddress;

        private Binding(String reason, MethodHandle[] h, long captureBytes, int errnoOffset, int eventBytes,
                int dataOffset, Method ofBuffer, Method segmentAddress) {
            this.reason = reason;
            socket = h[0];
            connect = h[1];
            setsockopt = h[2];
            getsockopt = h[3];
            read = h[4];
            write = h[5];
            plainRead = h[6];
            plainWrite = h[7];
            close = h[8];
            epollCreate = h[9];
            epollCtl = h[10];
            epollWait = h[11];
            eventfd = h[12];
            plainEpollWait = h[13];
            plainRecv = h[14];
            plainRecvmsg = h[15];
            clockGettime = h[16];
            getrlimit = h[17];
            dup3 = h[18];
            plainEventfd = h[19];
            this.captureBytes = captureBytes;
            this.errnoOffset = errnoOffset;
            this.eventBytes = eventBytes;
            this.dataOffset = dataOffset;
            this.ofBuffer = ofBuffer;
            this.segmentAddress = segmentAddress;
        }

        static Binding unavailable(String reason) {
            return new Binding(reason, new MethodHandle[20], 0, 0, 0, 0, null, null);
        }

        Object segment(ByteBuffer direct) {
            try {
                return ofBuffer.invoke(null, direct.duplicate().clear());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        long address(ByteBuffer direct) {
            try {
                return (long) segmentAddress.invoke(segment(direct));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        static Binding load() {
            if (Runtime.version().feature() < 22) {
                return unavailable("needs Java 22 or later (this is " + Runtime.version().feature() + ")");
            }
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                return unavailable("Linux only");
            }
            String arch = System.getProperty("os.arch", "");
            int eventBytes;
            int dataOffset;
            if (arch.equals("amd64") || arch.equals("x86_64")) {
                eventBytes = 12; // struct epoll_event is packed on x86-64
                dataOffset = 4;
            } else if (arch.equals("aarch64")) {
                eventBytes = 16;
                dataOffset = 8;
            } else {
                return unavailable("no epoll_event layout for " + arch);
            }
            try {
                Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
                Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
                Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
                Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
                Class<?> pathC = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
                Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
                Class<?> valueC = Class.forName("java.lang.foreign.ValueLayout");
                Object linker = linkerC.getMethod("nativeLinker").invoke(null);
                Object lookup = linkerC.getMethod("defaultLookup").invoke(linker);
                Method find = lookupC.getMethod("find", String.class);
                Object i = valueC.getField("JAVA_INT").get(null);
                Object j = valueC.getField("JAVA_LONG").get(null);
                Method of = descC.getMethod("of", layoutC, layoutC.arrayType());
                Method downcall = linkerC.getMethod("downcallHandle", segmentC, descC, optionC.arrayType());
                Object noOptions = java.lang.reflect.Array.newInstance(optionC, 0);
                Object captureOptions = java.lang.reflect.Array.newInstance(optionC, 1);
                java.lang.reflect.Array.set(captureOptions, 0,
                        optionC.getMethod("captureCallState", String[].class).invoke(null, (Object) new String[] {"errno"}));
                Object criticalOptions = java.lang.reflect.Array.newInstance(optionC, 2);
                java.lang.reflect.Array.set(criticalOptions, 0, java.lang.reflect.Array.get(captureOptions, 0));
                java.lang.reflect.Array.set(criticalOptions, 1,
                        optionC.getMethod("critical", boolean.class).invoke(null, false));
                Object criticalOnly = java.lang.reflect.Array.newInstance(optionC, 1);
                java.lang.reflect.Array.set(criticalOnly, 0, java.lang.reflect.Array.get(criticalOptions, 1));
                Object captureLayout = optionC.getMethod("captureStateLayout").invoke(null);
                long captureBytes = (long) layoutC.getMethod("byteSize").invoke(captureLayout);
                Object errnoPath = java.lang.reflect.Array.newInstance(pathC, 1);
                java.lang.reflect.Array.set(errnoPath, 0, pathC.getMethod("groupElement", String.class).invoke(null, "errno"));
                int errnoOffset = (int) (long) layoutC.getMethod("byteOffset", pathC.arrayType()).invoke(captureLayout,
                        errnoPath);
                boolean critical = Boolean.parseBoolean(System.getProperty("bench.io.critical", "true"));
                Linked link = (name, capture, result, args) -> {
                    Object symbol = ((java.util.Optional<?>) find.invoke(lookup, name)).orElseThrow(
                            () -> new IllegalStateException("no symbol " + name));
                    Object argLayouts = java.lang.reflect.Array.newInstance(layoutC, args.length);
                    for (int k = 0; k < args.length; k++) {
                        java.lang.reflect.Array.set(argLayouts, k, args[k]);
                    }
                    Object desc = of.invoke(null, result, argLayouts);
                    // read and write on a non-blocking socket return at once: the JVM may skip its
                    // thread-state transitions around them
                    MethodHandle h = null;
                    if (critical && (name.equals("read") || name.equals("recv") || name.equals("recvmsg")
                            || name.equals("write") || name.equals("clock_gettime"))) {
                        try {
                            h = (MethodHandle) downcall.invoke(linker, symbol, desc, capture ? criticalOptions : criticalOnly);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            // a JVM that does not combine the two options: link the usual way
                        }
                    }
                    if (h == null) {
                        h = (MethodHandle) downcall.invoke(linker, symbol, desc, capture ? captureOptions : noOptions);
                    }
                    // the capture segment's static type is MemorySegment: let callers bind an Object
                    return capture ? h.asType(h.type().changeParameterType(0, Object.class)) : h;
                };
                MethodHandle[] h = {
                    link.handle("socket", true, i, new Object[] {i, i, i}),
                    link.handle("connect", true, i, new Object[] {i, j, i}),
                    link.handle("setsockopt", false, i, new Object[] {i, i, i, j, i}),
                    link.handle("getsockopt", true, i, new Object[] {i, i, i, j, j}),
                    link.handle("read", true, j, new Object[] {i, j, j}),
                    link.handle("write", true, j, new Object[] {i, j, j}),
                    link.handle("read", false, j, new Object[] {i, j, j}),
                    link.handle("write", false, j, new Object[] {i, j, j}),
                    link.handle("close", false, i, new Object[] {i}),
                    link.handle("epoll_create1", true, i, new Object[] {i}),
                    link.handle("epoll_ctl", true, i, new Object[] {i, i, i, j}),
                    link.handle("epoll_wait", true, i, new Object[] {i, j, i, i}),
                    link.handle("eventfd", true, i, new Object[] {i, i}),
                    link.handle("epoll_wait", false, i, new Object[] {i, j, i, i}),
                    link.handle("recv", false, j, new Object[] {i, j, j, i}),
                    link.handle("recvmsg", false, j, new Object[] {i, j, i}),
                    link.handle("clock_gettime", false, i, new Object[] {i, j}),
                    link.handle("getrlimit", false, i, new Object[] {i, j}),
                    link.handle("dup3", false, i, new Object[] {i, i, i}),
                    link.handle("eventfd", false, i, new Object[] {i, i}),
                };
                Method ofBuffer = segmentC.getMethod("ofBuffer", Buffer.class);
                Method address = segmentC.getMethod("address");
                return new Binding(null, h, captureBytes, errnoOffset, eventBytes, dataOffset, ofBuffer, address);
            } catch (java.lang.reflect.InvocationTargetException e) {
                return unavailable(String.valueOf(e.getCause()));
            } catch (Throwable t) {
                return unavailable(String.valueOf(t));
            }
        }

        private interface Linked {
            MethodHandle handle(String name, boolean capture, Object result, Object[] args) throws Throwable;
        }
    }
}
