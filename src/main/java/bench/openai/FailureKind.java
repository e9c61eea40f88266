package bench.openai;

/** Why a request failed. A failed request is always counted and listed with one of these. */
public enum FailureKind {
    /** TCP connect failed (refused, unreachable, DNS). */
    CONNECT_ERROR("connect_error"),
    /** The server answered with a non-2xx status. */
    HTTP_ERROR("http_error"),
    /** The connection closed or reset before the response was complete. */
    CONNECTION_CUT("connection_cut"),
    /** An error event inside an otherwise healthy stream. */
    INBAND_ERROR("inband_error"),
    /** An event that is not valid JSON, or a response that breaks HTTP framing. */
    MALFORMED("malformed"),
    /** The stream ended without {@code data: [DONE]}. */
    MISSING_DONE("missing_done"),
    /** The stream ended without a single token. */
    NO_TOKENS("no_tokens"),
    /** Fewer output tokens than max_tokens although ignore_eos was set. */
    SHORT_OUTPUT("short_output"),
    /** --request-timeout elapsed. */
    TIMEOUT("timeout"),
    /** The run was interrupted (Ctrl-C) while the request was in flight. */
    INTERRUPTED("interrupted");

    private final String id;

    FailureKind(String id) {
        this.id = id;
    }

    /** Stable name used in results and reports. */
    public String id() {
        return id;
    }
}
