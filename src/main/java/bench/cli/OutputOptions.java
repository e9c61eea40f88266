package bench.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where results go (flags as {@code vllm bench serve}). */
final class OutputOptions {
    @Option(names = "--save-result", description = "Write the result JSON.")
    boolean saveResult;

    @Option(names = "--save-detailed",
            description = "Also stream one JSON line per request (times, lengths, token times, error) as it completes. "
                    + "Implies --save-result.")
    boolean saveDetailed;

    @Option(names = "--append-result",
            description = "Add the result to the result file after what it holds (one JSON document after another; "
                    + "plot and compare read each), instead of replacing it. Implies --save-result.")
    boolean appendResult;

    @Option(names = "--result-dir", paramLabel = "DIR",
            description = "Directory for result files (default: current). Only with --save-result (as in vLLM).")
    Path resultDir;

    @Option(names = "--result-filename", paramLabel = "FILE",
            description = "Result file name (default: LABEL-RATEqps[-concurrencyN]-MODEL-DATE.json). Only with "
                    + "--save-result (as in vLLM).")
    String resultFilename;

    @Option(names = "--label", description = "Label of the run in results (default: the backend).")
    String label;

    @Option(names = "--metadata", arity = "1..*", paramLabel = "KEY=VALUE",
            description = "Extra KEY=VALUE pairs stored in the result.")
    List<String> metadata;

    @Option(names = "--scrape-metrics",
            description = "Read the server's /metrics (Prometheus) just before the timed requests (after the ready "
                    + "check and the warm-ups) and after them; store the changes.")
    boolean scrapeMetrics;

    @Option(names = {"--disable-tqdm", "--no-progress"}, description = "No progress output.")
    boolean noProgress;

    /** Whether the run writes a result file: --save-result, or a flag that implies it. */
    boolean saves() {
        return saveResult || saveDetailed || appendResult;
    }

    /**
     * The one-line warning for where-to flags that do nothing: as in vLLM, --result-dir and
     * --result-filename without --save-result save nothing. Null when there is nothing to say.
     */
    String unsavedWarning() {
        if (saves() || (resultDir == null && resultFilename == null)) {
            return null;
        }
        String flags = resultDir != null && resultFilename != null ? "--result-dir and --result-filename"
                : resultDir != null ? "--result-dir" : "--result-filename";
        return "bench: warning: " + flags + " without --save-result: the result is not saved";
    }
}
