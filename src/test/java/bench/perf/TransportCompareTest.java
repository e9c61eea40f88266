package bench.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.mock.MockConfig;
import bench.mock.MockServer;
import bench.openai.Endpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both transports of {@link TransportCompare} against an in-process mock on 127.0.0.1: every
 * request completes, every token is counted, the histograms hold one TTFT per request and one
 * ITL per further token, and the mock saw exactly the measured requests. No timing asserted.
 */
class TransportCompareTest {
    private static final int STREAMS = 8;
    private static final int REQUESTS = 40;
    private static final int WARMUP = 16;
    private static final int TOKENS = 16;

    @ParameterizedTest
    @CsvSource({"NIO, POOLED", "EPOLL, POOLED", "NETTY, POOLED", "NETTY, UNPOOLED"})
    void everyRequestAndTokenIsCounted(TransportCompare.Transport transport, NettyStreamClient.Alloc alloc) {
        org.junit.jupiter.api.Assumptions.assumeTrue(transport != TransportCompare.Transport.EPOLL
                || bench.net.Epoll.available());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (MockServer mock = new MockServer(new MockConfig("127.0.0.1", 0, "m", 3, 1, TOKENS), false).start()) {
                TransportCompare.Options o = new TransportCompare.Options(transport,
                        Endpoint.of("127.0.0.1", mock.port()), STREAMS, REQUESTS, WARMUP, TOKENS, 16, false, alloc,
                        null, TimeUnit.SECONDS.toNanos(30));
                TransportCompare.Result r = TransportCompare.run(o);
                ClosedLoop m = r.measured();
                assertNull(m.firstFailure);
                assertEquals(0, m.failures);
                assertEquals(REQUESTS, m.started);
                assertEquals(REQUESTS, m.done);
                assertEquals((long) REQUESTS * TOKENS, m.tokens);
                assertEquals(REQUESTS, m.ttftNanos.getTotalCount());
                assertEquals((long) REQUESTS * (TOKENS - 1), m.itlNanos.getTotalCount());
                assertTrue(r.reads() > 0, "reads counted");
                // the mock's ground truth covers the measured requests only (warm-up marked, then reset)
                assertEquals(REQUESTS, r.mockStats().path("requests").asLong());
                assertEquals((long) REQUESTS * TOKENS, r.mockStats().path("tokens_sent").asLong());
                ObjectNode line = r.json(new ObjectMapper());
                assertEquals(transport.name().toLowerCase(java.util.Locale.ROOT), line.path("transport").asText());
                assertEquals(REQUESTS * TOKENS, line.path("tokens").asLong());
                assertEquals(0, line.path("failures").asInt());
                for (String k : new String[] {"tokens_per_s", "cpu_us_per_token", "tokens_per_read",
                    "client_ttft_mean_ms", "client_ttft_p50_ms", "client_ttft_p99_ms", "client_itl_p50_ms",
                    "client_itl_p99_ms", "mock_ttft_mean_ms", "mock_ttft_p50_ms", "mock_ttft_p99_ms",
                    "mock_itl_p50_ms", "mock_itl_p99_ms", "err_ttft_mean_ms", "err_ttft_p99_ms", "err_itl_p50_ms",
                    "err_itl_p99_ms"}) {
                    assertTrue(line.path(k).isNumber() && !Double.isNaN(line.path(k).asDouble()), k + " in " + line);
                }
            }
        });
    }

    @Test
    void badCommandLinesAreOneLineErrors() {
        assertEquals("--transport must be nio, epoll or netty, not 'uring'", assertThrows(TransportCompare.Usage.class,
                () -> TransportCompare.Options.parse(new String[] {"--transport", "uring"})).getMessage());
        assertEquals("--streams takes a whole number, not 'x'", assertThrows(TransportCompare.Usage.class,
                () -> TransportCompare.Options.parse(new String[] {"--streams", "x"})).getMessage());
        assertEquals("--base-url is required (http://127.0.0.1:PORT)", assertThrows(TransportCompare.Usage.class,
                () -> TransportCompare.Options.parse(new String[] {"--transport", "nio"})).getMessage());
        assertEquals("missing value for --requests", assertThrows(TransportCompare.Usage.class,
                () -> TransportCompare.Options.parse(new String[] {"--requests"})).getMessage());
        assertEquals("unknown option --foo", assertThrows(TransportCompare.Usage.class,
                () -> TransportCompare.Options.parse(new String[] {"--foo", "1"})).getMessage());
    }

    @Test
    void tableListsRunsAndTheirMedians(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("t.jsonl");
        java.nio.file.Files.writeString(f, String.join("\n",
                "{\"transport\":\"nio\",\"streams\":8,\"requests\":40,\"warmup_requests\":0,\"settled\":true,"
                        + "\"failures\":0,\"cpu_us_per_token\":10.0}",
                "{\"transport\":\"nio\",\"streams\":8,\"requests\":40,\"warmup_requests\":0,\"settled\":true,"
                        + "\"failures\":0,\"cpu_us_per_token\":14.0}",
                "{\"transport\":\"nio\",\"streams\":8,\"requests\":40,\"warmup_requests\":0,\"settled\":true,"
                        + "\"failures\":0,\"cpu_us_per_token\":11.0}",
                "{\"transport\":\"netty\",\"netty_allocator\":\"unpooled\",\"streams\":8,\"requests\":40,"
                        + "\"warmup_requests\":0,\"settled\":true,\"failures\":0,\"cpu_us_per_token\":12.5}", ""));
        String t = TransportCompare.table(f);
        String[] lines = t.split("\n");
        assertEquals(6, java.util.Arrays.stream(lines).filter(l -> l.startsWith("| nio") || l.startsWith("| netty"))
                .count(), t); // 4 runs, 2 median rows
        assertTrue(t.contains("| nio | 8 | 40 | 0 | true | 3 | 0.0 | - | 11.0 |"), t);
        assertTrue(t.contains("| netty (unpooled) | 8 | 40 | 0 | true | 1 |"), t);
    }

    @Test
    void promptHasTheAskedWordCount() {
        assertEquals(128, TransportCompare.prompt(128).split(" ").length);
    }
}
