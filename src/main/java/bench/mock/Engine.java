package bench.mock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.PriorityQueue;

/**
 * A deterministic simulation of one LLM engine with continuous batching, stepped by
 * timestamps (see {@link EngineConfig} for the model). Pure: no clock, no I/O; the caller
 * submits requests with their arrival times and calls {@link #advance} with the current time,
 * and the engine reports each token with the instant it was due. Single-threaded.
 */
public final class Engine {

    /** One request inside the engine. */
    public static final class Seq {
        final Object owner;
        final int promptTokens;
        final int maxTokens;
        final long readyNanos;
        long arrivalNanos;
        int prefillRemaining;
        int chunk;
        boolean decoding;
        int emitted;
        boolean cancelled;

        /**
         * @param owner        the caller's handle, passed back with every token
         * @param kvReadyNanos for a decode role: when the KV cache has arrived and decoding may
         *                     start (the prompt needs no prefill then); otherwise the arrival
         * @param prefilled    true when the prompt was prefilled elsewhere (decode role)
         */
        public Seq(Object owner, int promptTokens, int maxTokens, long kvReadyNanos, boolean prefilled) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens < 1");
            }
            this.owner = owner;
            this.promptTokens = promptTokens;
            this.maxTokens = maxTokens;
            this.readyNanos = kvReadyNanos;
            this.prefillRemaining = prefilled ? 0 : Math.max(1, promptTokens);
        }

        public Object owner() {
            return owner;
        }

        public int emitted() {
            return emitted;
        }

        /** The client went away: the engine drops it at its next step. */
        public void cancel() {
            cancelled = true;
        }
    }

    /** Receives tokens: {@code index} is 0-based; the request is done when index + 1 == maxTokens. */
    public interface Sink {
        void token(Seq seq, int index, long dueNanos);
    }

    private final EngineConfig config;
    private final ArrayDeque<Seq> waiting = new ArrayDeque<>();
    private final PriorityQueue<Seq> transferring = new PriorityQueue<>((a, b) -> Long.compare(a.readyNanos, b.readyNanos));
    private final ArrayList<Seq> running = new ArrayList<>();
    private long stepEnd = Long.MAX_VALUE;
    private long lastStepNanos;
    private int lastStepDecodes;
    private long lastStepPrefillTokens;
    private long steps;

    public Engine(EngineConfig config) {
        this.config = config;
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Adds a request that arrived at {@code arrivalNanos} (arrivals must be submitted in
     * order). A step takes every request that arrived by its start, so requests arriving
     * together are prefilled together; one arriving during a step waits for the next.
     */
    public void submit(Seq seq, long arrivalNanos) {
        seq.arrivalNanos = arrivalNanos;
        if (seq.readyNanos > arrivalNanos) {
            transferring.add(seq);
        } else {
            waiting.add(seq);
        }
    }

    /** When the engine next needs {@link #advance} (Long.MAX_VALUE when it has nothing to do). */
    public long nextEventNanos() {
        return stepEnd != Long.MAX_VALUE ? stepEnd : nextAdmission();
    }

    /** Runs every step that starts or ends by {@code nowNanos}, reporting the tokens they produced. */
    public void advance(long nowNanos, Sink sink) {
        while (true) {
            if (stepEnd != Long.MAX_VALUE) {
                if (stepEnd > nowNanos) {
                    return;
                }
                long end = stepEnd;
                finishStep(end, sink);
                stepEnd = Long.MAX_VALUE;
                startStep(end);
                continue;
            }
            long start = nextEventNanos();
            if (start > nowNanos) {
                return;
            }
            startStep(start);
            if (stepEnd == Long.MAX_VALUE && nextEventNanos() <= start) {
                return; // nothing left to admit
            }
        }
    }

    /** Requests admitted and running (prefilling or decoding). */
    public int running() {
        return running.size();
    }

    /** Requests waiting for a slot, or for their KV cache. */
    public int waiting() {
        return waiting.size() + transferring.size();
    }

    public long steps() {
        return steps;
    }

    /** Duration, decodes and prefill tokens of the last step started. */
    public long lastStepNanos() {
        return lastStepNanos;
    }

    public int lastStepDecodes() {
        return lastStepDecodes;
    }

    public long lastStepPrefillTokens() {
        return lastStepPrefillTokens;
    }

    private void startStep(long t0) {
        long d = planStep(t0);
        stepEnd = d < 0 ? Long.MAX_VALUE : t0 + d;
    }

    /** The earliest instant a step could start with a request that is not running yet. */
    long nextAdmission() {
        long next = Long.MAX_VALUE;
        if (!waiting.isEmpty()) {
            next = waiting.peek().arrivalNanos;
        }
        if (!transferring.isEmpty()) {
            next = Math.min(next, transferring.peek().readyNanos);
        }
        return next;
    }

    /** Requests this engine holds, for load balancing between data-parallel engines. */
    int load() {
        return running.size() + waiting.size() + transferring.size();
    }

    /**
     * Admits what arrived by {@code t0} and lays out a step starting then; returns its
     * duration, or -1 when there is nothing to run. The caller decides when the step ends
     * (data-parallel engines in lockstep end together) and then calls {@link #finishStep}.
     */
    long planStep(long t0) {
        while (!transferring.isEmpty() && transferring.peek().readyNanos <= t0) {
            waiting.add(transferring.poll());
        }
        while (running.size() < config.maxNumSeqs() && !waiting.isEmpty()
                && waiting.peek().arrivalNanos <= t0) {
            Seq s = waiting.poll();
            if (!s.cancelled) {
                running.add(s);
            }
        }
        running.removeIf(s -> s.cancelled);
        if (running.isEmpty()) {
            return -1;
        }
        int decodes = 0;
        for (Seq s : running) {
            s.decoding = s.prefillRemaining == 0;
            s.chunk = 0;
            if (s.decoding) {
                decodes++;
            }
        }
        long budget = (long) config.maxBatchedTokens() - decodes;
        long prefill = 0;
        for (Seq s : running) {
            if (budget <= 0) {
                break;
            }
            if (!s.decoding) {
                int c = (int) Math.min(s.prefillRemaining, budget);
                s.chunk = c;
                budget -= c;
                prefill += c;
            }
        }
        long d = config.itlNanos() + config.itlPerSeqNanos() * decodes + config.prefillNanos(prefill);
        lastStepNanos = Math.max(1, d);
        lastStepDecodes = decodes;
        lastStepPrefillTokens = prefill;
        steps++;
        return lastStepNanos;
    }

    /** Ends the planned step at {@code t}: every decoding request emits a token, finished prefills their first. */
    void finishStep(long t, Sink sink) {
        for (int i = 0; i < running.size(); i++) {
            Seq s = running.get(i);
            if (s.cancelled) {
                continue;
            }
            if (s.decoding) {
                sink.token(s, s.emitted++, t);
            } else if (s.chunk > 0) {
                s.prefillRemaining -= s.chunk;
                if (s.prefillRemaining == 0) {
                    sink.token(s, s.emitted++, t); // the first token comes with the last prefill chunk
                }
            }
        }
        running.removeIf(s -> s.cancelled || s.emitted >= s.maxTokens);
    }
}
