package bench.mock;

import bench.BenchException;
import bench.metrics.LatencyRecorder;
import bench.net.Alarm;
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
import java.util.Iterator;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible streaming server for tests, demos and CI: {@code /v1/completions},
 * {@code /v1/chat/completions} (streaming and not), {@code /v1/models}, {@code /health},
 * {@code /tokenize}, {@code /detokenize}. Token k of a stream is written at arrival + TTFT +
 * k x ITL on an absolute schedule, one SSE event per HTTP chunk and per write, then the usage
 * event and {@code [DONE]}. One thread runs an NIO selector; a precise {@link Alarm} wakes it
 * for the next due token.
 */
public final class MockServer implements AutoCloseable {
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(30);
    private static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private final MockConfig config;
    private final ObjectMapper mapper = new ObjectMapper();
    private final WordTokenizer tokenizer = new WordTokenizer();
    private final PriorityQueue<Stream> due = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final LatencyRecorder lateness = new LatencyRecorder();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long createdEpochSeconds = System.currentTimeMillis() / 1000;
    private Selector selector;
    private ServerSocketChannel server;
    private Alarm alarm;
    private Thread thread;
    private volatile boolean running;
    private volatile Throwable failure;
    private long nextId;
    private volatile long streamsStarted;
    private volatile long tokensSent;
    private int openConnections;

    private final boolean warmUpFormats;

    public MockServer(MockConfig config) {
        this(config, true);
    }

    /** @param warmUpFormats run the formatting and parsing paths once before serving */
    public MockServer(MockConfig config, boolean warmUpFormats) {
        this.config = config;
        this.warmUpFormats = warmUpFormats;
    }

    /** Binds and starts serving; returns once the port is open. */
    public MockServer start() {
        try {
            selector = Selector.open();
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(config.host(), config.port()), 4096);
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
        for (int i = 0; i < 300; i++) {
            try {
                JsonNode req = mapper.readTree("{\"model\":\"m\",\"prompt\":\"" + prompt
                        + "\",\"max_tokens\":64,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
                sink += tokenizer.count(req.get("prompt").asText());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            StreamFormat f = new StreamFormat((i & 1) == 0, "cmpl-warm", config.model(), 0, 8, 64, true, true, i);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 64; k++) {
                f.appendToken(sb, tokenizer, k);
            }
            f.appendEnd(sb, 64);
            sink += StreamFormat.bytes(sb).length;
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
        return streamsStarted;
    }

    public long tokensSent() {
        return tokensSent;
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
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly();
    }

    private void closeQuietly() {
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
            while (running) {
                long now = System.nanoTime();
                sendDue(now);
                Stream head = due.peek();
                long wait = head == null ? Long.MAX_VALUE : head.dueNanos - System.nanoTime();
                if (wait <= SPIN_NANOS) {
                    alarm.disarm();
                    selector.selectNow();
                } else if (head == null) {
                    alarm.disarm();
                    selector.select();
                } else {
                    alarm.arm(head.dueNanos);
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Conn c = (Conn) key.attachment();
                        if (key.isWritable()) {
                            c.flush();
                        }
                        if (key.isValid() && key.isReadable()) {
                            c.read();
                        }
                    }
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            running = false;
            stopped.countDown();
        }
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

    private void sendDue(long now) {
        long itl = config.itlNanos();
        while (!due.isEmpty() && due.peek().dueNanos <= now) {
            Stream s = due.poll();
            if (s.conn.closed) {
                continue;
            }
            long late = now - s.dueNanos;
            lateness.record(late);
            if (s.whole != null) {
                s.conn.write(s.whole);
                s.conn.streamEnded();
                continue;
            }
            // tokens due by now: usually one, more if the loop ran late or ITL is zero
            StreamFormat f = s.format;
            long ready = itl == 0 ? f.maxTokens() : Math.min(f.maxTokens(), (now - s.firstDueNanos) / itl + 1);
            StringBuilder sb = new StringBuilder(256);
            while (s.sent < ready) {
                f.appendToken(sb, tokenizer, s.sent++);
                tokensSent++;
            }
            if (s.sent == f.maxTokens()) {
                f.appendEnd(sb, s.sent);
            }
            s.conn.write(StreamFormat.bytes(sb));
            if (s.sent < f.maxTokens()) {
                s.dueNanos = s.firstDueNanos + s.sent * itl;
                due.add(s);
            } else {
                s.conn.streamEnded();
            }
        }
    }

    /** A response in progress: its format and where it is in its schedule. */
    private static final class Stream {
        final Conn conn;
        final StreamFormat format;
        final long firstDueNanos;
        long dueNanos;
        int sent;
        /** A non-streaming answer, sent whole when due. */
        byte[] whole;

        Stream(Conn conn, StreamFormat format, long firstDueNanos) {
            this.conn = conn;
            this.format = format;
            this.firstDueNanos = firstDueNanos;
            this.dueNanos = firstDueNanos;
        }
    }

    /** One client connection: HTTP/1.1 requests in, responses out, one at a time. */
    private final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(8 * 1024);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        boolean streaming;
        boolean closeAfterWrite;
        boolean closed;

        Conn(SocketChannel channel) {
            this.channel = channel;
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
                long arrival = System.nanoTime();
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
                processRequests(arrival);
                if (closed || n < buf.capacity()) {
                    break;
                }
            }
        }

        /** Handles every complete request in the input, unless a stream is in progress. */
        void processRequests(long arrival) {
            while (!streaming && !closed && !closeAfterWrite) {
                byte[] a = in.array();
                int len = in.position();
                int headEnd = indexOf(a, len, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (headEnd < 0) {
                    if (len > 64 * 1024) {
                        respondError(431, "request headers too large", true);
                    }
                    return;
                }
                String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1);
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                    respondError(400, "bad request line", true);
                    return;
                }
                long contentLength = 0;
                boolean close = requestLine[2].equals("HTTP/1.0");
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = lines[i].substring(colon + 1).trim();
                    switch (name) {
                        case "content-length" -> {
                            try {
                                contentLength = Long.parseLong(value);
                            } catch (NumberFormatException e) {
                                respondError(400, "bad Content-Length", true);
                                return;
                            }
                        }
                        case "transfer-encoding" -> {
                            respondError(411, "chunked request bodies are not supported; send Content-Length", true);
                            return;
                        }
                        case "connection" -> close = value.toLowerCase(Locale.ROOT).contains("close");
                        default -> { }
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
                // consume the request
                in.flip();
                in.position(total);
                in.compact();
                if (close) {
                    closeAfterWrite = true;
                }
                handle(requestLine[0], requestLine[1], body, arrival, close);
            }
        }

        void handle(String method, String target, byte[] body, long arrival, boolean close) {
            String path = target;
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            try {
                switch (path) {
                    case "/health" -> respond(200, "text/plain", "", close);
                    case "/v1/models" -> respondJson(200, models(), close);
                    case "/mock/stats" -> respondJson(200, stats(), close);
                    case "/mock/reset" -> requirePost(method, () -> {
                        lateness.reset();
                        tokensSent = 0;
                        streamsStarted = 0;
                        respondJson(200, stats(), close);
                    });
                    case "/tokenize" -> requirePost(method, () -> respondJson(200, tokenize(parse(body)), close));
                    case "/detokenize" -> requirePost(method, () -> respondJson(200, detokenize(parse(body)), close));
                    case "/v1/completions" -> requirePost(method, () -> completion(parse(body), false, arrival, close));
                    case "/v1/chat/completions" -> requirePost(method, () -> completion(parse(body), true, arrival, close));
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

        /** What the server really did: its own send lateness against the schedule, and counts. */
        private ObjectNode stats() {
            ObjectNode o = mapper.createObjectNode();
            o.put("streams_started", streamsStarted);
            o.put("tokens_sent", tokensSent);
            o.put("open_connections", openConnections);
            o.put("active_streams", due.size());
            o.put("ttft_ms", config.ttftMs());
            o.put("itl_ms", config.itlMs());
            ObjectNode late = o.putObject("lateness_ms");
            late.put("count", lateness.count());
            late.put("mean", lateness.meanNanos() / 1e6);
            late.put("p50", lateness.percentileNanos(50) / 1e6);
            late.put("p99", lateness.percentileNanos(99) / 1e6);
            late.put("p999", lateness.percentileNanos(99.9) / 1e6);
            late.put("max", lateness.maxNanos() / 1e6);
            return o;
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

        private void completion(JsonNode req, boolean chat, long arrival, boolean close) {
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
            boolean stream = req.path("stream").asBoolean(false);
            JsonNode so = req.path("stream_options");
            boolean includeUsage = stream && so.path("include_usage").asBoolean(false);
            boolean continuous = includeUsage && so.path("continuous_usage_stats").asBoolean(false);
            StreamFormat format = new StreamFormat(chat, (chat ? "chatcmpl-" : "cmpl-") + id, model,
                    createdEpochSeconds, promptTokens, maxTokens, includeUsage, continuous, (int) id);
            long firstDue = arrival + config.ttftNanos();
            streaming = true;
            if (!stream) {
                respondWhole(format, firstDue, close);
                return;
            }
            streamsStarted++;
            write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
                    + "cache-control: no-cache\r\ntransfer-encoding: chunked\r\n"
                    + (close ? "connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            due.add(new Stream(this, format, firstDue));
        }

        /** Non-streaming: the whole answer, sent when its last token would have been generated. */
        private void respondWhole(StreamFormat f, long firstDue, boolean close) {
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < f.maxTokens(); k++) {
                text.append(' ').append(tokenizer.token(StreamFormat.outputTokenId(f.wordSeed(), k,
                        tokenizer.vocabSize())));
            }
            tokensSent += f.maxTokens();
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
            Stream answer = new Stream(this, f, firstDue + (f.maxTokens() - 1) * config.itlNanos());
            answer.whole = httpResponse(200, "application/json", json(o), close);
            due.add(answer);
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

        void streamEnded() {
            streaming = false;
            if (closeAfterWrite && out.isEmpty()) {
                close();
                return;
            }
            processRequests(System.nanoTime());
        }

        void respondJson(int status, ObjectNode body, boolean close) {
            respond(status, "application/json", json(body), close);
        }

        void respondError(int status, String message, boolean close) {
            ObjectNode o = mapper.createObjectNode();
            ObjectNode e = o.putObject("error");
            e.put("message", message);
            e.put("type", status == 404 ? "NotFoundError" : "BadRequestError");
            e.putNull("param");
            e.put("code", status);
            if (close) {
                closeAfterWrite = true;
            }
            respond(status, "application/json", json(o), close);
        }

        void respond(int status, String contentType, String body, boolean close) {
            write(httpResponse(status, contentType, body, close));
            if (close && out.isEmpty()) {
                close();
            }
        }

        void write(byte[] bytes) {
            if (closed) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (out.isEmpty()) {
                try {
                    channel.write(b);
                } catch (IOException e) {
                    close();
                    return;
                }
                if (!b.hasRemaining()) {
                    return;
                }
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            out.add(b);
        }

        void flush() {
            while (!out.isEmpty()) {
                ByteBuffer b = out.peek();
                try {
                    channel.write(b);
                } catch (IOException e) {
                    close();
                    return;
                }
                if (b.hasRemaining()) {
                    return;
                }
                out.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
            if (closeAfterWrite && !streaming) {
                close();
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            openConnections--;
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
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
        byte[] out = new byte[h.length + b.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(b, 0, out, h.length, b.length);
        return out;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
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
