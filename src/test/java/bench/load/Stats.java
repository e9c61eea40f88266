package bench.load;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/** Small statistics helpers for the schedule tests: KS statistic, gamma CDF, moments. */
final class Stats {
    private Stats() {}

    /** One-sample Kolmogorov-Smirnov statistic D = sup |F_n(x) - F(x)|. */
    static double ksStatistic(double[] sample, DoubleUnaryOperator cdf) {
        double[] x = sample.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max(f - (double) i / n, (double) (i + 1) / n - f));
        }
        return d;
    }

    /** Critical value of D at alpha 0.05 for large n. */
    static double ksCritical05(int n) {
        return 1.36 / Math.sqrt(n);
    }

    /** CDF of a gamma distribution with the given shape and scale. */
    static DoubleUnaryOperator gammaCdf(double shape, double scale) {
        return x -> x <= 0 ? 0 : regularizedGammaP(shape, x / scale);
    }

    /** Regularized lower incomplete gamma P(a, x): series for x < a + 1, else continued fraction. */
    static double regularizedGammaP(double a, double x) {
        if (x <= 0) {
            return 0;
        }
        if (x < a + 1) {
            double ap = a;
            double sum = 1.0 / a;
            double del = sum;
            for (int n = 0; n < 10_000; n++) {
                ap += 1;
                del *= x / ap;
                sum += del;
                if (Math.abs(del) < Math.abs(sum) * 1e-16) {
                    break;
                }
            }
            return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
        }
        // Lentz's continued fraction for Q(a, x)
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-16) {
                break;
            }
        }
        double q = Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
        return 1 - q;
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** ln Gamma(x) for x > 0 (Lanczos, g = 7). */
    static double lnGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
        }
        x -= 1;
        double a = LANCZOS[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += LANCZOS[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Population standard deviation. */
    static double std(double[] x) {
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / x.length);
    }

    /** Gaps between consecutive offsets in seconds, the first measured from 0. */
    static double[] gapsSeconds(long[] offsets) {
        double[] g = new double[offsets.length];
        long prev = 0;
        for (int i = 0; i < offsets.length; i++) {
            g[i] = (offsets[i] - prev) / 1e9;
            prev = offsets[i];
        }
        return g;
    }
}
