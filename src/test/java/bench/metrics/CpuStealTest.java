package bench.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuStealTest {
    static final String BEFORE = """
            cpu  2204485 0 497951 2943896 3827 0 141451 52119 0 0
            cpu0 1102242 0 248975 1471948 1913 0 70725 26000 0 0
            cpu1 1102243 0 248976 1471948 1914 0 70726 26119 0 0
            intr 123 4 5
            ctxt 99
            """;
    static final String AFTER = """
            cpu  2204485 0 497951 2943896 3827 0 141451 52419 0 0
            cpu0 1102242 0 248975 1471948 1913 0 70725 26137 0 0
            cpu1 1102243 0 248976 1471948 1914 0 70726 26282 0 0
            """;

    @Test
    void stealIsTheEighthValueOfEachCpuLine() {
        assertArrayEquals(new long[] {26000, 26119}, CpuSteal.ticks(BEFORE));
    }

    @Test
    void percentOfTheElapsedTime() {
        long[] a = CpuSteal.ticks(BEFORE);
        long[] b = CpuSteal.ticks(AFTER);
        // 137 ticks = 1.37 s of 25 s on cpu0; 163 ticks = 1.63 s on cpu1
        assertEquals(5.48, CpuSteal.percent(a, b, 0, 25_000_000_000L), 1e-9);
        assertEquals(6.52, CpuSteal.percent(a, b, 1, 25_000_000_000L), 1e-9);
    }

    @Test
    void unknownWhenTheFieldOrTheCpuIsMissing() {
        assertEquals(0, CpuSteal.ticks("cpu  1 2 3 4\ncpu0 1 2 3 4\n").length, "kernel without steal");
        assertEquals(0, CpuSteal.ticks("").length);
        long[] a = CpuSteal.ticks(BEFORE);
        assertTrue(Double.isNaN(CpuSteal.percent(a, a, 2, 1_000_000_000L)));
        assertTrue(Double.isNaN(CpuSteal.percent(new long[0], a, 0, 1_000_000_000L)));
        assertTrue(Double.isNaN(CpuSteal.percent(a, a, 0, 0)));
        assertTrue(Double.isNaN(CpuSteal.percent(a, CpuSteal.ticks(AFTER), 0, 999_999_999L)),
                "under a second, one 10 ms tick would be over 1 %");
        assertEquals(13.7, CpuSteal.percent(a, CpuSteal.ticks(AFTER), 0, 10_000_000_000L), 1e-9);
    }

    @Test
    void allowedCpusFromTheStatusLine() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 6}, CpuSteal.allowedCpus("Name:\tjava\nCpus_allowed_list:\t0-3,6\n"));
        assertArrayEquals(new int[] {1}, CpuSteal.allowedCpus("Cpus_allowed_list:\t1\n"));
        assertEquals(0, CpuSteal.allowedCpus("Name:\tjava\n").length);
        assertEquals(0, CpuSteal.allowedCpus("Cpus_allowed_list:\t3-1\n").length);
        assertEquals(0, CpuSteal.allowedCpus("Cpus_allowed_list:\tx\n").length);
    }

    @Test
    void meanOverTheProcessCpus() {
        long[] a = CpuSteal.ticks(BEFORE);
        long[] b = CpuSteal.ticks(AFTER);
        assertEquals(6.0, CpuSteal.percent(a, b, new int[] {0, 1}, 25_000_000_000L), 1e-9);
        assertTrue(Double.isNaN(CpuSteal.percent(a, b, new int[] {0, 5}, 25_000_000_000L)), "a CPU without a line");
        assertTrue(Double.isNaN(CpuSteal.percent(a, b, new int[0], 25_000_000_000L)));
    }
}
