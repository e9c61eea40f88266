package bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import bench.metrics.GoodputSlo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunConfigTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    /** A valid config with one field changed through the builder-like lambda. */
    private static final class B {
        int numPrompts = 100;
        double requestRate = 10;
        double burstiness = 1;
        RampUp rampUp = null;
        int maxConcurrency = 0;
        int numWarmups = 0;
        Duration requestTimeout = Duration.ZERO;
        Duration interruptGrace = Duration.ofSeconds(5);
        Duration readyTimeout = Duration.ofSeconds(60);
        long seed = 0;
        boolean ignoreEos = false;
        GoodputSlo goodput = GoodputSlo.NONE;
        List<Double> percentiles = List.of(99.0);
        String requestIdPrefix = "bench-";

        RunConfig build() {
            return new RunConfig(numPrompts, requestRate, burstiness, rampUp, maxConcurrency, numWarmups,
                    requestTimeout, interruptGrace, readyTimeout, seed, ignoreEos, goodput, percentiles,
                    requestIdPrefix);
        }
    }

    private static RunConfig with(java.util.function.Consumer<B> change) {
        B b = new B();
        change.accept(b);
        return b.build();
    }

    private static void assertRejected(java.util.function.Consumer<B> change, String messagePart) {
        BenchException e = assertThrows(BenchException.class, () -> with(change));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void validConfigKeepsItsValues() {
        RunConfig c = with(b -> {
            b.numPrompts = 7;
            b.maxConcurrency = 3;
            b.numWarmups = 2;
            b.seed = 42;
            b.percentiles = List.of(50.0, 99.9, 100.0);
        });
        assertEquals(7, c.numPrompts());
        assertEquals(3, c.maxConcurrency());
        assertEquals(2, c.numWarmups());
        assertEquals(42, c.seed());
        assertEquals(List.of(50.0, 99.9, 100.0), c.percentiles());
    }

    @Test
    void rejectsBadNumPrompts() {
        assertRejected(b -> b.numPrompts = 0, "--num-prompts");
        assertRejected(b -> b.numPrompts = -5, "--num-prompts");
    }

    @Test
    void rejectsBadRequestRate() {
        assertRejected(b -> b.requestRate = 0, "--request-rate");
        assertRejected(b -> b.requestRate = -1, "--request-rate");
        assertRejected(b -> b.requestRate = Double.NaN, "--request-rate");
        assertEquals(INF, with(b -> b.requestRate = INF).requestRate());
    }

    @Test
    void rampUpExcludesAFiniteRate() {
        RampUp ramp = new RampUp(RampUp.Strategy.LINEAR, 1, 10);
        assertRejected(b -> {
            b.rampUp = ramp;
            b.requestRate = 5;
        }, "--ramp-up-strategy");
        RunConfig ok = with(b -> {
            b.rampUp = ramp;
            b.requestRate = INF;
        });
        assertSame(ramp, ok.rampUp());
    }

    @Test
    void rejectsBadBurstiness() {
        assertRejected(b -> b.burstiness = 0, "--burstiness");
        assertRejected(b -> b.burstiness = -0.5, "--burstiness");
        assertRejected(b -> b.burstiness = Double.NaN, "--burstiness");
        assertEquals(INF, with(b -> b.burstiness = INF).burstiness());
    }

    @Test
    void rejectsNegativeCounts() {
        assertRejected(b -> b.maxConcurrency = -1, "--max-concurrency");
        assertRejected(b -> b.numWarmups = -1, "--num-warmups");
        assertEquals(0, with(b -> b.maxConcurrency = 0).maxConcurrency()); // 0 = no limit
    }

    @Test
    void rejectsBadDurations() {
        assertRejected(b -> b.requestTimeout = null, "--request-timeout");
        assertRejected(b -> b.requestTimeout = Duration.ofMillis(-1), "--request-timeout");
        assertRejected(b -> b.interruptGrace = null, "grace");
        assertRejected(b -> b.interruptGrace = Duration.ofSeconds(-1), "grace");
        assertRejected(b -> b.readyTimeout = null, "--ready-check-timeout-sec");
        assertRejected(b -> b.readyTimeout = Duration.ofNanos(-1), "--ready-check-timeout-sec");
    }

    @Test
    void rejectsBadPercentiles() {
        assertRejected(b -> b.percentiles = List.of(0.0), "percentiles");
        assertRejected(b -> b.percentiles = List.of(-1.0), "percentiles");
        assertRejected(b -> b.percentiles = List.of(50.0, 100.5), "percentiles");
        assertRejected(b -> b.percentiles = List.of(Double.NaN), "percentiles");
        assertRejected(b -> b.percentiles = List.of(INF), "percentiles");
        assertEquals(List.of(0.001, 100.0), with(b -> b.percentiles = List.of(0.001, 100.0)).percentiles());
    }

    @Test
    void defaultsForNullGoodputAndPrefix() {
        RunConfig c = with(b -> {
            b.goodput = null;
            b.requestIdPrefix = null;
        });
        assertSame(GoodputSlo.NONE, c.goodput());
        assertEquals("bench-", c.requestIdPrefix());
        assertEquals("run7-", with(b -> b.requestIdPrefix = "run7-").requestIdPrefix());
    }

    @Test
    void percentilesAreCopied() {
        List<Double> p = new ArrayList<>(List.of(50.0, 99.0));
        RunConfig c = with(b -> b.percentiles = p);
        p.add(90.0);
        assertEquals(List.of(50.0, 99.0), c.percentiles());
        assertThrows(UnsupportedOperationException.class, () -> c.percentiles().add(1.0));
    }

    @Test
    void scheduleIsTheArrivalSchedule() {
        RunConfig c = with(b -> {
            b.numPrompts = 50;
            b.requestRate = 4;
            b.burstiness = 0.7;
            b.seed = 123;
        });
        long[] s = c.schedule();
        assertArrayEquals(ArrivalSchedule.offsetsNanos(50, 4, 0.7, null, 123), s);
        assertEquals(12_500_000_000L, s[49], 1.0);
        assertArrayEquals(new long[5], with(b -> {
            b.numPrompts = 5;
            b.requestRate = INF;
        }).schedule());
    }
}
