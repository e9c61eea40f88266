package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultsTest {

    static Map<Faults.Kind, Integer> counts(Faults f, int n, int maxTokens) {
        Map<Faults.Kind, Integer> m = new EnumMap<>(Faults.Kind.class);
        for (int i = 0; i < n; i++) {
            Faults.Decision d = f.decide(i, maxTokens);
            m.merge(d.kind(), 1, Integer::sum);
            if (d.kind() != Faults.Kind.NONE && d.kind() != Faults.Kind.ERROR) {
                assertTrue(d.atToken() >= 0 && d.atToken() < maxTokens, d.toString());
            }
        }
        return m;
    }

    @Test
    void eachKindOccursAtItsRate() {
        Faults f = new Faults(0.1, 503, 0.2, 0.05, 100, 0.15, 0.1, 7);
        int n = 100_000;
        Map<Faults.Kind, Integer> m = counts(f, n, 32);
        assertEquals(0.1, m.get(Faults.Kind.ERROR) / (double) n, 0.005);
        assertEquals(0.2, m.get(Faults.Kind.CUT) / (double) n, 0.005);
        assertEquals(0.05, m.get(Faults.Kind.STALL) / (double) n, 0.005);
        assertEquals(0.15, m.get(Faults.Kind.INBAND_ERROR) / (double) n, 0.005);
        assertEquals(0.1, m.get(Faults.Kind.MALFORMED) / (double) n, 0.005);
        assertEquals(0.4, m.get(Faults.Kind.NONE) / (double) n, 0.005);
    }

    @Test
    void seededAndIndependentOfOrder() {
        Faults a = new Faults(0.3, 500, 0.3, 0, 0, 0, 0, 42);
        Faults b = new Faults(0.3, 500, 0.3, 0, 0, 0, 0, 43);
        assertEquals(a.decide(17, 10), a.decide(17, 10));
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            if (!a.decide(i, 10).equals(b.decide(i, 10))) {
                differ++;
            }
        }
        assertTrue(differ > 50, "another seed gives other faults: " + differ);
        assertNotEquals(counts(a, 1000, 10), counts(b, 1000, 10));
    }

    @Test
    void noRatesNoFaults() {
        assertEquals(Faults.Decision.NONE, Faults.NONE.decide(3, 10));
        assertEquals(Map.of(Faults.Kind.NONE, 1000), counts(Faults.NONE, 1000, 10));
    }

    @Test
    void badRatesAreRefused() {
        assertThrows(BenchException.class, () -> new Faults(-0.1, 500, 0, 0, 0, 0, 0, 0));
        assertThrows(BenchException.class, () -> new Faults(0.6, 500, 0.6, 0, 0, 0, 0, 0));
        assertThrows(BenchException.class, () -> new Faults(0.1, 200, 0, 0, 0, 0, 0, 0));
        assertThrows(BenchException.class, () -> new Faults(0, 500, 0, 0.1, -5, 0, 0, 0));
    }
}
