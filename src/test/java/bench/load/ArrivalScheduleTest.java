package bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArrivalScheduleTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final int KS_N = 20_000;
    private static final long KS_SEED = 20_250_601L;

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1, 4, Double.POSITIVE_INFINITY})
    void sameSeedGivesTheSameSchedule(double burstiness) {
        long[] a = ArrivalSchedule.offsetsNanos(500, 12.5, burstiness, null, 7);
        long[] b = ArrivalSchedule.offsetsNanos(500, 12.5, burstiness, null, 7);
        assertEquals(500, a.length);
        assertArrayEquals(a, b);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1, 4})
    void differentSeedGivesADifferentSchedule(double burstiness) {
        long[] a = ArrivalSchedule.offsetsNanos(500, 12.5, burstiness, null, 7);
        long[] b = ArrivalSchedule.offsetsNanos(500, 12.5, burstiness, null, 8);
        assertFalse(Arrays.equals(a, b));
        // not just a shifted copy: most individual gaps differ
        double[] ga = Stats.gapsSeconds(a);
        double[] gb = Stats.gapsSeconds(b);
        int same = 0;
        for (int i = 0; i < ga.length; i++) {
            if (ga[i] == gb[i]) {
                same++;
            }
        }
        assertTrue(same < 10, "gaps in common: " + same);
    }

    @Test
    void rampUpScheduleIsSeeded() {
        RampUp ramp = new RampUp(RampUp.Strategy.LINEAR, 1, 20);
        long[] a = ArrivalSchedule.offsetsNanos(300, INF, 1, ramp, 99);
        assertArrayEquals(a, ArrivalSchedule.offsetsNanos(300, INF, 1, ramp, 99));
        assertFalse(Arrays.equals(a, ArrivalSchedule.offsetsNanos(300, INF, 1, ramp, 100)));
    }

    @Test
    void infiniteRateSendsEverythingAtZero() {
        long[] out = ArrivalSchedule.offsetsNanos(1000, INF, 1, null, 1);
        assertEquals(1000, out.length);
        for (long v : out) {
            assertEquals(0L, v);
        }
        long[] bursty = ArrivalSchedule.offsetsNanos(10, INF, 0.3, null, 1);
        assertArrayEquals(new long[10], bursty);
    }

    @Test
    void zeroRequestsGiveAnEmptySchedule() {
        assertEquals(0, ArrivalSchedule.offsetsNanos(0, 5, 1, null, 1).length);
        assertEquals(0, ArrivalSchedule.offsetsNanos(0, 5, 1, new RampUp(RampUp.Strategy.LINEAR, 1, 2), 1).length);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 1, 4, 50, Double.POSITIVE_INFINITY})
    void offsetsAreNonDecreasingAndNonNegative(double burstiness) {
        long[] out = ArrivalSchedule.offsetsNanos(5000, 40, burstiness, null, 3);
        assertTrue(out[0] >= 0);
        for (int i = 1; i < out.length; i++) {
            assertTrue(out[i] >= out[i - 1], "offset " + i + " went backwards");
        }
        long[] ramp = ArrivalSchedule.offsetsNanos(2000, INF, burstiness,
                new RampUp(RampUp.Strategy.EXPONENTIAL, 2, 80), 3);
        for (int i = 1; i < ramp.length; i++) {
            assertTrue(ramp[i] >= ramp[i - 1], "ramp offset " + i + " went backwards");
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1, 4, Double.POSITIVE_INFINITY})
    void fixedRateScheduleEndsExactlyAtNOverRate(double burstiness) {
        // n / rate = 1000 / 7 s: normalised as vLLM does, whatever the sampled total was
        long[] out = ArrivalSchedule.offsetsNanos(1000, 7, burstiness, null, 11);
        long expected = Math.round(1000 / 7.0 * 1e9); // 142_857_142_857
        assertEquals(142_857_142_857L, expected);
        assertEquals(expected, out[999], 1.0);
        long[] three = ArrivalSchedule.offsetsNanos(3, 2, burstiness, null, 5);
        assertEquals(1_500_000_000L, three[2], 1.0);
    }

    @Test
    void singleRequestAtFixedRateGoesAtOneOverRate() {
        assertArrayEquals(new long[] {250_000_000L}, ArrivalSchedule.offsetsNanos(1, 4, 1, null, 1));
    }

    @Test
    void infiniteBurstinessGivesConstantGaps() {
        long[] out = ArrivalSchedule.offsetsNanos(100, 4, INF, null, 1);
        for (int i = 0; i < out.length; i++) {
            assertEquals((i + 1) * 250_000_000L, out[i], 1.0, "offset " + i);
        }
        // independent of the seed
        assertArrayEquals(out, ArrivalSchedule.offsetsNanos(100, 4, INF, null, 12345));
    }

    @Test
    void poissonGapsAreExponentialByKolmogorovSmirnov() {
        double rate = 10;
        double[] gaps = Stats.gapsSeconds(ArrivalSchedule.offsetsNanos(KS_N, rate, 1, null, KS_SEED));
        // normalisation makes the mean exactly 1/rate
        assertEquals(1 / rate, Stats.mean(gaps), 1e-9);
        double d = Stats.ksStatistic(gaps, x -> x <= 0 ? 0 : 1 - Math.exp(-rate * x));
        assertTrue(d < Stats.ksCritical05(KS_N), "KS D=" + d + " critical=" + Stats.ksCritical05(KS_N));
        assertEquals(1.0, Stats.std(gaps) / Stats.mean(gaps), 0.03);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 4})
    void burstyGapsAreGammaByKolmogorovSmirnov(double burstiness) {
        double rate = 10;
        double[] gaps = Stats.gapsSeconds(ArrivalSchedule.offsetsNanos(KS_N, rate, burstiness, null, KS_SEED));
        double mean = Stats.mean(gaps);
        assertEquals(1 / rate, mean, 1e-9);
        // gamma with shape = burstiness and the normalised mean
        double d = Stats.ksStatistic(gaps, Stats.gammaCdf(burstiness, mean / burstiness));
        assertTrue(d < Stats.ksCritical05(KS_N), "KS D=" + d + " critical=" + Stats.ksCritical05(KS_N));
        double cv = Stats.std(gaps) / mean;
        double expectedCv = 1 / Math.sqrt(burstiness);
        assertEquals(expectedCv, cv, 0.04 * expectedCv, "coefficient of variation");
    }

    @Test
    void ksTestRejectsTheWrongShape() {
        // the gap test has power: gamma(4) gaps are not exponential, nor gamma(0.5)
        double rate = 10;
        double[] gaps = Stats.gapsSeconds(ArrivalSchedule.offsetsNanos(KS_N, rate, 4, null, KS_SEED));
        double dExp = Stats.ksStatistic(gaps, x -> x <= 0 ? 0 : 1 - Math.exp(-rate * x));
        assertTrue(dExp > 10 * Stats.ksCritical05(KS_N), "D=" + dExp);
        double dHalf = Stats.ksStatistic(gaps, Stats.gammaCdf(0.5, 0.2));
        assertTrue(dHalf > 10 * Stats.ksCritical05(KS_N), "D=" + dHalf);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 0.5, 1, 2.5, 4})
    void gammaSamplerMatchesItsDistribution(double shape) {
        double scale = 0.7;
        SplittableRandom random = new SplittableRandom(4242);
        double[] x = new double[KS_N];
        for (int i = 0; i < x.length; i++) {
            x[i] = ArrivalSchedule.Gamma.sample(random, shape, scale);
            assertTrue(x[i] >= 0);
        }
        double d = Stats.ksStatistic(x, Stats.gammaCdf(shape, scale));
        assertTrue(d < Stats.ksCritical05(KS_N), "shape " + shape + ": KS D=" + d);
        // mean shape*scale, within 4 standard errors
        double se = Math.sqrt(shape) * scale / Math.sqrt(KS_N);
        assertEquals(shape * scale, Stats.mean(x), 4 * se);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.offsetsNanos(-1, 1, 1, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.offsetsNanos(10, 1, 0, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.offsetsNanos(10, 1, -1, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.offsetsNanos(10, 1, Double.NaN, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.offsetsNanos(10, 0, 1, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.offsetsNanos(10, -3, 1, null, 1));
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.offsetsNanos(10, Double.NaN, 1, null, 1));
    }

    // ---- ramp-up ----

    @Test
    void linearRampRates() {
        RampUp r = new RampUp(RampUp.Strategy.LINEAR, 1, 11);
        assertEquals(1.0, r.rateAt(0, 11), 1e-12);
        assertEquals(4.0, r.rateAt(3, 11), 1e-12);
        assertEquals(6.0, r.rateAt(5, 11), 1e-12);
        assertEquals(11.0, r.rateAt(10, 11), 1e-12);
        RampUp fromZero = new RampUp(RampUp.Strategy.LINEAR, 0, 8);
        assertEquals(0.0, fromZero.rateAt(0, 5), 0);
        assertEquals(2.0, fromZero.rateAt(1, 5), 1e-12);
        assertEquals(6.0, fromZero.rateAt(3, 5), 1e-12);
        assertEquals(8.0, fromZero.rateAt(4, 5), 1e-12);
    }

    @Test
    void exponentialRampRates() {
        RampUp r = new RampUp(RampUp.Strategy.EXPONENTIAL, 1, 16);
        assertEquals(1.0, r.rateAt(0, 5), 1e-12);
        assertEquals(2.0, r.rateAt(1, 5), 1e-12);
        assertEquals(4.0, r.rateAt(2, 5), 1e-12);
        assertEquals(8.0, r.rateAt(3, 5), 1e-12);
        assertEquals(16.0, r.rateAt(4, 5), 1e-12);
        RampUp r2 = new RampUp(RampUp.Strategy.EXPONENTIAL, 3, 12);
        // halfway: 3 * (12/3)^(1/2) = 6
        assertEquals(6.0, r2.rateAt(50, 101), 1e-12);
    }

    @Test
    void singleRequestRampUsesTheStartRate() {
        assertEquals(2.5, new RampUp(RampUp.Strategy.LINEAR, 2.5, 9).rateAt(0, 1), 0);
        assertEquals(2.5, new RampUp(RampUp.Strategy.EXPONENTIAL, 2.5, 9).rateAt(0, 1), 0);
    }

    @Test
    void rampScheduleWithConstantGapsIsTheSumOfInverseRates() {
        // rates 1, 2, 4, 8, 16: offsets are partial sums of 1/rate, not normalised
        long[] exp = ArrivalSchedule.offsetsNanos(5, INF, INF, new RampUp(RampUp.Strategy.EXPONENTIAL, 1, 16), 1);
        long[] expected = {1_000_000_000L, 1_500_000_000L, 1_750_000_000L, 1_875_000_000L, 1_937_500_000L};
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], exp[i], 1.0, "offset " + i);
        }
        // rates 0, 1, ..., 10: the first (rate 0) goes at once, then harmonic numbers
        long[] lin = ArrivalSchedule.offsetsNanos(11, INF, INF, new RampUp(RampUp.Strategy.LINEAR, 0, 10), 1);
        assertEquals(0L, lin[0]);
        assertEquals(1_000_000_000L, lin[1], 1.0);
        assertEquals(1_500_000_000L, lin[2], 1.0);
        assertEquals(1_833_333_333L, lin[3], 1.0);
        assertEquals(2_928_968_254L, lin[10], 1.0); // H_10 = 2.9289682539...
    }

    @Test
    void rampStartingAtZeroSendsTheFirstRequestAtOnce() {
        long[] out = ArrivalSchedule.offsetsNanos(50, INF, 1, new RampUp(RampUp.Strategy.LINEAR, 0, 5), 17);
        assertEquals(0L, out[0]);
        assertTrue(out[1] > 0);
    }

    @Test
    void linearRampIsSlowerEarlyThanLate() {
        int n = 2000;
        long[] out = ArrivalSchedule.offsetsNanos(n, INF, 1, new RampUp(RampUp.Strategy.LINEAR, 1, 20), 5);
        int k = n / 10;
        double early = k / (out[k - 1] / 1e9);
        double late = k / ((out[n - 1] - out[n - 1 - k]) / 1e9);
        // the first tenth runs at about 1-2.9 rps, the last tenth at about 18-20 rps
        assertTrue(early < 3.5, "early rate " + early);
        assertTrue(late > 15, "late rate " + late);
        assertTrue(late > 5 * early, "early " + early + " late " + late);
    }

    @Test
    void rampScheduleIsNotNormalised() {
        // constant ramp 2 -> 2 with constant gaps: 0.5 s apart, and the rate argument is ignored
        long[] out = ArrivalSchedule.offsetsNanos(10, INF, INF, new RampUp(RampUp.Strategy.LINEAR, 2, 2), 1);
        for (int i = 0; i < 10; i++) {
            assertEquals((i + 1) * 500_000_000L, out[i], 1.0);
        }
        // a random ramp keeps its sampled total (not forced to n / end rate)
        long[] poisson = ArrivalSchedule.offsetsNanos(400, INF, 1, new RampUp(RampUp.Strategy.LINEAR, 2, 2), 3);
        assertTrue(Math.abs(poisson[399] - 200_000_000_000L) > 1000, "last " + poisson[399]);
        assertEquals(200.0, poisson[399] / 1e9, 40.0); // mean 400 * 0.5 s, sd 10 s
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1, 4})
    void rampGapsHaveMeanOneOverRateForAnyBurstiness(double burstiness) {
        // no normalisation on a ramp, so the sampler's own mean must be 1/rate: 4000 gaps at 2 rps
        int n = 4000;
        double[] gaps = Stats.gapsSeconds(ArrivalSchedule.offsetsNanos(n, INF, burstiness,
                new RampUp(RampUp.Strategy.EXPONENTIAL, 2, 2), 77));
        double se = 0.5 / Math.sqrt(burstiness * n);
        assertEquals(0.5, Stats.mean(gaps), 4 * se);
        assertEquals(1 / Math.sqrt(burstiness), Stats.std(gaps) / Stats.mean(gaps), 0.08 / Math.sqrt(burstiness));
    }

    @Test
    void rampValidation() {
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.LINEAR, 10, 5));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.EXPONENTIAL, 10, 5));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.EXPONENTIAL, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.LINEAR, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.LINEAR, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.LINEAR, 1, INF));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.LINEAR, Double.NaN, 5));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(RampUp.Strategy.LINEAR, 1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RampUp(null, 1, 5));
        // the boundaries that are allowed
        assertEquals(0.0, new RampUp(RampUp.Strategy.LINEAR, 0, 5).startRps());
        assertEquals(5.0, new RampUp(RampUp.Strategy.EXPONENTIAL, 5, 5).rateAt(3, 7), 1e-12);
    }
}
