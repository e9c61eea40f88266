package bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JitSettleTest {

    /** A fake process: busy (a fraction of a core) until a given time, then idle. */
    private static final class FakeProcess {
        long nowNanos;
        long cpuNanos;
        final long busyUntilNanos;
        final double busyFraction;

        FakeProcess(long busyUntilMs, double busyFraction) {
            this.busyUntilNanos = TimeUnit.MILLISECONDS.toNanos(busyUntilMs);
            this.busyFraction = busyFraction;
        }

        void sleep(long ms) {
            long step = TimeUnit.MILLISECONDS.toNanos(ms);
            long busy = Math.max(0, Math.min(step, busyUntilNanos - nowNanos));
            cpuNanos += (long) (busy * busyFraction);
            nowNanos += step;
        }

        long await() throws InterruptedException {
            return JitSettle.await(() -> cpuNanos, () -> nowNanos, this::sleep);
        }
    }

    @Test
    void anIdleProcessWaitsOneQuietWindow() throws InterruptedException {
        assertEquals(TimeUnit.NANOSECONDS.toMillis(JitSettle.QUIET_NANOS), new FakeProcess(0, 0).await());
    }

    @Test
    void waitsUntilTheBackgroundWorkEndsAndThenOneQuietWindow() throws InterruptedException {
        // compiler threads busy at 80% of a core for 1 s
        assertEquals(1000 + TimeUnit.NANOSECONDS.toMillis(JitSettle.QUIET_NANOS),
                new FakeProcess(1000, 0.8).await());
    }

    @Test
    void backgroundNoiseBelowTheThresholdCountsAsQuiet() throws InterruptedException {
        assertEquals(TimeUnit.NANOSECONDS.toMillis(JitSettle.QUIET_NANOS), new FakeProcess(60_000, 0.02).await());
    }

    @Test
    void givesUpAfterTheLimit() throws InterruptedException {
        assertEquals(TimeUnit.NANOSECONDS.toMillis(JitSettle.MAX_NANOS), new FakeProcess(60_000, 0.5).await());
    }

    @Test
    void cpuTicksAreUserPlusSystemTimeEvenWhenTheThreadNameHasSpacesAndParentheses() {
        String stat = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 4194368 10 0 0 0 731 29 0 0 20 0 31 0 5 0 0";
        assertEquals(760, JitSettle.cpuTicks(stat));
        assertEquals(5, JitSettle.cpuTicks("7 (a) b) c) R 1 1 1 0 -1 0 0 0 0 0 3 2 0 0 20 0 1 0 5 0 0"));
    }

    @Test
    void compilerCpuIsReadOnLinux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task")));
        long before = JitSettle.compilerCpuNanos();
        assertTrue(before > 0, "a JVM that has run tests has compiled, visibly under /proc/self/task: " + before);
    }
}
