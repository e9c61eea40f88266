package bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
    @Test
    void aSignalsStatusIs128PlusItsNumber() {
        assertEquals(ExitStatus.INTERRUPTED, ExitStatus.ofSignal(2)); // SIGINT
        assertEquals(ExitStatus.TERMINATED, ExitStatus.ofSignal(15)); // SIGTERM
        assertEquals(129, ExitStatus.ofSignal(1)); // SIGHUP
        assertThrows(IllegalArgumentException.class, () -> ExitStatus.ofSignal(0));
    }

    @Test
    void onlyStatusesAbove128AreStopsBySignal() {
        assertTrue(ExitStatus.bySignal(130));
        assertTrue(ExitStatus.bySignal(143));
        for (int notBySignal : new int[] {0, 1, 2, 70, 128}) {
            assertFalse(ExitStatus.bySignal(notBySignal), Integer.toString(notBySignal));
        }
    }
}
