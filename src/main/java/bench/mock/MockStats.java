package bench.mock;

import bench.metrics.LatencyRecorder;
import java.util.Locale;

/**
 * What the mock really did, from its own send times: the ground truth a client's
 * measurements are checked against ({@code GET /mock/stats}), and the counters and
 * histograms of {@code GET /metrics} under vLLM's metric names. {@code /metrics} counts every
 * request, warm-ups ({@code x-bench-warmup}) included, as vLLM does; the ground truth's
 * latencies, tokens and finished requests leave warm-ups out (they are counted in
 * {@code warmupRequests} only). Mutable; loop thread only.
 */
final class MockStats {
    /** vLLM's bucket bounds, seconds. */
    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
        5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    static final double[] ITL_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0,
        7.5, 10.0, 20.0, 40.0, 80.0};
    static final double[] E2E_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0,
        60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    final LatencyRecorder ttft = new LatencyRecorder();
    final LatencyRecorder itl = new LatencyRecorder();
    /** What the schedule (or the engine model) asked for, before any lateness of the server. */
    final LatencyRecorder ttftScheduled = new LatencyRecorder();
    final LatencyRecorder itlScheduled = new LatencyRecorder();
    final LatencyRecorder lateness = new LatencyRecorder();
    final PromHistogram ttftSeconds = new PromHistogram(TTFT_BUCKETS);
    final PromHistogram itlSeconds = new PromHistogram(ITL_BUCKETS);
    final PromHistogram e2eSeconds = new PromHistogram(E2E_BUCKETS);
    /** {@code /metrics}: every request, warm-ups too. */
    long promptTokensTotal;
    long generationTokensTotal;
    long requestSuccessTotal;
    /** Ground truth: every request received, warm-ups too. */
    long requests;
    long warmupRequests;
    long streamsStarted;
    /** Ground truth, warm-ups left out. */
    long tokensSent;
    long promptTokens;
    long finished;
    long faultsInjected;

    void reset() {
        ttft.reset();
        itl.reset();
        ttftScheduled.reset();
        itlScheduled.reset();
        lateness.reset();
        ttftSeconds.reset();
        itlSeconds.reset();
        e2eSeconds.reset();
        promptTokensTotal = 0;
        generationTokensTotal = 0;
        requestSuccessTotal = 0;
        requests = 0;
        warmupRequests = 0;
        streamsStarted = 0;
        tokensSent = 0;
        promptTokens = 0;
        finished = 0;
        faultsInjected = 0;
    }

    /** A request admitted with {@code promptTokens} tokens to prefill. */
    void admitted(int promptTokens, boolean warmup) {
        promptTokensTotal += promptTokens;
        if (!warmup) {
            this.promptTokens += promptTokens;
        }
    }

    /** A token (or several, written together) left at {@code nowNanos}. */
    void tokensWritten(int count, long dueNanos, long nowNanos, long arrivalNanos, long previousWriteNanos,
            long previousDueNanos, boolean warmup) {
        generationTokensTotal += count;
        if (previousWriteNanos == 0) {
            ttftSeconds.observe((nowNanos - arrivalNanos) / 1e9);
        } else {
            itlSeconds.observe((nowNanos - previousWriteNanos) / 1e9);
        }
        for (int i = 1; i < count; i++) {
            itlSeconds.observe(0);
        }
        if (warmup) {
            return;
        }
        tokensSent += count;
        lateness.record(nowNanos - dueNanos);
        if (previousDueNanos == 0) {
            ttftScheduled.record(dueNanos - arrivalNanos);
        } else {
            itlScheduled.record(dueNanos - previousDueNanos);
        }
        itlScheduled.record(0, count - 1L);
        if (previousWriteNanos == 0) {
            ttft.record(nowNanos - arrivalNanos);
        } else {
            itl.record(nowNanos - previousWriteNanos);
        }
        itl.record(0, count - 1L);
    }

    /** A non-streamed answer of {@code count} tokens left at {@code nowNanos}: a TTFT, no gaps. */
    void wholeWritten(int count, long dueNanos, long nowNanos, long arrivalNanos, boolean warmup) {
        generationTokensTotal += count;
        ttftSeconds.observe((nowNanos - arrivalNanos) / 1e9);
        if (warmup) {
            return;
        }
        tokensSent += count;
        ttftScheduled.record(dueNanos - arrivalNanos);
        lateness.record(nowNanos - dueNanos);
        ttft.record(nowNanos - arrivalNanos);
    }

    void requestFinished(long arrivalNanos, long nowNanos, boolean warmup) {
        requestSuccessTotal++;
        e2eSeconds.observe((nowNanos - arrivalNanos) / 1e9);
        if (!warmup) {
            finished++;
        }
    }

    /** Prometheus text exposition with vLLM's metric names. */
    String prometheus(String model, int running, int waiting) {
        String l = "{model_name=\"" + model.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        StringBuilder sb = new StringBuilder(4096);
        gauge(sb, "vllm:num_requests_running", "Number of requests in model execution batches.", l, running);
        gauge(sb, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", l, waiting);
        counter(sb, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", l, promptTokensTotal);
        counter(sb, "vllm:generation_tokens_total", "Number of generation tokens processed.", l,
                generationTokensTotal);
        String lr = l.substring(0, l.length() - 1) + ",finished_reason=\"length\"}";
        counter(sb, "vllm:request_success_total", "Count of successfully processed requests.", lr,
                requestSuccessTotal);
        ttftSeconds.render(sb, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", l);
        itlSeconds.render(sb, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", l);
        e2eSeconds.render(sb, "vllm:e2e_request_latency_seconds", "Histogram of end to end request latency in seconds.",
                l);
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, String labels, double v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(labels).append(' ').append(num(v)).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, String labels, double v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(labels).append(' ').append(num(v)).append('\n');
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return Double.toString(v);
    }

    /** A Prometheus histogram with fixed bucket bounds (cumulative when rendered). */
    static final class PromHistogram {
        private final double[] bounds;
        private final long[] counts;
        private long count;
        private double sum;

        PromHistogram(double[] bounds) {
            this.bounds = bounds.clone();
            this.counts = new long[bounds.length];
        }

        void observe(double v) {
            count++;
            sum += v;
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts[i]++;
                    return;
                }
            }
        }

        void reset() {
            java.util.Arrays.fill(counts, 0);
            count = 0;
            sum = 0;
        }

        long count() {
            return count;
        }

        double sum() {
            return sum;
        }

        void render(StringBuilder sb, String name, String help, String labels) {
            sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
            sb.append("# TYPE ").append(name).append(" histogram\n");
            String inner = labels.substring(1, labels.length() - 1);
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i];
                sb.append(name).append("_bucket{le=\"").append(bounds[i]).append("\",").append(inner).append("} ")
                        .append(num(cumulative)).append('\n');
            }
            sb.append(name).append("_bucket{le=\"+Inf\",").append(inner).append("} ").append(num(count)).append('\n');
            sb.append(name).append("_sum").append(labels).append(' ').append(sum).append('\n');
            sb.append(name).append("_count").append(labels).append(' ').append(num(count)).append('\n');
        }
    }
}
