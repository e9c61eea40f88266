package bench.perf;

import bench.BenchException;
import bench.load.JitSettle;
import bench.openai.ControlClient;
import bench.openai.Endpoint;
import bench.openai.FailureKind;
import bench.openai.RequestEncoder;
import bench.openai.StreamClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Issue 8's transport comparison: the same closed-loop token-streaming workload through the
 * NIO {@link StreamClient} or through {@link NettyStreamClient} (epoll), with the same request
 * bytes, the same parsers and the same time stamps (one {@link System#nanoTime()} per read), so
 * that only the transport and its event loop differ. Against a bench mock on 127.0.0.1: warm-up
 * requests (marked, so the mock leaves them out), {@link JitSettle#await()}, {@code POST
 * /mock/reset}, the measured requests, {@code GET /mock/stats}; prints one JSON line with the
 * client's TTFT/ITL, the mock's ground truth and their differences.
 *
 * <pre>
 * java -cp target/bench.jar bench.perf.TransportCompare --transport nio|epoll|netty \
 *     --base-url http://127.0.0.1:PORT --streams N --requests M --warmup-requests W
 * </pre>
 */
public final class TransportCompare {

    /** The transports compared. */
    enum Transport { NIO, EPOLL, NETTY }

    /** Parsed command line. */
    record Options(Transport transport, Endpoint endpoint, int streams, int requests, int warmupRequests,
            int maxTokens, int promptWords, boolean settle, NettyStreamClient.Alloc alloc, String model,
            long timeoutNanos) {

        static Options parse(String[] args) {
            Transport transport = null;
            Endpoint endpoint = null;
            int streams = 64;
            int requests = 256;
            int warmup = 1500;
            int maxTokens = 128;
            int promptWords = 128;
            boolean settle = true;
            NettyStreamClient.Alloc alloc = NettyStreamClient.Alloc.POOLED;
            String model = null;
            long timeoutNanos = TimeUnit.SECONDS.toNanos(600);
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if ("--help".equals(a) || "-h".equals(a)) {
                    throw new Usage(null);
                }
                if (i + 1 >= args.length) {
                    throw new Usage("missing value for " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--transport" -> transport = switch (v.toLowerCase(Locale.ROOT)) {
                        case "nio" -> Transport.NIO;
                        case "epoll" -> Transport.EPOLL;
                        case "netty" -> Transport.NETTY;
                        default -> throw new Usage("--transport must be nio, epoll or netty, not '" + v + "'");
                    };
                    case "--base-url" -> {
                        endpoint = Endpoint.parse(v);
                        if (endpoint.tls()) {
                            throw new Usage("--base-url must be http:// (the comparison is plain TCP)");
                        }
                    }
                    case "--streams" -> streams = positive(a, v);
                    case "--requests" -> requests = positive(a, v);
                    case "--warmup-requests" -> warmup = nonNegative(a, v);
                    case "--max-tokens" -> maxTokens = positive(a, v);
                    case "--prompt-words" -> promptWords = positive(a, v);
                    case "--settle" -> settle = switch (v) {
                        case "true" -> true;
                        case "false" -> false;
                        default -> throw new Usage("--settle must be true or false, not '" + v + "'");
                    };
                    case "--netty-allocator" -> alloc = switch (v.toLowerCase(Locale.ROOT)) {
                        case "pooled" -> NettyStreamClient.Alloc.POOLED;
                        case "unpooled" -> NettyStreamClient.Alloc.UNPOOLED;
                        default -> throw new Usage("--netty-allocator must be pooled or unpooled, not '" + v + "'");
                    };
                    case "--model" -> model = v;
                    case "--timeout-s" -> timeoutNanos = TimeUnit.SECONDS.toNanos(positive(a, v));
                    default -> throw new Usage("unknown option " + a);
                }
            }
            if (transport == null) {
                throw new Usage("--transport is required (nio, epoll or netty)");
            }
            if (endpoint == null) {
                throw new Usage("--base-url is required (http://127.0.0.1:PORT)");
            }
            if (requests < streams) {
                throw new Usage("--requests (" + requests + ") must be at least --streams (" + streams + ")");
            }
            return new Options(transport, endpoint, streams, requests, warmup, maxTokens, promptWords, settle, alloc,
                    model, timeoutNanos);
        }

        private static int positive(String name, String v) {
            int n = nonNegative(name, v);
            if (n == 0) {
                throw new Usage(name + " must be > 0");
            }
            return n;
        }

        private static int nonNegative(String name, String v) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n < 0) {
                    throw new Usage(name + " must be >= 0, not " + v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new Usage(name + " takes a whole number, not '" + v + "'");
            }
        }
    }

    /** Bad command line: one line and exit 2. */
    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message, null, false, false);
        }
    }

    static final String USAGE = "usage: java -cp bench.jar bench.perf.TransportCompare --transport nio|epoll|netty"
            + " --base-url http://127.0.0.1:PORT [--streams N] [--requests M] [--warmup-requests W]"
            + " [--max-tokens 128] [--prompt-words 128] [--settle true|false] [--netty-allocator pooled|unpooled]"
            + " [--model NAME] [--timeout-s 600]";

    /** One measured run's numbers. */
    record Result(Options options, ClosedLoop measured, long reads, long cpuNanos, long wallNanos, long settleMillis,
            JsonNode mockStats) {

        ObjectNode json(ObjectMapper mapper) {
            ObjectNode o = mapper.createObjectNode();
            Options op = options;
            o.put("transport", op.transport().name().toLowerCase(Locale.ROOT));
            if (op.transport() == Transport.NETTY) {
                o.put("netty_allocator", op.alloc().name().toLowerCase(Locale.ROOT));
            }
            o.put("streams", op.streams());
            o.put("requests", measured.done);
            o.put("warmup_requests", op.warmupRequests());
            o.put("settled", op.settle());
            o.put("settle_ms", settleMillis);
            o.put("max_tokens", op.maxTokens());
            o.put("failures", measured.failures);
            if (measured.firstFailure != null) {
                o.put("first_failure", measured.firstFailure);
            }
            o.put("tokens", measured.tokens);
            o.put("token_events", measured.tokenEvents);
            double wallS = wallNanos / 1e9;
            o.put("wall_s", round(wallS, 3));
            o.put("tokens_per_s", round(measured.tokens / Math.max(wallS, 1e-9), 1));
            o.put("cpu_s", round(cpuNanos / 1e9, 3));
            o.put("cpu_us_per_token", cpuNanos < 0 ? -1 : round(cpuNanos / 1e3 / Math.max(1, measured.tokens), 3));
            o.put("reads", reads);
            o.put("tokens_per_read", round((double) measured.tokens / Math.max(1, reads), 3));
            Histogram ttft = measured.ttftNanos;
            Histogram itl = measured.itlNanos;
            o.put("ttft_count", ttft.getTotalCount());
            o.put("itl_count", itl.getTotalCount());
            o.put("client_ttft_mean_ms", ms(ttft.getMean()));
            o.put("client_ttft_p50_ms", ms(ttft.getValueAtPercentile(50)));
            o.put("client_ttft_p99_ms", ms(ttft.getValueAtPercentile(99)));
            o.put("client_itl_p50_ms", ms(itl.getValueAtPercentile(50)));
            o.put("client_itl_p99_ms", ms(itl.getValueAtPercentile(99)));
            JsonNode mt = mockStats.path("ttft_ms");
            JsonNode mi = mockStats.path("itl_ms");
            o.put("mock_requests", mockStats.path("requests").asLong(-1));
            o.put("mock_tokens_sent", mockStats.path("tokens_sent").asLong(-1));
            o.put("mock_ttft_mean_ms", round(mt.path("mean").asDouble(Double.NaN), 3));
            o.put("mock_ttft_p50_ms", round(mt.path("p50").asDouble(Double.NaN), 3));
            o.put("mock_ttft_p99_ms", round(mt.path("p99").asDouble(Double.NaN), 3));
            o.put("mock_itl_p50_ms", round(mi.path("p50").asDouble(Double.NaN), 3));
            o.put("mock_itl_p99_ms", round(mi.path("p99").asDouble(Double.NaN), 3));
            o.put("err_ttft_mean_ms", round(ttft.getMean() / 1e6 - mt.path("mean").asDouble(Double.NaN), 3));
            o.put("err_ttft_p99_ms",
                    round(ttft.getValueAtPercentile(99) / 1e6 - mt.path("p99").asDouble(Double.NaN), 3));
            o.put("err_itl_p50_ms", round(itl.getValueAtPercentile(50) / 1e6 - mi.path("p50").asDouble(Double.NaN), 3));
            o.put("err_itl_p99_ms", round(itl.getValueAtPercentile(99) / 1e6 - mi.path("p99").asDouble(Double.NaN), 3));
            o.put("java", Runtime.version().toString());
            return o;
        }

        private static double ms(double nanos) {
            return round(nanos / 1e6, 3);
        }

        private static double round(double v, int digits) {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                return v;
            }
            double f = Math.pow(10, digits);
            return Math.round(v * f) / f;
        }
    }

    private TransportCompare() {}

    public static void main(String[] args) {
        int code;
        try {
            if (args.length > 0 && "--table".equals(args[0])) {
                if (args.length != 2) {
                    throw new Usage("--table takes one file of JSON lines");
                }
                System.out.print(table(java.nio.file.Path.of(args[1])));
                System.exit(0);
            }
            Options o = Options.parse(args);
            Result r = run(o);
            System.out.println(r.json(new ObjectMapper()).toString());
            code = r.measured().failures == 0 && r.measured().done == o.requests() ? 0 : 1;
        } catch (Usage e) {
            if (e.getMessage() == null) {
                System.out.println(USAGE); // --help
                code = 0;
            } else {
                System.err.println("TransportCompare: " + e.getMessage() + " (--help for usage)");
                code = 2;
            }
        } catch (BenchException e) {
            System.err.println("TransportCompare: " + e.getMessage());
            code = 1;
        } catch (IOException e) {
            System.err.println("TransportCompare: " + e);
            code = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("TransportCompare: interrupted");
            code = 130;
        }
        System.exit(code);
    }

    /** The whole run: warm-up, settle, reset, measured phase, ground truth. */
    static Result run(Options o) throws IOException, InterruptedException {
        Endpoint ep = o.endpoint();
        try (ControlClient control = new ControlClient(ep, Map.of(), Duration.ofSeconds(10))) {
            String model = o.model() != null ? o.model() : control.firstModel();
            RequestEncoder encoder = new RequestEncoder(ep, "/v1/completions", model, Map.of(), true, true, null);
            String prompt = prompt(o.promptWords());
            byte[] warmupRequest = encoder.encode(prompt, o.maxTokens(), "transport-compare-warmup", true);
            byte[] request = encoder.encode(prompt, o.maxTokens(), "transport-compare", false);
            try (Runner runner = o.transport() == Transport.NETTY ? new NettyRunner(ep, o.streams(), o.alloc())
                    : new NioRunner(ep, o.streams(), o.transport() == Transport.EPOLL ? StreamClient.Io.EPOLL
                            : StreamClient.Io.NIO)) {
                if (o.warmupRequests() > 0) {
                    ClosedLoop warm = new ClosedLoop(warmupRequest, o.warmupRequests(),
                            Math.min(o.streams(), o.warmupRequests()));
                    runner.run(warm, o.timeoutNanos());
                    if (warm.failures > 0) {
                        throw new BenchException(warm.failures + " warm-up requests failed, first: "
                                + warm.firstFailure);
                    }
                }
                long settleMillis = o.settle() ? JitSettle.await() : 0;
                control.post("/mock/reset", new ObjectMapper().createObjectNode());
                ClosedLoop measured = new ClosedLoop(request, o.requests(), o.streams());
                long reads0 = runner.reads();
                long cpu0 = JitSettle.processCpuNanos();
                runner.run(measured, o.timeoutNanos());
                long cpu1 = JitSettle.processCpuNanos();
                long reads = runner.reads() - reads0;
                long wall = measured.lastDoneNanos - measured.firstSentNanos;
                JsonNode stats = control.get("/mock/stats");
                return new Result(o, measured, reads, cpu0 < 0 ? -1 : cpu1 - cpu0, wall, settleMillis, stats);
            }
        }
    }

    private static final String[][] ID_COLUMNS = {
        {"transport", "transport"}, {"streams", "streams"}, {"requests", "requests"},
        {"warmup_requests", "warm-up"}, {"settled", "settled"},
    };
    private static final String[][] NUMBER_COLUMNS = {
        {"failures", "failures"}, {"tokens_per_s", "tokens/s"},
        {"cpu_us_per_token", "CPU us/token"}, {"tokens_per_read", "tokens/read"},
        {"client_ttft_p50_ms", "TTFT p50 ms"}, {"client_ttft_p99_ms", "TTFT p99 ms"},
        {"err_ttft_mean_ms", "TTFT err mean ms"}, {"err_ttft_p99_ms", "TTFT err p99 ms"},
        {"err_itl_p50_ms", "ITL err p50 ms"}, {"err_itl_p99_ms", "ITL err p99 ms"},
    };

    /**
     * The Markdown table of a file of result lines (one JSON object a line), in file order;
     * when a point (transport, allocator, streams, requests, warm-up, settle) was run more than
     * once, a second table with the median of each column over its runs.
     */
    static String table(java.nio.file.Path jsonl) throws IOException {
        if (!java.nio.file.Files.isRegularFile(jsonl)) {
            throw new BenchException("no such file: " + jsonl);
        }
        ObjectMapper mapper = new ObjectMapper();
        java.util.List<JsonNode> rows = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(jsonl)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                rows.add(mapper.readTree(line));
            } catch (IOException e) {
                throw new BenchException("not a JSON line in " + jsonl + ": " + line);
            }
        }
        StringBuilder sb = new StringBuilder();
        header(sb, null);
        java.util.Map<String, java.util.List<JsonNode>> groups = new java.util.LinkedHashMap<>();
        for (JsonNode n : rows) {
            sb.append('|');
            for (String[] c : ID_COLUMNS) {
                sb.append(' ').append(label(n, c[0])).append(" |");
            }
            for (String[] c : NUMBER_COLUMNS) {
                sb.append(' ').append(n.path(c[0]).asText("-")).append(" |");
            }
            sb.append('\n');
            StringBuilder key = new StringBuilder();
            for (String[] c : ID_COLUMNS) {
                key.append(label(n, c[0])).append('|');
            }
            groups.computeIfAbsent(key.toString(), k -> new java.util.ArrayList<>()).add(n);
        }
        if (groups.values().stream().anyMatch(g -> g.size() > 1)) {
            sb.append("\nMedians over the runs of each point (runs: n)\n\n");
            header(sb, "runs");
            for (java.util.List<JsonNode> g : groups.values()) {
                sb.append('|');
                for (String[] c : ID_COLUMNS) {
                    sb.append(' ').append(label(g.get(0), c[0])).append(" |");
                }
                sb.append(' ').append(g.size()).append(" |");
                for (String[] c : NUMBER_COLUMNS) {
                    double[] v = g.stream().mapToDouble(n -> n.path(c[0]).asDouble(Double.NaN))
                            .filter(x -> !Double.isNaN(x)).sorted().toArray();
                    int h = v.length / 2;
                    String m = v.length == 0 ? "-"
                            : Double.toString(Math.round((v.length % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2) * 1000)
                                    / 1000.0);
                    sb.append(' ').append(m).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String extra) {
        sb.append('|');
        int n = ID_COLUMNS.length + NUMBER_COLUMNS.length + (extra == null ? 0 : 1);
        for (String[] c : ID_COLUMNS) {
            sb.append(' ').append(c[1]).append(" |");
        }
        if (extra != null) {
            sb.append(' ').append(extra).append(" |");
        }
        for (String[] c : NUMBER_COLUMNS) {
            sb.append(' ').append(c[1]).append(" |");
        }
        sb.append("\n|").append(" --- |".repeat(n)).append('\n');
    }

    /** An identifying cell; the transport carries Netty's allocator when it is not the default. */
    private static String label(JsonNode n, String field) {
        String v = n.path(field).asText("-");
        if ("transport".equals(field) && "unpooled".equals(n.path("netty_allocator").asText())) {
            return v + " (unpooled)";
        }
        return v;
    }

    /** {@code words} words from a fixed list: the mock counts one token per word. */
    static String prompt(int words) {
        String[] w = {"kalo", "mine", "ruta", "zovi", "pesu", "dafi", "gohu", "jabe"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(w[i % w.length]);
        }
        return sb.toString();
    }

    /** A transport that runs phases of the closed loop over its persistent connections. */
    interface Runner extends AutoCloseable {
        void run(ClosedLoop phase, long timeoutNanos) throws IOException, InterruptedException;

        /** Socket reads (NIO) or channelRead calls (Netty) so far. */
        long reads();

        @Override
        void close() throws IOException;
    }

    /** The real {@link StreamClient} (on NIO's selector or on epoll), driven on the calling thread. */
    static final class NioRunner implements Runner {
        private final StreamClient client;

        NioRunner(Endpoint ep, int streams, StreamClient.Io io) throws IOException {
            client = new StreamClient(ep, false, io);
            int n = client.preconnect(streams, TimeUnit.SECONDS.toNanos(10));
            if (n < streams) {
                client.close();
                throw new BenchException("connected only " + n + " of " + streams + " connections to " + ep);
            }
        }

        @Override
        public void run(ClosedLoop phase, long timeoutNanos) throws IOException {
            long deadline = System.nanoTime() + timeoutNanos;
            client.run(new StreamClient.Driver() {
                @Override
                public long tick(long nowNanos) {
                    if (nowNanos >= deadline && !phase.aborted) {
                        phase.abort();
                        client.abortAll(FailureKind.TIMEOUT, "no complete response within the phase timeout");
                    }
                    ClosedLoop.Slot s;
                    while ((s = phase.poll()) != null) {
                        long now = System.nanoTime();
                        s.sentNanos = now;
                        client.send(phase.request, s, 0, now);
                    }
                    return Long.MAX_VALUE;
                }

                @Override
                public boolean finished() {
                    return phase.finished();
                }
            });
        }

        @Override
        public long reads() {
            return client.stats().reads;
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    /** {@link NettyStreamClient} on its own epoll event-loop thread. */
    static final class NettyRunner implements Runner {
        private final NettyStreamClient client;

        NettyRunner(Endpoint ep, int streams, NettyStreamClient.Alloc alloc) {
            client = new NettyStreamClient(ep.host(), ep.port(), streams, alloc, TimeUnit.SECONDS.toNanos(10));
        }

        @Override
        public void run(ClosedLoop phase, long timeoutNanos) throws InterruptedException {
            client.run(phase, timeoutNanos);
        }

        @Override
        public long reads() {
            return client.reads();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
