package bench.perf;

import java.util.Arrays;

/**
 * Steal time per CPU from {@code /proc/stat}: the time a virtual machine's vCPU was ready to
 * run but the host ran something else. On a shared VM it is what makes a pinned process late
 * without any work of its own, so {@code make perf} reports it next to each point. Pure: the
 * caller reads the file.
 */
public final class CpuSteal {
    /** USER_HZ: the unit of {@code /proc/stat}, 100 on every Linux this runs on. */
    static final double TICKS_PER_SECOND = 100;

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
     * or NaN when either reading lacks that CPU.
     */
    public static double percent(long[] before, long[] after, int cpu, long elapsedNanos) {
        if (cpu < 0 || cpu >= before.length || cpu >= after.length || before[cpu] < 0 || after[cpu] < 0
                || elapsedNanos <= 0) {
            return Double.NaN;
        }
        double stolenSeconds = (after[cpu] - before[cpu]) / TICKS_PER_SECOND;
        return 100 * stolenSeconds / (elapsedNanos / 1e9);
    }
}
