package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine model against hand-computed step times (ms): step = itl + perSeq x decodes + prefill / tps. */
class EngineTest {
    static final long MS = 1_000_000L;

    /** 1 ms per prompt token, 10 ms base step, +1 ms per decode, the given token budget. */
    static EngineConfig config(int maxNumSeqs, int maxBatched) {
        return new EngineConfig(1000, maxNumSeqs, 10 * MS, 1 * MS, maxBatched);
    }

    /** Records token due times per owner. */
    static final class Tokens implements Engine.Sink {
        final Map<Object, List<Long>> times = new HashMap<>();

        @Override
        public void token(Engine.Seq seq, int index, long dueNanos) {
            List<Long> t = times.computeIfAbsent(seq.owner(), k -> new ArrayList<>());
            assertEquals(t.size(), index, "tokens arrive in order");
            t.add(dueNanos);
        }

        List<Long> of(Object owner) {
            return times.getOrDefault(owner, List.of());
        }
    }

    static void runUntilIdle(Engine e, Tokens sink) {
        for (int i = 0; i < 100_000 && e.nextEventNanos() != Long.MAX_VALUE; i++) {
            e.advance(e.nextEventNanos(), sink);
        }
    }

    @Test
    void singleRequestTtftIsPrefillPlusAStepAndItlIsAStep() {
        Engine e = new Engine(config(4, 512));
        Tokens t = new Tokens();
        e.submit(new Engine.Seq("a", 100, 3, 0, false), 0);
        runUntilIdle(e, t);
        // step 1: 10 + 0 decodes + 100 tokens x 1 ms = 110; then 10 + 1 x 1 = 11 per step
        assertEquals(List.of(110 * MS, 121 * MS, 132 * MS), t.of("a"));
        assertEquals(0, e.running());
    }

    @Test
    void ttftGrowsWithInputLength() {
        for (int prompt : new int[] {50, 200, 400}) {
            Engine e = new Engine(config(4, 512));
            Tokens t = new Tokens();
            e.submit(new Engine.Seq("a", prompt, 1, 0, false), 0);
            runUntilIdle(e, t);
            assertEquals((10 + prompt) * MS, t.of("a").get(0), "prompt " + prompt);
        }
    }

    @Test
    void concurrentPrefillsShareTheStepSoTtftGrowsWithLoad() {
        Engine e = new Engine(config(4, 512));
        Tokens t = new Tokens();
        e.submit(new Engine.Seq("a", 100, 2, 0, false), 0);
        e.submit(new Engine.Seq("b", 100, 2, 0, false), 0);
        runUntilIdle(e, t);
        // one step prefills both (200 tokens): 10 + 200 = 210; then 10 + 2 decodes = 12
        assertEquals(List.of(210 * MS, 222 * MS), t.of("a"));
        assertEquals(List.of(210 * MS, 222 * MS), t.of("b"));
    }

    @Test
    void longPromptsArePrefilledInChunks() {
        Engine e = new Engine(config(4, 64));
        Tokens t = new Tokens();
        e.submit(new Engine.Seq("a", 100, 1, 0, false), 0);
        runUntilIdle(e, t);
        // 64 tokens (10 + 64 = 74), then 36 (10 + 36 = 46): first token at 120
        assertEquals(List.of(120 * MS), t.of("a"));
    }

    @Test
    void itlGrowsWithTheBatch() {
        Engine e = new Engine(config(8, 512));
        Tokens t = new Tokens();
        for (int i = 0; i < 4; i++) {
            e.submit(new Engine.Seq(i, 10, 3, 0, false), 0);
        }
        runUntilIdle(e, t);
        // prefill 40 tokens: 10 + 40 = 50; then steps of 10 + 4 x 1 = 14
        for (int i = 0; i < 4; i++) {
            assertEquals(List.of(50 * MS, 64 * MS, 78 * MS), t.of(i));
        }
    }

    @Test
    void prefillWorkDelaysTheDecodesOfTheSameStep() {
        Engine e = new Engine(config(4, 512));
        Tokens t = new Tokens();
        e.submit(new Engine.Seq("a", 10, 4, 0, false), 0);
        // a: first token at 10 + 10 = 20, next step [20, 31]
        e.advance(25 * MS, t);
        e.submit(new Engine.Seq("b", 100, 1, 25 * MS, false), 25 * MS);
        runUntilIdle(e, t);
        // at 31 the step carries a's decode and b's 100-token prefill: 10 + 1 + 100 = 111
        assertEquals(List.of(20 * MS, 31 * MS, 142 * MS, 153 * MS), t.of("a"));
        assertEquals(List.of(142 * MS), t.of("b"));
    }

    @Test
    void requestsBeyondMaxNumSeqsWaitInOrder() {
        Engine e = new Engine(config(1, 512));
        Tokens t = new Tokens();
        e.submit(new Engine.Seq("a", 10, 2, 0, false), 0);
        e.submit(new Engine.Seq("b", 10, 2, 0, false), 0);
        e.advance(0, t);
        assertEquals(1, e.running());
        assertEquals(1, e.waiting());
        runUntilIdle(e, t);
        // a: 20, 31; b starts at 31: 51, 62
        assertEquals(List.of(20 * MS, 31 * MS), t.of("a"));
        assertEquals(List.of(51 * MS, 62 * MS), t.of("b"));
    }

    @Test
    void decodeRoleWaitsForTheKvTransferThenDecodesWithoutPrefill() {
        Engine e = new Engine(config(4, 512));
        Tokens t = new Tokens();
        e.submit(new Engine.Seq("d", 100, 2, 100_000L, true), 0);
        assertEquals(100_000L, e.nextEventNanos());
        runUntilIdle(e, t);
        // no prefill: the first step after the KV arrives is a decode step of 10 + 1
        assertEquals(List.of(100_000L + 11 * MS, 100_000L + 22 * MS), t.of("d"));
    }

    @Test
    void aCancelledRequestEmitsNothingMore() {
        Engine e = new Engine(config(4, 512));
        Tokens t = new Tokens();
        Engine.Seq a = new Engine.Seq("a", 10, 10, 0, false);
        e.submit(a, 0);
        e.advance(20 * MS, t);
        assertEquals(1, t.of("a").size());
        a.cancel();
        runUntilIdle(e, t);
        assertEquals(1, t.of("a").size());
        assertEquals(0, e.running());
    }

    @Test
    void anIdleEngineStartsItsStepAtTheArrival() {
        Engine e = new Engine(config(4, 512));
        Tokens t = new Tokens();
        e.submit(new Engine.Seq("a", 10, 1, 0, false), 0);
        runUntilIdle(e, t);
        e.submit(new Engine.Seq("b", 10, 1, 1000 * MS, false), 1000 * MS);
        runUntilIdle(e, t);
        assertEquals(List.of(1020 * MS), t.of("b"));
        assertTrue(e.steps() >= 2);
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(BenchException.class, () -> new EngineConfig(0, 1, 1, 0, 1));
        assertThrows(BenchException.class, () -> new EngineConfig(1, 0, 1, 0, 1));
        assertThrows(BenchException.class, () -> new EngineConfig(1, 1, -1, 0, 1));
        assertThrows(BenchException.class, () -> new EngineConfig(1, 1, 1, -1, 1));
        assertThrows(BenchException.class, () -> new EngineConfig(1, 1, 1, 0, 0));
    }
}
