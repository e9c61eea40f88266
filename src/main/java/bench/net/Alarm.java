package bench.net;

import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes a selector at a precise instant. {@link Selector#select(long)} only has millisecond
 * resolution (epoll_wait), which would make scheduled sends and token writes up to a
 * millisecond late; this thread parks until the armed deadline (about 50-100 us of slack on
 * Linux) and then calls {@link Selector#wakeup()}. The event loop keeps a millisecond
 * select timeout as a backstop.
 *
 * <p>Arming costs a wake-up of this thread only when the new deadline is earlier than the
 * one it sleeps for; a later deadline is picked up when it wakes, so an event loop that
 * re-arms on every turn does not pay two context switches per turn.
 */
public final class Alarm implements AutoCloseable {
    private static final long NONE = Long.MAX_VALUE;

    private final Runnable wakeup;
    private final Thread thread;
    private final AtomicLong deadlineNanos = new AtomicLong(NONE);
    /** The deadline the alarm thread is parked for (NONE when parked indefinitely). */
    private volatile long sleepingUntil = NONE;
    private volatile boolean closed;

    public Alarm(Selector selector, String name) {
        this(selector::wakeup, name);
    }

    /** An alarm that calls {@code wakeup} (thread-safe) at each armed deadline. */
    public Alarm(Runnable wakeup, String name) {
        this.wakeup = wakeup;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
        this.thread.start();
    }

    /** Asks for a wake-up at {@code deadline} ({@link System#nanoTime()} scale). */
    public void arm(long deadline) {
        long previous = deadlineNanos.getAndSet(deadline);
        if (deadline != previous && deadline < sleepingUntil) {
            LockSupport.unpark(thread);
        }
    }

    public void disarm() {
        deadlineNanos.set(NONE);
    }

    private void loop() {
        while (!closed) {
            long d = deadlineNanos.get();
            if (d == NONE) {
                sleepingUntil = NONE;
                if (deadlineNanos.get() == NONE) {
                    LockSupport.park(this);
                }
                continue;
            }
            long wait = d - System.nanoTime();
            if (wait > 0) {
                sleepingUntil = d;
                if (deadlineNanos.get() == d) {
                    LockSupport.parkNanos(this, wait);
                }
                continue;
            }
            if (deadlineNanos.compareAndSet(d, NONE)) {
                wakeup.run();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
