package bench.cli;

import bench.plot.CompareTable;
import bench.plot.ResultLoader;
import bench.plot.ResultTable;
import bench.plot.Stat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bench compare}: each label's figures per sweep point, and their ratio to a baseline label. */
@Command(name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        header = "Compare labels point by point with a baseline label (Markdown or CSV).",
        description = {
            "Compare labels point by point from saved results (bench's and 'vllm bench serve' JSON files) under "
                    + "DIR...: output and request throughput, mean and p99 (--stat) TTFT and ITL, each with its "
                    + "ratio to the --baseline label's at the same point. A Markdown table per sweep, or CSV."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Directories to read results from (recursively).")
    List<Path> dirs;

    @Option(names = "--baseline", required = true, paramLabel = "LABEL", description = "The label ratios are taken against.")
    String baseline;

    @Option(names = "--csv", description = "CSV instead of Markdown.")
    boolean csv;

    @Option(names = "--stat", paramLabel = "STAT", defaultValue = "p99",
            description = "The latency statistic compared beside the means: median, std, min, max or any percentile "
                    + "pNN or pNN.N, e.g. p95, p99.9 (default: ${DEFAULT-VALUE}).")
    String stat;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Stat s = Cli.usage(() -> Stat.parse(stat));
        ResultLoader.Loaded loaded = ResultLoader.load(dirs);
        noResults(loaded);
        // a --baseline that names none of the labels read is bad input
        ResultTable table = ResultTable.of(loaded.records());
        CompareTable t = Cli.usage(() -> CompareTable.build(table, baseline, s));
        if (!loaded.skipped().isEmpty()) {
            // the table is the output; what was left out goes to stderr
            report(spec.commandLine().getErr(), loaded);
        }
        o.print(csv ? t.csv() : t.markdown());
        o.flush();
        return 0;
    }

    /** What was read and what was left out (each file and why), and an error when nothing was found. */
    static void report(PrintWriter w, ResultLoader.Loaded loaded) {
        noResults(loaded);
        w.println("read " + loaded.records().size() + " results from " + loaded.filesRead() + " JSON files");
        loaded.skippedLines().forEach(w::println);
        w.flush();
    }

    static void noResults(ResultLoader.Loaded loaded) {
        if (loaded.records().isEmpty()) {
            throw new bench.BenchException("no results found (" + loaded.filesRead() + " JSON files read"
                    + (loaded.skipped().isEmpty() ? (loaded.filesRead() == 0 ? "" : ", none is a bench or vLLM result")
                            : "; " + String.join("; ", loaded.skippedLines())) + ")");
        }
    }
}
