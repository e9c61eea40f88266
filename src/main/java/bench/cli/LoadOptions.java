package bench.cli;

import bench.BenchException;
import bench.load.RampUp;
import bench.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How much load, when and how many at once (flags as {@code vllm bench serve}). */
final class LoadOptions {
    @Option(names = "--num-prompts", paramLabel = "N", defaultValue = "1000",
            description = "Number of requests (default: ${DEFAULT-VALUE}).")
    int numPrompts;

    @Option(names = "--request-rate", paramLabel = "RPS", defaultValue = "inf",
            description = "Requests per second, or inf to send all at once (default: ${DEFAULT-VALUE}).")
    String requestRate;

    @Option(names = "--burstiness", paramLabel = "B", defaultValue = "1.0",
            description = "Gamma shape of the arrival gaps: 1 is Poisson, < 1 burstier, > 1 more regular (default: ${DEFAULT-VALUE}).")
    double burstiness;

    @Option(names = "--max-concurrency", paramLabel = "N",
            description = "At most N requests in flight; due requests wait for a slot (default: no limit).")
    Integer maxConcurrency;

    @Option(names = "--num-warmups", paramLabel = "N", defaultValue = "0",
            description = "Untimed requests through the same path before the run (default: ${DEFAULT-VALUE}).")
    int numWarmups;

    @Option(names = "--self-warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Before the run, warm the client's JIT against an embedded mock on 127.0.0.1; "
                    + "nothing is sent to the server (default: on).")
    boolean selfWarmup;

    @Option(names = "--ramp-up-strategy", paramLabel = "linear|exponential",
            description = "Ramp the request rate from --ramp-up-start-rps to --ramp-up-end-rps over the run.")
    String rampUpStrategy;

    @Option(names = "--ramp-up-start-rps", paramLabel = "RPS", description = "Ramp-up start rate.")
    Double rampUpStartRps;

    @Option(names = "--ramp-up-end-rps", paramLabel = "RPS", description = "Ramp-up end rate.")
    Double rampUpEndRps;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "21600",
            description = "Fail a request that has not finished within this many seconds; 0 for none (default: ${DEFAULT-VALUE}).")
    double requestTimeoutSeconds;

    @Option(names = "--ready-check-timeout-sec", paramLabel = "SECONDS", defaultValue = "0",
            description = "Before the run, wait this long at most for the server: for /v1/models to answer, then for a test request to succeed; 0 skips (default: ${DEFAULT-VALUE}).")
    int readyCheckTimeoutSeconds;

    @Option(names = "--ignore-eos", negatable = true,
            description = "Send ignore_eos so every request generates max_tokens (default: on for random data).")
    Boolean ignoreEos;

    @Option(names = "--continuous-usage-stats", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Ask for usage in every chunk (vLLM), so events bundling several tokens are counted right (default: on).")
    boolean continuousUsage;

    @Option(names = "--goodput", arity = "1..*", paramLabel = "KEY:MS",
            description = "Objectives for goodput, e.g. ttft:200 tpot:50 e2el:5000.")
    List<String> goodput;

    @Option(names = {"--percentiles", "--metric-percentiles"}, paramLabel = "P[,P...]", defaultValue = "50,90,99",
            description = "Percentiles to report (default: ${DEFAULT-VALUE}).")
    String percentiles;

    @Option(names = "--percentile-metrics", paramLabel = "M[,M...]",
            description = "Metrics whose mean, median and percentiles the summary shows: ttft, tpot, itl, e2el, "
                    + "itl_token, queue (client_queue_time), ttft_intended, e2el_intended "
                    + "(e2el_including_client_queue), send_lateness (default: ttft, tpot, itl, e2el, and queue and "
                    + "ttft_intended when there is a rate or a concurrency limit). The result file keeps them all.")
    String percentileMetrics;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature.")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Top-p sampling.")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k sampling.")
    Integer topK;

    @Option(names = "--min-p", paramLabel = "P", description = "Min-p sampling.")
    Double minP;

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "Frequency penalty.")
    Double frequencyPenalty;

    @Option(names = "--presence-penalty", paramLabel = "X", description = "Presence penalty.")
    Double presencePenalty;

    @Option(names = "--repetition-penalty", paramLabel = "X", description = "Repetition penalty (vLLM).")
    Double repetitionPenalty;

    @Option(names = "--logprobs", paramLabel = "N",
            description = "Log probabilities of the N most likely tokens with every token (chat: top_logprobs).")
    Integer logprobs;

    @Option(names = "--lora-modules", arity = "1..*", paramLabel = "NAME",
            description = "LoRA adapters the server was started with: each request names one of them as its model.")
    List<String> loraModules;

    @Option(names = "--lora-assignment", paramLabel = "random|round-robin", defaultValue = "random",
            description = "How requests take --lora-modules: a draw seeded by --seed and the request's index, or in "
                    + "turn (default: ${DEFAULT-VALUE}).")
    String loraAssignment;

    @Option(names = "--extra-body", paramLabel = "JSON", description = "JSON object merged into every request body.")
    String extraBody;

    @Option(names = "--request-id-prefix", paramLabel = "PREFIX",
            description = "Prefix of the x-request-id header (default: bench-<random>-).")
    String requestIdPrefix;

    double rate() {
        String r = requestRate.trim().toLowerCase(Locale.ROOT);
        if (r.equals("inf") || r.equals("infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            double v = Double.parseDouble(r);
            if (!(v > 0)) {
                throw new BenchException("--request-rate must be > 0 or inf");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BenchException("bad --request-rate '" + requestRate + "': a number or inf");
        }
    }

    RampUp rampUp() {
        if (rampUpStrategy == null) {
            if (rampUpStartRps != null || rampUpEndRps != null) {
                throw new BenchException("--ramp-up-start-rps/--ramp-up-end-rps need --ramp-up-strategy");
            }
            return null;
        }
        RampUp.Strategy s = switch (rampUpStrategy.toLowerCase(Locale.ROOT)) {
            case "linear" -> RampUp.Strategy.LINEAR;
            case "exponential" -> RampUp.Strategy.EXPONENTIAL;
            default -> throw new BenchException("bad --ramp-up-strategy '" + rampUpStrategy + "': linear or exponential");
        };
        if (rampUpStartRps == null || rampUpEndRps == null) {
            throw new BenchException("--ramp-up-strategy needs --ramp-up-start-rps and --ramp-up-end-rps");
        }
        try {
            return new RampUp(s, rampUpStartRps, rampUpEndRps);
        } catch (IllegalArgumentException e) {
            throw new BenchException(e.getMessage());
        }
    }

    /** The summary's metric sections from --percentile-metrics (vLLM's names too), or null for the default. */
    List<Metric> percentileMetricList() {
        if (percentileMetrics == null) {
            return null;
        }
        List<Metric> out = new ArrayList<>();
        for (String name : percentileMetrics.split(",")) {
            String key = name.trim().toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                continue;
            }
            Metric m = switch (key) {
                case "client_queue_time" -> Metric.QUEUE;
                case "e2el_including_client_queue" -> Metric.E2EL_INTENDED;
                default -> java.util.Arrays.stream(Metric.values()).filter(v -> v.key().equals(key)).findFirst()
                        .orElseThrow(() -> new BenchException("unknown --percentile-metrics name '" + name.trim()
                                + "': ttft, tpot, itl, e2el, itl_token, queue, ttft_intended, e2el_intended, "
                                + "send_lateness"));
            };
            if (!out.contains(m)) {
                out.add(m);
            }
        }
        if (out.isEmpty()) {
            throw new BenchException("--percentile-metrics needs at least one name");
        }
        return out;
    }

    /** --lora-assignment: true for round robin. */
    boolean loraRoundRobin() {
        return switch (loraAssignment.toLowerCase(Locale.ROOT)) {
            case "round-robin" -> true;
            case "random" -> false;
            default -> throw new BenchException("bad --lora-assignment '" + loraAssignment
                    + "': random or round-robin");
        };
    }

    List<Double> percentileList() {
        List<Double> out = new ArrayList<>();
        for (String p : percentiles.split(",")) {
            if (p.isBlank()) {
                continue;
            }
            try {
                double v = Double.parseDouble(p.trim());
                if (!(v > 0 && v <= 100)) {
                    throw new BenchException("percentiles must be in (0, 100], got " + p.trim());
                }
                if (!out.contains(v)) {
                    out.add(v);
                }
            } catch (NumberFormatException e) {
                throw new BenchException("bad --percentiles value '" + p.trim() + "'");
            }
        }
        if (out.isEmpty()) {
            throw new BenchException("--percentiles needs at least one value");
        }
        return out;
    }
}
