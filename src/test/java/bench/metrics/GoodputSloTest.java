package bench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoodputSloTest {
    private static final long MS = 1_000_000L;

    @Test
    void parsesOneEntry() {
        GoodputSlo s = GoodputSlo.parse(List.of("ttft:200"));
        assertEquals(200.0, s.ttftMs());
        assertNull(s.tpotMs());
        assertNull(s.e2elMs());
        assertTrue(s.enabled());
    }

    @Test
    void parsesSeveralEntries() {
        GoodputSlo s = GoodputSlo.parse(List.of("ttft:200", "tpot:50", "e2el:1000"));
        assertEquals(new GoodputSlo(200.0, 50.0, 1000.0), s);
    }

    @Test
    void parsesCommaSeparatedEntries() {
        assertEquals(new GoodputSlo(200.0, 12.5, null), GoodputSlo.parse(List.of("ttft:200,tpot:12.5")));
        assertEquals(new GoodputSlo(1.0, 2.0, 3.0), GoodputSlo.parse(List.of("ttft:1,,tpot:2", "e2el:3,")));
    }

    @Test
    void toleratesCaseAndSpaces() {
        assertEquals(new GoodputSlo(200.0, null, 7.0), GoodputSlo.parse(List.of(" TTFT:200 ", "E2eL: 7")));
    }

    @Test
    void laterEntryWinsAndZeroIsAllowed() {
        assertEquals(new GoodputSlo(0.0, null, null), GoodputSlo.parse(List.of("ttft:200", "ttft:0")));
    }

    @Test
    void nullOrEmptyMeansNone() {
        assertSame(GoodputSlo.NONE, GoodputSlo.parse(null));
        assertFalse(GoodputSlo.parse(List.of()).enabled());
        assertFalse(GoodputSlo.NONE.enabled());
        assertEquals(GoodputSlo.NONE, GoodputSlo.parse(List.of("", " , ")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"itl:5", "queue:1", "ttft200", "ttft", "ttft:1:2", "ttft:-1", "tpot:-0.5", "ttft:abc",
            "ttft:", ":200", "ttft:NaN", "e2el:Infinity", "ttft=200", "ttft:200d", "ttft:1e3"})
    void rejectsBadEntries(String entry) {
        BenchException e = assertThrows(BenchException.class, () -> GoodputSlo.parse(List.of(entry)));
        assertTrue(e.getMessage().contains("--goodput"), e.getMessage());
        assertEquals(1, e.exitCode());
    }

    @Test
    void errorMessagesNameTheProblem() {
        assertTrue(assertThrows(BenchException.class, () -> GoodputSlo.parse(List.of("itl:5")))
                .getMessage().contains("'itl'"));
        assertTrue(assertThrows(BenchException.class, () -> GoodputSlo.parse(List.of("ttft:abc")))
                .getMessage().contains("not a number"));
        assertTrue(assertThrows(BenchException.class, () -> GoodputSlo.parse(List.of("ttft:-1")))
                .getMessage().contains(">= 0"));
        assertTrue(assertThrows(BenchException.class, () -> GoodputSlo.parse(List.of("ttft200")))
                .getMessage().contains("KEY:MS"));
        // a bad entry after a good one still fails
        assertThrows(BenchException.class, () -> GoodputSlo.parse(List.of("ttft:200,tpot:x")));
    }

    @Test
    void constructorValidates() {
        assertThrows(BenchException.class, () -> new GoodputSlo(-1.0, null, null));
        assertThrows(BenchException.class, () -> new GoodputSlo(null, Double.NaN, null));
        assertThrows(BenchException.class, () -> new GoodputSlo(null, null, Double.POSITIVE_INFINITY));
    }

    @Test
    void goodChecksEveryObjectiveInclusively() {
        GoodputSlo s = new GoodputSlo(200.0, 50.0, 1000.0);
        assertTrue(s.good(200 * MS, 50 * MS, 1000 * MS)); // boundaries are good
        assertTrue(s.good(10 * MS, 0, 20 * MS));
        assertFalse(s.good(200 * MS + 1, 50 * MS, 1000 * MS));
        assertFalse(s.good(200 * MS, 50 * MS + 1, 1000 * MS));
        assertFalse(s.good(200 * MS, 50 * MS, 1000 * MS + 1));
    }

    @Test
    void goodIgnoresMissingObjectives() {
        GoodputSlo ttftOnly = new GoodputSlo(0.5, null, null);
        assertTrue(ttftOnly.good(500_000, Long.MAX_VALUE, Long.MAX_VALUE));
        assertFalse(ttftOnly.good(500_001, 0, 0));
        GoodputSlo tpotOnly = GoodputSlo.parse(List.of("tpot:12.5"));
        assertTrue(tpotOnly.good(Long.MAX_VALUE, 12_500_000, Long.MAX_VALUE));
        assertFalse(tpotOnly.good(0, 12_500_001, 0));
        assertTrue(GoodputSlo.NONE.good(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
    }
}
