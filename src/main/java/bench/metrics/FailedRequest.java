package bench.metrics;

/**
 * One failed request, as listed in results.
 *
 * @param index      the request's position in the dataset
 * @param requestId  the x-request-id it was sent with
 * @param kind       failure kind id (e.g. {@code http_error})
 * @param detail     the reason (status and body snippet, error event, ...)
 * @param httpStatus 0 when no status line arrived
 * @param atMs       when it ended, ms after the start of the run
 */
public record FailedRequest(int index, String requestId, String kind, String detail, int httpStatus, double atMs) {}
