package bench.mock;

import bench.BenchException;

/**
 * The mock server's settings.
 *
 * @param host     bind address (127.0.0.1 unless told otherwise)
 * @param port     0 picks a free port
 * @param ttftMs   time from the request's arrival to its first token
 * @param itlMs    time between tokens; token k is sent at arrival + TTFT + k * ITL
 * @param defaultMaxTokens output length when a request gives no max_tokens
 */
public record MockConfig(String host, int port, String model, double ttftMs, double itlMs, int defaultMaxTokens) {
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
}
