package bench.load;

import bench.BenchException;
import bench.dataset.Sample;
import bench.dataset.SampleSource;
import bench.metrics.CpuSteal;
import bench.metrics.GoodputSlo;
import bench.metrics.LatencyRecorder;
import bench.metrics.PrometheusText;
import bench.metrics.RunMetrics;
import bench.openai.Endpoint;
import bench.openai.RequestEncoder;
import bench.openai.StreamClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one benchmark against an endpoint: optional ready check, warm-up requests through the
 * same data path, then the timed run on the seeded schedule, with the server's counters read
 * around the timed run alone when asked. I/O happens here and in the
 * {@link StreamClient}; the arithmetic lives in {@link RequestAccounting}.
 */
public final class Benchmark {
    private static final int TOKEN_ARRAY_HINT = 4096;

    private final Endpoint endpoint;
    private final RunConfig config;
    private final SampleSource source;
    private final RequestEncoder encoder;
    private final RunControl control;
    private final Progress progress;
    private final Consumer<RequestRecord> details;
    private final Clock clock;
    private final ClientOptions client;
    private final Supplier<Map<String, Double>> serverMetrics;

    /**
     * @param serverMetrics the server's counters ({@code GET /metrics}), read just before the
     *                      timed requests (after the ready check and the warm-ups) and after
     *                      them, the change stored in the outcome; null: not read
     */
    public Benchmark(Endpoint endpoint, RunConfig config, SampleSource source, RequestEncoder encoder,
            RunControl control, Progress progress, Consumer<RequestRecord> details, Clock clock,
            ClientOptions client, Supplier<Map<String, Double>> serverMetrics) {
        if (source.size() < 1) {
            throw new BenchException("the dataset is empty");
        }
        this.endpoint = endpoint;
        this.config = config;
        this.source = source;
        this.encoder = encoder;
        this.control = control;
        this.progress = progress;
        this.details = details;
        this.clock = clock;
        this.client = client;
        this.serverMetrics = serverMetrics;
    }

    public RunOutcome run() {
        if (client.selfWarmup()) {
            progress.phase("Warming up the client (JIT) against an embedded mock on 127.0.0.1...");
            try {
                SelfWarmup.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while warming up", 130, e);
            }
        }
        try (StreamClient stream = new StreamClient(endpoint, client.insecureTls())) {
            control.onWakeup(stream::wakeup);
            if (!config.readyTimeout().isZero()) {
                readyCheck(stream);
            }
            if (config.numWarmups() > 0 && !control.stopRequested()) {
                warmUp(stream);
            }
            if (control.stopRequested()) {
                return new RunOutcome(new RunMetrics(), clock.millis(), 0, 0, 0, 0, config.numPrompts(), true, -1, 0,
                        0, 0, new LatencyRecorder(), -1, null, Double.NaN);
            }
            return mainRun(stream);
        } catch (IOException e) {
            throw new BenchException("network error: " + e.getMessage(), e);
        } finally {
            control.onWakeup(() -> { });
        }
    }

    private RunOutcome mainRun(StreamClient client) throws IOException {
        long[] offsets = config.schedule();
        int n = offsets.length;
        RunMetrics metrics = new RunMetrics();
        try (RequestFeed feed = new RequestFeed(n, RequestFeed.defaultBudgetBytes(), this::prepare)) {
            progress.phase("Preparing " + n + " requests before the clock starts...");
            feed.awaitReady(control::stopRequested);
            int pool = preconnectCount();
            if (pool > 0) {
                client.preconnect(pool, 10_000_000_000L);
            }
            // the server's counters from here on count the timed requests only: not the ready
            // check's, not the warm-ups' (read before the GC and the JIT settle, which it feeds)
            Map<String, Double> metricsBefore = serverMetrics == null ? null : serverMetrics.get();
            // what building the requests and warming up left behind is collected now, not by a
            // young collection in the run's first seconds (a 13-24 ms pause at 512 streams)
            System.gc();
            settleJit();
            progress.phase("Starting main benchmark run (" + n + " requests)...");
            LoadDriver driver = new LoadDriver(client, feed, offsets, config.maxConcurrency(),
                    config.requestTimeout().toNanos(), config.interruptGrace().toNanos(), metrics, control, details,
                    TOKEN_ARRAY_HINT, config.requestIdPrefix(), config.ignoreEos(), config.goodput());
            client.stats().readerLag.reset();
            long readsBefore = client.stats().reads;
            long stampedBefore = client.stats().stampedReads;
            long tokensBefore = client.stats().tokens;
            long cpuBefore = JitSettle.processCpuNanos();
            long jitBefore = JitSettle.compilerCpuNanos();
            java.util.Map<String, Long> threadsBefore = ThreadCpu.snapshot();
            CpuSteal.Reading stealBefore = CpuSteal.Reading.now();
            long startEpoch = clock.millis();
            long progressStart = System.nanoTime();
            Thread reporter = startReporter(driver, progressStart);
            try {
                client.run(driver);
            } finally {
                reporter.interrupt();
                try {
                    reporter.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                report(driver, progressStart); // the final counts, for the closing progress line
                progress.end();
            }
            long cpu = cpuBefore < 0 ? -1 : JitSettle.processCpuNanos() - cpuBefore;
            long jit = jitBefore < 0 ? -1 : (JitSettle.compilerCpuNanos() - jitBefore) / 1_000_000;
            double steal = CpuSteal.Reading.now().percentSince(stealBefore);
            if (Boolean.getBoolean("bench.debug.threads")) {
                ThreadCpu.report(threadsBefore, ThreadCpu.snapshot(), System.err);
            }
            long duration = driver.endNanos() - driver.startNanos();
            Map<String, Double> serverDeltas = metricsBefore == null ? null
                    : PrometheusText.delta(metricsBefore, serverMetrics.get());
            return new RunOutcome(metrics, startEpoch, duration, n == 0 ? 0 : offsets[n - 1],
                    driver.lastSendOffsetNanos(), n - driver.notSent(),
                    driver.notSent(), driver.stopped(), cpu, client.stats().reads - readsBefore,
                    client.stats().stampedReads - stampedBefore, client.stats().tokens - tokensBefore,
                    client.stats().readerLag, jit, serverDeltas, steal);
        }
    }

    /** After warm-up and connection set-up: let the JIT finish compiling before the clock starts. */
    private void settleJit() {
        if (!client.selfWarmup() && config.numWarmups() == 0) {
            return;
        }
        try {
            JitSettle.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while waiting for the JIT to settle", 130, e);
        }
    }

    /**
     * Connections to open before the clock starts: as many as will be in flight at once when
     * that is known (the concurrency limit, or every request for rate inf), at most 16384.
     */
    private int preconnectCount() {
        int n = config.numPrompts();
        if (config.maxConcurrency() > 0) {
            n = Math.min(n, config.maxConcurrency());
        } else if (!Double.isInfinite(config.requestRate()) || config.rampUp() != null) {
            return 0;
        }
        return Math.min(n, 16384);
    }

    private RequestFeed.Prepared prepare(int index) {
        Sample s = source.get(index);
        byte[] bytes = encoder.encode(index, s.prompt(), s.outputTokens(), config.requestIdPrefix() + index);
        return new RequestFeed.Prepared(index, bytes, s.promptTokens(), s.outputTokens());
    }

    /** Sends the first sample until it succeeds (vLLM's --ready-check-timeout-sec). */
    private void readyCheck(StreamClient client) throws IOException {
        progress.phase("Waiting for the endpoint to answer a first request (up to "
                + config.readyTimeout().toSeconds() + " s)...");
        long deadline = System.nanoTime() + config.readyTimeout().toNanos();
        String last = "no answer";
        while (!control.stopRequested()) {
            RequestRecord r = single(client);
            if (r != null && r.success()) {
                return;
            }
            if (r != null) {
                last = r.error() + ": " + r.errorDetail();
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            sleepQuietly(1000);
        }
        if (!control.stopRequested()) {
            throw new BenchException("the endpoint did not answer a test request successfully within "
                    + config.readyTimeout().toSeconds() + " s; last error " + last);
        }
    }

    /** One request with the first sample; null if the run was stopped before it ended. */
    private RequestRecord single(StreamClient client) throws IOException {
        Sample s = source.get(0);
        RequestRecord[] done = new RequestRecord[1];
        String prefix = config.requestIdPrefix() + "ready-";
        try (RequestFeed feed = new RequestFeed(1, RequestFeed.defaultBudgetBytes(), i -> new RequestFeed.Prepared(0,
                encoder.encode(s.prompt(), s.outputTokens(), prefix + "0", true), s.promptTokens(),
                s.outputTokens()))) {
            LoadDriver driver = new LoadDriver(client, feed, new long[1], 1, config.requestTimeout().toNanos(),
                    0, new RunMetrics(), control, r -> done[0] = r, TOKEN_ARRAY_HINT, prefix, config.ignoreEos(),
                    GoodputSlo.NONE);
            client.run(driver);
        }
        return done[0];
    }

    private void warmUp(StreamClient client) throws IOException {
        int n = config.numWarmups();
        progress.phase("Warming up with " + n + " requests...");
        Sample s = source.get(0);
        RunMetrics scratch = new RunMetrics();
        int conc = config.maxConcurrency() == 0 ? n : Math.min(n, config.maxConcurrency());
        try (RequestFeed feed = new RequestFeed(n, RequestFeed.defaultBudgetBytes(), i -> new RequestFeed.Prepared(i,
                encoder.encode(s.prompt(), s.outputTokens(), config.requestIdPrefix() + "warmup-" + i, true),
                s.promptTokens(), s.outputTokens()))) {
            LoadDriver driver = new LoadDriver(client, feed, new long[n], conc, config.requestTimeout().toNanos(),
                    config.interruptGrace().toNanos(), scratch, control, null, TOKEN_ARRAY_HINT,
                    config.requestIdPrefix() + "warmup-", config.ignoreEos(), GoodputSlo.NONE);
            client.run(driver);
        }
        if (scratch.failed() > 0 && !control.stopRequested()) {
            var f = scratch.failures().get(0);
            progress.phase("Warm-up: " + scratch.failed() + " of " + n + " requests failed (first: " + f.kind() + ": "
                    + f.detail() + ")");
        }
    }

    private Thread startReporter(LoadDriver driver, long t0) {
        Thread t = Thread.ofPlatform().daemon().name("bench-progress").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                report(driver, t0);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return t;
    }

    private void report(LoadDriver driver, long t0) {
        progress.update(driver.doneCount, driver.failedCount, driver.total(), driver.tokenCount,
                (System.nanoTime() - t0) / 1e9);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
