package bench.load;

import bench.BenchException;
import bench.metrics.GoodputSlo;
import java.time.Duration;
import java.util.List;

/**
 * How to drive load: how many requests, when (rate, burstiness, ramp-up, seed), how many at
 * once, and what counts as success. Validated on construction.
 *
 * @param requestRate     requests per second, {@code Double.POSITIVE_INFINITY} for all at once
 * @param maxConcurrency  0 for no limit
 * @param requestTimeout  per-request limit, {@link Duration#ZERO} for none
 * @param interruptGrace  how long Ctrl-C waits for requests in flight
 * @param readyTimeout    wait up to this long for a first successful request; zero skips the check
 */
public record RunConfig(
        int numPrompts,
        double requestRate,
        double burstiness,
        RampUp rampUp,
        int maxConcurrency,
        int numWarmups,
        Duration requestTimeout,
        Duration interruptGrace,
        Duration readyTimeout,
        long seed,
        boolean ignoreEos,
        GoodputSlo goodput,
        List<Double> percentiles,
        String requestIdPrefix) {

    public RunConfig {
        if (numPrompts < 1) {
            throw new BenchException("--num-prompts must be >= 1");
        }
        if (rampUp == null && !(requestRate > 0)) {
            throw new BenchException("--request-rate must be > 0 (or inf)");
        }
        if (rampUp != null && !Double.isInfinite(requestRate)) {
            throw new BenchException("--ramp-up-strategy sets the rate; do not also give --request-rate");
        }
        if (!(burstiness > 0)) {
            throw new BenchException("--burstiness must be > 0");
        }
        if (maxConcurrency < 0) {
            throw new BenchException("--max-concurrency must be >= 1 (0 in the config means no limit)");
        }
        if (numWarmups < 0) {
            throw new BenchException("--num-warmups must be >= 0");
        }
        if (requestTimeout == null || requestTimeout.isNegative()) {
            throw new BenchException("--request-timeout must be >= 0");
        }
        if (interruptGrace == null || interruptGrace.isNegative()) {
            throw new BenchException("interrupt grace must be >= 0");
        }
        if (readyTimeout == null || readyTimeout.isNegative()) {
            throw new BenchException("--ready-check-timeout-sec must be >= 0");
        }
        goodput = goodput == null ? GoodputSlo.NONE : goodput;
        percentiles = List.copyOf(percentiles);
        for (double p : percentiles) {
            if (!(p > 0 && p < 100) && p != 100) {
                throw new BenchException("percentiles must be in (0, 100], got " + p);
            }
        }
        if (requestIdPrefix == null) {
            requestIdPrefix = "bench-";
        }
    }

    /** The schedule's intended send offsets. */
    public long[] schedule() {
        return ArrivalSchedule.offsetsNanos(numPrompts, requestRate, burstiness, rampUp, seed);
    }
}
