package bench.mock;

import java.util.function.LongSupplier;

/**
 * Collects garbage while the mock is idle, so that a collection pause (10-30 ms on one core)
 * does not land inside the next measured run and show up as lateness. Before a run, clients
 * build prompts through {@code /tokenize} and send warm-up requests, then settle for at least
 * 300 ms (see {@code JitSettle}); a collection in that quiet gap empties the young generation,
 * and what a run allocates afterwards (a few MB/s: request parsing, no per-token garbage)
 * rarely fills it again before the run ends.
 *
 * <p>Policy only: the loop asks {@link #due()} when nothing is scheduled, waits {@link #IDLE_MILLIS}
 * for traffic, and calls {@link #collect()} if none came.
 */
final class IdleCollector {
    /** How long the server must have been idle. */
    static final long IDLE_MILLIS = 200;
    /** Heap growth since the last collection that makes one worthwhile. */
    static final long GROWTH_BYTES = 8L * 1024 * 1024;

    private final LongSupplier usedBytes;
    private final Runnable gc;
    private final long growthBytes;
    private long usedAfterLast;

    IdleCollector() {
        this(() -> {
            Runtime r = Runtime.getRuntime();
            return r.totalMemory() - r.freeMemory();
        }, System::gc, GROWTH_BYTES);
    }

    IdleCollector(LongSupplier usedBytes, Runnable gc, long growthBytes) {
        this.usedBytes = usedBytes;
        this.gc = gc;
        this.growthBytes = growthBytes;
        this.usedAfterLast = usedBytes.getAsLong();
    }

    /** Whether the heap grew enough since the last collection to collect at the next idle moment. */
    boolean due() {
        return usedBytes.getAsLong() - usedAfterLast >= growthBytes;
    }

    void collect() {
        gc.run();
        usedAfterLast = usedBytes.getAsLong();
    }
}
