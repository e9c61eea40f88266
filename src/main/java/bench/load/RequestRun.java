package bench.load;

import bench.openai.StreamHandler;
import bench.openai.StreamOutcome;
import java.util.Arrays;

/**
 * One request's timeline, filled on the event loop: when it was due, noticed, sent, written,
 * and when each token-carrying event arrived (with its token count). Metrics are derived when
 * it completes, so a request that later fails leaves no trace in the latency histograms.
 */
public final class RequestRun implements StreamHandler {

    /** Called on the loop thread when the request is over. */
    public interface Listener {
        void onDone(RequestRun run);
    }

    final int index;
    final String requestId;
    final int expectedPromptTokens;
    final int maxTokens;
    final long intendedNanos;
    final long arrivalNanos;
    long dispatchNanos;
    long writtenNanos;
    long completedNanos;
    long[] eventNanos;
    int[] eventTokens;
    int events;
    StreamOutcome outcome;
    private final Listener listener;

    RequestRun(int index, String requestId, int expectedPromptTokens, int maxTokens, long intendedNanos,
            long arrivalNanos, long[] eventNanos, int[] eventTokens, Listener listener) {
        this.index = index;
        this.requestId = requestId;
        this.expectedPromptTokens = expectedPromptTokens;
        this.maxTokens = maxTokens;
        this.intendedNanos = intendedNanos;
        this.arrivalNanos = arrivalNanos;
        this.eventNanos = eventNanos;
        this.eventTokens = eventTokens;
        this.listener = listener;
    }

    @Override
    public void onWritten(long nanos) {
        writtenNanos = nanos;
    }

    @Override
    public void onTokens(long nanos, int tokens) {
        if (events == eventNanos.length) {
            int n = Math.max(16, events * 2);
            eventNanos = Arrays.copyOf(eventNanos, n);
            eventTokens = Arrays.copyOf(eventTokens, n);
        }
        eventNanos[events] = nanos;
        eventTokens[events] = tokens;
        events++;
    }

    @Override
    public void onComplete(long nanos, StreamOutcome result) {
        completedNanos = nanos;
        outcome = result;
        listener.onDone(this);
    }

    public int index() {
        return index;
    }

    public String requestId() {
        return requestId;
    }

    public StreamOutcome outcome() {
        return outcome;
    }

    public int events() {
        return events;
    }
}
