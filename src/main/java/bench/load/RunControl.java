package bench.load;

/**
 * Stop requests from outside the event loop (Ctrl-C). The first asks to stop sending and
 * let in-flight requests finish within a grace period; the second aborts them.
 */
public final class RunControl {
    private volatile int stops;
    private volatile Runnable wakeup = () -> { };

    /** Asks the run to stop; returns how many stops were asked so far. */
    public int requestStop() {
        int n;
        synchronized (this) {
            n = ++stops;
        }
        wakeup.run();
        return n;
    }

    public boolean stopRequested() {
        return stops > 0;
    }

    public boolean abortRequested() {
        return stops > 1;
    }

    void onWakeup(Runnable r) {
        this.wakeup = r;
    }
}
