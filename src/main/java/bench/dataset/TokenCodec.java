package bench.dataset;

/**
 * Turns text into token ids and back, without special tokens. Implementations: a local
 * Hugging Face {@code tokenizer.json}, or the server's {@code /tokenize} and
 * {@code /detokenize}. Must be safe to call from several threads.
 */
public interface TokenCodec extends AutoCloseable {

    int[] encode(String text);

    String decode(int[] ids);

    /**
     * Token ids that are safe to sample for random prompts (ordinary vocabulary, no special
     * or added tokens). Called once per dataset.
     */
    int[] samplableIds();

    /** Identifies the tokenizer in results ({@code tokenizer_id}). */
    String id();

    @Override
    default void close() {}
}
