package bench.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutable accumulator of one run (or one event loop of it): a recorder per metric, counters
 * and the failure list. Single-threaded; merge loops with {@link #add}.
 */
public final class RunMetrics {
    /** Failures listed one by one in results; beyond this they are only counted. */
    public static final int MAX_LISTED_FAILURES = 1000;

    private final EnumMap<Metric, LatencyRecorder> recorders = new EnumMap<>(Metric.class);
    private final Map<String, Long> failuresByKind = new LinkedHashMap<>();
    private final List<FailedRequest> failures = new ArrayList<>();
    private long completed;
    private long failed;
    private long goodCompleted;
    private long totalInputTokens;
    private long totalOutputTokens;
    private long outputTokensFromUsage;
    private long inputTokensFromUsage;
    private long[] outputTokensPerSecond = new long[64];
    private int lastSecond = -1;
    private int peakConcurrency;

    public RunMetrics() {
        for (Metric m : Metric.values()) {
            recorders.put(m, new LatencyRecorder());
        }
    }

    public LatencyRecorder recorder(Metric m) {
        return recorders.get(m);
    }

    /** Counts a successful request's tokens (whether its counts came from the server's usage). */
    public void success(long inputTokens, boolean inputFromUsage, long outputTokens, boolean outputFromUsage,
            boolean good) {
        completed++;
        totalInputTokens += Math.max(0, inputTokens);
        totalOutputTokens += outputTokens;
        if (outputFromUsage) {
            outputTokensFromUsage++;
        }
        if (inputFromUsage) {
            inputTokensFromUsage++;
        }
        if (good) {
            goodCompleted++;
        }
    }

    public void failure(FailedRequest f) {
        failed++;
        failuresByKind.merge(f.kind(), 1L, Long::sum);
        if (failures.size() < MAX_LISTED_FAILURES) {
            failures.add(f);
        }
    }

    /** Adds {@code tokens} output tokens received during second {@code second} of the run. */
    public void outputTokensAt(int second, long tokens) {
        if (second < 0) {
            second = 0;
        }
        if (second >= outputTokensPerSecond.length) {
            outputTokensPerSecond = Arrays.copyOf(outputTokensPerSecond,
                    Math.max(outputTokensPerSecond.length * 2, second + 1));
        }
        outputTokensPerSecond[second] += tokens;
        lastSecond = Math.max(lastSecond, second);
    }

    public void concurrency(int inFlight) {
        peakConcurrency = Math.max(peakConcurrency, inFlight);
    }

    public void add(RunMetrics other) {
        for (Metric m : Metric.values()) {
            recorders.get(m).add(other.recorders.get(m));
        }
        other.failuresByKind.forEach((k, v) -> failuresByKind.merge(k, v, Long::sum));
        for (FailedRequest f : other.failures) {
            if (failures.size() < MAX_LISTED_FAILURES) {
                failures.add(f);
            }
        }
        completed += other.completed;
        failed += other.failed;
        goodCompleted += other.goodCompleted;
        totalInputTokens += other.totalInputTokens;
        totalOutputTokens += other.totalOutputTokens;
        outputTokensFromUsage += other.outputTokensFromUsage;
        inputTokensFromUsage += other.inputTokensFromUsage;
        for (int s = 0; s <= other.lastSecond; s++) {
            if (other.outputTokensPerSecond[s] != 0) {
                outputTokensAt(s, other.outputTokensPerSecond[s]);
            }
        }
        peakConcurrency = Math.max(peakConcurrency, other.peakConcurrency);
    }

    public long completed() {
        return completed;
    }

    public long failed() {
        return failed;
    }

    public long goodCompleted() {
        return goodCompleted;
    }

    public long totalInputTokens() {
        return totalInputTokens;
    }

    public long totalOutputTokens() {
        return totalOutputTokens;
    }

    public long outputTokensFromUsage() {
        return outputTokensFromUsage;
    }

    public long inputTokensFromUsage() {
        return inputTokensFromUsage;
    }

    public int peakConcurrency() {
        return peakConcurrency;
    }

    /** Highest number of output tokens received within one second of the run. */
    public long peakOutputTokensPerSecond() {
        long max = 0;
        for (int s = 0; s <= lastSecond; s++) {
            max = Math.max(max, outputTokensPerSecond[s]);
        }
        return max;
    }

    public Map<String, Long> failuresByKind() {
        return Collections.unmodifiableMap(failuresByKind);
    }

    public List<FailedRequest> failures() {
        return Collections.unmodifiableList(failures);
    }
}
