package bench.perf;

import bench.openai.StreamHandler;
import bench.openai.StreamOutcome;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One phase of {@link TransportCompare}: {@code count} requests in a closed loop over
 * {@code streams} slots, each finished request followed by the next on its slot. The
 * transport asks for work with {@link #poll()}, stamps {@link Slot#sentNanos} just before it
 * hands the request over, and reports through the slot's {@link StreamHandler} callbacks. TTFT
 * (first token read minus hand-over) and ITL (per token: the gap to the previous token event's
 * read for the first token of an event, 0 for further tokens of the same event, as the mock
 * counts them) go into HdrHistograms in nanoseconds. Event-loop thread only, except the
 * results, read after the loop stopped.
 */
final class ClosedLoop {
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** One stream: a slot that carries one request at a time. */
    final class Slot implements StreamHandler {
        final int id;
        long sentNanos;
        long lastTokenNanos;
        boolean sawToken;

        Slot(int id) {
            this.id = id;
        }

        @Override
        public void onWritten(long nanos) {
            // TTFT counts from the hand-over (sentNanos), not from the end of the write
        }

        @Override
        public void onTokens(long nanos, int tokens) {
            if (!sawToken) {
                sawToken = true;
                ttftNanos.recordValue(clamp(nanos - sentNanos));
            } else {
                itlNanos.recordValue(clamp(nanos - lastTokenNanos));
            }
            if (tokens > 1) {
                itlNanos.recordValueWithCount(0, tokens - 1L);
            }
            lastTokenNanos = nanos;
            ClosedLoop.this.tokens += tokens;
            tokenEvents++;
        }

        @Override
        public void onComplete(long nanos, StreamOutcome outcome) {
            sawToken = false;
            done++;
            lastDoneNanos = nanos;
            if (!outcome.ok()) {
                failures++;
                if (firstFailure == null) {
                    firstFailure = outcome.failure() + ": " + outcome.detail();
                }
            }
            if (started < count && !aborted) {
                ready.addLast(this);
                onReady.run();
            }
        }
    }

    final byte[] request;
    final int count;
    final Slot[] slots;
    final Histogram ttftNanos = new Histogram(HIGHEST_NANOS, 3);
    final Histogram itlNanos = new Histogram(HIGHEST_NANOS, 3);
    private final ArrayDeque<Slot> ready = new ArrayDeque<>();
    private Runnable onReady = () -> { };
    int started;
    int done;
    int failures;
    long tokens;
    long tokenEvents;
    String firstFailure;
    long firstSentNanos;
    long lastDoneNanos;
    boolean aborted;

    ClosedLoop(byte[] request, int count, int streams) {
        this.request = request;
        this.count = count;
        this.slots = new Slot[streams];
        for (int i = 0; i < streams; i++) {
            slots[i] = new Slot(i);
            ready.addLast(slots[i]);
        }
    }

    /** Called on the loop thread whenever a slot becomes ready to send. */
    void onReady(Runnable r) {
        onReady = r;
    }

    /** The next slot to send on, counted as started; null when none is due. */
    Slot poll() {
        if (started >= count || aborted) {
            return null;
        }
        Slot s = ready.pollFirst();
        if (s != null) {
            if (started == 0) {
                firstSentNanos = System.nanoTime();
            }
            started++;
        }
        return s;
    }

    boolean finished() {
        return done >= count || (aborted && done >= started);
    }

    /** Stops starting requests (the deadline passed); those in flight still finish or fail. */
    void abort() {
        aborted = true;
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(nanos, HIGHEST_NANOS));
    }
}
