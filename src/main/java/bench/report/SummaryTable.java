package bench.report;

import bench.load.RampUp;
import bench.metrics.FailedRequest;
import bench.metrics.LatencySummary;
import bench.metrics.Metric;
import java.util.List;
import java.util.Locale;

/** The summary on stdout, in the layout of {@code vllm bench serve}, plus bench's additions. */
public final class SummaryTable {
    private static final int WIDTH = 50;
    private static final int SHOWN_FAILURES = 10;

    private SummaryTable() {}

    public static String render(RunResult r) {
        return render(r, null);
    }

    /**
     * The summary with the latency sections of {@code metrics} in their order ({@code
     * --percentile-metrics}); null for the default: TTFT, TPOT, ITL and E2EL, then client
     * queueing with a concurrency limit and TTFT from the intended send under a rate or limit.
     */
    public static String render(RunResult r, List<Metric> metrics) {
        StringBuilder sb = new StringBuilder();
        header(sb, " Serving Benchmark Result ", '=');
        row(sb, "Successful requests:", Long.toString(r.completed()));
        row(sb, "Failed requests:", Long.toString(r.failed()));
        if (r.notSent() > 0) {
            row(sb, "Requests not sent (interrupted):", Long.toString(r.notSent()));
        }
        if (r.maxConcurrency() != null) {
            row(sb, "Maximum request concurrency:", Integer.toString(r.maxConcurrency()));
        }
        RampUp ramp = r.info().rampUp();
        if (ramp != null) {
            // the ramp replaces --request-rate
            row(sb, "Request rate configured (RPS):", "ramp-up " + ramp.strategyName() + " " + f2(ramp.startRps())
                    + " -> " + f2(ramp.endRps()));
            row(sb, "Request rate achieved (RPS):", f2(r.achievedRequestRate()));
        } else if (!Double.isInfinite(r.requestRate())) {
            row(sb, "Request rate configured (RPS):", f2(r.requestRate()));
            row(sb, "Request rate achieved (RPS):", f2(r.achievedRequestRate()));
        }
        row(sb, "Benchmark duration (s):", f2(r.durationSeconds()));
        row(sb, "Total input tokens:", Long.toString(r.totalInputTokens()));
        row(sb, "Total generated tokens:", Long.toString(r.totalOutputTokens()));
        row(sb, "Request throughput (req/s):", f2(r.requestThroughput()));
        if (r.requestGoodput() != null) {
            row(sb, "Request goodput (req/s):", f2(r.requestGoodput()));
        }
        row(sb, "Output token throughput (tok/s):", f2(r.outputThroughput()));
        row(sb, "Peak output token throughput (tok/s):", f2(r.maxOutputTokensPerSecond()));
        row(sb, "Peak concurrent requests:", f2(r.maxConcurrentRequests()));
        row(sb, "Total Token throughput (tok/s):", f2(r.totalTokenThroughput()));
        for (Metric m : metrics != null ? metrics : defaultMetrics(r)) {
            section(sb, r, m);
        }
        if (r.failed() > 0) {
            header(sb, "Failures", '-');
            r.failuresByKind().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> row(sb, e.getKey() + ":", Long.toString(e.getValue())));
            List<FailedRequest> shown = r.failures().subList(0, Math.min(SHOWN_FAILURES, r.failures().size()));
            for (FailedRequest f : shown) {
                sb.append(String.format(Locale.ROOT, "  #%d %s: %s%n", f.index(), f.kind(), oneLine(f.detail())));
            }
            if (r.failed() > shown.size()) {
                sb.append(String.format(Locale.ROOT, "  ... %d more (see the result file)%n", r.failed() - shown.size()));
            }
        }
        sb.append("=".repeat(WIDTH)).append('\n');
        if (r.completed() > 0) {
            sb.append(r.outputTokensFromUsage() == r.completed()
                    ? "Output token counts: from the server's usage.\n"
                    : String.format(Locale.ROOT, "Output token counts: from the server's usage for %d of %d requests, "
                            + "counted from the stream for the rest.%n", r.outputTokensFromUsage(), r.completed()));
        }
        if (r.selfCheck().distorted()) {
            sb.append("WARNING: the client may have distorted these results:\n");
            for (String reason : r.selfCheck().reasons()) {
                sb.append("  - ").append(reason).append('\n');
            }
        }
        if (r.interrupted()) {
            sb.append("Run interrupted: results cover what was measured before the stop.\n");
        }
        return sb.toString();
    }

    private static List<Metric> defaultMetrics(RunResult r) {
        List<Metric> shown = new java.util.ArrayList<>(List.of(Metric.TTFT, Metric.TPOT, Metric.ITL, Metric.E2EL));
        if (r.maxConcurrency() != null) {
            shown.add(Metric.QUEUE);
        }
        if (!Double.isInfinite(r.requestRate()) || r.info().rampUp() != null || r.maxConcurrency() != null) {
            shown.add(Metric.TTFT_INTENDED);
        }
        return shown;
    }

    private static void section(StringBuilder sb, RunResult r, Metric m) {
        LatencySummary s = r.latency(m);
        header(sb, m.header(), '-');
        row(sb, "Mean " + m.label() + " (ms):", f2(s.meanMs()));
        row(sb, "Median " + m.label() + " (ms):", f2(s.medianMs()));
        for (int i = 0; i < s.percentiles().size(); i++) {
            if (s.percentiles().get(i) == 50.0) {
                continue; // the median row says it
            }
            row(sb, "P" + LatencySummary.percentileName(s.percentiles().get(i)) + " " + m.label() + " (ms):",
                    f2(s.percentileMs()[i]));
        }
    }

    private static void header(StringBuilder sb, String title, char fill) {
        int pad = Math.max(0, WIDTH - title.length());
        int left = pad / 2;
        sb.append(String.valueOf(fill).repeat(left)).append(title).append(String.valueOf(fill).repeat(pad - left))
                .append('\n');
    }

    private static void row(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-40s %s%n", label, value));
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 160 ? one.substring(0, 160) + "..." : one;
    }
}
