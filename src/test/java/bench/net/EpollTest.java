package bench.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The native calls against real sockets on 127.0.0.1. */
class EpollTest {

    private static boolean linuxWithFfm() {
        return Runtime.version().feature() >= 22
                && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    @Test
    void availableWhereTheJvmAndOsAllowIt() {
        // the client's fast path must not fall back to NIO silently where it should work
        assumeTrue(linuxWithFfm());
        assertTrue(Epoll.available(), Epoll.unavailableReason());
    }

    /** Run in a fresh JVM by the test below: prints the descriptor table's size before and after. */
    public static final class ReserveProbe {
        public static void main(String[] args) throws IOException {
            int before = tableSize();
            int reserved = Epoll.reserveDescriptors(Integer.parseInt(args[0]));
            int after = tableSize();
            // what reserving left open: nothing (the probe descriptor and its copy are closed)
            long open;
            try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
                open = fds.filter(f -> Integer.parseInt(f.getFileName().toString()) >= 64).count();
            }
            System.out.println(before + " " + reserved + " " + after + " " + open);
        }

        static int tableSize() throws IOException {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("FDSize:")) {
                    return Integer.parseInt(line.substring(7).trim());
                }
            }
            throw new IllegalStateException("no FDSize");
        }
    }

    @Test
    void reservingDescriptorsGrowsTheTableOnceAndLeavesNothingOpen() throws Exception {
        // a fresh process: this test JVM's table may have been grown by the tests before
        assumeTrue(Epoll.available());
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ReserveProbe.class.getName(), "4096").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        String[] f = out.substring(out.lastIndexOf('\n') + 1).split(" ");
        int before = Integer.parseInt(f[0]);
        int reserved = Integer.parseInt(f[1]);
        int after = Integer.parseInt(f[2]);
        assertTrue(before < 4096, out);
        assertTrue(reserved > 64, "reserved " + out); // the open-files limit is over 64 anywhere this runs
        assertTrue(after >= reserved, out);
        assertEquals("0", f[3], "descriptors left open: " + out);
    }

    @Test
    void connectsWritesReadsAndSeesTheEnd() throws Exception {
        assumeTrue(Epoll.available());
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                Epoll epoll = new Epoll(16)) {
            int fd = epoll.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            epoll.register(fd, epoll.connecting() ? Epoll.OUT : Epoll.IN, 7);
            try (Socket peer = server.accept()) {
                if (epoll.connecting()) {
                    assertEquals(1, epoll.await(5000));
                    assertEquals(7, epoll.token(0));
                    epoll.finishConnect(fd);
                    epoll.modify(fd, Epoll.IN, 7);
                }
                ByteBuffer out = ByteBuffer.allocateDirect(64);
                out.put(0, "ping".getBytes(StandardCharsets.US_ASCII));
                assertEquals(4, epoll.write(fd, Epoll.address(out), 4));
                InputStream in = peer.getInputStream();
                assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), in.readNBytes(4));

                ByteBuffer buf = ByteBuffer.allocateDirect(64);
                long at = Epoll.address(buf);
                assertEquals(-1, epoll.read(fd, at, 64), "nothing there yet");
                assertEquals(0, epoll.await(0));
                OutputStream o = peer.getOutputStream();
                o.write("pong!".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                assertEquals(1, epoll.await(5000));
                assertEquals(7, epoll.token(0));
                assertTrue((epoll.ready(0) & Epoll.IN) != 0);
                assertEquals(5, epoll.read(fd, at, 64));
                byte[] got = new byte[5];
                buf.get(0, got);
                assertEquals("pong!", new String(got, StandardCharsets.US_ASCII));

                peer.close();
                assertEquals(1, epoll.await(5000));
                assertEquals(0, epoll.read(fd, at, 64), "end of stream");
            } finally {
                epoll.close(fd);
            }
        }
    }

    @Test
    void aResetIsAFailureNotTheEnd() throws Exception {
        // the per-token read runs without errno capture; the error it reports and clears must
        // still come out as an error, not as a clean end of stream
        assumeTrue(Epoll.available());
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                Epoll epoll = new Epoll(16)) {
            int fd = epoll.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            epoll.register(fd, Epoll.IN, 3);
            try (Socket peer = server.accept()) {
                OutputStream o = peer.getOutputStream();
                o.write("part".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                assertEquals(1, epoll.await(5000));
                ByteBuffer buf = ByteBuffer.allocateDirect(64);
                long at = Epoll.address(buf);
                assertEquals(4, epoll.read(fd, at, 64));
                peer.setSoLinger(true, 0); // close with a reset
                peer.close();
                assertEquals(1, epoll.await(5000));
                assertThrows(IOException.class, () -> epoll.read(fd, at, 64));
            } finally {
                epoll.close(fd);
            }
        }
    }

    @Test
    void aStampedReadSaysWhenTheDataArrivedNotWhenItWasRead() throws Exception {
        assumeTrue(Epoll.available());
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                Epoll epoll = new Epoll(16)) {
            int fd = epoll.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            epoll.register(fd, Epoll.IN, 5);
            try (Socket peer = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(64);
                long at = Epoll.address(buf);
                assertEquals(-1, epoll.readStamped(fd, at, 64), "nothing there yet");
                assertEquals(0, epoll.arrivalRealtimeNanos());
                OutputStream o = peer.getOutputStream();
                long before = epoll.realtimeNanos();
                o.write("tok".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                long after = epoll.realtimeNanos();
                Thread.sleep(50); // the data waits in the socket
                long readAt = epoll.realtimeNanos();
                assertEquals(3, epoll.readStamped(fd, at, 64));
                byte[] got = new byte[3];
                buf.get(0, got);
                assertEquals("tok", new String(got, StandardCharsets.US_ASCII));
                long arrived = epoll.arrivalRealtimeNanos();
                assertTrue(arrived >= before && arrived <= after,
                        String.format("arrived %d ns after the write began, %d ns before the read", arrived - before,
                                readAt - arrived));
                assertTrue(readAt - arrived >= 40_000_000L, "the stamp is the arrival, not the read");
                peer.close();
                assertEquals(0, epoll.readStamped(fd, at, 64), "end of stream");
            } finally {
                epoll.close(fd);
            }
        }
    }

    @Test
    void aRefusedConnectionSaysSo() throws Exception {
        assumeTrue(Epoll.available());
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Epoll epoll = new Epoll(4)) {
            InetSocketAddress closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            IOException e = assertThrows(IOException.class, () -> {
                int fd = epoll.open(closed);
                try {
                    epoll.register(fd, Epoll.OUT, 1);
                    assertEquals(1, epoll.await(5000));
                    epoll.finishConnect(fd);
                } finally {
                    epoll.close(fd);
                }
            });
            assertEquals("Connection refused", e.getMessage());
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsAWait() throws Exception {
        assumeTrue(Epoll.available());
        try (Epoll epoll = new Epoll(4)) {
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                epoll.wakeup();
            });
            long start = System.nanoTime();
            assertEquals(1, epoll.await(10_000));
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
            assertEquals(Epoll.WAKEUP_TOKEN, epoll.token(0));
            epoll.clearWakeup();
            assertEquals(0, epoll.await(0), "the wake-up was cleared");
            t.join();
        }
    }

    @Test
    void unavailableMeansAClearError() {
        assumeTrue(!Epoll.available());
        IOException e = assertThrows(IOException.class, () -> new Epoll(4));
        assertTrue(e.getMessage().contains(Epoll.unavailableReason()));
    }
}
