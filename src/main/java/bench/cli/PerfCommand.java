package bench.cli;

import bench.perf.PerfBench;
import bench.perf.PerfPoint;
import bench.perf.PerfReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench perf}: the client and mock benchmark behind {@code make perf}. */
@Command(name = "perf",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        description = {
            "Benchmark the client against the mock, each pinned to one core, as separate processes: client CPU "
                    + "per token, tokens per read, and TTFT/ITL errors against the mock's ground truth. "
                    + "Everything runs on 127.0.0.1. Writes OUT/*.json and OUT/perf.md."})
final class PerfCommand implements Callable<Integer> {
    static final double OPEN_RAMP_SECONDS = 5;
    static final double FLOOR_SECONDS = 10;
    static final double FLOOR_WARMUP_SECONDS = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "results/perf", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--streams", split = ",", defaultValue = "1,64,256,512,1024",
            description = "Client points: concurrent streams, input 128, output 128, TTFT 50 ms, ITL 10 ms, "
                    + "4 x N prompts (default: ${DEFAULT-VALUE}).")
    List<Integer> streams;

    @Option(names = "--open-streams", defaultValue = "10000",
            description = "Streams held open at ITL 500 ms, arriving over 5 s; 0 skips (default: ${DEFAULT-VALUE}).")
    int openStreams;

    @Option(names = "--rate-check", defaultValue = "1000",
            description = "Requests/s offered for the send-accuracy point; 0 skips (default: ${DEFAULT-VALUE}).")
    double rateCheck;

    @Option(names = "--long-run", defaultValue = "1000000",
            description = "Requests of short outputs in a run limited to a 512 MB heap; 0 skips (default: ${DEFAULT-VALUE}).")
    int longRun;

    @Option(names = "--mock-capacity", split = ",", defaultValue = "40000,50000,60000",
            description = "Mock capacity points, tokens/s: evenly staggered streams of 128 tokens at ITL 10 ms for "
                    + "10 s; the figure is the mock's lateness; 0 skips (default: ${DEFAULT-VALUE}).")
    List<Integer> mockCapacity;

    @Option(names = "--floor-client", paramLabel = "PATH",
            description = "The C floor client (make perf builds src/main/c/floor.c when a C compiler is there): run "
                    + "it after the streams points on the same mock and cores, and report the client's CPU per "
                    + "token against it.")
    Path floorClient;

    @Option(names = "--floor-streams", defaultValue = "512",
            description = "Streams of the floor client's closed loop, as a streams point (default: ${DEFAULT-VALUE}).")
    int floorStreams;

    @Option(names = "--runs", defaultValue = "3",
            description = "Rounds: each runs every point once (the long run only in the first), and the table gives "
                    + "each figure's median over the rounds, with every run listed below it "
                    + "(default: ${DEFAULT-VALUE}).")
    int runs;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new bench.BenchException("--runs must be >= 1", Cli.EXIT_USAGE, null);
        }
        List<PerfPoint> points = new ArrayList<>();
        for (int n : streams.stream().distinct().toList()) {
            points.add(PerfPoint.streams(n));
        }
        for (int tps : mockCapacity.stream().distinct().toList()) {
            if (tps > 0) {
                points.add(PerfPoint.mockCapacity(tps));
            }
        }
        if (openStreams > 0) {
            // arrivals spread over 5 s (each stream lasts 50 ms + 19 x 500 ms), so that all of them
            // are open together for seconds, opened as an open-model client would, not in one burst
            points.add(new PerfPoint("open-" + openStreams, 50, 500, openStreams, openStreams, 16, 20,
                    openStreams / OPEN_RAMP_SECONDS, 0, false));
        }
        if (rateCheck > 0) {
            int n = (int) Math.round(rateCheck * 10);
            points.add(new PerfPoint("rate-" + (long) rateCheck, 1, 1, 0, n, 16, 4, rateCheck, 0, false));
        }
        if (longRun > 0) {
            points.add(new PerfPoint("requests-" + longRun, 1, 1, 256, longRun, 8, 2, Double.POSITIVE_INFINITY, 512,
                    true));
        }
        PerfBench.FloorRun floor = null;
        if (floorClient != null) {
            if (!java.nio.file.Files.isExecutable(floorClient)) {
                throw new bench.BenchException("--floor-client: not an executable file: " + floorClient,
                        Cli.EXIT_USAGE, null);
            }
            if (floorStreams < 1) {
                throw new bench.BenchException("--floor-streams must be >= 1", Cli.EXIT_USAGE, null);
            }
            floor = new PerfBench.FloorRun(floorClient.toAbsolutePath(), floorStreams, FLOOR_SECONDS,
                    FLOOR_WARMUP_SECONDS);
        }
        var log = spec.commandLine().getOut();
        List<PerfReport.Measured> measured = new PerfBench(out, log).run(points, floor, runs);
        log.println();
        log.print(java.nio.file.Files.readString(out.resolve("perf.md")));
        log.flush();
        return measured.stream().allMatch(m -> m.median().failed() == 0) ? 0 : 1;
    }
}
