package bench.load;

import bench.BenchException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Builds requests ahead of the schedule on its own thread (sample, then the HTTP bytes), so
 * the event loop only writes pre-encoded bytes and memory stays bounded however many
 * requests the run has. Requests are taken in index order.
 */
final class RequestFeed implements AutoCloseable {

    /** A request ready to send. */
    record Prepared(int index, byte[] bytes, int promptTokens, int maxTokens) {}

    /** Builds request {@code index}; may be slow (tokenizer). */
    interface Builder {
        Prepared build(int index);
    }

    private static final Prepared END = new Prepared(-1, new byte[0], 0, 0);

    private final BlockingQueue<Prepared> queue;
    private final Thread thread;
    private volatile Throwable error;
    private volatile boolean closed;

    RequestFeed(int count, int lookahead, Builder builder) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, lookahead));
        this.thread = Thread.ofPlatform().daemon().name("bench-feed").unstarted(() -> {
            try {
                for (int i = 0; i < count && !closed; i++) {
                    queue.put(builder.build(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                error = t;
                queue.offer(END);
            }
        });
        thread.start();
    }

    /** Blocks until {@code n} requests are ready (or all, if fewer), so the clock starts with a full feed. */
    void awaitReady(int n) {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (queue.size() < n && thread.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while preparing requests", 130, e);
            }
        }
        rethrow();
    }

    /** The next request in index order; blocks when the builder lags behind. */
    Prepared take() {
        try {
            Prepared p = queue.take();
            if (p == END) {
                rethrow();
                throw new BenchException("the request feed ended early");
            }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while waiting for the request feed", 130, e);
        }
    }

    private void rethrow() {
        Throwable t = error;
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t != null) {
            throw new BenchException("preparing requests failed: " + t, t);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
