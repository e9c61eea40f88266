package bench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
    private static final long MS = 1_000_000L;
    private static final long PROBE = 1L << 40;

    /** Tokens in one per-second bucket, read through the public API (copy, add a dominant amount, peak). */
    static long bucket(RunMetrics m, int second) {
        RunMetrics copy = new RunMetrics();
        copy.add(m);
        copy.outputTokensAt(second, PROBE);
        return copy.peakOutputTokensPerSecond() - PROBE;
    }

    private static FailedRequest failure(int index, String kind) {
        return new FailedRequest(index, "bench-" + index, kind, "detail " + index, 500, index * 1.5);
    }

    @Test
    void freshMetricsAreEmpty() {
        RunMetrics m = new RunMetrics();
        assertEquals(0, m.completed());
        assertEquals(0, m.failed());
        assertEquals(0, m.goodCompleted());
        assertEquals(0, m.totalInputTokens());
        assertEquals(0, m.totalOutputTokens());
        assertEquals(0, m.peakOutputTokensPerSecond());
        assertEquals(0, m.peakConcurrency());
        assertEquals(Map.of(), m.failuresByKind());
        assertEquals(List.of(), m.failures());
        for (Metric metric : Metric.values()) {
            assertEquals(0, m.recorder(metric).count(), metric.key());
        }
        assertNotSame(m.recorder(Metric.TTFT), m.recorder(Metric.E2EL));
    }

    @Test
    void successCountsTokensAndSources() {
        RunMetrics m = new RunMetrics();
        m.success(100, true, 20, true, true);
        m.success(50, false, 7, false, false);
        m.success(-1, false, 3, true, true); // unknown prompt length counts as 0
        assertEquals(3, m.completed());
        assertEquals(2, m.goodCompleted());
        assertEquals(150, m.totalInputTokens());
        assertEquals(30, m.totalOutputTokens());
        assertEquals(1, m.inputTokensFromUsage());
        assertEquals(2, m.outputTokensFromUsage());
        assertEquals(0, m.failed());
    }

    @Test
    void failuresAreCountedByKindAndListed() {
        RunMetrics m = new RunMetrics();
        m.failure(failure(0, "http_error"));
        m.failure(failure(1, "timeout"));
        m.failure(failure(2, "http_error"));
        assertEquals(3, m.failed());
        assertEquals(Map.of("http_error", 2L, "timeout", 1L), m.failuresByKind());
        assertEquals(List.of("http_error", "timeout"), List.copyOf(m.failuresByKind().keySet())); // first-seen order
        assertEquals(List.of(failure(0, "http_error"), failure(1, "timeout"), failure(2, "http_error")),
                m.failures());
        assertThrows(UnsupportedOperationException.class, () -> m.failures().clear());
        assertThrows(UnsupportedOperationException.class, () -> m.failuresByKind().clear());
    }

    @Test
    void failureListIsCapped() {
        RunMetrics m = new RunMetrics();
        int n = RunMetrics.MAX_LISTED_FAILURES + 5;
        for (int i = 0; i < n; i++) {
            m.failure(failure(i, "timeout"));
        }
        assertEquals(1000, RunMetrics.MAX_LISTED_FAILURES);
        assertEquals(1005, m.failed());
        assertEquals(Map.of("timeout", 1005L), m.failuresByKind());
        assertEquals(1000, m.failures().size());
        assertEquals(0, m.failures().get(0).index());
        assertEquals(999, m.failures().get(999).index());
    }

    @Test
    void addMergesCounters() {
        RunMetrics a = new RunMetrics();
        a.success(100, true, 10, true, true);
        a.success(30, false, 5, false, false);
        a.concurrency(4);
        RunMetrics b = new RunMetrics();
        b.success(7, true, 1000, true, true);
        b.concurrency(9);
        b.concurrency(2);
        a.add(b);
        assertEquals(3, a.completed());
        assertEquals(2, a.goodCompleted());
        assertEquals(137, a.totalInputTokens());
        assertEquals(1015, a.totalOutputTokens());
        assertEquals(2, a.inputTokensFromUsage());
        assertEquals(2, a.outputTokensFromUsage());
        assertEquals(9, a.peakConcurrency());
        // b is unchanged
        assertEquals(1, b.completed());
        assertEquals(1000, b.totalOutputTokens());
        RunMetrics c = new RunMetrics();
        c.concurrency(3);
        a.add(c);
        assertEquals(9, a.peakConcurrency());
    }

    @Test
    void addMergesRecorders() {
        RunMetrics a = new RunMetrics();
        a.recorder(Metric.TTFT).record(10 * MS);
        a.recorder(Metric.ITL).record(1 * MS, 4);
        RunMetrics b = new RunMetrics();
        b.recorder(Metric.TTFT).record(30 * MS);
        b.recorder(Metric.E2EL).record(500 * MS);
        a.add(b);
        assertEquals(2, a.recorder(Metric.TTFT).count());
        assertEquals(20.0 * MS, a.recorder(Metric.TTFT).meanNanos(), 0);
        assertEquals(4, a.recorder(Metric.ITL).count());
        assertEquals(1, a.recorder(Metric.E2EL).count());
        assertEquals(500.0 * MS, a.recorder(Metric.E2EL).meanNanos(), 0);
        assertEquals(0, a.recorder(Metric.TPOT).count());
        assertEquals(1, b.recorder(Metric.TTFT).count());
    }

    @Test
    void addMergesFailuresUpToTheCap() {
        RunMetrics a = new RunMetrics();
        a.failure(failure(0, "http_error"));
        a.failure(failure(1, "connect_error"));
        RunMetrics b = new RunMetrics();
        b.failure(failure(2, "http_error"));
        b.failure(failure(3, "timeout"));
        a.add(b);
        assertEquals(4, a.failed());
        assertEquals(Map.of("http_error", 2L, "connect_error", 1L, "timeout", 1L), a.failuresByKind());
        assertEquals(List.of(0, 1, 2, 3), a.failures().stream().map(FailedRequest::index).toList());

        RunMetrics nearlyFull = new RunMetrics();
        for (int i = 0; i < 999; i++) {
            nearlyFull.failure(failure(i, "timeout"));
        }
        RunMetrics more = new RunMetrics();
        for (int i = 999; i < 1004; i++) {
            more.failure(failure(i, "http_error"));
        }
        nearlyFull.add(more);
        assertEquals(1004, nearlyFull.failed());
        assertEquals(Map.of("timeout", 999L, "http_error", 5L), nearlyFull.failuresByKind());
        assertEquals(1000, nearlyFull.failures().size());
        assertEquals(999, nearlyFull.failures().get(999).index());
        assertEquals("http_error", nearlyFull.failures().get(999).kind());
    }

    @Test
    void outputTokensPerSecondBucketsAndPeak() {
        RunMetrics m = new RunMetrics();
        m.outputTokensAt(0, 5);
        m.outputTokensAt(0, 2);
        m.outputTokensAt(2, 9);
        m.outputTokensAt(-3, 1); // clock anomaly: counted in second 0
        assertEquals(9, m.peakOutputTokensPerSecond());
        assertEquals(8, bucket(m, 0));
        assertEquals(0, bucket(m, 1));
        assertEquals(9, bucket(m, 2));
        m.outputTokensAt(1, 4);
        m.outputTokensAt(1, 6);
        assertEquals(10, m.peakOutputTokensPerSecond());
        assertEquals(10, bucket(m, 1));
    }

    @Test
    void bucketsGrowBeyondTheInitialArray() {
        RunMetrics m = new RunMetrics();
        m.outputTokensAt(3, 1);
        m.outputTokensAt(500, 11);
        m.outputTokensAt(64, 2);
        assertEquals(11, m.peakOutputTokensPerSecond());
        assertEquals(11, bucket(m, 500));
        assertEquals(2, bucket(m, 64));
        assertEquals(1, bucket(m, 3));
        assertEquals(0, bucket(m, 499));
    }

    @Test
    void addMergesPerSecondBuckets() {
        RunMetrics a = new RunMetrics();
        a.outputTokensAt(0, 5);
        a.outputTokensAt(2, 3);
        RunMetrics b = new RunMetrics();
        b.outputTokensAt(0, 4);
        b.outputTokensAt(2, 1);
        b.outputTokensAt(5, 7);
        b.outputTokensAt(200, 6);
        assertEquals(5, a.peakOutputTokensPerSecond());
        assertEquals(7, b.peakOutputTokensPerSecond());
        a.add(b);
        // per second, not the max of the two peaks: 5 + 4 = 9 in second 0
        assertEquals(9, a.peakOutputTokensPerSecond());
        assertEquals(9, bucket(a, 0));
        assertEquals(0, bucket(a, 1));
        assertEquals(4, bucket(a, 2));
        assertEquals(7, bucket(a, 5));
        assertEquals(6, bucket(a, 200));
        assertEquals(7, b.peakOutputTokensPerSecond());
    }

    @Test
    void peakOfEmptyMergeIsZero() {
        RunMetrics a = new RunMetrics();
        a.add(new RunMetrics());
        assertEquals(0, a.peakOutputTokensPerSecond());
        assertEquals(0, a.completed());
    }
}
