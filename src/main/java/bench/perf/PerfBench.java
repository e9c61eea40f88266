package bench.perf;

import bench.BenchException;
import bench.metrics.CpuSteal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark behind {@code make perf}: the mock pinned to one core and {@code bench run} to
 * the other (taskset), as separate processes from the jar; every point's client result and the
 * mock's ground truth are saved, compared, and summed up in a Markdown table. All traffic is
 * on 127.0.0.1.
 */
public final class PerfBench {
    /**
     * JVM options of the mock and the client, as the {@code bench} launcher's defaults: C1
     * only, so that no C2 compilation shares a measured core during a run.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseG1GC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");
    /** The cores the mock and the client are pinned to. */
    static final int MOCK_CPU = 0;
    static final int CLIENT_CPU = 1;
    private final Path out;
    private final PrintWriter log;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String java;
    private final String jar;
    private final boolean pin;

    public PerfBench(Path out, PrintWriter log) {
        this.out = out;
        this.log = log;
        this.java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new BenchException("cannot tell which java runs bench"));
        Path self;
        try {
            self = Path.of(PerfBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new BenchException("cannot locate the bench jar: " + e.getMessage(), e);
        }
        if (!self.toString().endsWith(".jar")) {
            throw new BenchException("bench perf runs from the jar (make perf)");
        }
        this.jar = self.toString();
        this.pin = Runtime.getRuntime().availableProcessors() >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"));
    }

    /**
     * The C floor client to run after the points on the TTFT 50 ms / ITL 10 ms mock, or null.
     *
     * @param seconds measured seconds, after {@code warmupSeconds}
     */
    public record FloorRun(Path binary, int streams, double seconds, double warmupSeconds) {}

    /** The mock's fixed schedule: points that share one are run against the same mock. */
    private record Schedule(double ttftMs, double itlMs) {
        static Schedule of(PerfPoint p) {
            return new Schedule(p.ttftMs(), p.itlMs());
        }
    }

    /**
     * Runs the points in {@code runs} rounds, each round every point once (the long run only in
     * the first: see {@link PerfPoint#repeated}), grouped by mock schedule within a round, and the
     * C floor client when {@code floorRun} is not null, once per round after the points on the
     * streams points' mock (TTFT 50 ms, ITL 10 ms). With one round the files go to {@code out},
     * with more to {@code out/run1}, {@code out/run2}, ...; the summary (perf.md, perf.json)
     * goes to {@code out}. Returns each point's runs; points are told apart by name.
     */
    public List<PerfReport.Measured> run(List<PerfPoint> points, FloorRun floorRun, int runs) throws IOException,
            InterruptedException {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1");
        }
        Files.createDirectories(out);
        Map<Schedule, List<PerfPoint>> bySchedule = new LinkedHashMap<>();
        for (PerfPoint p : points) {
            bySchedule.computeIfAbsent(Schedule.of(p), k -> new ArrayList<>()).add(p);
        }
        Schedule floorSchedule = Schedule.of(PerfPoint.streams(1));
        if (floorRun != null) {
            bySchedule.computeIfAbsent(floorSchedule, k -> new ArrayList<>());
        }
        Map<String, List<PerfReport.Row>> byPoint = new LinkedHashMap<>();
        for (PerfPoint p : points) {
            if (byPoint.put(p.name(), new ArrayList<>()) != null) {
                throw new IllegalArgumentException("two points named " + p.name());
            }
        }
        List<PerfReport.Floor> floors = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            Path dir = runs == 1 ? out : out.resolve("run" + round);
            Files.createDirectories(dir);
            if (runs > 1) {
                log.printf("== round %d of %d%n", round, runs);
            }
            for (Map.Entry<Schedule, List<PerfPoint>> group : bySchedule.entrySet()) {
                int r = round;
                List<PerfPoint> todo = group.getValue().stream().filter(p -> r == 1 || p.repeated()).toList();
                boolean floorHere = floorRun != null && group.getKey().equals(floorSchedule);
                if (todo.isEmpty() && !floorHere) {
                    continue;
                }
                Process mock = startMock(dir, group.getKey().ttftMs(), group.getKey().itlMs());
                try {
                    int port = port(mock);
                    for (PerfPoint p : todo) {
                        byPoint.get(p.name()).add(point(p, port, dir));
                    }
                    if (floorHere) {
                        floors.add(floor(floorRun, port, dir));
                    }
                } finally {
                    stop(mock);
                }
            }
        }
        List<PerfReport.Measured> measured = byPoint.values().stream().map(PerfReport.Measured::new).toList();
        String machine = machine();
        Files.writeString(out.resolve("perf.md"), PerfReport.markdown(measured, machine, floors),
                StandardCharsets.UTF_8);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("machine", machine);
        summary.put("runs", runs);
        summary.put("rows", measured.stream().map(PerfReport.Measured::median).toList());
        if (runs > 1) {
            summary.put("all_runs", measured.stream().map(PerfReport.Measured::runs).toList());
        }
        if (!floors.isEmpty()) {
            summary.put("floor", PerfReport.median(floors));
            if (runs > 1) {
                summary.put("floor_runs", floors);
            }
        }
        Files.writeString(out.resolve("perf.json"), mapper.writeValueAsString(summary), StandardCharsets.UTF_8);
        return measured;
    }

    private PerfReport.Row point(PerfPoint p, int port, Path dir) throws IOException, InterruptedException {
        log.printf("== %s: %d streams, %d prompts, input %d, output %d, TTFT %s ms, ITL %s ms%n", p.name(),
                p.concurrency(), p.prompts(), p.inputLen(), p.outputLen(), p.ttftMs(), p.itlMs());
        log.flush();
        post(port, "/mock/reset");
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", String.valueOf(CLIENT_CPU)));
        }
        cmd.add(java);
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-Xms256m");
        if (p.heapMb() > 0) {
            cmd.add("-Xmx" + p.heapMb() + "m");
        }
        cmd.addAll(List.of("-jar", jar, "run", "--base-url", "http://127.0.0.1:" + port, "--output-len",
                String.valueOf(p.outputLen()), "--num-prompts", String.valueOf(p.prompts()), "--request-rate",
                Double.isInfinite(p.rate()) ? "inf" : String.valueOf(p.rate()), "--seed", "1", "--no-progress",
                "--label", p.name(), "--save-result", "--result-dir", dir.toString(), "--result-filename",
                p.name() + ".json", "--request-timeout", "600"));
        if (p.concurrency() > 0) {
            cmd.addAll(List.of("--max-concurrency", String.valueOf(p.concurrency())));
        }
        if (p.burstiness() != 1) {
            cmd.addAll(List.of("--burstiness", String.valueOf(p.burstiness())));
        }
        // warm both JITs on this point's own workload first; the mock leaves warm-ups out of its ground truth
        cmd.addAll(List.of("--num-warmups", String.valueOf(warmups(p))));
        if (p.custom()) {
            Path data = dir.resolve("perf-prompts.jsonl");
            Files.writeString(data, "{\"prompt\": \"kalo mine ruta zovi pesu dafi gohu jabe\"}\n"
                    + "{\"prompt\": \"ta zo vi pe su da fi go\"}\n", StandardCharsets.UTF_8);
            cmd.addAll(List.of("--dataset-name", "custom", "--dataset-path", data.toString()));
        } else {
            cmd.addAll(List.of("--input-len", String.valueOf(p.inputLen())));
        }
        Path clientLog = dir.resolve(p.name() + ".log");
        long[] stealBefore = CpuSteal.ticksNow();
        long startNanos = System.nanoTime();
        Process client = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(clientLog.toFile()).start();
        if (!client.waitFor(60, TimeUnit.MINUTES)) {
            client.destroyForcibly();
            throw new BenchException(p.name() + ": the client did not finish within an hour; see " + clientLog);
        }
        long elapsedNanos = System.nanoTime() - startNanos;
        long[] stealAfter = CpuSteal.ticksNow();
        JsonNode stats = get(port, "/mock/stats");
        Files.writeString(dir.resolve(p.name() + "-mock.json"), mapper.writeValueAsString(stats),
                StandardCharsets.UTF_8);
        Path result = dir.resolve(p.name() + ".json");
        if (!Files.exists(result)) {
            throw new BenchException(p.name() + ": no result (exit " + client.exitValue() + "); see " + clientLog);
        }
        PerfReport.Row row = PerfReport.row(p, mapper.readTree(result.toFile()), stats,
                pin ? CpuSteal.percent(stealBefore, stealAfter, MOCK_CPU, elapsedNanos) : Double.NaN,
                pin ? CpuSteal.percent(stealBefore, stealAfter, CLIENT_CPU, elapsedNanos) : Double.NaN);
        log.printf("   %,.0f tok/s, %.1f us/token CPU, %.2f tokens/read, TTFT err %.2f/%.2f ms, ITL err %.2f/%.2f ms, "
                + "mock lateness p50/p99 %.2f/%.2f ms, steal %.1f/%.1f %%%n", row.tokensPerSecond(),
                row.cpuMicrosPerToken(), row.tokensPerRead(), row.ttftMeanErrorMs(), row.ttftP99ErrorMs(),
                row.itlP50ErrorMs(), row.itlP99ErrorMs(), row.mockLatenessP50Ms(), row.mockLatenessP99Ms(),
                row.mockCoreStealPct(), row.clientCoreStealPct());
        log.flush();
        return row;
    }

    /** Runs the C floor client pinned like bench's client, against the mock on {@code port}. */
    private PerfReport.Floor floor(FloorRun f, int port, Path dir) throws IOException, InterruptedException {
        PerfPoint like = PerfPoint.streams(f.streams());
        log.printf("== floor: the C floor client, %d streams, input %d, output %d, %.0f s after %.0f s%n", f.streams(),
                like.inputLen(), like.outputLen(), f.seconds(), f.warmupSeconds());
        log.flush();
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", String.valueOf(CLIENT_CPU)));
        }
        cmd.addAll(List.of(f.binary().toString(), String.valueOf(port), String.valueOf(f.streams()),
                String.valueOf(f.seconds()), String.valueOf(f.warmupSeconds()), String.valueOf(like.inputLen()),
                String.valueOf(like.outputLen()), bench.mock.MockConfig.defaults().model()));
        Path floorLog = dir.resolve("floor.log");
        Process p = new ProcessBuilder(cmd).redirectError(floorLog.toFile()).start();
        String line;
        try (var in = p.inputReader(StandardCharsets.UTF_8)) {
            line = in.readLine();
        }
        long limitSeconds = (long) (f.seconds() + f.warmupSeconds()) + 60;
        if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            stop(p);
            throw new BenchException("the floor client did not finish within " + limitSeconds + " s");
        }
        if (p.exitValue() != 0 || line == null) {
            throw new BenchException("the floor client failed (exit " + p.exitValue() + "); see " + floorLog);
        }
        PerfReport.Floor result = PerfReport.Floor.of(mapper.readTree(line));
        Files.writeString(dir.resolve("floor.json"), mapper.writeValueAsString(result), StandardCharsets.UTF_8);
        log.printf("   %,.0f tok/s, %.1f us/token CPU, %.2f tokens/read%n", result.tokensPerSecond(),
                result.cpuMicrosPerToken(), result.tokensPerRead());
        log.flush();
        return result;
    }

    static int warmups(PerfPoint p) {
        int n = p.concurrency() > 0 ? p.concurrency() : 256;
        return Math.max(16, Math.min(n, 1024));
    }

    private Process startMock(Path dir, double ttftMs, double itlMs) throws IOException, InterruptedException {
        Path portFile = Files.createTempFile(out, "mock-port", ".txt");
        Files.delete(portFile);
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", String.valueOf(MOCK_CPU)));
        }
        cmd.add(java);
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-Xms512m", "-jar", jar, "mock", "--host", "127.0.0.1", "--port", "0", "--port-file",
                portFile.toString(), "--ttft-ms", String.valueOf(ttftMs), "--itl-ms", String.valueOf(itlMs)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mock-" + ttftMs + "-" + itlMs + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile) && !Files.readString(portFile).isBlank()) {
                mockPorts.put(p, Integer.parseInt(Files.readString(portFile).strip()));
                Files.delete(portFile);
                return p;
            }
            if (!p.isAlive()) {
                throw new BenchException("the mock exited (" + p.exitValue() + ")");
            }
            Thread.sleep(50);
        }
        stop(p);
        throw new BenchException("the mock did not start within 60 s");
    }

    private final Map<Process, Integer> mockPorts = new LinkedHashMap<>();

    private int port(Process mock) {
        return mockPorts.get(mock);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private JsonNode get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return mapper.readTree(r.body());
    }

    private void post(int port, String path) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** CPU model, cores, kernel and JDK of this machine. */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: keep "unknown CPU"
        }
        return String.format("%d cores (%s), %s %s, Java %s", Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("os.name"), System.getProperty("os.version"), Runtime.version());
    }
}
