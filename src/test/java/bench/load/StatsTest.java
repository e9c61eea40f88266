package bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The test-side statistics must themselves be right, or the schedule tests prove nothing. */
class StatsTest {

    @Test
    void lnGammaMatchesFactorials() {
        assertEquals(0.0, Stats.lnGamma(1), 1e-13);
        assertEquals(0.0, Stats.lnGamma(2), 1e-13);
        assertEquals(Math.log(24), Stats.lnGamma(5), 1e-12);
        assertEquals(Math.log(362880), Stats.lnGamma(10), 1e-11);
        assertEquals(0.5 * Math.log(Math.PI), Stats.lnGamma(0.5), 1e-13);
        assertEquals(Math.log(Math.sqrt(Math.PI) / 2), Stats.lnGamma(1.5), 1e-13);
    }

    @Test
    void regularizedGammaMatchesClosedForms() {
        for (double x : new double[] {0.01, 0.3, 1, 2.5, 4, 7, 15, 30}) {
            // shape 1: exponential
            assertEquals(1 - Math.exp(-x), Stats.regularizedGammaP(1, x), 1e-13, "a=1 x=" + x);
            // shape 2: 1 - e^-x (1 + x)
            assertEquals(1 - Math.exp(-x) * (1 + x), Stats.regularizedGammaP(2, x), 1e-13, "a=2 x=" + x);
            // shape 4: 1 - e^-x (1 + x + x^2/2 + x^3/6)
            assertEquals(1 - Math.exp(-x) * (1 + x + x * x / 2 + x * x * x / 6),
                    Stats.regularizedGammaP(4, x), 1e-13, "a=4 x=" + x);
        }
        // shape 1/2: P(1/2, x) = erf(sqrt(x)); erf(1) and erf(2) from tables
        assertEquals(0.8427007929497149, Stats.regularizedGammaP(0.5, 1), 1e-13);
        assertEquals(0.9953222650189527, Stats.regularizedGammaP(0.5, 4), 1e-13);
        assertEquals(0.0, Stats.regularizedGammaP(0.5, 0), 0);
    }

    @Test
    void ksStatisticOfPerfectQuantilesIsHalfAStep() {
        int n = 1000;
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[n - 1 - i] = (i + 0.5) / n; // unsorted on purpose
        }
        assertEquals(0.5 / n, Stats.ksStatistic(u, x -> x), 1e-15);
    }

    @Test
    void ksStatisticDetectsTheWrongDistribution() {
        int n = 1000;
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = (i + 0.5) / n;
        }
        // uniform sample against the CDF x^2: D = max (x - x^2) = 1/4 at x = 1/2
        double d = Stats.ksStatistic(u, x -> x * x);
        assertEquals(0.25, d, 1e-3);
        assertTrue(d > Stats.ksCritical05(n));
    }

    @Test
    void gapsAndMoments() {
        double[] g = Stats.gapsSeconds(new long[] {1_000_000_000L, 1_500_000_000L, 4_000_000_000L});
        assertEquals(1.0, g[0], 0);
        assertEquals(0.5, g[1], 0);
        assertEquals(2.5, g[2], 0);
        assertEquals(4.0 / 3, Stats.mean(g), 1e-15);
        // population std of 2,4,4,4,5,5,7,9 is 2
        assertEquals(2.0, Stats.std(new double[] {2, 4, 4, 4, 5, 5, 7, 9}), 1e-15);
    }
}
