package bench.load;

import bench.metrics.Metric;
import bench.metrics.RunMetrics;
import bench.openai.FailureKind;
import bench.openai.StreamClient;
import bench.openai.StreamOutcome;
import java.util.function.Consumer;

/**
 * Open-model load on the event loop: requests become due at their scheduled instants
 * (start + offset), wait in FIFO order for a --max-concurrency slot if there is a limit,
 * and are sent with pre-encoded bytes from the {@link RequestFeed}. Every finished request
 * is accounted once. Runs entirely on the loop thread.
 */
final class LoadDriver implements StreamClient.Driver, RequestRun.Listener {
    private final StreamClient client;
    private final RequestFeed feed;
    private final long[] offsetsNanos;
    private final int maxConcurrency;
    private final long timeoutNanos;
    private final long graceNanos;
    private final RunMetrics metrics;
    private final RunControl control;
    private final Consumer<RequestRecord> details;
    private final int maxTokensHint;
    private final String requestIdPrefix;
    private final boolean ignoreEos;
    private final bench.metrics.GoodputSlo goodput;

    private long startNanos;
    private RequestAccounting accounting;
    private int next;
    // FIFO of due requests waiting for a slot: their arrival times
    private long[] waiting = new long[64];
    private int waitHead;
    private int waitSize;
    private int inFlight;
    private boolean stopping;
    private boolean aborted;
    private long stopDeadline;
    private long endNanos;
    private long lastDispatchNanos;
    private int notSent;

    // read by the progress thread
    volatile long doneCount;
    volatile long failedCount;
    volatile long tokenCount;

    LoadDriver(StreamClient client, RequestFeed feed, long[] offsetsNanos, int maxConcurrency, long timeoutNanos,
            long graceNanos, RunMetrics metrics, RunControl control, Consumer<RequestRecord> details,
            int maxTokensHint, String requestIdPrefix, boolean ignoreEos, bench.metrics.GoodputSlo goodput) {
        this.client = client;
        this.feed = feed;
        this.offsetsNanos = offsetsNanos;
        this.maxConcurrency = maxConcurrency;
        this.timeoutNanos = timeoutNanos;
        this.graceNanos = graceNanos;
        this.metrics = metrics;
        this.control = control;
        this.details = details;
        this.maxTokensHint = maxTokensHint;
        this.requestIdPrefix = requestIdPrefix;
        this.ignoreEos = ignoreEos;
        this.goodput = goodput;
    }

    long startNanos() {
        return startNanos;
    }

    long endNanos() {
        return endNanos;
    }

    /** When the last request was sent, after the start (0 when none was). */
    long lastSendOffsetNanos() {
        return lastDispatchNanos == 0 ? 0 : lastDispatchNanos - startNanos;
    }

    int notSent() {
        return notSent;
    }

    boolean stopped() {
        return stopping;
    }

    int total() {
        return offsetsNanos.length;
    }

    @Override
    public long tick(long now) {
        if (startNanos == 0) {
            startNanos = now;
            accounting = new RequestAccounting(startNanos, ignoreEos, goodput);
        }
        if (control.stopRequested() && !stopping) {
            stopping = true;
            stopDeadline = now + graceNanos;
            notSent = offsetsNanos.length - next + waitSize;
            next = offsetsNanos.length;
            waitSize = 0;
        }
        if (stopping) {
            if (!aborted && inFlight > 0 && (now >= stopDeadline || control.abortRequested())) {
                aborted = true;
                client.abortAll(FailureKind.INTERRUPTED, "run interrupted while the request was in flight");
            }
            return aborted ? Long.MAX_VALUE : stopDeadline;
        }
        while (next < offsetsNanos.length && startNanos + offsetsNanos[next] <= now) {
            int i = next++;
            long arrival = System.nanoTime();
            metrics.recorder(Metric.SEND_LATENESS).record(arrival - (startNanos + offsetsNanos[i]));
            if (maxConcurrency == 0 || inFlight < maxConcurrency) {
                dispatch(arrival);
            } else {
                enqueue(arrival);
            }
        }
        return next < offsetsNanos.length ? startNanos + offsetsNanos[next] : Long.MAX_VALUE;
    }

    @Override
    public boolean finished() {
        boolean done = inFlight == 0 && waitSize == 0 && next >= offsetsNanos.length;
        if (done && endNanos == 0) {
            endNanos = System.nanoTime();
        }
        return done;
    }

    private void dispatch(long arrival) {
        RequestFeed.Prepared p = feed.take();
        int i = p.index();
        long now = System.nanoTime();
        RequestRun run = new RequestRun(i, requestIdPrefix + i, p.promptTokens(), p.maxTokens(),
                startNanos + offsetsNanos[i], arrival, new long[Math.min(maxTokensHint, p.maxTokens()) + 1],
                new int[Math.min(maxTokensHint, p.maxTokens()) + 1], this);
        run.dispatchNanos = now;
        lastDispatchNanos = now;
        inFlight++;
        metrics.concurrency(inFlight);
        client.send(p.bytes(), run, timeoutNanos, now);
    }

    private void enqueue(long arrival) {
        if (waitSize == waiting.length) {
            long[] grown = new long[waiting.length * 2];
            for (int k = 0; k < waitSize; k++) {
                grown[k] = waiting[(waitHead + k) % waiting.length];
            }
            waiting = grown;
            waitHead = 0;
        }
        waiting[(waitHead + waitSize) % waiting.length] = arrival;
        waitSize++;
    }

    @Override
    public void onDone(RequestRun run) {
        inFlight--;
        StreamOutcome o = accounting.account(run, metrics);
        tokenCount += o.tokensSeen();
        if (o.ok()) {
            doneCount++;
        } else {
            failedCount++;
        }
        if (details != null) {
            details.accept(accounting.record(run));
        }
        if (!stopping && waitSize > 0 && (maxConcurrency == 0 || inFlight < maxConcurrency)) {
            long arrival = waiting[waitHead];
            waitHead = (waitHead + 1) % waiting.length;
            waitSize--;
            dispatch(arrival);
        }
    }
}
