package bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelfCheckTest {
    @Test
    void aSmokeRunIsNotJudgedOnTooFewSamplesOrTooShortATime() {
        // 4 requests, 32 token events, 0.13 s: a p99 of so few is one outlier, the CPU share is start-up
        assertEquals(List.of(), SelfCheck.of(5, true, 20, 1.5, 1, -1, 130, Double.NaN, 4, 32).reasons());
        // the same figures over enough samples and time are reasons
        assertEquals(3, SelfCheck.of(5, true, 20, 1.5, 1, -1, 1000, Double.NaN, 100, 100).reasons().size());
        assertEquals(1, SelfCheck.of(5, true, 20, 0.5, 1, -1, 1000, Double.NaN, 99, 100).reasons().size());
        assertEquals(1, SelfCheck.of(5, true, 20, 0.5, 1, -1, 1000, Double.NaN, 100, 99).reasons().size());
        assertEquals(0, SelfCheck.of(0, true, 0, 1.5, 1, -1, 999, Double.NaN, 100, 100).reasons().size());
        // nor on the JIT's share of a 0.04 s run
        assertEquals(0, SelfCheck.of(0, true, 0, 0.5, 1, 30, 40, Double.NaN, 100, 100).reasons().size());
    }

    @Test
    void cleanRunHasNoReasons() {
        SelfCheck c = SelfCheck.of(0.2, 0.5, 0.4, 1.1);
        assertFalse(c.distorted());
    }

    @Test
    void eachSignalAboveItsLimitIsAReason() {
        SelfCheck c = SelfCheck.of(2.5, 1.5, 0.95, 1.0);
        assertTrue(c.distorted());
        assertEquals(3, c.reasons().size());
        assertTrue(c.reasons().get(0).contains("send lateness p99 2.50 ms"), c.reasons().toString());
        assertTrue(c.reasons().get(1).contains("reader lag p99 1.50 ms"), c.reasons().toString());
        assertTrue(c.reasons().get(2).contains("95% of a core"), c.reasons().toString());
        assertEquals(1, SelfCheck.of(1.0001, 0, 0, 0).reasons().size());
        assertEquals(0, SelfCheck.of(1.0, 1.0, 0.85, 9).reasons().size());
        // a burst (rate inf) has nothing to be late for
        assertEquals(0, SelfCheck.of(9.0, false, 0, 0, 1, -1, 1000, Double.NaN, 100, 100).reasons().size());
    }

    @Test
    void compilingForMoreThanAShareOfTheRunIsFlagged() {
        SelfCheck c = SelfCheck.of(0, false, 0, 0.5, 1, 600, 10_000, 0.1, 100, 100);
        assertEquals(600, c.jitCpuMs());
        assertEquals(1, c.reasons().size());
        assertTrue(c.reasons().get(0).startsWith("the JIT compiler used 600 ms of CPU during the 10.0 s run"), c.reasons().get(0));
        assertEquals(0, SelfCheck.of(0, false, 0, 0.5, 1, 500, 10_000, 0.1, 100, 100).reasons().size(), "5% is still fine");
        assertEquals(0, SelfCheck.of(0, false, 0, 0.5, 1, -1, 10_000, Double.NaN, 100, 100).reasons().size(), "unknown is not flagged");
    }

    @Test
    void stealTimeAboveTheLimitIsFlagged() {
        SelfCheck c = SelfCheck.of(0, false, 0, 0.5, 1, -1, 10_000, 5.5, 100, 100);
        assertEquals(1, c.reasons().size());
        assertTrue(c.reasons().get(0).startsWith("the host took 5.5% of the client's CPUs (steal time)"),
                c.reasons().get(0));
        assertEquals(0, SelfCheck.of(0, false, 0, 0.5, 1, -1, 10_000, 2.0, 100, 100).reasons().size(), "2% is still fine");
        assertEquals(0, SelfCheck.of(0, false, 0, 0.5, 1, -1, 10_000, Double.NaN, 100, 100).reasons().size(), "unknown");
    }

    @Test
    void theSummaryWarnsWhenTheClientMayHaveDistortedTheResults() {
        RunResult r = ResultJsonTest.sample(2.0, 8, true);
        assertFalse(SummaryTable.render(r).contains("WARNING"));
        RunResult bad = new RunResult(r.schemaVersion(), r.date(), r.info(), r.numPrompts(), r.requestRate(),
                r.burstiness(), r.maxConcurrency(), r.durationSeconds(), r.completed(), r.failed(), r.notSent(),
                r.interrupted(), r.totalInputTokens(), r.totalOutputTokens(), r.requestThroughput(),
                r.requestGoodput(), r.outputThroughput(), r.totalTokenThroughput(), r.maxOutputTokensPerSecond(),
                r.maxConcurrentRequests(), r.offeredRequestRate(), r.achievedRequestRate(), r.outputTokensFromUsage(),
                r.inputTokensFromUsage(), r.latencies(), r.histograms(), r.failuresByKind(), r.failures(),
                r.clientCpuSeconds(), r.clientReads(), r.clientStampedReads(), r.clientTokensRead(), r.percentiles(),
                SelfCheck.of(3, 0, 0, 1), null);
        String table = SummaryTable.render(bad);
        assertTrue(table.contains("WARNING: the client may have distorted these results:\n  - send lateness p99 3.00 ms"),
                table);
    }
}
