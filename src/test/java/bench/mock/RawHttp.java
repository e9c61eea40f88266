package bench.mock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over one socket, for tests that need the wire: it records when
 * each response chunk arrived ({@link System#nanoTime()}), and keeps the connection for
 * several requests. Every read is bounded by the socket timeout.
 */
final class RawHttp implements AutoCloseable {
    /** One chunk of a chunked body and when its last byte was read. */
    record Chunk(String payload, long nanos) {}

    /** When the request's write began and when it returned ({@link System#nanoTime()}). */
    record Sent(long before, long after) {}

    record Response(int status, Map<String, String> headers, String body, List<Chunk> chunks) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;

    RawHttp(int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends a request in one write. */
    Sent send(String method, String path, String body, String... headers) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nhost: 127.0.0.1\r\n");
        if (body != null) {
            sb.append("content-type: application/json\r\ncontent-length: ").append(b.length).append("\r\n");
        }
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        long before = System.nanoTime();
        out.write(all);
        out.flush();
        return new Sent(before, System.nanoTime());
    }

    /** Writes bytes as they are, for requests split across writes or in other HTTP versions. */
    void writeRaw(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    Response exchange(String method, String path, String body, String... headers) throws IOException {
        send(method, path, body, headers);
        return read();
    }

    /** Reads one response: status line, headers, then a Content-Length or chunked body. */
    Response read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        List<Chunk> chunks = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                int size = Integer.parseInt(line(), 16);
                if (size == 0) {
                    if (!line().isEmpty()) {
                        throw new IOException("trailers are not expected");
                    }
                    break;
                }
                byte[] payload = bytes(size);
                long t = System.nanoTime();
                if (!line().isEmpty()) {
                    throw new IOException("no CRLF after a chunk");
                }
                body.write(payload);
                chunks.add(new Chunk(new String(payload, StandardCharsets.UTF_8), t));
            }
        } else {
            String cl = headers.get("content-length");
            if (cl == null) {
                throw new IOException("neither content-length nor chunked");
            }
            body.write(bytes(Integer.parseInt(cl)));
        }
        return new Response(code, headers, body.toString(StandardCharsets.UTF_8), chunks);
    }

    /** Reads until the server closes: true if it closed with nothing more sent. */
    boolean closedByPeer() throws IOException {
        if (pos < lim) {
            return false;
        }
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset: closed as well
        }
    }

    /** Reads {@code n} chunks of a streaming response after its head, then stops reading. */
    List<Chunk> readHeadAndChunks(int n) throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("bad status line: " + status);
        }
        while (!line().isEmpty()) {
            // headers
        }
        List<Chunk> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int size = Integer.parseInt(line(), 16);
            byte[] payload = bytes(size);
            line();
            out.add(new Chunk(new String(payload, StandardCharsets.UTF_8), System.nanoTime()));
        }
        return out;
    }

    private int fill() throws IOException {
        if (pos < lim) {
            return lim - pos;
        }
        pos = 0;
        lim = 0;
        int n = in.read(buf);
        if (n < 0) {
            throw new IOException("connection closed by the server");
        }
        lim = n;
        return n;
    }

    private String line() throws IOException {
        ByteArrayOutputStream sb = new ByteArrayOutputStream();
        while (true) {
            fill();
            byte b = buf[pos++];
            if (b == '\n') {
                byte[] a = sb.toByteArray();
                int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, len, StandardCharsets.ISO_8859_1);
            }
            sb.write(b);
        }
    }

    private byte[] bytes(int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            int avail = fill();
            int k = Math.min(avail, n - got);
            System.arraycopy(buf, pos, out, got, k);
            pos += k;
            got += k;
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
