package bench.report;

import bench.load.RunOutcome;
import bench.metrics.LatencyRecorder;
import bench.metrics.LatencySummary;
import bench.metrics.Metric;
import bench.metrics.RunMetrics;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Turns a run's measurements into its immutable {@link RunResult}. Pure. */
public final class Summarizer {
    private static final DateTimeFormatter VLLM_DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private Summarizer() {}

    /**
     * Requests sent per second of the sending span (start to last send), comparable with the
     * offered rate (requests per second of the schedule's span); infinity when everything went
     * at once, as offered.
     */
    static double achieved(RunOutcome o, double offered) {
        if (o.lastSendNanos() <= 0) {
            return Double.isInfinite(offered) ? Double.POSITIVE_INFINITY : 0;
        }
        return o.sent() / (o.lastSendNanos() / 1e9);
    }

    /**
     * @param scheduled whether requests had send times to keep (a finite rate); with rate inf
     *                  everything is due at once and lateness only measures the burst
     */
    static SelfCheck selfCheck(RunOutcome o, boolean scheduled) {
        double lateness = o.metrics().recorder(Metric.SEND_LATENESS).percentileNanos(99) / 1e6;
        double lag = o.readerLag() == null ? 0 : o.readerLag().percentileNanos(99) / 1e6;
        double cpu = o.cpuNanos() < 0 || o.durationNanos() <= 0 ? 0 : (double) o.cpuNanos() / o.durationNanos();
        double perRead = o.reads() == 0 ? 0 : (double) o.tokensRead() / o.reads();
        return SelfCheck.of(lateness, scheduled, lag, cpu, perRead, o.jitCpuMillis(), o.durationNanos() / 1e6,
                o.cpuStealPct(), o.metrics().recorder(Metric.SEND_LATENESS).count(),
                o.readerLag() == null ? 0 : o.readerLag().count());
    }

    public static RunResult summarize(RunInfo info, RunOutcome outcome, int numPrompts, double requestRate,
            double burstiness, int maxConcurrency, boolean goodputEnabled, List<Double> percentiles, ZoneId zone) {
        RunMetrics m = outcome.metrics();
        double durationS = outcome.durationNanos() / 1e9;
        double perS = durationS > 0 ? 1 / durationS : 0;
        Map<Metric, LatencySummary> latencies = new EnumMap<>(Metric.class);
        Map<Metric, String> histograms = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            LatencyRecorder r = m.recorder(metric);
            latencies.put(metric, r.summary(percentiles));
            histograms.put(metric, r.toBase64());
        }
        double scheduleS = outcome.scheduleNanos() / 1e9;
        // requests had send times to keep under a finite rate or a ramp (which leaves the rate at inf)
        boolean scheduled = !Double.isInfinite(requestRate) || info.rampUp() != null;
        double offered = !scheduled || scheduleS <= 0 ? Double.POSITIVE_INFINITY : numPrompts / scheduleS;
        String date = VLLM_DATE.format(Instant.ofEpochMilli(outcome.startEpochMillis()).atZone(zone));
        return new RunResult(RunResult.SCHEMA_VERSION, date, info, numPrompts, requestRate, burstiness,
                maxConcurrency == 0 ? null : maxConcurrency, durationS, m.completed(), m.failed(), outcome.notSent(),
                outcome.interrupted(), m.totalInputTokens(), m.totalOutputTokens(), m.completed() * perS,
                goodputEnabled ? m.goodCompleted() * perS : null, m.totalOutputTokens() * perS,
                (m.totalInputTokens() + m.totalOutputTokens()) * perS, m.peakOutputTokensPerSecond(),
                m.peakConcurrency(), offered, achieved(outcome, offered), m.outputTokensFromUsage(),
                m.inputTokensFromUsage(), latencies, histograms, m.failuresByKind(), m.failures(),
                outcome.cpuNanos() < 0 ? -1 : outcome.cpuNanos() / 1e9, outcome.reads(), outcome.stampedReads(),
                outcome.tokensRead(),
                percentiles, selfCheck(outcome, !Double.isInfinite(offered)), outcome.serverMetrics());
    }
}
