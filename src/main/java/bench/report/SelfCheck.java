package bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client's check on itself: signs that it, rather than the server, shaped the numbers.
 *
 * @param sendLatenessP99Ms how late requests left against their schedule (p99)
 * @param readerLagP99Ms    how long a token's data may have waited before the client timed it
 *                          (p99 over token events, an upper bound)
 * @param cpuUtilization    client process CPU over the run, in cores (1.0 = one core busy)
 * @param tokensPerRead     tokens per socket read (more than one: tokens arrived together)
 * @param jitCpuMs      CPU the JIT compiler used during the run, -1 if unknown (compiler
 *                          threads share the client's cores: much of it means the run measured a
 *                          warming JVM)
 * @param cpuStealPct       mean steal time of the client's CPUs during the run, in percent: on a
 *                          virtual machine, the share of time the host ran something else
 *                          (NaN if unknown)
 * @param reasons           why the results may be distorted; empty when they look clean
 */
public record SelfCheck(double sendLatenessP99Ms, double readerLagP99Ms, double cpuUtilization,
        double tokensPerRead, double jitCpuMs, double cpuStealPct, List<String> reasons) {

    /** Above this, a lateness or lag says the client fell behind. */
    public static final double MAX_LAG_MS = 1.0;
    /** Above this share of a core the event loop may be the bottleneck. */
    public static final double MAX_CPU = 0.85;
    /** Above this share of the run's wall time in compiler CPU, the JIT competed with the event loop. */
    public static final double MAX_JIT_SHARE = 0.05;
    /**
     * Above this steal percent (on average 20 ms in every second that the client could not
     * run) the host's pauses are large enough to move token times by milliseconds.
     */
    public static final double MAX_STEAL_PCT = 2.0;
    /**
     * Fewer samples than this make a p99 the maximum, one outlier: a smoke run of a few requests
     * is not judged on its lateness or reader lag.
     */
    public static final long MIN_SAMPLES = 100;
    /** A shorter run is not judged on its CPU or JIT share (start-up work fills a fraction of a second). */
    public static final double MIN_JUDGED_MS = 1000;

    public SelfCheck {
        reasons = List.copyOf(reasons);
    }

    public boolean distorted() {
        return !reasons.isEmpty();
    }

    public static SelfCheck of(double sendLatenessP99Ms, double readerLagP99Ms, double cpuUtilization,
            double tokensPerRead) {
        return of(sendLatenessP99Ms, true, readerLagP99Ms, cpuUtilization, tokensPerRead, -1, MIN_JUDGED_MS,
                Double.NaN, MIN_SAMPLES, MIN_SAMPLES);
    }

    /**
     * @param scheduled whether sends had times to keep; for an all-at-once burst (rate inf) the
     *                  lateness is reported but not held against the client
     * @param jitCpuMs   CPU the JIT compiler used during the run, -1 if unknown
     * @param durationMs   the run's wall time
     * @param cpuStealPct  steal time of the client's CPUs during the run, percent, NaN if unknown
     * @param latenessSamples requests whose send lateness was measured
     * @param lagSamples      token events whose reader lag was measured
     */
    public static SelfCheck of(double sendLatenessP99Ms, boolean scheduled, double readerLagP99Ms,
            double cpuUtilization, double tokensPerRead, double jitCpuMs, double durationMs, double cpuStealPct,
            long latenessSamples, long lagSamples) {
        List<String> reasons = new ArrayList<>();
        if (scheduled && latenessSamples >= MIN_SAMPLES && sendLatenessP99Ms > MAX_LAG_MS) {
            reasons.add(String.format(Locale.ROOT, "send lateness p99 %.2f ms > %.1f ms: requests left later than "
                    + "scheduled", sendLatenessP99Ms, MAX_LAG_MS));
        }
        if (lagSamples >= MIN_SAMPLES && readerLagP99Ms > MAX_LAG_MS) {
            reasons.add(String.format(Locale.ROOT, "reader lag p99 %.2f ms > %.1f ms: token times may be late",
                    readerLagP99Ms, MAX_LAG_MS));
        }
        if (durationMs >= MIN_JUDGED_MS && cpuUtilization > MAX_CPU) {
            reasons.add(String.format(Locale.ROOT, "client CPU at %.0f%% of a core: the client may be the bottleneck",
                    cpuUtilization * 100));
        }
        if (durationMs >= MIN_JUDGED_MS && jitCpuMs > MAX_JIT_SHARE * durationMs) {
            reasons.add(String.format(Locale.ROOT, "the JIT compiler used %.0f ms of CPU during the %.1f s run: early "
                    + "requests may be distorted (more --num-warmups, or a longer run)", jitCpuMs, durationMs / 1e3));
        }
        if (cpuStealPct > MAX_STEAL_PCT) {
            reasons.add(String.format(Locale.ROOT, "the host took %.1f%% of the client's CPUs (steal time): token "
                    + "times may include the host's pauses", cpuStealPct));
        }
        return new SelfCheck(sendLatenessP99Ms, readerLagP99Ms, cpuUtilization, tokensPerRead, jitCpuMs,
                cpuStealPct, reasons);
    }
}
