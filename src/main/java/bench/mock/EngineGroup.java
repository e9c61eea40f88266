package bench.mock;

import java.util.ArrayList;
import java.util.List;

/**
 * Data-parallel engines behind one API server, as vLLM runs {@code --data-parallel-size N}:
 * each request goes to the engine holding the fewest requests (or to the rank a router asked
 * for with {@code X-data-parallel-rank}). Independent engines step on their own; in lockstep
 * (what vLLM does for MoE models, whose expert layers need every rank in each forward pass)
 * all engines step together and a step lasts as long as the slowest engine's, plus a
 * synchronisation cost, so one engine's prefill stalls every engine's decodes. Pure.
 */
public final class EngineGroup {
    private final List<Engine> engines = new ArrayList<>();
    private final boolean lockstep;
    private final long syncNanos;
    private final boolean[] planned;
    private long stepEnd = Long.MAX_VALUE;
    private int next;

    /**
     * @param syncNanos in lockstep, added to every step; a negative value means independent engines
     */
    public EngineGroup(EngineConfig config, int size, long syncNanos) {
        if (size < 1) {
            throw new IllegalArgumentException("size < 1");
        }
        for (int i = 0; i < size; i++) {
            engines.add(new Engine(config));
        }
        this.lockstep = syncNanos >= 0 && size > 1;
        this.syncNanos = Math.max(0, syncNanos);
        this.planned = new boolean[size];
    }

    public int size() {
        return engines.size();
    }

    public boolean lockstep() {
        return lockstep;
    }

    /**
     * Adds a request arriving at {@code arrivalNanos}; {@code rank} chooses the engine, or -1
     * for the least loaded one. Returns the engine's rank.
     */
    public int submit(Engine.Seq seq, long arrivalNanos, int rank) {
        int r = rank >= 0 && rank < engines.size() ? rank : leastLoaded();
        engines.get(r).submit(seq, arrivalNanos);
        return r;
    }

    private int leastLoaded() {
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        int n = engines.size();
        for (int k = 0; k < n; k++) {
            int i = (next + k) % n;
            int load = engines.get(i).load();
            if (load < bestLoad) {
                best = i;
                bestLoad = load;
            }
        }
        next = (best + 1) % n;
        return best;
    }

    public long nextEventNanos() {
        if (!lockstep) {
            long min = Long.MAX_VALUE;
            for (Engine e : engines) {
                min = Math.min(min, e.nextEventNanos());
            }
            return min;
        }
        return stepEnd != Long.MAX_VALUE ? stepEnd : nextAdmission();
    }

    public void advance(long nowNanos, Engine.Sink sink) {
        if (!lockstep) {
            for (Engine e : engines) {
                e.advance(nowNanos, sink);
            }
            return;
        }
        while (true) {
            if (stepEnd != Long.MAX_VALUE) {
                if (stepEnd > nowNanos) {
                    return;
                }
                long end = stepEnd;
                for (int i = 0; i < engines.size(); i++) {
                    if (planned[i]) {
                        engines.get(i).finishStep(end, sink);
                    }
                }
                stepEnd = Long.MAX_VALUE;
                plan(end);
                continue;
            }
            long start = nextAdmission();
            if (start > nowNanos) {
                return;
            }
            plan(start);
            if (stepEnd == Long.MAX_VALUE && nextAdmission() <= start) {
                return;
            }
        }
    }

    /** All engines step from {@code t0}; the step lasts as long as the slowest one's. */
    private void plan(long t0) {
        long longest = -1;
        for (int i = 0; i < engines.size(); i++) {
            long d = engines.get(i).planStep(t0);
            planned[i] = d >= 0;
            longest = Math.max(longest, d);
        }
        stepEnd = longest < 0 ? Long.MAX_VALUE : t0 + longest + syncNanos;
    }

    private long nextAdmission() {
        long min = Long.MAX_VALUE;
        for (Engine e : engines) {
            min = Math.min(min, e.nextAdmission());
        }
        return min;
    }

    public int running() {
        int n = 0;
        for (Engine e : engines) {
            n += e.running();
        }
        return n;
    }

    public int waiting() {
        int n = 0;
        for (Engine e : engines) {
            n += e.waiting();
        }
        return n;
    }
}
