package bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client's check on itself: signs that it, rather than the server, shaped the numbers.
 *
 * @param sendLatenessP99Ms how late requests left against their schedule (p99)
 * @param readerLagP99Ms    how long readable sockets waited in a loop turn (p99)
 * @param cpuUtilization    client process CPU over the run, in cores (1.0 = one core busy)
 * @param tokensPerRead     tokens per socket read (more than one: tokens arrived together)
 * @param reasons           why the results may be distorted; empty when they look clean
 */
public record SelfCheck(double sendLatenessP99Ms, double readerLagP99Ms, double cpuUtilization,
        double tokensPerRead, List<String> reasons) {

    /** Above this, a lateness or lag says the client fell behind. */
    public static final double MAX_LAG_MS = 1.0;
    /** Above this share of a core the event loop may be the bottleneck. */
    public static final double MAX_CPU = 0.85;

    public SelfCheck {
        reasons = List.copyOf(reasons);
    }

    public boolean distorted() {
        return !reasons.isEmpty();
    }

    public static SelfCheck of(double sendLatenessP99Ms, double readerLagP99Ms, double cpuUtilization,
            double tokensPerRead) {
        return of(sendLatenessP99Ms, true, readerLagP99Ms, cpuUtilization, tokensPerRead);
    }

    /**
     * @param scheduled whether sends had times to keep; for an all-at-once burst (rate inf) the
     *                  lateness is reported but not held against the client
     */
    public static SelfCheck of(double sendLatenessP99Ms, boolean scheduled, double readerLagP99Ms,
            double cpuUtilization, double tokensPerRead) {
        List<String> reasons = new ArrayList<>();
        if (scheduled && sendLatenessP99Ms > MAX_LAG_MS) {
            reasons.add(String.format(Locale.ROOT, "send lateness p99 %.2f ms > %.1f ms: requests left later than "
                    + "scheduled", sendLatenessP99Ms, MAX_LAG_MS));
        }
        if (readerLagP99Ms > MAX_LAG_MS) {
            reasons.add(String.format(Locale.ROOT, "reader lag p99 %.2f ms > %.1f ms: token times may be late",
                    readerLagP99Ms, MAX_LAG_MS));
        }
        if (cpuUtilization > MAX_CPU) {
            reasons.add(String.format(Locale.ROOT, "client CPU at %.0f%% of a core: the client may be the bottleneck",
                    cpuUtilization * 100));
        }
        return new SelfCheck(sendLatenessP99Ms, readerLagP99Ms, cpuUtilization, tokensPerRead, reasons);
    }
}
