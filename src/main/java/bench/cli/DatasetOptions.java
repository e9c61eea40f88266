package bench.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What to send (flags as {@code vllm bench serve}). */
final class DatasetOptions {
    @Option(names = "--dataset-name", defaultValue = "random",
            description = "random, sharegpt (local JSON file) or custom (JSONL with prompt and output_len) (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--dataset-path", paramLabel = "FILE", description = "Dataset file for sharegpt and custom.")
    Path path;

    @Option(names = {"--input-len", "--random-input-len"}, paramLabel = "N", defaultValue = "1024",
            description = "Prompt length in tokens, random dataset (default: ${DEFAULT-VALUE}).")
    int inputLen;

    @Option(names = "--output-len", paramLabel = "N",
            description = "Output length in tokens (max_tokens) for every dataset: sets --random-output-len, "
                    + "--sharegpt-output-len and --custom-output-len, as in vLLM.")
    Integer outputLen;

    @Option(names = "--random-output-len", paramLabel = "N", defaultValue = "128",
            description = "Output length in tokens, random dataset (default: ${DEFAULT-VALUE}).")
    int randomOutputLen;

    @Option(names = "--random-range-ratio", paramLabel = "R", defaultValue = "0",
            description = "Lengths drawn uniformly from [len*(1-R), len*(1+R)] (default: ${DEFAULT-VALUE}).")
    double rangeRatio;

    @Option(names = "--random-prefix-len", paramLabel = "N", defaultValue = "0",
            description = "Tokens of a prefix shared by every prompt, added to the input length (default: ${DEFAULT-VALUE}).")
    int prefixLen;

    @Option(names = "--sharegpt-output-len", paramLabel = "N",
            description = "Fixed output length for sharegpt (default: the reference answer's length).")
    Integer sharegptOutputLen;

    @Option(names = "--custom-output-len", paramLabel = "N",
            description = "Output length of every custom line; without it (or --output-len), a line's own "
                    + "output_len, else " + DEFAULT_CUSTOM_OUTPUT_LEN + " as in vLLM.")
    Integer customOutputLen;

    @Option(names = "--disable-shuffle",
            description = "sharegpt and custom: take the file's order instead of shuffling with --seed.")
    boolean disableShuffle;

    @Option(names = "--no-oversample",
            description = "sharegpt and custom: a file with fewer usable prompts than --num-prompts is an error "
                    + "(default: its prompts repeat).")
    boolean noOversample;

    @Option(names = {"--skip-chat-template", "--custom-skip-chat-template"},
            description = "Accepted for vLLM's command lines: bench never applies a chat template itself (custom "
                    + "prompts go as they are; /v1/chat/completions leaves templates to the server).")
    boolean skipChatTemplate;

    @Option(names = "--tokenizer", paramLabel = "PATH|ID",
            description = "Hugging Face tokenizer.json, a model directory holding one, or a model id (org/name) "
                    + "in the local Hugging Face cache (never downloaded), for exact prompt lengths "
                    + "(default: the server's /tokenize and /detokenize).")
    String tokenizer;

    @Option(names = "--tokenizer-mode", paramLabel = "MODE", defaultValue = "auto",
            description = "auto or hf: --tokenizer is read as a Hugging Face tokenizer.json; other modes "
                    + "(mistral, ...) need the server's tokenizer, the default (default: ${DEFAULT-VALUE}).")
    String tokenizerMode;

    @Option(names = "--trust-remote-code",
            description = "Accepted for vLLM's command lines; bench never runs a model's code, so it has no effect.")
    boolean trustRemoteCode;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for prompts and the arrival schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    /** Output length of random prompts: --output-len wins, as in vLLM. */
    int randomOutputLen() {
        return outputLen != null ? outputLen : randomOutputLen;
    }

    /** Fixed output length of sharegpt prompts, or null for the reference answer's. */
    Integer sharegptOutputLen() {
        return outputLen != null ? outputLen : sharegptOutputLen;
    }

    /** vLLM's --custom-output-len default. */
    static final int DEFAULT_CUSTOM_OUTPUT_LEN = 256;

    /** Output length of custom lines: all of them when {@link #customOutputLenForced}, else those without one. */
    int customOutputLen() {
        if (outputLen != null) {
            return outputLen;
        }
        return customOutputLen != null ? customOutputLen : DEFAULT_CUSTOM_OUTPUT_LEN;
    }

    /** --output-len or --custom-output-len given: every custom line takes it, as in vLLM. */
    boolean customOutputLenForced() {
        return outputLen != null || customOutputLen != null;
    }
}
