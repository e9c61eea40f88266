package bench.cli;

import bench.BenchException;
import bench.plot.ChartRenderer;
import bench.plot.FigureModel;
import bench.plot.Figures;
import bench.plot.Headless;
import bench.plot.ResultLoader;
import bench.plot.ResultTable;
import bench.plot.Stat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bench plot}: the article's figures, redrawn from saved results. */
@Command(name = "plot",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        header = "Draw the article's figures (PNG, SVG) from saved results, bench's and vLLM's.",
        description = {
            "Draw figures from saved results (bench's and 'vllm bench serve' JSON files) under DIR...; nothing "
                    + "is re-run. One line per label, the same colour in every figure.",
            "Figures (PNG and SVG): output token throughput, request throughput, TTFT and ITL, each with a panel "
                    + "per sweep over input length (Prefill) and over output length (Decode); and for sweeps over "
                    + "request rate or max concurrency, p99 TTFT and p99 ITL against output tokens/s.",
            "A sweep over several axes (a cross product) is drawn over its first axis, once for each value of the "
                    + "others: a panel each in the TTFT, ITL and throughput figures, a latency-vs-throughput "
                    + "figure each for request rate or max concurrency."})
final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Directories to read results from (recursively).")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "DIR", description = "Where figures go (default: FIRST_DIR/plots).")
    Path out;

    @Option(names = "--stat", paramLabel = "STAT", defaultValue = "mean",
            description = "Statistic of the TTFT and ITL figures: mean, median, std, min, max or any percentile pNN "
                    + "or pNN.N, e.g. p95, p99.9 (from the saved histograms when the files do not list it; "
                    + "default: ${DEFAULT-VALUE}).")
    String stat;

    @Option(names = "--format", paramLabel = "png,svg", defaultValue = "png,svg", split = ",",
            description = "Image formats (default: ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(names = "--title", paramLabel = "TEXT", description = "Prefix of every figure title, e.g. the experiment.")
    String title;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        Headless.ensure();
        PrintWriter o = spec.commandLine().getOut();
        Stat s = Cli.usage(() -> Stat.parse(stat));
        List<ChartRenderer.Format> fmts = new ArrayList<>();
        for (String f : formats) {
            ChartRenderer.Format fmt = switch (f.trim().toLowerCase(Locale.ROOT)) {
                case "png" -> ChartRenderer.Format.PNG;
                case "svg" -> ChartRenderer.Format.SVG;
                default -> throw new BenchException("bad --format '" + f + "': png or svg", Cli.EXIT_USAGE, null);
            };
            if (!fmts.contains(fmt)) {
                fmts.add(fmt);
            }
        }
        ResultLoader.Loaded loaded = ResultLoader.load(dirs);
        CompareCommand.report(o, loaded);
        ResultTable table = ResultTable.of(loaded.records());
        List<FigureModel> figures = Figures.all(table, s, title);
        if (figures.isEmpty()) {
            throw new BenchException("nothing to plot: no sweep whose first axis is input-len, output-len, "
                    + "request-rate or max-concurrency (sweeps found: " + String.join(", ", table.sweeps().keySet())
                    + ")");
        }
        PrintWriter err = spec.commandLine().getErr();
        for (FigureModel f : figures) {
            for (FigureModel.Panel p : f.panels()) {
                if (p.series().isEmpty()) {
                    // e.g. --stat p90 on vLLM's files, which hold only the percentiles of its --metric-percentiles
                    err.println("bench plot: warning: " + f.fileStem() + ": no result has a value for '" + p.title()
                            + "' with --stat " + stat + "; the panel is drawn empty");
                }
            }
        }
        err.flush();
        Path dir = out != null ? out : dirs.get(0).resolve("plots");
        ChartRenderer renderer = new ChartRenderer();
        for (FigureModel f : figures) {
            for (Path p : renderer.write(f, dir, fmts)) {
                o.println("wrote " + p);
            }
        }
        o.flush();
        return 0;
    }
}
