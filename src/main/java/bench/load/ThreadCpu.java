package bench.load;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per-thread CPU time, for diagnosing where a run's client CPU goes (-Dbench.debug.threads=true). */
final class ThreadCpu {
    private ThreadCpu() {}

    static Map<String, Long> snapshot() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new LinkedHashMap<>();
        if (!mx.isThreadCpuTimeSupported()) {
            return out;
        }
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) {
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                if (cpu >= 0) {
                    out.merge(t.getThreadName() + "#" + t.getThreadId(), cpu, Long::sum);
                }
            }
        }
        return out;
    }

    static void report(Map<String, Long> before, Map<String, Long> after, PrintStream out) {
        after.forEach((name, cpu) -> {
            long d = cpu - before.getOrDefault(name, 0L);
            if (d > 1_000_000) {
                out.printf("thread cpu: %-40s %8.1f ms%n", name, d / 1e6);
            }
        });
    }
}
