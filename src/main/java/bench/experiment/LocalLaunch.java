package bench.experiment;

import bench.BenchException;
import bench.proc.BenchProcess;
import bench.slurm.Plan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code local} runtime: starts the processes of the plan's {@link LocalPlan}, a plan's
 * engines as {@code bench mock} processes on 127.0.0.1, each on a port of its own, with its
 * role and the engine model, and the router (and each group's own router, when the plan has
 * them) as the {@code bench mock router} stand-in, so the article's topologies run on a laptop
 * with no Slurm and no GPU. A DP group's head simulates all of the group's ranks (headless
 * nodes have no server in vLLM either, so they get no process). Logs go to {@code logDir}.
 */
public final class LocalLaunch implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 90_000;

    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private String endpoint;

    private LocalLaunch() {}

    /** Starts every process of the plan and waits until the endpoint answers /health. */
    public static LocalLaunch start(Plan plan, LocalEngineModel model, Path logDir) throws InterruptedException {
        LocalLaunch launch = new LocalLaunch();
        try {
            launch.startAll(plan, model, logDir);
            return launch;
        } catch (RuntimeException | InterruptedException e) {
            launch.close();
            throw e;
        }
    }

    private void startAll(Plan plan, LocalEngineModel model, Path logDir) throws InterruptedException {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new BenchException("cannot create " + logDir + ": " + e.getMessage(), e);
        }
        LocalPlan local = LocalPlan.of(plan, model, logDir);
        // started and not yet listening: the engines start together, a router once its workers listen
        Map<String, Process> starting = new LinkedHashMap<>();
        Map<String, String> localUrls = new LinkedHashMap<>();
        for (LocalPlan.Proc p : local.processes()) {
            for (LocalPlan.Arg a : p.args()) {
                if (a instanceof LocalPlan.UrlOf u && !localUrls.containsKey(u.process())) {
                    awaitAll(local, starting, localUrls);
                }
            }
            deleteQuietly(local.portFile(p));
            Process proc = BenchProcess.start(BenchProcess.command(p.jvmOptions(), LocalPlan.words(p, localUrls::get)),
                    local.log(p));
            processes.add(proc);
            starting.put(p.name(), proc);
        }
        awaitAll(local, starting, localUrls);
        for (LocalPlan.Proc p : local.processes()) {
            if (p.engines() > 0) {
                urls.put(p.standsFor(), localUrls.get(p.name()));
            }
        }
        endpoint = localUrls.get(local.endpoint());
        awaitHealthy(endpoint, START_TIMEOUT_MS);
    }

    /** Waits until every started process listens; records its local URL. */
    private static void awaitAll(LocalPlan local, Map<String, Process> starting, Map<String, String> localUrls)
            throws InterruptedException {
        for (LocalPlan.Proc p : local.processes()) {
            Process proc = starting.remove(p.name());
            if (proc != null) {
                int port = BenchProcess.awaitPort(proc, local.portFile(p), local.log(p), START_TIMEOUT_MS);
                localUrls.put(p.name(), "http://127.0.0.1:" + port);
            }
        }
    }

    private static void awaitHealthy(String url, long timeoutMillis) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new BenchException(url + "/health did not answer within " + timeoutMillis / 1000 + " s");
    }

    public String endpoint() {
        return endpoint;
    }

    /** Plan URL of every engine to its local URL. */
    public Map<String, String> engineUrls() {
        return Map.copyOf(urls);
    }

    /** Stops every process it started, by pid. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            BenchProcess.stop(processes.get(i));
        }
        processes.clear();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
