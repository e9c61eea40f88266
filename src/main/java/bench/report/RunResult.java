package bench.report;

import bench.metrics.FailedRequest;
import bench.metrics.LatencySummary;
import bench.metrics.Metric;
import java.util.List;
import java.util.Map;

/**
 * The immutable summary of one run: what the table prints and the JSON holds.
 *
 * @param requestRate           configured rate, infinity for "inf"
 * @param maxConcurrency        null when unlimited
 * @param requestGoodput        null when no --goodput objectives were given
 * @param offeredRequestRate    requests / schedule span (what the schedule asked for)
 * @param achievedRequestRate   requests sent / sending span (start to last send)
 * @param outputTokensFromUsage successful requests whose output count came from the server's usage
 * @param histograms            per metric, HdrHistogram compressed and base64-encoded
 * @param clientCpuSeconds      client process CPU during the run, -1 if unknown
 * @param clientStampedReads    reads timed by the kernel's receive stamp (epoll), of {@code clientReads}
 * @param serverMetrics         change of the server's /metrics series over the run (--scrape-metrics), or null
 */
public record RunResult(
        int schemaVersion,
        String date,
        RunInfo info,
        int numPrompts,
        double requestRate,
        double burstiness,
        Integer maxConcurrency,
        double durationSeconds,
        long completed,
        long failed,
        long notSent,
        boolean interrupted,
        long totalInputTokens,
        long totalOutputTokens,
        double requestThroughput,
        Double requestGoodput,
        double outputThroughput,
        double totalTokenThroughput,
        long maxOutputTokensPerSecond,
        int maxConcurrentRequests,
        double offeredRequestRate,
        double achievedRequestRate,
        long outputTokensFromUsage,
        long inputTokensFromUsage,
        Map<Metric, LatencySummary> latencies,
        Map<Metric, String> histograms,
        Map<String, Long> failuresByKind,
        List<FailedRequest> failures,
        double clientCpuSeconds,
        long clientReads,
        long clientStampedReads,
        long clientTokensRead,
        List<Double> percentiles,
        SelfCheck selfCheck,
        Map<String, Double> serverMetrics) {

    public static final int SCHEMA_VERSION = 1;

    public RunResult {
        latencies = Map.copyOf(latencies);
        histograms = Map.copyOf(histograms);
        failuresByKind = Map.copyOf(failuresByKind);
        failures = List.copyOf(failures);
        percentiles = List.copyOf(percentiles);
        serverMetrics = serverMetrics == null ? null : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(serverMetrics));
    }

    public LatencySummary latency(Metric m) {
        return latencies.get(m);
    }

    /** Client CPU microseconds per token received, or -1. */
    public double clientMicrosPerToken() {
        return clientCpuSeconds < 0 || clientTokensRead == 0 ? -1 : clientCpuSeconds * 1e6 / clientTokensRead;
    }

    public double tokensPerRead() {
        return clientReads == 0 ? 0 : (double) clientTokensRead / clientReads;
    }
}
