package bench.openai;

/**
 * How one streamed request ended, as seen on the wire.
 *
 * @param failure          null on success
 * @param detail           failure reason (status and body snippet, error event, ...), or null
 * @param httpStatus       0 when no status line arrived
 * @param promptTokens     usage.prompt_tokens from the server, -1 when not reported
 * @param completionTokens usage.completion_tokens from the server, -1 when not reported
 * @param tokensSeen       tokens counted from the stream's events
 * @param tokenEvents      events that carried tokens
 * @param sawDone          whether {@code data: [DONE]} arrived
 */
public record StreamOutcome(FailureKind failure, String detail, int httpStatus, long promptTokens,
        long completionTokens, long tokensSeen, int tokenEvents, boolean sawDone) {

    public boolean ok() {
        return failure == null;
    }

    /** Output tokens: the server's usage when reported, else what the stream carried. */
    public long outputTokens() {
        return completionTokens >= 0 ? completionTokens : tokensSeen;
    }

    public StreamOutcome withFailure(FailureKind kind, String why) {
        return new StreamOutcome(kind, why, httpStatus, promptTokens, completionTokens, tokensSeen,
                tokenEvents, sawDone);
    }
}
