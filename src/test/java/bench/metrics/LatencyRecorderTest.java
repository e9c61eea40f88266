package bench.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
    private static final long MS = 1_000_000L;

    /** Within HdrHistogram's 3 significant digits, and never below the value (highest equivalent). */
    private static void assertPercentile(long expected, long actual, String what) {
        assertTrue(actual >= expected && actual - expected <= expected / 1000,
                what + ": expected " + expected + " within 0.1%, got " + actual);
    }

    private static LatencyRecorder oneToHundredMs() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 100; i >= 1; i--) { // order must not matter
            r.record(i * MS);
        }
        return r;
    }

    @Test
    void meanIsExactNotQuantised() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(1_234_567);
        r.record(2_345_678);
        r.record(9_876_543);
        assertEquals(3, r.count());
        // 13_456_788 / 3; bucket midpoints would give something else
        assertEquals(4_485_596.0, r.meanNanos(), 0);
        LatencyRecorder odd = new LatencyRecorder();
        odd.record(1_000_001);
        odd.record(1_000_002);
        assertEquals(1_000_001.5, odd.meanNanos(), 0);
    }

    @Test
    void stdIsPopulationStd() {
        LatencyRecorder r = new LatencyRecorder();
        for (long v : new long[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            r.record(v * MS);
        }
        assertEquals(5.0 * MS, r.meanNanos(), 1e-6);
        // population std is exactly 2; the sample std would be 2.138
        assertEquals(2.0 * MS, r.stdNanos(), 1e-3);
        LatencyRecorder single = new LatencyRecorder();
        single.record(42 * MS);
        assertEquals(0.0, single.stdNanos(), 0);
        LatencyRecorder same = new LatencyRecorder();
        same.record(123_456_789L, 1000);
        assertEquals(0.0, same.stdNanos(), 1e-3);
    }

    @Test
    void percentilesMatchHandComputedNearestRank() {
        LatencyRecorder r = oneToHundredMs();
        assertPercentile(50 * MS, r.percentileNanos(50), "p50");
        assertPercentile(90 * MS, r.percentileNanos(90), "p90");
        assertPercentile(95 * MS, r.percentileNanos(95), "p95");
        assertPercentile(99 * MS, r.percentileNanos(99), "p99");
        assertPercentile(100 * MS, r.percentileNanos(100), "p100");
        assertPercentile(25 * MS, r.percentileNanos(25), "p25");
        assertTrue(r.minNanos() <= MS && MS - r.minNanos() <= MS / 1000, "min " + r.minNanos());
        assertPercentile(100 * MS, r.maxNanos(), "max");
        assertEquals(50.5 * MS, r.meanNanos(), 1e-6);
    }

    @Test
    void percentilesOfASkewedDistribution() {
        // 990 fast requests of 10 ms, 10 slow ones of 2 s: p99 is fast, p99.5 slow
        LatencyRecorder r = new LatencyRecorder();
        r.record(10 * MS, 990);
        r.record(2000 * MS, 10);
        assertPercentile(10 * MS, r.percentileNanos(50), "p50");
        assertPercentile(10 * MS, r.percentileNanos(99), "p99");
        assertPercentile(2000 * MS, r.percentileNanos(99.5), "p99.5");
        assertPercentile(2000 * MS, r.percentileNanos(99.9), "p99.9");
        assertEquals((990 * 10.0 + 10 * 2000.0) / 1000 * MS, r.meanNanos(), 1e-3);
    }

    @Test
    void recordWithCountEqualsRepeatedRecords() {
        LatencyRecorder bulk = new LatencyRecorder();
        bulk.record(5 * MS, 3);
        bulk.record(1 * MS);
        LatencyRecorder single = new LatencyRecorder();
        single.record(5 * MS);
        single.record(5 * MS);
        single.record(5 * MS);
        single.record(1 * MS);
        assertEquals(4, bulk.count());
        assertEquals(4.0 * MS, bulk.meanNanos(), 0);
        assertEquals(single.meanNanos(), bulk.meanNanos(), 0);
        assertEquals(single.stdNanos(), bulk.stdNanos(), 1e-6);
        assertEquals(Math.sqrt(3.0) * MS, bulk.stdNanos(), 1e-3); // values 1,5,5,5: var = 3
        for (double p : new double[] {10, 25, 50, 75, 100}) {
            assertEquals(single.percentileNanos(p), bulk.percentileNanos(p), "p" + p);
        }
        assertPercentile(1 * MS, bulk.percentileNanos(25), "p25");
        assertPercentile(5 * MS, bulk.percentileNanos(50), "p50");
    }

    @Test
    void recordWithZeroOrNegativeCountIsIgnored() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(7 * MS, 0);
        r.record(7 * MS, -3);
        assertEquals(0, r.count());
        assertEquals(0.0, r.meanNanos(), 0);
        assertEquals(0, r.maxNanos());
    }

    @Test
    void negativeValuesAreRecordedAsZero() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(-100);
        assertEquals(1, r.count());
        assertEquals(0, r.minNanos());
        assertEquals(0, r.maxNanos());
        assertEquals(0.0, r.meanNanos(), 0);
        r.record(10 * MS);
        assertEquals(5.0 * MS, r.meanNanos(), 0);
        assertEquals(5.0 * MS, r.stdNanos(), 1e-3);
        r.record(-5 * MS, 2);
        assertEquals(4, r.count());
        assertEquals(2.5 * MS, r.meanNanos(), 0);
        assertEquals(0, r.minNanos());
    }

    @Test
    void emptyRecorderReturnsZeros() {
        LatencyRecorder r = new LatencyRecorder();
        assertEquals(0, r.count());
        assertEquals(0.0, r.meanNanos(), 0);
        assertEquals(0.0, r.stdNanos(), 0);
        assertEquals(0, r.percentileNanos(50));
        assertEquals(0, r.percentileNanos(99));
        assertEquals(0, r.minNanos());
        assertEquals(0, r.maxNanos());
        LatencySummary s = r.summary(List.of(50.0, 99.0));
        assertEquals(0, s.count());
        assertEquals(0.0, s.meanMs(), 0);
        assertEquals(0.0, s.medianMs(), 0);
        assertEquals(0.0, s.stdMs(), 0);
        assertEquals(0.0, s.minMs(), 0);
        assertEquals(0.0, s.maxMs(), 0);
        assertArrayEquals(new double[] {0, 0}, s.percentileMs());
    }

    @Test
    void mergeEqualsRecordingEverythingInOne() {
        LatencyRecorder all = new LatencyRecorder();
        LatencyRecorder a = new LatencyRecorder();
        LatencyRecorder b = new LatencyRecorder();
        for (int i = 1; i <= 500; i++) {
            long v = i * 37_123L + (i % 7) * 1_000_003L;
            all.record(v);
            (i % 3 == 0 ? b : a).record(v);
        }
        a.add(b);
        assertEquals(500, a.count());
        assertEquals(all.count(), a.count());
        assertEquals(all.meanNanos(), a.meanNanos(), 1e-6);
        assertEquals(all.stdNanos(), a.stdNanos(), 1e-3);
        assertEquals(all.minNanos(), a.minNanos());
        assertEquals(all.maxNanos(), a.maxNanos());
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 100}) {
            assertEquals(all.percentileNanos(p), a.percentileNanos(p), "p" + p);
        }
        // b is untouched
        assertEquals(166, b.count());
    }

    @Test
    void mergeGrowsTheRangeForLargerValues() {
        LatencyRecorder small = new LatencyRecorder();
        small.record(10);
        LatencyRecorder huge = new LatencyRecorder();
        huge.record(3_600_000_000_000L); // an hour
        small.add(huge);
        assertEquals(2, small.count());
        assertEquals(10, small.minNanos());
        assertPercentile(3_600_000_000_000L, small.maxNanos(), "max");
        assertEquals(1_800_000_000_005.0, small.meanNanos(), 0);
        LatencyRecorder empty = new LatencyRecorder();
        empty.add(new LatencyRecorder());
        assertEquals(0, empty.count());
    }

    @Test
    void base64RoundTripKeepsCountAndPercentiles() {
        LatencyRecorder r = oneToHundredMs();
        r.record(0);
        r.record(123_456_789_000L);
        String enc = r.toBase64();
        assertTrue(enc.matches("[A-Za-z0-9+/]+=*"), enc);
        LatencyRecorder back = LatencyRecorder.fromBase64(enc);
        assertEquals(102, back.count());
        for (double p : new double[] {1, 25, 50, 90, 99, 99.5, 100}) {
            assertEquals(r.percentileNanos(p), back.percentileNanos(p), "p" + p);
        }
        assertEquals(r.minNanos(), back.minNanos());
        assertEquals(r.maxNanos(), back.maxNanos());
        // the mean now comes from bucket midpoints: close, within the histogram's precision
        assertEquals(r.meanNanos(), back.meanNanos(), r.meanNanos() / 1000);
        assertEquals(r.stdNanos(), back.stdNanos(), r.stdNanos() / 1000);
        // encoding is stable and does not consume the recorder
        assertEquals(enc, r.toBase64());
        assertEquals(102, r.count());
        // and a decoded recorder keeps recording and merging
        back.record(50 * MS);
        assertEquals(103, back.count());
        back.add(r);
        assertEquals(205, back.count());
    }

    @Test
    void base64OfAnEmptyRecorder() {
        LatencyRecorder back = LatencyRecorder.fromBase64(new LatencyRecorder().toBase64());
        assertEquals(0, back.count());
        assertEquals(0.0, back.meanNanos(), 0);
        assertEquals(0, back.percentileNanos(99));
    }

    @Test
    void fromBase64RejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> LatencyRecorder.fromBase64("not base64 !"));
    }

    @Test
    void summaryIsInMilliseconds() {
        LatencyRecorder r = oneToHundredMs();
        LatencySummary s = r.summary(List.of(50.0, 90.0, 99.0));
        assertEquals(100, s.count());
        assertEquals(50.5, s.meanMs(), 1e-9);
        assertEquals(50.0, s.medianMs(), 0.05);
        assertEquals(Math.sqrt((100.0 * 100 - 1) / 12), s.stdMs(), 1e-9); // population std of 1..100
        assertEquals(1.0, s.minMs(), 0.001);
        assertEquals(100.0, s.maxMs(), 0.1);
        assertEquals(List.of(50.0, 90.0, 99.0), s.percentiles());
        assertEquals(90.0, s.percentileMs(90.0), 0.09);
        assertEquals(99.0, s.percentileMs(99.0), 0.099);
        assertNotEquals(s.percentileMs(90.0), s.percentileMs(99.0));
        assertThrows(IllegalArgumentException.class, () -> s.percentileMs(75.0));
    }
}
