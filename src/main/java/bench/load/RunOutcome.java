package bench.load;

import bench.metrics.RunMetrics;

/**
 * What a run measured, before it is summarised.
 *
 * @param metrics          the accumulator (not modified after the run)
 * @param startEpochMillis wall-clock start of the main run
 * @param durationNanos    from the first scheduled send to the last completion
 * @param scheduleNanos    offset of the last scheduled send (0 for rate inf)
 * @param lastSendNanos    offset of the last actual send
 * @param sent             requests sent
 * @param notSent          requests never sent because the run was interrupted
 * @param interrupted      whether Ctrl-C stopped the run
 * @param cpuNanos         CPU time the client process used during the main run, -1 if unknown
 * @param reads            socket reads on the streaming path
 * @param stampedReads     of them, reads timed by the kernel's receive stamp (their data may have waited)
 * @param tokensRead       tokens counted on the streaming path (all requests)
 * @param readerLag        per token event: how long its data may have waited before it was timed
 * @param jitCpuMillis CPU the JIT compiler threads used during the main run, -1 if unknown
 * @param serverMetrics    change of the server's /metrics series over the run, or null when not scraped
 * @param cpuStealPct      mean steal time of the CPUs the client may run on during the main run, in
 *                         percent (the host ran something else), NaN if unknown
 */
public record RunOutcome(RunMetrics metrics, long startEpochMillis, long durationNanos, long scheduleNanos,
        long lastSendNanos, int sent, int notSent, boolean interrupted, long cpuNanos, long reads, long stampedReads,
        long tokensRead,
        bench.metrics.LatencyRecorder readerLag, long jitCpuMillis, java.util.Map<String, Double> serverMetrics,
        double cpuStealPct) {

    public RunOutcome {
        // in the server's order, as /metrics listed them
        serverMetrics = serverMetrics == null ? null
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(serverMetrics));
    }
}
