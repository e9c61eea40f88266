package bench.perf;

/**
 * One benchmark point: the mock's schedule, the client's load, and the JVM heap limit.
 *
 * @param rate        requests per second, infinity for all at once
 * @param concurrency 0 for no limit
 * @param heapMb      client -Xmx, 0 for the default
 * @param custom      use a small custom dataset (no tokenizer work), for very long runs
 * @param burstiness  gamma shape of the arrivals ({@code --burstiness}); 1 is Poisson
 * @param capacity    a mock capacity point: the mock's lateness is the figure, not the client's errors
 */
public record PerfPoint(String name, double ttftMs, double itlMs, int concurrency, int prompts, int inputLen,
        int outputLen, double rate, int heapMb, boolean custom, double burstiness, boolean capacity) {

    /** Arrivals this regular are staggered streams: gaps within a few percent of the mean. */
    static final double STAGGERED = 1000;
    /** Seconds of arrivals at a capacity point. */
    static final int CAPACITY_SECONDS = 10;

    public PerfPoint {
        if (!(burstiness > 0)) {
            throw new IllegalArgumentException("burstiness must be > 0");
        }
    }

    /** A client point with Poisson arrivals (or all at once). */
    public PerfPoint(String name, double ttftMs, double itlMs, int concurrency, int prompts, int inputLen,
            int outputLen, double rate, int heapMb, boolean custom) {
        this(name, ttftMs, itlMs, concurrency, prompts, inputLen, outputLen, rate, heapMb, custom, 1, false);
    }

    /** The client points of the issue: input 128, output 128, TTFT 50 ms, ITL 10 ms, about 4 x N prompts. */
    public static PerfPoint streams(int n) {
        return new PerfPoint("streams-" + n, 50, 10, n, Math.max(16, 4 * n), 128, 128, Double.POSITIVE_INFINITY, 0,
                false);
    }

    /**
     * The mock's capacity at {@code tokensPerSecond}: streams of 128 tokens at ITL 10 ms (TTFT
     * 50 ms) arriving evenly, so their tokens fall due evenly over time, as in the reference
     * measurement of the C floor; the mock's lateness against its schedule is the figure.
     */
    public static PerfPoint mockCapacity(int tokensPerSecond) {
        double rate = tokensPerSecond / 128.0;
        return new PerfPoint("mock-" + tokensPerSecond / 1000 + "k", 50, 10, 0,
                (int) Math.round(rate * CAPACITY_SECONDS), 128, 128, rate, 0, false, STAGGERED, true);
    }

    /**
     * Whether the point runs in every round of a {@code --runs} benchmark: all but the long run
     * (a heap limit), which takes a minute and is read for completion and heap, not for figures
     * that move from run to run.
     */
    public boolean repeated() {
        return heapMb == 0;
    }

    /** Tokens per second the point offers once all its streams run (capacity points). */
    public double offeredTokensPerSecond() {
        return rate * outputLen;
    }
}
