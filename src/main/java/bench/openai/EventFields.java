package bench.openai;

/**
 * What {@link EventScanner} read from one streamed OpenAI event. Mutable and reused for every
 * event of a connection, so nothing is allocated per token.
 */
public final class EventFields {
    /** {@code data: [DONE]}. */
    public boolean done;
    /** The JSON could not be read. */
    public boolean malformed;
    /** Top-level {@code error} member, or {@code "object": "error"}. */
    public boolean error;
    /** Offset and length of the error value in the scanned bytes (or of the whole event). */
    public int errorFrom;
    public int errorLen;
    /** Number of entries in {@code choices}; 0 when absent, null or empty. */
    public int choices;
    /** choices[0] carries generated output: non-empty text, content, reasoning or tool calls. */
    public boolean hasContent;
    /** choices[0].finish_reason is a string. */
    public boolean finished;
    /** usage.completion_tokens, or -1 when the event has no usage. */
    public long completionTokens;
    /** usage.prompt_tokens, or -1. */
    public long promptTokens;

    public void clear() {
        done = false;
        malformed = false;
        error = false;
        errorFrom = 0;
        errorLen = 0;
        choices = 0;
        hasContent = false;
        finished = false;
        completionTokens = -1;
        promptTokens = -1;
    }
}
