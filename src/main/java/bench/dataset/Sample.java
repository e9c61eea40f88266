package bench.dataset;

/**
 * One request's input.
 *
 * @param prompt       the prompt text
 * @param promptTokens its length in tokens, or -1 when no tokenizer measured it
 * @param outputTokens max_tokens for the request
 */
public record Sample(String prompt, int promptTokens, int outputTokens) {
    public Sample {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt is null");
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("output length must be >= 1, got " + outputTokens);
        }
        if (promptTokens < -1) {
            throw new IllegalArgumentException("prompt length must be >= -1");
        }
    }
}
