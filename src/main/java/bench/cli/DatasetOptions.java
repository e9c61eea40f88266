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

    @Option(names = {"--output-len", "--random-output-len"}, paramLabel = "N", defaultValue = "128",
            description = "Output length in tokens (max_tokens), random dataset; default for custom lines without one (default: ${DEFAULT-VALUE}).")
    int outputLen;

    @Option(names = "--random-range-ratio", paramLabel = "R", defaultValue = "0",
            description = "Lengths drawn uniformly from [len*(1-R), len*(1+R)] (default: ${DEFAULT-VALUE}).")
    double rangeRatio;

    @Option(names = "--random-prefix-len", paramLabel = "N", defaultValue = "0",
            description = "Tokens of a prefix shared by every prompt, added to the input length (default: ${DEFAULT-VALUE}).")
    int prefixLen;

    @Option(names = "--sharegpt-output-len", paramLabel = "N",
            description = "Fixed output length for sharegpt (default: the reference answer's length).")
    Integer sharegptOutputLen;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "Hugging Face tokenizer.json, or a model directory holding one, for exact prompt lengths "
                    + "(default: the server's /tokenize and /detokenize).")
    Path tokenizer;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for prompts and the arrival schedule (default: ${DEFAULT-VALUE}).")
    long seed;
}
