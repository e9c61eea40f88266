package bench.load;

import java.util.SplittableRandom;

/**
 * Open-model arrival schedule: for each request its intended send time, in nanoseconds after
 * the start of the run. Pure and seeded: the same spec and seed give the same schedule.
 *
 * <p>Gaps follow a gamma distribution with shape = burstiness and mean 1/rate (burstiness 1
 * is a Poisson process). As in {@code vllm bench serve}, a fixed-rate schedule is rescaled so
 * that the last arrival falls exactly at n/rate, which keeps throughput comparable across
 * seeds; a ramp-up schedule is left as sampled. Rate infinity sends everything at time 0.
 */
public final class ArrivalSchedule {
    private ArrivalSchedule() {}

    /**
     * @param n          number of requests
     * @param rate       requests per second; {@code Double.POSITIVE_INFINITY} for all at once
     * @param burstiness gamma shape (> 0); infinity gives constant gaps
     * @param rampUp     optional ramp-up (then {@code rate} is ignored)
     */
    public static long[] offsetsNanos(int n, double rate, double burstiness, RampUp rampUp, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        if (!(burstiness > 0)) {
            throw new IllegalArgumentException("burstiness must be > 0");
        }
        if (rampUp == null && !(rate > 0)) {
            throw new IllegalArgumentException("request rate must be > 0");
        }
        long[] out = new long[n];
        if (n == 0 || (rampUp == null && Double.isInfinite(rate))) {
            return out;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] cumulative = new double[n];
        double t = 0;
        for (int i = 0; i < n; i++) {
            double r = rampUp == null ? rate : rampUp.rateAt(i, n);
            double gap;
            if (r <= 0) {
                // a ramp starting at 0 rps: the first request goes at once
                gap = 0;
            } else if (Double.isInfinite(burstiness)) {
                gap = 1.0 / r;
            } else {
                gap = Gamma.sample(random, burstiness, 1.0 / (r * burstiness));
            }
            t += gap;
            cumulative[i] = t;
        }
        double scale = 1.0;
        if (rampUp == null && cumulative[n - 1] > 0) {
            scale = (n / rate) / cumulative[n - 1];
        }
        for (int i = 0; i < n; i++) {
            out[i] = Math.round(cumulative[i] * scale * 1e9);
        }
        return out;
    }

    /** Gamma sampling (Marsaglia and Tsang), with the shape < 1 boost. */
    static final class Gamma {
        private Gamma() {}

        static double sample(SplittableRandom random, double shape, double scale) {
            if (shape < 1) {
                double u = random.nextDouble();
                while (u == 0) {
                    u = random.nextDouble();
                }
                return sample(random, shape + 1, scale) * Math.pow(u, 1.0 / shape);
            }
            double d = shape - 1.0 / 3.0;
            double c = 1.0 / Math.sqrt(9 * d);
            while (true) {
                double x;
                double v;
                do {
                    x = random.nextGaussian();
                    v = 1 + c * x;
                } while (v <= 0);
                v = v * v * v;
                double u = random.nextDouble();
                if (u < 1 - 0.0331 * x * x * x * x) {
                    return d * v * scale;
                }
                if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                    return d * v * scale;
                }
            }
        }
    }
}
