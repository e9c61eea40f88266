package bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.metrics.FailedRequest;
import bench.metrics.GoodputSlo;
import bench.metrics.LatencyRecorder;
import bench.metrics.Metric;
import bench.metrics.RunMetrics;
import bench.openai.FailureKind;
import bench.openai.StreamOutcome;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestAccountingTest {
    private static final long MS = 1_000_000L;
    private static final long PROBE = 1L << 40;

    private static StreamOutcome ok(long promptTokens, long completionTokens, long tokensSeen, int events) {
        return new StreamOutcome(null, null, 200, promptTokens, completionTokens, tokensSeen, events, true);
    }

    /**
     * A finished run: events at the given absolute times with their token counts. The arrays are
     * deliberately longer than the number of events (as LoadDriver allocates them).
     */
    private static RequestRun run(int index, int expectedPrompt, int maxTokens, long intended, long arrival,
            long dispatch, long[] eventNanos, int[] eventTokens, StreamOutcome outcome, long completed) {
        RequestRun r = new RequestRun(index, "bench-" + index, expectedPrompt, maxTokens, intended, arrival,
                Arrays.copyOf(eventNanos, eventNanos.length + 3), Arrays.copyOf(eventTokens, eventTokens.length + 3),
                null);
        r.dispatchNanos = dispatch;
        r.events = eventNanos.length;
        r.outcome = outcome;
        r.completedNanos = completed;
        return r;
    }

    /**
     * The reference request: intended at 0.4 ms, arrived at 0.6 ms, sent at 1 ms; events at 51, 61,
     * 91 and 101 ms carrying 1, 1, 3 and 1 tokens; the server reports 6 completion tokens.
     */
    private static RequestRun reference(StreamOutcome outcome) {
        return run(0, 77, 6, 400_000, 600_000, 1_000_000,
                new long[] {51 * MS, 61 * MS, 91 * MS, 101 * MS}, new int[] {1, 1, 3, 1}, outcome, 102 * MS);
    }

    private static long count(RunMetrics m, Metric metric) {
        return m.recorder(metric).count();
    }

    private static double mean(RunMetrics m, Metric metric) {
        return m.recorder(metric).meanNanos();
    }

    /** Tokens in one per-second bucket: copy, add a dominant amount there, read the peak. */
    private static long bucket(RunMetrics m, int second) {
        RunMetrics copy = new RunMetrics();
        copy.add(m);
        copy.outputTokensAt(second, PROBE);
        return copy.peakOutputTokensPerSecond() - PROBE;
    }

    private static void assertNothingRecorded(RunMetrics m) {
        for (Metric metric : Metric.values()) {
            assertEquals(0, count(m, metric), metric.key());
        }
        assertEquals(0, m.completed());
        assertEquals(0, m.totalOutputTokens());
        assertEquals(0, m.totalInputTokens());
        assertEquals(0, m.peakOutputTokensPerSecond());
    }

    @Test
    void latenciesOfASuccessfulRequest() {
        RunMetrics m = new RunMetrics();
        StreamOutcome o = ok(120, 6, 6, 4);
        StreamOutcome result = new RequestAccounting(0, false, GoodputSlo.NONE).account(reference(o), m);
        assertSame(o, result);

        assertEquals(1, count(m, Metric.TTFT));
        assertEquals(50_000_000.0, mean(m, Metric.TTFT), 0); // 51 ms - 1 ms
        assertEquals(1, count(m, Metric.E2EL));
        assertEquals(100_000_000.0, mean(m, Metric.E2EL), 0); // 101 ms - 1 ms
        assertEquals(1, count(m, Metric.TPOT));
        assertEquals(10_000_000.0, mean(m, Metric.TPOT), 0); // (100 - 50) ms / (6 - 1)
        assertEquals(1, count(m, Metric.QUEUE));
        assertEquals(400_000.0, mean(m, Metric.QUEUE), 0); // 1 ms - 0.6 ms
        assertEquals(50_600_000.0, mean(m, Metric.TTFT_INTENDED), 0); // 51 ms - 0.4 ms
        assertEquals(100_600_000.0, mean(m, Metric.E2EL_INTENDED), 0); // 101 ms - 0.4 ms
        assertEquals(0, count(m, Metric.SEND_LATENESS)); // not the accounting's business

        assertEquals(1, m.completed());
        assertEquals(0, m.failed());
        assertEquals(6, m.totalOutputTokens());
        assertEquals(120, m.totalInputTokens());
        assertEquals(1, m.outputTokensFromUsage());
        assertEquals(1, m.inputTokensFromUsage());
        assertEquals(0, m.goodCompleted()); // no goodput objectives
    }

    @Test
    void itlPerEventIsTheGapBetweenEvents() {
        RunMetrics m = new RunMetrics();
        new RequestAccounting(0, false, GoodputSlo.NONE).account(reference(ok(120, 6, 6, 4)), m);
        LatencyRecorder itl = m.recorder(Metric.ITL);
        assertEquals(3, itl.count()); // gaps 10, 30, 10 ms
        assertEquals(50_000_000.0 / 3, itl.meanNanos(), 1e-6);
        assertTrue(Math.abs(itl.maxNanos() - 30 * MS) <= 30 * MS / 1000, "max " + itl.maxNanos());
        assertTrue(Math.abs(itl.minNanos() - 10 * MS) <= 10 * MS / 1000, "min " + itl.minNanos());
    }

    @Test
    void itlPerTokenSplitsBundledEvents() {
        RunMetrics m = new RunMetrics();
        new RequestAccounting(0, false, GoodputSlo.NONE).account(reference(ok(120, 6, 6, 4)), m);
        LatencyRecorder perToken = m.recorder(Metric.ITL_TOKEN);
        // 10 ms; 30 ms over 3 tokens = 3 x 10 ms; 10 ms: five gaps of 10 ms
        assertEquals(5, perToken.count());
        assertEquals(10_000_000.0, perToken.meanNanos(), 0);
        assertEquals(0.0, perToken.stdNanos(), 1e-3);
        assertEquals(mean(m, Metric.TPOT), perToken.meanNanos(), 0);
    }

    @Test
    void tokensBundledIntoTheFirstEventCountAsZeroGaps() {
        RunMetrics m = new RunMetrics();
        // first event carries 2 tokens: 7 tokens in all, no usage reported
        RequestRun r = run(1, 77, 7, 400_000, 600_000, 1_000_000,
                new long[] {51 * MS, 61 * MS, 91 * MS, 101 * MS}, new int[] {2, 1, 3, 1}, ok(-1, -1, 7, 4),
                102 * MS);
        new RequestAccounting(0, false, GoodputSlo.NONE).account(r, m);
        assertEquals(8_333_333.0, mean(m, Metric.TPOT), 0); // 50 ms / 6, integer nanoseconds
        LatencyRecorder perToken = m.recorder(Metric.ITL_TOKEN);
        assertEquals(6, perToken.count()); // one zero gap + 1 + 3 + 1
        assertEquals(0, perToken.minNanos());
        assertEquals(50_000_000.0 / 6, perToken.meanNanos(), 1e-6);
        assertEquals(mean(m, Metric.TPOT), perToken.meanNanos(), 1.0);
        assertEquals(3, count(m, Metric.ITL));
        assertEquals(7, m.totalOutputTokens());
        assertEquals(0, m.outputTokensFromUsage());
        assertEquals(77, m.totalInputTokens()); // the expected prompt length, no usage
        assertEquals(0, m.inputTokensFromUsage());
    }

    @Test
    void perTokenMeanEqualsTpotForUnevenGaps() {
        RunMetrics m = new RunMetrics();
        long d = 3_000_000;
        long[] ev = {d + 40_000_123, d + 47_000_999, d + 47_500_000, d + 71_234_567, d + 80_000_001};
        int[] tok = {3, 1, 4, 2, 5}; // 15 tokens
        new RequestAccounting(0, false, GoodputSlo.NONE).account(
                run(2, 10, 15, d, d, d, ev, tok, ok(10, 15, 15, 5), ev[4]), m);
        long ttft = 40_000_123;
        long e2el = 80_000_001;
        long tpot = (e2el - ttft) / 14; // 39_999_878 / 14
        assertEquals(2_857_134L, tpot);
        assertEquals(tpot, mean(m, Metric.TPOT), 0);
        assertEquals(14, count(m, Metric.ITL_TOKEN));
        // per-token gaps are integer divisions: each event loses less than one nanosecond per token
        assertEquals((e2el - ttft) / 14.0, mean(m, Metric.ITL_TOKEN), 1.0);
        assertEquals(4, count(m, Metric.ITL));
        assertEquals((e2el - ttft) / 4.0, mean(m, Metric.ITL), 1e-6);
    }

    @Test
    void tpotUsesTheServersCompletionTokens() {
        RunMetrics m = new RunMetrics();
        // the stream showed 6 tokens but usage says 11 (e.g. a usage-only final chunk)
        new RequestAccounting(0, false, GoodputSlo.NONE).account(reference(ok(120, 11, 6, 4)), m);
        assertEquals(5_000_000.0, mean(m, Metric.TPOT), 0); // 50 ms / (11 - 1)
        assertEquals(11, m.totalOutputTokens());
        assertEquals(1, m.outputTokensFromUsage());
        // per-token ITL still follows the events that were seen
        assertEquals(5, count(m, Metric.ITL_TOKEN));
    }

    @Test
    void singleTokenOutputHasNoTpotNorItl() {
        RunMetrics m = new RunMetrics();
        RequestRun r = run(4, 5, 1, 0, 0, 2 * MS, new long[] {32 * MS}, new int[] {1}, ok(5, 1, 1, 1), 33 * MS);
        GoodputSlo slo = new GoodputSlo(30.0, 0.0, 30.0); // tpot counts as 0, as vLLM
        new RequestAccounting(0, false, slo).account(r, m);
        assertEquals(30_000_000.0, mean(m, Metric.TTFT), 0);
        assertEquals(30_000_000.0, mean(m, Metric.E2EL), 0);
        assertEquals(0, count(m, Metric.TPOT));
        assertEquals(0, count(m, Metric.ITL));
        assertEquals(0, count(m, Metric.ITL_TOKEN));
        assertEquals(1, m.completed());
        assertEquals(1, m.goodCompleted());
    }

    @Test
    void singleEventCarryingSeveralTokens() {
        RunMetrics m = new RunMetrics();
        RequestRun r = run(5, 5, 4, 0, 0, 0, new long[] {20 * MS}, new int[] {4}, ok(5, 4, 4, 1), 21 * MS);
        new RequestAccounting(0, false, GoodputSlo.NONE).account(r, m);
        assertEquals(0.0, mean(m, Metric.TPOT), 0); // recorded, but all at once
        assertEquals(1, count(m, Metric.TPOT));
        assertEquals(0, count(m, Metric.ITL));
        assertEquals(3, count(m, Metric.ITL_TOKEN));
        assertEquals(0, m.recorder(Metric.ITL_TOKEN).maxNanos());
    }

    @Test
    void usesEventCountNotArrayLength() {
        // onTokens grows the arrays itself; trailing slots are zero and must be ignored
        RequestRun r = new RequestRun(6, "bench-6", 9, 3, 0, 0, new long[0], new int[0], null);
        r.dispatchNanos = 1 * MS;
        r.onTokens(11 * MS, 1);
        r.onTokens(21 * MS, 1);
        r.onTokens(31 * MS, 1);
        assertEquals(3, r.events());
        assertEquals(16, r.eventNanos.length);
        r.outcome = ok(9, 3, 3, 3);
        r.completedNanos = 32 * MS;
        RunMetrics m = new RunMetrics();
        new RequestAccounting(0, false, GoodputSlo.NONE).account(r, m);
        assertEquals(30_000_000.0, mean(m, Metric.E2EL), 0);
        assertEquals(10_000_000.0, mean(m, Metric.TPOT), 0);
        assertEquals(2, count(m, Metric.ITL));
    }

    @Test
    void outputTokensGoIntoPerSecondBucketsFromTheRunStart() {
        long start = 5_000_000_000L;
        RunMetrics m = new RunMetrics();
        // sent 0.6 s into the run; tokens at 0.95 s (3), 1.05 s (2), 1.1 s (2), 2.0 s (1)
        RequestRun r = run(7, 5, 8, start + 500 * MS, start + 500 * MS, start + 600 * MS,
                new long[] {start + 950 * MS, start + 1050 * MS, start + 1100 * MS, start + 2000 * MS},
                new int[] {3, 2, 2, 1}, ok(5, 8, 8, 4), start + 2001 * MS);
        new RequestAccounting(start, false, GoodputSlo.NONE).account(r, m);
        assertEquals(3, bucket(m, 0));
        assertEquals(4, bucket(m, 1));
        assertEquals(1, bucket(m, 2));
        assertEquals(0, bucket(m, 3));
        assertEquals(4, m.peakOutputTokensPerSecond());
    }

    @Test
    void goodputCountsRequestsMeetingEveryObjective() {
        GoodputSlo slo = GoodputSlo.parse(List.of("ttft:60,e2el:200"));
        RequestAccounting acc = new RequestAccounting(0, false, slo);
        RunMetrics m = new RunMetrics();
        // (ttft, e2el) in ms after a send at 0: good, good on the boundary, ttft too slow, e2el too slow
        long[][] cases = {{50, 100}, {60, 200}, {61, 100}, {50, 250}};
        for (int i = 0; i < cases.length; i++) {
            long t = cases[i][0] * MS;
            long e = cases[i][1] * MS;
            acc.account(run(i, 5, 2, 0, 0, 0, new long[] {t, e}, new int[] {1, 1}, ok(5, 2, 2, 2), e), m);
        }
        assertEquals(4, m.completed());
        assertEquals(2, m.goodCompleted());

        // the same requests without objectives: none counted as good
        RunMetrics none = new RunMetrics();
        new RequestAccounting(0, false, GoodputSlo.NONE).account(
                run(0, 5, 2, 0, 0, 0, new long[] {MS, 2 * MS}, new int[] {1, 1}, ok(5, 2, 2, 2), 2 * MS), none);
        assertEquals(1, none.completed());
        assertEquals(0, none.goodCompleted());
    }

    @Test
    void goodputOnTpot() {
        RunMetrics good = new RunMetrics();
        new RequestAccounting(0, false, GoodputSlo.parse(List.of("tpot:10"))).account(reference(ok(120, 6, 6, 4)),
                good);
        assertEquals(1, good.goodCompleted()); // tpot exactly 10 ms
        RunMetrics bad = new RunMetrics();
        new RequestAccounting(0, false, GoodputSlo.parse(List.of("tpot:9.999"))).account(
                reference(ok(120, 6, 6, 4)), bad);
        assertEquals(0, bad.goodCompleted());
        assertEquals(1, bad.completed());
    }

    @Test
    void shortOutputWithIgnoreEosIsAFailure() {
        RunMetrics m = new RunMetrics();
        RequestRun r = run(3, 77, 10, 400_000, 600_000, 1_000_000,
                new long[] {51 * MS, 61 * MS, 91 * MS, 101 * MS}, new int[] {1, 1, 3, 1}, ok(120, 6, 6, 4),
                150 * MS);
        StreamOutcome result = new RequestAccounting(0, true, GoodputSlo.NONE).account(r, m);
        assertFalse(result.ok());
        assertEquals(FailureKind.SHORT_OUTPUT, result.failure());
        assertEquals("got 6 output tokens of max_tokens 10 although ignore_eos was set", result.detail());
        assertEquals(200, result.httpStatus());
        assertEquals(6, result.outputTokens());
        assertSame(result, r.outcome());
        assertEquals(1, m.failed());
        assertEquals(Map.of("short_output", 1L), m.failuresByKind());
        assertEquals(List.of(new FailedRequest(3, "bench-3", "short_output",
                "got 6 output tokens of max_tokens 10 although ignore_eos was set", 200, 150.0)), m.failures());
        assertNothingRecorded(m);
    }

    @Test
    void fullOutputWithIgnoreEosSucceeds() {
        // usage says 10 = max_tokens although the stream showed 6: the usage counts
        RunMetrics m = new RunMetrics();
        RequestRun r = run(3, 77, 10, 0, 0, 1_000_000, new long[] {51 * MS, 61 * MS, 91 * MS, 101 * MS},
                new int[] {1, 1, 3, 1}, ok(120, 10, 6, 4), 150 * MS);
        assertTrue(new RequestAccounting(0, true, GoodputSlo.NONE).account(r, m).ok());
        assertEquals(1, m.completed());
        assertEquals(0, m.failed());
        // more than max_tokens is fine too
        RunMetrics more = new RunMetrics();
        RequestRun r2 = run(4, 77, 5, 0, 0, 1_000_000, new long[] {51 * MS, 61 * MS, 91 * MS, 101 * MS},
                new int[] {1, 1, 3, 1}, ok(120, 6, 6, 4), 150 * MS);
        assertTrue(new RequestAccounting(0, true, GoodputSlo.NONE).account(r2, more).ok());
        assertEquals(1, more.completed());
    }

    @Test
    void shortOutputWithoutIgnoreEosSucceeds() {
        RunMetrics m = new RunMetrics();
        RequestRun r = run(3, 77, 10, 0, 0, 1_000_000, new long[] {51 * MS, 61 * MS, 91 * MS, 101 * MS},
                new int[] {1, 1, 3, 1}, ok(120, 6, 6, 4), 150 * MS);
        StreamOutcome o = r.outcome;
        assertSame(o, new RequestAccounting(0, false, GoodputSlo.NONE).account(r, m));
        assertEquals(1, m.completed());
        assertEquals(0, m.failed());
    }

    @Test
    void failuresAreCountedByKindListedAndKeptOutOfLatencies() {
        long start = 10 * MS;
        RequestAccounting acc = new RequestAccounting(start, false, GoodputSlo.parse(List.of("ttft:1000")));
        RunMetrics m = new RunMetrics();
        StreamOutcome http = new StreamOutcome(FailureKind.HTTP_ERROR, "HTTP 503: busy", 503, -1, -1, 0, 0, false);
        StreamOutcome timeout = new StreamOutcome(FailureKind.TIMEOUT, "request timed out", 200, 12, -1, 2, 2,
                false);
        StreamOutcome connect = new StreamOutcome(FailureKind.CONNECT_ERROR, "refused", 0, -1, -1, 0, 0, false);
        assertSame(http, acc.account(run(0, 5, 10, start, start, start + MS, new long[0], new int[0], http,
                start + 20 * MS), m));
        // a timeout after two tokens: its partial timeline must not reach the histograms
        acc.account(run(1, 5, 10, start, start, start + MS, new long[] {start + 30 * MS, start + 40 * MS},
                new int[] {1, 1}, timeout, start + 2500 * MS), m);
        acc.account(run(2, 5, 10, start, start, start, new long[0], new int[0], connect, start + 3 * MS), m);
        acc.account(run(3, 5, 10, start, start, start, new long[0], new int[0], http, start + 4_500_000), m);

        assertEquals(4, m.failed());
        assertEquals(Map.of("http_error", 2L, "timeout", 1L, "connect_error", 1L), m.failuresByKind());
        assertEquals(List.of(
                new FailedRequest(0, "bench-0", "http_error", "HTTP 503: busy", 503, 20.0),
                new FailedRequest(1, "bench-1", "timeout", "request timed out", 200, 2500.0),
                new FailedRequest(2, "bench-2", "connect_error", "refused", 0, 3.0),
                new FailedRequest(3, "bench-3", "http_error", "HTTP 503: busy", 503, 4.5)), m.failures());
        assertEquals(0, m.goodCompleted());
        assertNothingRecorded(m);

        // a success after them is recorded alone
        acc.account(run(4, 5, 2, start, start, start, new long[] {start + 5 * MS, start + 7 * MS},
                new int[] {1, 1}, ok(5, 2, 2, 2), start + 7 * MS), m);
        assertEquals(1, m.completed());
        assertEquals(1, count(m, Metric.TTFT));
        assertEquals(5_000_000.0, mean(m, Metric.TTFT), 0);
        assertEquals(2, m.totalOutputTokens());
        assertEquals(1, m.goodCompleted());
        assertEquals(4, m.failed());
    }

    @Test
    void detailedRecordOfASuccess() {
        RequestRun r = reference(ok(120, 6, 6, 4));
        r.writtenNanos = 1_200_000;
        RequestRecord rec = new RequestAccounting(0, false, GoodputSlo.NONE).record(r);
        assertEquals(0, rec.index());
        assertEquals("bench-0", rec.requestId());
        assertTrue(rec.success());
        assertNull(rec.error());
        assertNull(rec.errorDetail());
        assertEquals(200, rec.httpStatus());
        assertEquals(0.4, rec.intendedMs(), 1e-12);
        assertEquals(0.6, rec.arrivalMs(), 1e-12);
        assertEquals(1.0, rec.sentMs(), 1e-12);
        assertEquals(1.2, rec.writtenMs(), 1e-12);
        assertEquals(102.0, rec.endMs(), 1e-12);
        assertEquals(50.0, rec.ttftMs(), 1e-12);
        assertEquals(100.0, rec.e2elMs(), 1e-12);
        assertEquals(0.4, rec.queueMs(), 1e-12);
        assertEquals(120, rec.promptTokens());
        assertEquals(6, rec.outputTokens());
        assertTrue(rec.outputTokensFromUsage());
        assertArrayEquals(new double[] {50, 60, 90, 100}, rec.tokenTimesMs(), 1e-12);
        assertArrayEquals(new int[] {1, 1, 3, 1}, rec.tokensPerEvent());
    }

    @Test
    void detailedRecordOfFailures() {
        long start = 10 * MS;
        RequestAccounting acc = new RequestAccounting(start, false, GoodputSlo.NONE);
        StreamOutcome http = new StreamOutcome(FailureKind.HTTP_ERROR, "HTTP 503: busy", 503, -1, -1, 0, 0, false);
        RequestRecord rec = acc.record(run(8, 33, 10, start, start + MS, start + 2 * MS, new long[0], new int[0],
                http, start + 20 * MS));
        assertFalse(rec.success());
        assertEquals("http_error", rec.error());
        assertEquals("HTTP 503: busy", rec.errorDetail());
        assertEquals(503, rec.httpStatus());
        assertTrue(Double.isNaN(rec.writtenMs()));
        assertTrue(Double.isNaN(rec.ttftMs()));
        assertTrue(Double.isNaN(rec.e2elMs()));
        assertEquals(33, rec.promptTokens()); // expected length when the server reported none
        assertEquals(0, rec.outputTokens());
        assertFalse(rec.outputTokensFromUsage());
        assertEquals(20.0, rec.endMs(), 1e-12);
        assertEquals(1.0, rec.queueMs(), 1e-12);
        assertEquals(0, rec.tokenTimesMs().length);

        StreamOutcome timeout = new StreamOutcome(FailureKind.TIMEOUT, "request timed out", 200, 12, -1, 2, 2,
                false);
        RequestRecord partial = acc.record(run(9, 33, 10, start, start, start, new long[] {start + 30 * MS,
            start + 40 * MS}, new int[] {1, 1}, timeout, start + 50 * MS));
        assertEquals(30.0, partial.ttftMs(), 1e-12); // first token did arrive
        assertTrue(Double.isNaN(partial.e2elMs())); // but there is no end-to-end latency
        assertEquals(12, partial.promptTokens());
        assertEquals(2, partial.outputTokens());
        assertArrayEquals(new double[] {30, 40}, partial.tokenTimesMs(), 1e-12);
    }
}
