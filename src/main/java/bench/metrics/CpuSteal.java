package bench.metrics;

import java.util.Arrays;

/**
 * Steal time per CPU from {@code /proc/stat}: the time a virtual machine's vCPU was ready to
 * run but the host ran something else. On a shared VM it makes a process late without any
 * work of its own, so {@code bench run}'s self-check, the mock's ground truth and
 * {@code make perf} report it. The parsers are pure; {@link Reading#now()} reads the files.
 */
public final class CpuSteal {
    /** USER_HZ: the unit of {@code /proc/stat}, 100 on every Linux this runs on. */
    static final double TICKS_PER_SECOND = 100;
    /** Shorter windows give no figure: one 10 ms tick would be a large share of them. */
    public static final long MIN_WINDOW_NANOS = 1_000_000_000L;

    private CpuSteal() {}

    /**
     * Steal ticks of each CPU ({@code cpu0}, {@code cpu1}, ... lines; the 8th value), indexed
     * by CPU number; an empty array when the text has none (not Linux, or a kernel without
     * the field).
     */
    public static long[] ticks(String procStat) {
        long[] out = new long[0];
        for (String line : procStat.split("\n")) {
            if (!line.startsWith("cpu") || line.length() < 4 || !Character.isDigit(line.charAt(3))) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 9) {
                return new long[0];
            }
            int cpu;
            long steal;
            try {
                cpu = Integer.parseInt(f[0].substring(3));
                steal = Long.parseLong(f[8]);
            } catch (NumberFormatException e) {
                return new long[0];
            }
            if (cpu >= out.length) {
                long[] grown = Arrays.copyOf(out, cpu + 1);
                Arrays.fill(grown, out.length, grown.length, -1);
                out = grown;
            }
            out[cpu] = steal;
        }
        return out;
    }

    /**
     * Percent of {@code elapsedNanos} that CPU {@code cpu} was stolen between two readings,
     * or NaN when either reading lacks that CPU or the window is under {@link #MIN_WINDOW_NANOS}.
     */
    public static double percent(long[] before, long[] after, int cpu, long elapsedNanos) {
        if (cpu < 0 || cpu >= before.length || cpu >= after.length || before[cpu] < 0 || after[cpu] < 0
                || elapsedNanos < MIN_WINDOW_NANOS) {
            return Double.NaN;
        }
        double stolenSeconds = (after[cpu] - before[cpu]) / TICKS_PER_SECOND;
        return 100 * stolenSeconds / (elapsedNanos / 1e9);
    }

    /**
     * Mean steal percent over {@code cpus} between two readings, or NaN when a reading lacks
     * any of them (or none is given).
     */
    public static double percent(long[] before, long[] after, int[] cpus, long elapsedNanos) {
        if (cpus.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int cpu : cpus) {
            sum += percent(before, after, cpu, elapsedNanos);
        }
        return sum / cpus.length;
    }

    /**
     * The CPUs a process may run on, from the {@code Cpus_allowed_list} line of its
     * {@code /proc/.../status} ("0-3,6"); empty when the line is missing or unreadable.
     */
    public static int[] allowedCpus(String status) {
        for (String line : status.split("\n")) {
            if (!line.startsWith("Cpus_allowed_list:")) {
                continue;
            }
            java.util.List<Integer> cpus = new java.util.ArrayList<>();
            try {
                for (String part : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                    int dash = part.indexOf('-');
                    int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).trim());
                    int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
                    if (to < from || to - from > 4096) {
                        return new int[0];
                    }
                    for (int c = from; c <= to; c++) {
                        cpus.add(c);
                    }
                }
            } catch (NumberFormatException e) {
                return new int[0];
            }
            return cpus.stream().mapToInt(Integer::intValue).toArray();
        }
        return new int[0];
    }

    /** Steal ticks of each CPU now ({@link #ticks} of {@code /proc/stat}); empty off Linux. */
    public static long[] ticksNow() {
        return ticks(Reading.read("/proc/stat"));
    }

    /** A reading of this process's CPUs: their steal ticks now. */
    public record Reading(int[] cpus, long[] ticks, long nanos) {
        /** Reads {@code /proc/stat} and {@code /proc/self/status}; empty arrays off Linux. */
        public static Reading now() {
            return new Reading(allowedCpus(read("/proc/self/status")), ticksNow(), System.nanoTime());
        }

        /** Mean steal percent of this process's CPUs since {@code before}, NaN when unknown. */
        public double percentSince(Reading before) {
            return percent(before.ticks, ticks, cpus, nanos - before.nanos);
        }

        private static String read(String path) {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(path));
            } catch (java.io.IOException | RuntimeException e) {
                return "";
            }
        }
    }
}
