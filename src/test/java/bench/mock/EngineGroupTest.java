package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Data-parallel engines, independent and in lockstep, against hand-computed step times (ms). */
class EngineGroupTest {
    static final long MS = EngineTest.MS;

    static void runUntilIdle(EngineGroup g, EngineTest.Tokens sink) {
        for (int i = 0; i < 100_000 && g.nextEventNanos() != Long.MAX_VALUE; i++) {
            g.advance(g.nextEventNanos(), sink);
        }
    }

    @Test
    void independentEnginesSplitTheLoad() {
        EngineGroup g = new EngineGroup(EngineTest.config(4, 512), 2, -1);
        EngineTest.Tokens t = new EngineTest.Tokens();
        assertEquals(0, g.submit(new Engine.Seq("a", 100, 2, 0, false), 0, -1));
        assertEquals(1, g.submit(new Engine.Seq("b", 100, 2, 0, false), 0, -1));
        runUntilIdle(g, t);
        // each engine prefills one prompt: 10 + 100; one engine would take 10 + 200
        assertEquals(List.of(110 * MS, 121 * MS), t.of("a"));
        assertEquals(List.of(110 * MS, 121 * MS), t.of("b"));
    }

    static List<Long> decodeBesideAPrefill(long syncNanos) {
        EngineGroup g = new EngineGroup(EngineTest.config(4, 512), 2, syncNanos);
        EngineTest.Tokens t = new EngineTest.Tokens();
        g.submit(new Engine.Seq("a", 10, 4, 0, false), 0, 0);
        g.advance(25 * MS, t);
        g.submit(new Engine.Seq("b", 100, 1, 25 * MS, false), 25 * MS, 1);
        runUntilIdle(g, t);
        return t.of("a");
    }

    @Test
    void independentEnginesDoNotDelayEachOther() {
        // a alone: 10 + 10 = 20, then steps of 11
        assertEquals(List.of(20 * MS, 31 * MS, 42 * MS, 53 * MS), decodeBesideAPrefill(-1));
    }

    @Test
    void inLockstepOneEnginesPrefillStallsEveryDecode() {
        // from 31 the step waits for rank 1's prefill: 10 + 100 = 110 instead of 11
        assertEquals(List.of(20 * MS, 31 * MS, 141 * MS, 152 * MS), decodeBesideAPrefill(0));
    }

    @Test
    void lockstepAddsTheSyncCostToEveryStep() {
        // steps of 20 + 2, 11 + 2, then 110 + 2, 11 + 2
        assertEquals(List.of(22 * MS, 35 * MS, 147 * MS, 160 * MS), decodeBesideAPrefill(2 * MS));
    }

    @Test
    void theRouterChosenRankIsHonoured() {
        EngineGroup g = new EngineGroup(EngineTest.config(4, 512), 4, -1);
        assertEquals(3, g.submit(new Engine.Seq("a", 1, 1, 0, false), 0, 3));
        assertEquals(0, g.submit(new Engine.Seq("b", 1, 1, 0, false), 0, 9)); // out of range: least loaded
        assertEquals(2, g.running() + g.waiting());
    }
}
