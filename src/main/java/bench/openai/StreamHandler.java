package bench.openai;

/** Receives one streamed request's progress, on the event-loop thread. Must not block. */
public interface StreamHandler {

    /** The request is fully written to the socket (after connecting, if a new connection). */
    void onWritten(long nanos);

    /**
     * An event carrying {@code tokens} (>= 1) new output tokens arrived; {@code nanos} is when:
     * the time of the read that delivered it, or on epoll, when its data may have waited in the
     * socket, the kernel's receive stamp. The first call is the first token.
     */
    void onTokens(long nanos, int tokens);

    /** The request is over, successfully or not. Called exactly once. */
    void onComplete(long nanos, StreamOutcome outcome);
}
