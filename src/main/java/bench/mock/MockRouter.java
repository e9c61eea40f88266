package bench.mock;

import bench.BenchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TEST STAND-IN for vllm-router, not a product router: it accepts the flags bench's launcher
 * gives vllm-router and forwards requests so that a launch can be exercised end to end with
 * mock engines. {@code round_robin} (or {@code consistent_hash} on the prompt) over the
 * worker URLs; with {@code --vllm-pd-disaggregation}, each completion first goes to a prefill
 * worker with {@code max_tokens=1} and {@code kv_transfer_params.do_remote_decode}, and the
 * original request, carrying the {@code kv_transfer_params} the prefill worker returned, then
 * streams from a decode worker. {@code --intra-node-data-parallel-size N} expands each URL
 * into N ranks addressed with the {@code X-data-parallel-rank} header. Each forwarded response
 * says where it went, after the worker's own headers: {@code x-mock-router-worker: URL}, or
 * {@code x-mock-router-prefill: URL} and {@code x-mock-router-decode: URL} (so behind a router
 * in front of group routers a response names the group router, the prefill and the decode
 * worker). One virtual thread per client connection, plain blocking sockets, a new worker
 * connection per request.
 */
public final class MockRouter implements AutoCloseable {

    /** The router's settings, from vllm-router's flags. */
    public record Config(String host, int port, String policy, List<String> workers, List<String> prefill,
            List<String> decode, boolean pd, int intraNodeDataParallelSize) {
        public Config {
            workers = List.copyOf(workers);
            prefill = List.copyOf(prefill);
            decode = List.copyOf(decode);
            if (!policy.equals("round_robin") && !policy.equals("consistent_hash") && !policy.equals("random")
                    && !policy.equals("cache_aware") && !policy.equals("power_of_two")
                    && !policy.equals("rendezvous_hash")) {
                throw new BenchException("unknown --policy '" + policy + "'");
            }
            if (pd && (prefill.isEmpty() || decode.isEmpty())) {
                throw new BenchException("--vllm-pd-disaggregation needs --prefill and --decode URLs");
            }
            if (!pd && workers.isEmpty()) {
                throw new BenchException("give --worker-urls (or --vllm-pd-disaggregation with --prefill/--decode)");
            }
            if (intraNodeDataParallelSize < 1) {
                throw new BenchException("--intra-node-data-parallel-size must be >= 1");
            }
            if (port < 0 || port > 65535) {
                throw new BenchException("--port must be in 0..65535");
            }
        }
    }

    /** A worker endpoint and, with intra-node data parallelism, its rank. */
    record Target(String host, int port, int rank) {
        String url() {
            return "http://" + host + ":" + port;
        }
    }

    private final Config config;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Target> workers;
    private final List<Target> prefill;
    private final List<Target> decode;
    private final AtomicLong counter = new AtomicLong();
    private final AtomicLong prefillCounter = new AtomicLong();
    private final Map<Socket, Boolean> open = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private ServerSocket server;
    private volatile boolean running;

    public MockRouter(Config config) {
        this.config = config;
        this.workers = expand(config.workers(), config.intraNodeDataParallelSize());
        this.prefill = expand(config.prefill(), config.intraNodeDataParallelSize());
        this.decode = expand(config.decode(), config.intraNodeDataParallelSize());
    }

    static List<Target> expand(List<String> urls, int ranks) {
        List<Target> out = new ArrayList<>();
        for (String u : urls) {
            URI uri;
            try {
                uri = URI.create(u.trim());
            } catch (IllegalArgumentException e) {
                throw new BenchException("bad worker URL '" + u + "'");
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new BenchException("bad worker URL '" + u + "': expected http://host:port");
            }
            for (int r = 0; r < ranks; r++) {
                out.add(new Target(uri.getHost(), uri.getPort(), ranks > 1 ? r : -1));
            }
        }
        return out;
    }

    public MockRouter start() {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 4096);
        } catch (IOException e) {
            throw new BenchException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
                    e);
        }
        running = true;
        Thread.ofPlatform().daemon().name("bench-router-accept").start(() -> {
            while (running) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    open.put(s, Boolean.TRUE);
                    threads.submit(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        running = false;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open.keySet()) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        threads.shutdownNow();
    }

    /** One client connection: requests in order, keep-alive. */
    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (running) {
                Request req = Request.read(in);
                if (req == null) {
                    return;
                }
                handle(req, out);
                if (req.close()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            open.remove(client);
        }
    }

    private void handle(Request req, OutputStream out) throws IOException {
        String path = req.path();
        if (path.equals("/health")) {
            respond(out, 200, "text/plain", "", req.close());
            return;
        }
        boolean completion = req.method().equals("POST")
                && (path.endsWith("/v1/completions") || path.endsWith("/v1/chat/completions"));
        if (completion && config.pd()) {
            disaggregated(req, out);
            return;
        }
        List<Target> pool = config.pd() ? decode : workers;
        Target t = completion ? pick(pool, counter, req.body()) : pool.get(0);
        forward(req, req.body(), t, out, "x-mock-router-worker: " + t.url());
    }

    /** Prefill with max_tokens=1 on a prefill worker, then stream the request from a decode worker. */
    private void disaggregated(Request req, OutputStream out) throws IOException {
        JsonNode body;
        try {
            body = mapper.readTree(req.body());
        } catch (IOException e) {
            respond(out, 400, "application/json", "{\"error\":{\"message\":\"bad JSON\",\"code\":400}}", req.close());
            return;
        }
        if (body == null || !body.isObject()) {
            respond(out, 400, "application/json", "{\"error\":{\"message\":\"bad JSON\",\"code\":400}}", req.close());
            return;
        }
        ObjectNode first = ((ObjectNode) body).deepCopy();
        first.put("max_tokens", 1);
        if (first.has("max_completion_tokens")) {
            first.put("max_completion_tokens", 1);
        }
        first.put("stream", false);
        first.remove("stream_options");
        ObjectNode kv = first.putObject("kv_transfer_params");
        kv.put("do_remote_decode", true);
        kv.put("do_remote_prefill", false);
        kv.putNull("remote_engine_id");
        kv.putNull("remote_block_ids");
        kv.putNull("remote_host");
        kv.putNull("remote_port");
        Target p = pick(prefill, prefillCounter, req.body());
        Response pr = exchange(req, mapper.writeValueAsBytes(first), p);
        if (pr.status() / 100 != 2) {
            out.write(pr.raw());
            out.flush();
            return;
        }
        JsonNode params = mapper.readTree(pr.body()).path("kv_transfer_params");
        ObjectNode second = ((ObjectNode) body).deepCopy();
        if (!params.isMissingNode() && !params.isNull()) {
            second.set("kv_transfer_params", params);
        }
        Target d = pick(decode, counter, req.body());
        forward(req, mapper.writeValueAsBytes(second), d, out, "x-mock-router-prefill: " + p.url(),
                "x-mock-router-decode: " + d.url());
    }

    private Target pick(List<Target> pool, AtomicLong rr, byte[] body) {
        if (config.policy().equals("consistent_hash") || config.policy().equals("rendezvous_hash")) {
            return pool.get(Math.floorMod(java.util.Arrays.hashCode(body), pool.size()));
        }
        return pool.get((int) Math.floorMod(rr.getAndIncrement(), (long) pool.size()));
    }

    /**
     * Sends the request to a worker and streams its response back as it arrives, with the
     * ROUTE header lines added to the worker's (which a router behind this one may have added).
     */
    private void forward(Request req, byte[] body, Target t, OutputStream out, String... route) throws IOException {
        try (Socket w = connect(t, out, req.close())) {
            if (w == null) {
                return;
            }
            w.getOutputStream().write(req.head(t, body.length));
            w.getOutputStream().write(body);
            w.getOutputStream().flush();
            InputStream win = w.getInputStream();
            byte[] head = readHead(win);
            if (head == null) {
                respond(out, 502, "application/json", "{\"error\":{\"message\":\"worker closed the connection\","
                        + "\"code\":502}}", req.close());
                return;
            }
            out.write(keepAliveHead(head, req.close(), route));
            out.flush();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = win.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        }
    }

    /** Sends the request to a worker and reads its whole response. */
    private Response exchange(Request req, byte[] body, Target t) throws IOException {
        try (Socket w = new Socket()) {
            w.connect(new InetSocketAddress(t.host(), t.port()), 10_000);
            w.setTcpNoDelay(true);
            w.getOutputStream().write(req.head(t, body.length));
            w.getOutputStream().write(body);
            w.getOutputStream().flush();
            byte[] raw = w.getInputStream().readAllBytes();
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            int status = raw.length > 12 ? Integer.parseInt(text.substring(9, 12)) : 502;
            byte[] respBody = headEnd < 0 ? new byte[0]
                    : java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
            return new Response(status, respBody, raw);
        } catch (IOException | NumberFormatException e) {
            String msg = "{\"error\":{\"message\":\"prefill worker " + t.host() + ":" + t.port() + " failed: "
                    + e.getClass().getSimpleName() + "\",\"code\":502}}";
            return new Response(502, msg.getBytes(StandardCharsets.UTF_8),
                    httpResponse(502, "application/json", msg, false));
        }
    }

    private Socket connect(Target t, OutputStream out, boolean close) throws IOException {
        Socket w = new Socket();
        try {
            w.connect(new InetSocketAddress(t.host(), t.port()), 10_000);
            w.setTcpNoDelay(true);
            return w;
        } catch (IOException e) {
            w.close();
            respond(out, 502, "application/json", "{\"error\":{\"message\":\"cannot reach worker " + t.host() + ":"
                    + t.port() + "\",\"code\":502}}", close);
            return null;
        }
    }

    /**
     * The worker's response head without its Connection header (the router keeps the client's
     * connection), with the EXTRA header lines after the worker's.
     */
    static byte[] keepAliveHead(byte[] head, boolean close, String... extra) {
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
        StringBuilder sb = new StringBuilder(lines[0]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty() || lines[i].toLowerCase(Locale.ROOT).startsWith("connection:")) {
                continue;
            }
            sb.append(lines[i]).append("\r\n");
        }
        for (String line : extra) {
            sb.append(line).append("\r\n");
        }
        if (close) {
            sb.append("connection: close\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void respond(OutputStream out, int status, String type, String body, boolean close)
            throws IOException {
        out.write(httpResponse(status, type, body, close));
        out.flush();
    }

    private static byte[] httpResponse(int status, String type, String body, boolean close) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Error") + "\r\ncontent-type: " + type
                + "\r\ncontent-length: " + b.length + "\r\n" + (close ? "connection: close\r\n" : "") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    /** Reads up to and including the blank line after the headers; null at end of stream. */
    static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(512);
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n' && (state == 1 || state == 3)) {
                state++;
            } else if (c == '\r' && (state == 0 || state == 2)) {
                state++;
            } else {
                state = c == '\r' ? 1 : 0;
            }
            if (state == 4) {
                return b.toByteArray();
            }
            if (b.size() > 64 * 1024) {
                throw new IOException("header too large");
            }
        }
        return null;
    }

    record Response(int status, byte[] body, byte[] raw) {}

    /** An HTTP/1.1 request read from the client. */
    record Request(String method, String target, Map<String, String> headers, byte[] body, boolean close) {

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /** The request head for a worker: a new connection, closed after the response. */
        byte[] head(Target t, int contentLength) {
            StringBuilder sb = new StringBuilder();
            sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            sb.append("Host: ").append(t.host()).append(':').append(t.port()).append("\r\n");
            headers.forEach((k, v) -> {
                String lk = k.toLowerCase(Locale.ROOT);
                if (!lk.equals("host") && !lk.equals("content-length") && !lk.equals("connection")
                        && !lk.equals("x-data-parallel-rank")) {
                    sb.append(k).append(": ").append(v).append("\r\n");
                }
            });
            if (t.rank() >= 0) {
                sb.append("X-data-parallel-rank: ").append(t.rank()).append("\r\n");
            }
            sb.append("Content-Length: ").append(contentLength).append("\r\nConnection: close\r\n\r\n");
            return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        static Request read(InputStream in) throws IOException {
            byte[] head = readHead(in);
            if (head == null) {
                return null;
            }
            String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] first = lines[0].split(" ");
            if (first.length != 3) {
                throw new IOException("bad request line");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            int length = 0;
            boolean close = first[2].equals("HTTP/1.0");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String k = lines[i].substring(0, colon).trim();
                String v = lines[i].substring(colon + 1).trim();
                headers.put(k, v);
                if (k.equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(v);
                } else if (k.equalsIgnoreCase("connection")) {
                    close = v.toLowerCase(Locale.ROOT).contains("close");
                }
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                return null;
            }
            return new Request(first[0], first[1], headers, body, close);
        }
    }
}
