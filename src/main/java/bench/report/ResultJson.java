package bench.report;

import bench.load.RampUp;
import bench.metrics.FailedRequest;
import bench.metrics.LatencySummary;
import bench.metrics.Metric;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result file. Its top-level keys are a superset of {@code vllm bench serve
 * --save-result}'s, so tools reading vLLM results read ours; bench's additions are the
 * extra metrics (queue time, latencies from the intended send, per-token ITL, send
 * lateness), failures by kind and listed, the client self-check, every histogram, and the
 * run's full configuration.
 */
public final class ResultJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The top-level keys besides each metric's statistics (which {@link #isResultKey} matches by shape). */
    private static final Set<String> FIXED_KEYS = Set.of("schema_version", "bench_version", "date", "backend",
            "endpoint_type", "label", "model_id", "tokenizer_id", "base_url", "endpoint", "dataset_name", "num_prompts",
            "request_rate", "burstiness", "max_concurrency", "ramp_up_strategy", "ramp_up_start_rps",
            "ramp_up_end_rps", "duration", "completed", "failed", "not_sent", "interrupted", "total_input_tokens",
            "total_output_tokens", "request_throughput", "request_goodput", "output_throughput",
            "total_token_throughput", "max_output_tokens_per_s", "max_concurrent_requests", "offered_request_rate",
            "achieved_request_rate", "output_tokens_source", "output_tokens_from_usage", "input_tokens_source",
            "failures_by_kind", "failures", "failures_listed", "client", "server_metrics", "percentiles",
            "histograms", "config");

    /** A metric's statistic: mean_ttft_ms, p99.9_itl_ms, count_e2el. */
    private static final Pattern STAT_KEY = Pattern.compile(
            "(?:mean|median|std|min|max|p[0-9][0-9.E-]*)_(?<ms>[a-z0-9_]+)_ms|count_(?<count>[a-z0-9_]+)");

    private ResultJson() {}

    /**
     * Whether {@code key} is (or, with other flags, would be) a top-level key of the result; a
     * --metadata key, stored top-level too as vLLM does, may not be one.
     */
    public static boolean isResultKey(String key) {
        if (FIXED_KEYS.contains(key)) {
            return true;
        }
        Matcher m = STAT_KEY.matcher(key);
        if (!m.matches()) {
            return false;
        }
        String metric = m.group("ms") != null ? m.group("ms") : m.group("count");
        return Arrays.stream(Metric.values()).anyMatch(x -> x.key().equals(metric));
    }

    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    public static ObjectNode toJson(RunResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        RunInfo info = r.info();
        o.put("schema_version", r.schemaVersion());
        o.put("bench_version", info.benchVersion());
        o.put("date", r.date());
        o.put("backend", info.backend());
        o.put("endpoint_type", info.backend());
        o.put("label", info.label());
        o.put("model_id", info.modelId());
        o.put("tokenizer_id", info.tokenizerId());
        o.put("base_url", info.baseUrl());
        o.put("endpoint", info.endpointPath());
        o.put("dataset_name", info.datasetName());
        o.put("num_prompts", r.numPrompts());
        // --metadata pairs top-level as vLLM writes them (and in config.metadata); RunInfo keeps result keys out
        info.metadata().forEach(o::put);
        putRate(o, "request_rate", r.requestRate());
        putRate(o, "burstiness", r.burstiness());
        if (r.maxConcurrency() == null) {
            o.putNull("max_concurrency");
        } else {
            o.put("max_concurrency", r.maxConcurrency());
        }
        RampUp ramp = info.rampUp();
        if (ramp != null) {
            // top-level as vLLM writes them (and in config, as before)
            o.put("ramp_up_strategy", ramp.strategyName());
            o.put("ramp_up_start_rps", ramp.startRps());
            o.put("ramp_up_end_rps", ramp.endRps());
        }
        o.put("duration", r.durationSeconds());
        o.put("completed", r.completed());
        o.put("failed", r.failed());
        o.put("not_sent", r.notSent());
        o.put("interrupted", r.interrupted());
        o.put("total_input_tokens", r.totalInputTokens());
        o.put("total_output_tokens", r.totalOutputTokens());
        o.put("request_throughput", r.requestThroughput());
        if (r.requestGoodput() == null) {
            o.putNull("request_goodput");
        } else {
            o.put("request_goodput", r.requestGoodput());
        }
        o.put("output_throughput", r.outputThroughput());
        o.put("total_token_throughput", r.totalTokenThroughput());
        o.put("max_output_tokens_per_s", r.maxOutputTokensPerSecond());
        o.put("max_concurrent_requests", r.maxConcurrentRequests());
        putRate(o, "offered_request_rate", r.offeredRequestRate());
        putRate(o, "achieved_request_rate", r.achievedRequestRate());
        o.put("output_tokens_source", source(r.outputTokensFromUsage(), r.completed()));
        o.put("output_tokens_from_usage", r.outputTokensFromUsage());
        o.put("input_tokens_source", source(r.inputTokensFromUsage(), r.completed()));
        for (Metric m : Metric.values()) {
            LatencySummary s = r.latency(m);
            String k = m.key();
            o.put("mean_" + k + "_ms", s.meanMs());
            o.put("median_" + k + "_ms", s.medianMs());
            o.put("std_" + k + "_ms", s.stdMs());
            List<Double> ps = s.percentiles();
            for (int i = 0; i < ps.size(); i++) {
                o.put("p" + LatencySummary.percentileName(ps.get(i)) + "_" + k + "_ms", s.percentileMs()[i]);
            }
            o.put("min_" + k + "_ms", s.minMs());
            o.put("max_" + k + "_ms", s.maxMs());
            o.put("count_" + k, s.count());
        }
        ObjectNode byKind = o.putObject("failures_by_kind");
        r.failuresByKind().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> byKind.put(e.getKey(), e.getValue()));
        var list = o.putArray("failures");
        for (FailedRequest f : r.failures()) {
            ObjectNode fo = list.addObject();
            fo.put("index", f.index());
            fo.put("request_id", f.requestId());
            fo.put("kind", f.kind());
            fo.put("detail", f.detail());
            fo.put("http_status", f.httpStatus());
            fo.put("at_ms", f.atMs());
        }
        o.put("failures_listed", r.failures().size());
        ObjectNode client = o.putObject("client");
        client.put("cpu_seconds", r.clientCpuSeconds());
        client.put("cpu_us_per_token", r.clientMicrosPerToken());
        client.put("reads", r.clientReads());
        client.put("stamped_reads", r.clientStampedReads());
        client.put("tokens_read", r.clientTokensRead());
        client.put("tokens_per_read", r.tokensPerRead());
        SelfCheck sc = r.selfCheck();
        ObjectNode check = client.putObject("self_check");
        check.put("distorted", sc.distorted());
        check.put("send_lateness_p99_ms", sc.sendLatenessP99Ms());
        check.put("reader_lag_p99_ms", sc.readerLagP99Ms());
        check.put("cpu_cores_used", sc.cpuUtilization());
        check.put("tokens_per_read", sc.tokensPerRead());
        check.put("jit_cpu_ms", sc.jitCpuMs());
        DetailWriter.putFinite(check, "cpu_steal_pct", sc.cpuStealPct());
        var reasons = check.putArray("reasons");
        sc.reasons().forEach(reasons::add);
        if (r.serverMetrics() != null) {
            ObjectNode server = o.putObject("server_metrics");
            server.put("source", "GET /metrics, after minus before");
            ObjectNode series = server.putObject("deltas");
            r.serverMetrics().forEach(series::put);
        }
        var pct = o.putArray("percentiles");
        r.percentiles().forEach(pct::add);
        ObjectNode hist = o.putObject("histograms");
        hist.put("encoding", "HdrHistogram V2 compressed, base64, nanoseconds");
        for (Metric m : Metric.values()) {
            hist.put(m.key(), r.histograms().get(m));
        }
        o.set("config", info.config() == null ? MAPPER.createObjectNode() : info.config().deepCopy());
        return o;
    }

    public static String toJsonString(RunResult r) {
        try {
            return MAPPER.writeValueAsString(toJson(r)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String source(long fromUsage, long completed) {
        if (completed == 0) {
            return "none";
        }
        return fromUsage == completed ? "usage" : fromUsage == 0 ? "stream" : "mixed";
    }

    private static void putRate(ObjectNode o, String key, double v) {
        if (Double.isInfinite(v)) {
            o.put(key, "inf");
        } else {
            o.put(key, v);
        }
    }
}
