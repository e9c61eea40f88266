package bench.load;

import bench.BenchException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Builds requests ahead of the schedule on its own thread (sample, then the HTTP bytes), so
 * the event loop only writes pre-encoded bytes. What is built but not yet sent is bounded in
 * bytes, not in count: a run whose requests fit in the budget is built completely before the
 * clock starts (building samples costs CPU and, with a server-side tokenizer, requests to the
 * server, neither of which belongs in the measurement), and a longer run keeps memory bounded
 * however many requests it has. Requests are taken in index order.
 */
final class RequestFeed implements AutoCloseable {

    /** A request ready to send. */
    record Prepared(int index, byte[] bytes, int promptTokens, int maxTokens) {}

    /** Builds request {@code index}; may be slow (tokenizer). */
    interface Builder {
        Prepared build(int index);
    }

    /** Default budget: a quarter of the heap, at most 256 MiB. */
    static long defaultBudgetBytes() {
        return Math.min(Runtime.getRuntime().maxMemory() / 4, 256L << 20);
    }

    private static final Prepared END = new Prepared(-1, new byte[0], 0, 0);
    private static final int KIB = 1024;

    private final BlockingQueue<Prepared> queue = new LinkedBlockingQueue<>();
    /** Free budget, in KiB permits; a request holds its size (at least 1, at most the whole budget). */
    private final Semaphore budget;
    private final int budgetKib;
    private final Thread thread;
    private volatile Throwable error;
    private volatile boolean closed;
    /** The builder is waiting for budget: as far ahead as it may go. */
    private volatile boolean full;

    RequestFeed(int count, long budgetBytes, Builder builder) {
        this.budgetKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / KIB));
        this.budget = new Semaphore(budgetKib);
        this.thread = Thread.ofPlatform().daemon().name("bench-feed").unstarted(() -> {
            try {
                for (int i = 0; i < count && !closed; i++) {
                    Prepared p = builder.build(i);
                    int need = permits(p);
                    if (!budget.tryAcquire(need)) {
                        full = true;
                        budget.acquire(need);
                        full = false;
                    }
                    queue.put(p);
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

    private int permits(Prepared p) {
        return (int) Math.min(budgetKib, Math.max(1, p.bytes().length / KIB));
    }

    /**
     * Blocks until every request is built or the budget is used up, so the clock starts with
     * as much built as may be; returns early when {@code stop} says so (Ctrl-C).
     */
    void awaitReady(java.util.function.BooleanSupplier stop) {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (!full && thread.isAlive() && System.nanoTime() < deadline && !stop.getAsBoolean()) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while preparing requests", 130, e);
            }
        }
        rethrow();
    }

    /** Requests built and not yet taken. */
    int ready() {
        return queue.size();
    }

    /** The next request in index order; blocks when the builder lags behind. */
    Prepared take() {
        try {
            Prepared p = queue.take();
            if (p == END) {
                rethrow();
                throw new BenchException("the request feed ended early");
            }
            budget.release(permits(p));
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
