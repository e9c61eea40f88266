package bench.mock;

import bench.BenchException;

/**
 * The mock server's settings.
 *
 * @param host             bind address (127.0.0.1 unless told otherwise)
 * @param port             0 picks a free port
 * @param ttftMs           without the engine model: time from a request's arrival to its first token
 * @param itlMs            time between tokens (token k at arrival + TTFT + k x ITL); with the
 *                         engine model, the base duration of a step
 * @param defaultMaxTokens output length when a request gives no max_tokens
 * @param engine           the engine model, or null for the fixed TTFT/ITL schedule
 * @param role             {@code both} (a normal engine), or one side of prefill/decode disaggregation
 * @param kvBytesPerToken  decode role: KV cache bytes per prompt token to pull from the prefill node
 * @param kvGbps           decode role: KV transfer bandwidth, gigabits per second
 * @param faults           fault injection rates
 * @param usageInLastChunk usage inside the final token event instead of an event of its own (llama.cpp)
 */
public record MockConfig(String host, int port, String model, double ttftMs, double itlMs, int defaultMaxTokens,
        EngineConfig engine, Role role, long kvBytesPerToken, double kvGbps, Faults faults,
        boolean usageInLastChunk) {

    /** Which part of a prefill/decode split this server plays. */
    public enum Role { BOTH, PREFILL, DECODE }

    public MockConfig {
        if (host == null || host.isBlank()) {
            throw new BenchException("--host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new BenchException("--port must be in 0..65535");
        }
        if (model == null || model.isBlank()) {
            throw new BenchException("--model must not be empty");
        }
        if (!(ttftMs >= 0) || Double.isInfinite(ttftMs)) {
            throw new BenchException("--ttft-ms must be >= 0");
        }
        if (!(itlMs >= 0) || Double.isInfinite(itlMs)) {
            throw new BenchException("--itl-ms must be >= 0");
        }
        if (defaultMaxTokens < 1) {
            throw new BenchException("default max tokens must be >= 1");
        }
        if (kvBytesPerToken < 0) {
            throw new BenchException("--kv-bytes-per-token must be >= 0");
        }
        if (!(kvGbps > 0) || Double.isInfinite(kvGbps)) {
            throw new BenchException("--kv-gbps must be > 0");
        }
        role = role == null ? Role.BOTH : role;
        faults = faults == null ? Faults.NONE : faults;
    }

    /** The fixed schedule, no roles or faults. */
    public MockConfig(String host, int port, String model, double ttftMs, double itlMs, int defaultMaxTokens) {
        this(host, port, model, ttftMs, itlMs, defaultMaxTokens, null, Role.BOTH, 0, 100, Faults.NONE, false);
    }

    public static MockConfig defaults() {
        return new MockConfig("127.0.0.1", 8000, "bench-mock", 50, 10, 16);
    }

    public long ttftNanos() {
        return Math.round(ttftMs * 1e6);
    }

    public long itlNanos() {
        return Math.round(itlMs * 1e6);
    }

    /** Time to pull the KV cache of {@code promptTokens} tokens from a prefill node. */
    public long kvTransferNanos(long promptTokens) {
        return Math.round(promptTokens * kvBytesPerToken * 8.0 / kvGbps);
    }
}
