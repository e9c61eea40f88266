package bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Waits, after a warm-up, until the JVM has gone quiet, so that the JIT's backlog does not
 * share the measured core with the event loop. Warm-up (and building the dataset before it)
 * queues hundreds of compilations; where the process has one core they go on for a second or
 * more after the warm-up ends, and a run started meanwhile reads its first tokens late
 * (measured at 512 streams on one core: first-token read delay p99 380 ms without waiting).
 * Quiet means the process used at most {@link #BUSY_FRACTION} of a core over
 * {@link #QUIET_NANOS} while the caller slept: the compiler threads, the GC and anything else
 * that runs in the background have nothing left to do.
 */
public final class JitSettle {
    /** Give up waiting after this long; work that goes on past it is not awaited. */
    public static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);
    public static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    static final double BUSY_FRACTION = 0.05;
    private static final long POLL_MILLIS = 50;

    private JitSettle() {}

    /**
     * CPU time the JIT compiler threads have used so far, in ns (Linux: from
     * {@code /proc/self/task/}, 10 ms resolution), or -1 elsewhere. Unlike the JVM's total
     * compilation time (wall time per compilation, which swells when the compiler shares a busy
     * core), this is what the compiler took from the process. Compiler threads that
     * have already exited are not counted.
     */
    public static long compilerCpuNanos() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    // "C1 CompilerThre", "C2 CompilerThre" (names are cut at 15 characters)
                    if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    ticks += cpuTicks(Files.readString(task.resolve("stat")));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
    }

    /** USER_HZ: 100 on every Linux this runs on. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    /** utime + stime (fields 14 and 15) of a {@code /proc/.../stat} line; the name may hold spaces. */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU time of the whole process in ns, or -1 when the JVM does not say. */
    public static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Blocks until the process is quiet, or for at most {@link #MAX_NANOS}; returns the wait in ms. */
    public static long await() throws InterruptedException {
        if (processCpuNanos() < 0) {
            return 0;
        }
        return await(JitSettle::processCpuNanos, System::nanoTime, Thread::sleep);
    }

    /** Sleeps on the caller's clock. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** {@link #await()} on given sources of process CPU and time (ns), for tests. */
    static long await(LongSupplier cpuNanos, LongSupplier clockNanos, Sleeper sleeper) throws InterruptedException {
        long start = clockNanos.getAsLong();
        int slots = (int) (QUIET_NANOS / TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        long[] wall = new long[slots + 1];
        long[] cpu = new long[slots + 1];
        int n = 0;
        while (true) {
            int i = n % wall.length;
            wall[i] = clockNanos.getAsLong();
            cpu[i] = cpuNanos.getAsLong();
            n++;
            if (n > slots) {
                int oldest = n % wall.length;
                if (cpu[i] - cpu[oldest] <= BUSY_FRACTION * (wall[i] - wall[oldest])) {
                    break;
                }
            }
            if (wall[i] - start >= MAX_NANOS) {
                break;
            }
            sleeper.sleep(POLL_MILLIS);
        }
        return TimeUnit.NANOSECONDS.toMillis(clockNanos.getAsLong() - start);
    }
}
