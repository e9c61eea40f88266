package bench.metrics;

/** The latency metrics bench records, one HdrHistogram each (nanoseconds). */
public enum Metric {
    /** First token, from the actual send. */
    TTFT("ttft", "TTFT", "Time to First Token"),
    /** (E2E - TTFT) / (output tokens - 1), per request. */
    TPOT("tpot", "TPOT", "Time per Output Token (excl. 1st token)"),
    /** Gap between consecutive token-carrying events (one per SSE event, as vLLM). */
    ITL("itl", "ITL", "Inter-token Latency"),
    /** Gap per token: an event carrying k tokens after gap g counts k gaps of g/k. */
    ITL_TOKEN("itl_token", "ITL per token", "Inter-token Latency per Token"),
    /** Last token, from the actual send. */
    E2EL("e2el", "E2EL", "End-to-end Latency"),
    /** Waiting for a --max-concurrency slot, from arrival to send. */
    QUEUE("queue", "Queue", "Client Queueing (waiting for a slot)"),
    /** First token, from the intended send time of the schedule. */
    TTFT_INTENDED("ttft_intended", "TTFT from intended", "TTFT from Intended Send"),
    /** Last token, from the intended send time of the schedule. */
    E2EL_INTENDED("e2el_intended", "E2EL from intended", "E2EL from Intended Send"),
    /** How late the client noticed a due arrival (self-check). */
    SEND_LATENESS("send_lateness", "Send lateness", "Send Lateness (client self-check)");

    private final String key;
    private final String label;
    private final String header;

    Metric(String key, String label, String header) {
        this.key = key;
        this.label = label;
        this.header = header;
    }

    /** Name in result keys: {@code mean_<key>_ms}. */
    public String key() {
        return key;
    }

    /** Short name in the summary table rows. */
    public String label() {
        return label;
    }

    /** Section header in the summary table. */
    public String header() {
        return header;
    }
}
