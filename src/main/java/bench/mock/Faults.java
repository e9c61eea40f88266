package bench.mock;

import bench.BenchException;
import java.util.SplittableRandom;

/**
 * Fault injection: each kind is a rate (probability per request) and the draws are seeded,
 * so the same seed and the same request order give the same faults. A request gets at most
 * one fault; {@link #decide} is pure.
 *
 * @param errorRate         answer with HTTP {@code errorStatus} instead of a stream
 * @param errorStatus       the status of injected errors
 * @param cutRate           close the connection in the middle of the stream
 * @param stallRate         pause the stream for {@code stallMs}, then go on
 * @param stallMs           length of a stall
 * @param inbandErrorRate   send an error event inside the stream, then end it
 * @param malformedRate     send a broken (not JSON) event inside the stream, then go on
 * @param seed              seeds the draws
 */
public record Faults(double errorRate, int errorStatus, double cutRate, double stallRate, double stallMs,
        double inbandErrorRate, double malformedRate, long seed) {

    public static final Faults NONE = new Faults(0, 500, 0, 0, 0, 0, 0, 0);

    /** What happens to one request. */
    public enum Kind { NONE, ERROR, CUT, STALL, INBAND_ERROR, MALFORMED }

    /**
     * One request's fault.
     *
     * @param atToken the token index before which a cut, stall, in-band error or malformed event happens
     */
    public record Decision(Kind kind, int atToken) {
        public static final Decision NONE = new Decision(Kind.NONE, -1);
    }

    public Faults {
        check(errorRate, "--error-rate");
        check(cutRate, "--cut-rate");
        check(stallRate, "--stall-rate");
        check(inbandErrorRate, "--inband-error-rate");
        check(malformedRate, "--malformed-rate");
        if (errorRate + cutRate + stallRate + inbandErrorRate + malformedRate > 1 + 1e-9) {
            throw new BenchException("the fault rates add up to more than 1");
        }
        if (errorStatus < 400 || errorStatus > 599) {
            throw new BenchException("--error-status must be an HTTP error status (400..599)");
        }
        if (!(stallMs >= 0) || Double.isInfinite(stallMs)) {
            throw new BenchException("--stall-ms must be >= 0");
        }
    }

    private static void check(double rate, String flag) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new BenchException(flag + " must be in [0, 1]");
        }
    }

    public boolean any() {
        return errorRate + cutRate + stallRate + inbandErrorRate + malformedRate > 0;
    }

    /** The fault of the {@code requestIndex}-th request (0-based) of {@code maxTokens} tokens. */
    public Decision decide(long requestIndex, int maxTokens) {
        if (!any()) {
            return Decision.NONE;
        }
        SplittableRandom r = new SplittableRandom(mix(seed, requestIndex));
        double u = r.nextDouble();
        int at = maxTokens <= 1 ? 0 : r.nextInt(maxTokens);
        double edge = errorRate;
        if (u < edge) {
            return new Decision(Kind.ERROR, -1);
        }
        edge += cutRate;
        if (u < edge) {
            return new Decision(Kind.CUT, at);
        }
        edge += stallRate;
        if (u < edge) {
            return new Decision(Kind.STALL, at);
        }
        edge += inbandErrorRate;
        if (u < edge) {
            return new Decision(Kind.INBAND_ERROR, at);
        }
        edge += malformedRate;
        if (u < edge) {
            return new Decision(Kind.MALFORMED, at);
        }
        return Decision.NONE;
    }

    public long stallNanos() {
        return Math.round(stallMs * 1e6);
    }

    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
