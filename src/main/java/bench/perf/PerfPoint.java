package bench.perf;

/**
 * One benchmark point: the mock's schedule, the client's load, and the JVM heap limit.
 *
 * @param rate       requests per second, infinity for all at once
 * @param concurrency 0 for no limit
 * @param heapMb     client -Xmx, 0 for the default
 * @param custom     use a small custom dataset (no tokenizer work), for very long runs
 */
public record PerfPoint(String name, double ttftMs, double itlMs, int concurrency, int prompts, int inputLen,
        int outputLen, double rate, int heapMb, boolean custom) {

    /** The client points of the issue: input 128, output 128, TTFT 50 ms, ITL 10 ms, about 4 x N prompts. */
    public static PerfPoint streams(int n) {
        return new PerfPoint("streams-" + n, 50, 10, n, Math.max(16, 4 * n), 128, 128, Double.POSITIVE_INFINITY, 0,
                false);
    }
}
