package bench.load;

import bench.dataset.Sample;
import bench.metrics.GoodputSlo;
import bench.metrics.RunMetrics;
import bench.mock.MockConfig;
import bench.mock.MockServer;
import bench.openai.Endpoint;
import bench.openai.ParserWarmup;
import bench.openai.RequestEncoder;
import bench.openai.StreamClient;
import java.io.IOException;
import java.util.Map;

/**
 * Warms the JIT on the whole request path before anything is timed, without sending a byte
 * to the server under test: a throw-away mock on 127.0.0.1 (port chosen by the OS, near-zero
 * delays) serves a burst of streaming requests through the same client, driver and
 * accounting code the run uses. Also warms the mock's own code, which is why {@code bench
 * mock} runs it before it starts listening. Takes a few hundred milliseconds.
 */
public final class SelfWarmup {
    private SelfWarmup() {}

    /** Runs the burst; returns the number of requests that completed. */
    public static long run(int requests, int concurrency, int tokens) {
        ParserWarmup.run(400, 64);
        MockConfig config = new MockConfig("127.0.0.1", 0, "warmup", 0.05, 0.02, tokens);
        try (MockServer mock = new MockServer(config, false).start()) {
            Endpoint endpoint = Endpoint.of("127.0.0.1", mock.port());
            RequestEncoder encoder = new RequestEncoder(endpoint, "/v1/completions", "warmup", Map.of(), true, true,
                    null);
            Sample sample = new Sample("kalo mine ruta zovi pesu dafi gohu jabe", 8, tokens);
            RunMetrics metrics = new RunMetrics();
            try (StreamClient client = new StreamClient(endpoint);
                    RequestFeed feed = new RequestFeed(requests, RequestFeed.defaultBudgetBytes(),
                            i -> new RequestFeed.Prepared(i, encoder.encode(sample.prompt(), tokens, "warmup-" + i, true),
                                    sample.promptTokens(), tokens))) {
                LoadDriver driver = new LoadDriver(client, feed, new long[requests], concurrency, 10_000_000_000L,
                        0, metrics, new RunControl(), null, tokens, "warmup-", true, GoodputSlo.NONE);
                client.run(driver);
            }
            return metrics.completed();
        } catch (IOException e) {
            return 0; // warm-up is best effort
        }
    }

    /**
     * The default: two bursts with a pause for the compiler between them. The first gets the
     * per-token paths compiled; while its compilations are queued, C2 raises its thresholds, so
     * the per-request paths (a few thousand calls) are compiled only after the second burst.
     * Without it they were compiled during the measured run: half a second of compiler CPU on
     * the client's core in a five-second run.
     */
    public static long run() throws InterruptedException {
        long done = run(4000, 64, 8);
        JitSettle.await();
        return done + run(4000, 64, 8);
    }
}
