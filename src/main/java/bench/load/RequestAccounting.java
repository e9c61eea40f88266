package bench.load;

import bench.metrics.FailedRequest;
import bench.metrics.GoodputSlo;
import bench.metrics.Metric;
import bench.metrics.RunMetrics;
import bench.openai.FailureKind;
import bench.openai.StreamOutcome;

/**
 * Turns a finished {@link RequestRun} into metrics: success or a failure with its reason,
 * and for a success TTFT, ITL (per event and per token), TPOT, E2E, queue time and the
 * latencies from the intended send time. Pure arithmetic on the run's timestamps.
 */
final class RequestAccounting {
    private final long runStartNanos;
    private final boolean ignoreEos;
    private final GoodputSlo goodput;

    RequestAccounting(long runStartNanos, boolean ignoreEos, GoodputSlo goodput) {
        this.runStartNanos = runStartNanos;
        this.ignoreEos = ignoreEos;
        this.goodput = goodput;
    }

    /** Records {@code run} into {@code m}; returns its final outcome (possibly turned into a failure). */
    StreamOutcome account(RequestRun run, RunMetrics m) {
        StreamOutcome o = run.outcome;
        if (o.ok() && ignoreEos && o.outputTokens() < run.maxTokens) {
            o = o.withFailure(FailureKind.SHORT_OUTPUT, "got " + o.outputTokens() + " output tokens of max_tokens "
                    + run.maxTokens + " although ignore_eos was set");
            run.outcome = o;
        }
        if (!o.ok()) {
            m.failure(new FailedRequest(run.index, run.requestId, o.failure().id(), o.detail(), o.httpStatus(),
                    (run.completedNanos - runStartNanos) / 1e6));
            return o;
        }
        long dispatch = run.dispatchNanos;
        long first = run.eventNanos[0];
        long last = run.eventNanos[run.events - 1];
        long ttft = first - dispatch;
        long e2el = last - dispatch;
        long outputTokens = o.outputTokens();
        long tpot = outputTokens > 1 ? (e2el - ttft) / (outputTokens - 1) : 0;

        m.recorder(Metric.TTFT).record(ttft);
        m.recorder(Metric.E2EL).record(e2el);
        if (outputTokens > 1) {
            m.recorder(Metric.TPOT).record(tpot);
        }
        m.recorder(Metric.TTFT_INTENDED).record(first - run.intendedNanos);
        m.recorder(Metric.E2EL_INTENDED).record(last - run.intendedNanos);
        m.recorder(Metric.QUEUE).record(dispatch - run.arrivalNanos);

        var itl = m.recorder(Metric.ITL);
        var itlToken = m.recorder(Metric.ITL_TOKEN);
        // tokens bundled into the first event arrived together with it: gaps of zero
        itlToken.record(0, run.eventTokens[0] - 1L);
        for (int i = 1; i < run.events; i++) {
            long gap = run.eventNanos[i] - run.eventNanos[i - 1];
            int k = run.eventTokens[i];
            itl.record(gap);
            itlToken.record(gap / k, k);
        }
        for (int i = 0; i < run.events; i++) {
            m.outputTokensAt((int) ((run.eventNanos[i] - runStartNanos) / 1_000_000_000L), run.eventTokens[i]);
        }
        boolean inputFromUsage = o.promptTokens() >= 0;
        long input = inputFromUsage ? o.promptTokens() : run.expectedPromptTokens;
        m.success(input, inputFromUsage, outputTokens, o.completionTokens() >= 0,
                goodput.enabled() && goodput.good(ttft, tpot, e2el));
        return o;
    }

    RequestRecord record(RequestRun run) {
        StreamOutcome o = run.outcome;
        double[] times = new double[run.events];
        for (int i = 0; i < run.events; i++) {
            times[i] = (run.eventNanos[i] - run.dispatchNanos) / 1e6;
        }
        int[] tokens = java.util.Arrays.copyOf(run.eventTokens, run.events);
        boolean ok = o.ok() && run.events > 0;
        return new RequestRecord(run.index, run.requestId, o.ok(),
                o.ok() ? null : o.failure().id(), o.detail(), o.httpStatus(),
                ms(run.intendedNanos), ms(run.arrivalNanos), ms(run.dispatchNanos),
                run.writtenNanos == 0 ? Double.NaN : ms(run.writtenNanos), ms(run.completedNanos),
                run.events > 0 ? times[0] : Double.NaN,
                ok ? times[run.events - 1] : Double.NaN,
                (run.dispatchNanos - run.arrivalNanos) / 1e6,
                o.promptTokens() >= 0 ? (int) o.promptTokens() : run.expectedPromptTokens,
                o.outputTokens(), o.completionTokens() >= 0, times, tokens);
    }

    private double ms(long nanos) {
        return (nanos - runStartNanos) / 1e6;
    }
}
