package bench.experiment;

import bench.BenchException;
import bench.proc.BenchProcess;
import bench.slurm.Node;
import bench.slurm.Plan;
import bench.slurm.Router;
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
 * The {@code local} runtime: a plan's engines run as {@code bench mock} processes on
 * 127.0.0.1, each on a port of its own, with its role and the engine model, and the router
 * (and each group's own router, when the plan has them) as the {@code bench mock router}
 * stand-in, so the article's topologies run on a laptop with no Slurm and no GPU. A DP
 * group's head simulates all of the group's ranks (headless nodes have no server in vLLM
 * either, so they get no process). Logs go to {@code logDir}.
 */
public final class LocalLaunch implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 90_000;

    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    /** Plan URL of each group router to its local URL. */
    private final Map<String, String> routerUrls = new LinkedHashMap<>();
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
        List<Node> serving = plan.servingNodes().toList();
        List<Process> engines = new ArrayList<>();
        List<Path> portFiles = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (Node n : serving) {
            String name = n.role().toString().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-" + n.host();
            Path portFile = logDir.resolve(name + ".port");
            Path log = logDir.resolve(name + ".log");
            deleteQuietly(portFile);
            List<String> args = new ArrayList<>(List.of("mock", "--host", "127.0.0.1", "--port", "0", "--port-file",
                    portFile.toString()));
            args.addAll(model.mockArgs(n));
            Process p = BenchProcess.start(BenchProcess.command(List.of("-Xms128m"), args), log);
            processes.add(p);
            engines.add(p);
            portFiles.add(portFile);
            logs.add(log);
        }
        for (int i = 0; i < serving.size(); i++) {
            int port = BenchProcess.awaitPort(engines.get(i), portFiles.get(i), logs.get(i), START_TIMEOUT_MS);
            urls.put(serving.get(i).url(), "http://127.0.0.1:" + port);
        }
        // each group's own router first: the router's workers are their URLs
        for (Router g : plan.groupRouters()) {
            routerUrls.put(g.url(), startRouter(g, "group-router-" + g.host(), logDir));
        }
        Router r = plan.router();
        endpoint = r == null ? urls.values().iterator().next() : startRouter(r, "router", logDir);
        awaitHealthy(endpoint, START_TIMEOUT_MS);
    }

    /** The router stand-in with the plan router's settings, its workers mapped to their local URLs. */
    private String startRouter(Router r, String name, Path logDir) throws InterruptedException {
        Path portFile = logDir.resolve(name + ".port");
        Path log = logDir.resolve(name + ".log");
        deleteQuietly(portFile);
        List<String> args = new ArrayList<>(List.of("mock", "router", "--host", "127.0.0.1", "--port", "0",
                "--port-file", portFile.toString(), "--policy", r.policy()));
        if (!r.prefill().isEmpty()) {
            args.add("--vllm-pd-disaggregation");
            for (String u : r.prefill()) {
                args.addAll(List.of("--prefill", local(u)));
            }
            for (String u : r.decode()) {
                args.addAll(List.of("--decode", local(u)));
            }
        } else {
            args.add("--worker-urls");
            for (String u : r.workers()) {
                args.add(local(u));
            }
        }
        if (r.intraNodeDataParallelSize() > 1) {
            args.addAll(List.of("--intra-node-data-parallel-size", Integer.toString(r.intraNodeDataParallelSize())));
        }
        Process p = BenchProcess.start(BenchProcess.command(List.of("-Xms64m"), args), log);
        processes.add(p);
        return "http://127.0.0.1:" + BenchProcess.awaitPort(p, portFile, log, START_TIMEOUT_MS);
    }

    private String local(String planUrl) {
        String u = urls.getOrDefault(planUrl, routerUrls.get(planUrl));
        if (u == null) {
            throw new IllegalStateException("the router names " + planUrl + ", which no engine or group router serves");
        }
        return u;
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
