package bench.load;

/**
 * One request as written by {@code --save-detailed} (times in ms after the start of the run,
 * token times in ms after the request's send).
 */
public record RequestRecord(
        int index,
        String requestId,
        boolean success,
        String error,
        String errorDetail,
        int httpStatus,
        double intendedMs,
        double arrivalMs,
        double sentMs,
        double writtenMs,
        double endMs,
        double ttftMs,
        double e2elMs,
        double queueMs,
        int promptTokens,
        long outputTokens,
        boolean outputTokensFromUsage,
        double[] tokenTimesMs,
        int[] tokensPerEvent) {}
