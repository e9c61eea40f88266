package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs rendered {@code bare} launch scripts for real, against stand-ins on PATH: an
 * {@code srun} that runs the command here as the node named by {@code --nodelist}, {@code vllm}
 * and {@code vllm-router} ({@link FakeEngine}) that serve {@code /health} on 127.0.0.1, and an
 * {@code ip} that knows only the loopback interface. Several fake nodes share this machine,
 * so each node's engine listens at its port plus a per-node shift, and curl is told (through
 * its {@code .curlrc}) to connect to 127.0.0.1 at that port for {@code nodeK:port}: nothing
 * leaves 127.0.0.1, not even a DNS lookup. One test puts {@code bench mock} and
 * {@code bench mock router} in their place, with the same port shifts, to send requests
 * through a launch.
 */
@Timeout(120)
class LaunchScriptIT {
    private static final long JOB = 4242;

    @TempDir
    Path tmp;

    private Path bin;
    private Path records;
    private int base;
    private ScriptProcess script;

    @BeforeEach
    void fakes() throws IOException {
        assumeTrue(LaunchScriptTest.onPath("curl"), "curl is not installed: the launch script needs it");
        bin = Files.createDirectories(tmp.resolve("bin"));
        records = Files.createDirectories(tmp.resolve("records"));
        SlurmFakes.executable(bin, "vllm", SlurmFakes.fakeEngine("vllm"));
        SlurmFakes.executable(bin, "vllm-router", SlurmFakes.fakeEngine("vllm-router"));
        SlurmFakes.executable(bin, "ip", SlurmFakes.IP);
        SlurmFakes.executable(bin, "srun", SlurmFakes.SRUN);
        base = SlurmFakes.freeBlock(Ports.BLOCK_SIZE + shift(4)); // the block, shifted up to node4's
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (script != null && script.isAlive()) {
            script.destroyForcibly();
        }
        SlurmFakes.stopRecorded(records); // fakes left behind by a failed test
    }

    @Test
    void prefillDecodeLaunchComesUpPassesArgumentsVerbatimAndStopsOnTerm() throws Exception {
        Plan plan = plan(4, 2, 1, LaunchScriptTest.NASTY);
        Files.deleteIfExists(Path.of("/tmp/bench-pwned"));
        start(plan, 60, Map.of());
        Path endpoint = tmp.resolve("logs/" + JOB + "/endpoint");
        script.await(() -> Files.exists(endpoint), 60, "the endpoint file");
        assertEquals("http://node1:" + (base + 1) + "\n", Files.readString(endpoint));

        for (Node n : plan.nodes().toList()) {
            List<String> expected = n.command().subList(1, n.command().size()).stream()
                    .map(a -> a instanceof Arg.NodeAddress ? "127.0.0.1" : a.text()).toList();
            assertEquals(expected, recordedArgs(n.host() + "-vllm"), n.host());
            String env = Files.readString(records.resolve(n.host() + "-vllm.env"));
            assertTrue(env.contains("VLLM_NIXL_SIDE_CHANNEL_HOST=127.0.0.1\n"), env);
            assertTrue(env.contains("VLLM_NIXL_SIDE_CHANNEL_PORT=" + (base + 4) + "\n"), env);
            assertTrue(env.contains("NCCL_SOCKET_IFNAME=lo\nGLOO_SOCKET_IFNAME=lo\n"), env);
            assertTrue(env.contains("FI_PROVIDER=efa\n"), env);
            assertTrue(Files.exists(tmp.resolve("logs/" + JOB + "/" + n.role().jsonName() + "-" + n.host() + ".log")));
        }
        List<String> routers = new ArrayList<>();
        for (Router r : plan.groupRouters()) {
            routers.add(r.host() + "-vllm-router-" + r.port());
            assertEquals(words(r.command()), recordedArgs(routers.getLast()), r.host());
        }
        routers.add("node1-vllm-router-" + (base + 1));
        assertEquals(List.of("node1-vllm-router-" + (base + 18), "node3-vllm-router-" + (base + 18),
                "node1-vllm-router-" + (base + 1)), routers);
        assertEquals(words(plan.router().command()), recordedArgs(routers.getLast()));
        assertTrue(Files.exists(tmp.resolve("logs/" + JOB + "/group-router-node3.log")));
        assertFalse(Files.exists(Path.of("/tmp/bench-pwned")), "a serve argument was executed");
        assertEquals("node1 127.0.0.1 lo\nnode2 127.0.0.1 lo\nnode3 127.0.0.1 lo\nnode4 127.0.0.1 lo\n",
                Files.readString(tmp.resolve("logs/" + JOB + "/nodes")));
        // every process on its own node, in parallel, with an overlapping step
        List<String> sruns = Files.readAllLines(records.resolve("srun.log"));
        assertEquals(8, sruns.size(), String.join("\n", sruns));
        assertTrue(sruns.get(0).startsWith("--nodes=4 --ntasks=4 --ntasks-per-node=1"
                + " --nodelist=node1,node2,node3,node4 --overlap --export=ALL | bash -c"), sruns.get(0));
        // the engines start in parallel (their sruns log in any order), then the group routers on node1 and
        // node3 (in parallel too), then the router
        List<String> expected = new ArrayList<>();
        for (String host : List.of("node1", "node2", "node3", "node4", "node1", "node3", "node1")) {
            expected.add("--nodes=1 --ntasks=1 --nodelist=" + host + " --overlap --export=ALL | env "
                    + "VLLM_NIXL_SIDE_CHANNEL_HOST=127.0.0.1");
        }
        assertEquals(expected.subList(0, 4), sruns.subList(1, 5).stream().sorted().toList());
        assertEquals(expected.subList(4, 6), sruns.subList(5, 7).stream().sorted().toList());
        assertEquals(expected.get(6), sruns.get(7));
        script.signal("TERM");
        assertTrue(script.waitFor(40, TimeUnit.SECONDS), "the launch did not stop on TERM");
        assertEquals(143, script.exitValue(), output());
        List<String> fakes = new ArrayList<>(List.of("node1-vllm", "node2-vllm", "node3-vllm", "node4-vllm"));
        fakes.addAll(routers);
        for (String fake : fakes) {
            assertTrue(Files.exists(records.resolve(fake + ".stopped")), fake + " was not stopped\n" + output());
        }
        assertTrue(output().contains("endpoint: http://node1:" + (base + 1)), output());
    }

    /**
     * --route 2 --prefill 1 end to end: bench mock engines and bench mock router stand-ins (on
     * 127.0.0.1 at their port plus the node's shift, every node URL they are given mapped the same
     * way) come up in order, engines, then a router per group on the group's first node, then the
     * router over them; each request through the endpoint is prefilled and decoded inside one
     * group, both groups serve, and TERM stops every process.
     */
    @Test
    void twoPrefillDecodeGroupsRouteEachRequestInsideOneGroupEndToEnd() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        assumeTrue(Files.exists(root.resolve("target/bench.jar")), "target/bench.jar is not built");
        SlurmFakes.executable(bin, "vllm", MOCK_VLLM);
        SlurmFakes.executable(bin, "vllm-router", MOCK_ROUTER);
        Plan plan = plan(4, 2, 1, List.of("--model", "m"));
        Ports ports = plan.ports();
        start(plan, 90, Map.of("BENCH", root.resolve("bench").toString(), "BENCH_JAVA_OPTS", "-Xms32m -Xmx256m"
                + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData --enable-native-access=ALL-UNNAMED"));
        Path endpoint = tmp.resolve("logs/" + JOB + "/endpoint");
        script.await(() -> Files.exists(endpoint), 90, "the endpoint file");
        assertEquals("http://node1:" + (base + 1) + "\n", Files.readString(endpoint));

        // what each router was started with, as the plan says
        for (Router r : plan.groupRouters()) {
            assertEquals(words(r.command()), recordedArgs(r.host() + "-vllm-router-" + r.port()), r.host());
        }
        assertEquals(words(plan.router().command()), recordedArgs("node1-vllm-router-" + (base + 1)));
        // engines in parallel, then the two group routers (in parallel) once the engines are ready, then the
        // router once those are
        List<String> sruns = Files.readAllLines(records.resolve("srun.log")).stream().skip(1)
                .map(l -> l.replaceAll(".*--nodelist=(\\S+) .*", "$1")).toList();
        assertEquals(List.of("node1", "node2", "node3", "node4"), sruns.subList(0, 4).stream().sorted().toList());
        assertEquals(List.of("node1", "node3"), sruns.subList(4, 6).stream().sorted().toList());
        assertEquals(List.of("node1"), sruns.subList(6, sruns.size()));
        String out = output();
        int enginesReady = Stream.of("prefill on node1", "decode on node2", "prefill on node3", "decode on node4")
                .mapToInt(e -> out.indexOf("ready: " + e)).max().orElseThrow();
        int groupRoutersStarted = Math.min(out.indexOf("started group-router on node1"),
                out.indexOf("started group-router on node3"));
        int groupRoutersReady = Math.max(out.indexOf("ready: group-router on node1"),
                out.indexOf("ready: group-router on node3"));
        int routerStarted = out.indexOf("started router on node1");
        assertTrue(Stream.of("prefill on node1", "decode on node2", "prefill on node3", "decode on node4")
                .allMatch(e -> out.contains("ready: " + e)), out);
        assertTrue(enginesReady < groupRoutersStarted && groupRoutersStarted < groupRoutersReady
                && groupRoutersReady < routerStarted, out);
        for (String log : List.of("prefill-node1", "decode-node2", "prefill-node3", "decode-node4", "group-router-node1",
                "group-router-node3", "router-node1")) {
            assertTrue(Files.exists(tmp.resolve("logs/" + JOB + "/" + log + ".log")), log);
        }

        // through the router on node1 (no shift): where each request went, from the stand-ins' headers
        Map<String, String> nodeAt = new HashMap<>();
        for (int k = 1; k <= 4; k++) {
            nodeAt.put("http://127.0.0.1:" + (ports.engineHttp() + shift(k)), "node" + k);
            nodeAt.put("http://127.0.0.1:" + (ports.groupRouterHttp() + shift(k)), "node" + k);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Integer> perGroupRouter = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 1)
                    + "/v1/completions")).timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"request " + i
                            + "\",\"max_tokens\":4}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            List<String> route = Stream.of("worker", "prefill", "decode")
                    .map(h -> nodeAt.get(r.headers().firstValue("x-mock-router-" + h).orElseThrow())).toList();
            assertTrue(route.equals(List.of("node1", "node1", "node2")) || route.equals(List.of("node3", "node3",
                    "node4")), "request " + i + ": group router, prefill, decode on " + route);
            perGroupRouter.merge(route.get(0), 1, Integer::sum);
        }
        assertEquals(Map.of("node1", 3, "node3", 3), perGroupRouter, "round robin over the group routers");

        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(records)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                pids.add(Long.parseLong(Files.readString(f).strip()));
            }
        }
        assertEquals(7, pids.size(), pids.toString());
        script.signal("TERM");
        assertTrue(script.waitFor(40, TimeUnit.SECONDS), "the launch did not stop on TERM");
        assertEquals(143, script.exitValue(), output());
        assertTrue(output().contains("stopping the 7 processes of this launch"), output());
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), pid + " still runs");
        }
    }

    @Test
    void dataParallelGroupStartsTheHeadlessWorkerWithTheHeadAddress() throws Exception {
        Plan plan = plan(2, 1, 0, List.of("--model", "m", "-tp", "4"));
        start(plan, 60, Map.of());
        script.await(() -> Files.exists(tmp.resolve("logs/" + JOB + "/endpoint")), 60, "the endpoint file");
        List<String> worker = recordedArgs("node2-vllm");
        assertTrue(worker.contains("--headless"), worker.toString());
        assertEquals("127.0.0.1", worker.get(worker.indexOf("--data-parallel-address") + 1));
        assertEquals("2", worker.get(worker.indexOf("--data-parallel-start-rank") + 1));
        assertTrue(Files.exists(tmp.resolve("logs/" + JOB + "/dp-worker-node2.log")));
        assertFalse(anyRouterStarted(), "one group: no router");
        script.signal("INT");
        assertTrue(script.waitFor(40, TimeUnit.SECONDS));
        assertEquals(130, script.exitValue(), output());
        assertTrue(Files.exists(records.resolve("node2-vllm.stopped")), output());
    }

    @Test
    void anEngineDyingBeforeReadyStopsEverythingAndSaysWhereAndWhy() throws Exception {
        Plan plan = plan(4, 1, 1, List.of("--model", "m"));
        start(plan, 60, Map.of("FAKE_FAIL", "node3"));
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "the launch did not give up");
        String out = output();
        assertEquals(1, script.exitValue(), out);
        assertTrue(out.contains("FAILED: decode on node3 exited with status 3 (log: logs/" + JOB
                + "/decode-node3.log); its last lines:"), out);
        assertTrue(out.contains("    RuntimeError: CUDA out of memory (fake)"), out);
        assertTrue(out.contains("stopping the 4 processes of this launch"), out);
        for (String fake : List.of("node1-vllm", "node2-vllm", "node4-vllm")) {
            assertTrue(Files.exists(records.resolve(fake + ".stopped")), fake + " was not stopped\n" + out);
        }
        assertFalse(anyRouterStarted(), "no router after a failure");
        assertFalse(Files.exists(tmp.resolve("logs/" + JOB + "/endpoint")));
    }

    @Test
    void readinessIsBoundedByTheReadyTimeout() throws Exception {
        Plan plan = plan(2, 2, 0, List.of("--model", "m"));
        long t0 = System.nanoTime();
        start(plan, 3, Map.of("FAKE_NO_HTTP", "1"));
        assertTrue(script.waitFor(60, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - t0) / 1e9;
        String out = output();
        assertEquals(1, script.exitValue(), out);
        assertTrue(out.contains("error: not ready within 3s: dp-head on node1 (logs/" + JOB
                + "/dp-head-node1.log); dp-head on node2"), out);
        assertTrue(seconds < 30, "took " + seconds + " s");
        assertTrue(Files.exists(records.resolve("node2-vllm.stopped")), out);
    }

    /** salloc -N 2 bash slurm/vllm.sbatch --route 2 ...: renders with ./bench and runs the launch. */
    @Test
    void vllmSbatchRendersWithBenchAndRunsTheLaunch() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        assumeTrue(Files.exists(root.resolve("target/bench.jar")), "target/bench.jar is not built");
        start(List.of("bash", root.resolve("slurm/vllm.sbatch").toString(), "--route", "2", "--base-port",
                Integer.toString(base), "--ready-timeout", "60", "--model", "m", "--chat-template", "{\"a\": \"$b c\"}"),
                2, Map.of("BENCH", root.resolve("bench").toString(), "SLURM_JOB_NODELIST", "node[1-2]"));
        Path endpoint = tmp.resolve("logs/" + JOB + "/endpoint");
        script.await(() -> Files.exists(endpoint), 60, "the endpoint file");
        assertEquals("http://node1:" + (base + 1) + "\n", Files.readString(endpoint));
        for (String f : List.of("plan.txt", "plan.json", "launch.sh")) {
            assertTrue(Files.exists(tmp.resolve("logs/" + JOB + "/" + f)), f);
        }
        assertEquals(List.of("serve", "--model", "m", "--chat-template", "{\"a\": \"$b c\"}", "--tensor-parallel-size",
                "8", "--host", "0.0.0.0", "--port", Integer.toString(base)), recordedArgs("node2-vllm"));
        assertTrue(output().matches("(?s).*\nnode1 +router +- +" + (base + 1) + "\\s.*"),
                "the plan is shown\n" + output());
        script.signal("TERM");
        assertTrue(script.waitFor(40, TimeUnit.SECONDS));
        assertEquals(143, script.exitValue(), output());
        assertTrue(Files.exists(records.resolve("node1-vllm-router-" + (base + 1) + ".stopped")), output());
    }

    @Test
    void refusesToRunInAnotherJob() throws Exception {
        Plan plan = plan(2, 2, 0, List.of("--model", "m"));
        start(plan, 60, Map.of("SLURM_JOB_ID", "999"));
        assertTrue(script.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, script.exitValue());
        assertTrue(output().contains("rendered for Slurm job " + JOB + " but SLURM_JOB_ID is '999'"), output());
        assertFalse(Files.exists(records.resolve("srun.log")), "nothing was started");
    }

    // ---- helpers

    /**
     * vllm as bench mock on 127.0.0.1 at --port plus this node's shift, prefill or decode by the
     * kv_role of --kv-transfer-config; records its arguments and pid, then becomes the mock.
     */
    private static final String MOCK_VLLM = """
            # vllm stand-in: bench mock on 127.0.0.1 at --port + FAKE_SHIFT_<node>
            r="$FAKE_RECORD_DIR/$FAKE_NODE-vllm"
            printf '%s\\0' "$@" >"$r.args"
            echo $$ >"$r.pid"
            shift_var=FAKE_SHIFT_$FAKE_NODE port="" role=both
            while [ $# -gt 0 ]; do
              case $1 in
                --port) port=$2 ;;
                --kv-transfer-config)
                  case $2 in
                    *'"kv_producer"'*) role=prefill ;;
                    *'"kv_consumer"'*) role=decode ;;
                  esac
                  ;;
              esac
              shift
            done
            exec "$BENCH" mock --host 127.0.0.1 --port $((port + ${!shift_var})) --model m --role "$role" \\
              --prefill-tps 200000 --itl-ms 2
            """;

    /**
     * vllm-router as bench mock router on 127.0.0.1 at --port plus this node's shift, each
     * http://nodeK:PORT it is given mapped to 127.0.0.1 at PORT plus node K's shift; records its
     * arguments as given and its pid under NODE-vllm-router-PORT (node1 runs two routers).
     */
    private static final String MOCK_ROUTER = """
            # vllm-router stand-in: bench mock router on 127.0.0.1, every node URL mapped to 127.0.0.1
            shift_var=FAKE_SHIFT_$FAKE_NODE args=() prev=""
            for a in "$@"; do
              if [ "$prev" = --port ]; then
                r="$FAKE_RECORD_DIR/$FAKE_NODE-vllm-router-$a"
                a=$((a + ${!shift_var}))
              elif [ "$prev" = --host ]; then
                a=127.0.0.1
              elif [[ $a =~ ^http://(node[0-9]+):([0-9]+)$ ]]; then
                node_shift=FAKE_SHIFT_${BASH_REMATCH[1]}
                a=http://127.0.0.1:$((BASH_REMATCH[2] + ${!node_shift}))
              fi
              args+=("$a")
              prev=$a
            done
            printf '%s\\0' "$@" >"$r.args"
            echo $$ >"$r.pid"
            exec "$BENCH" mock router "${args[@]}"
            """;

    private Plan plan(int nodes, int route, int prefill, List<String> serveArgs) {
        return Planner.plan(new PlanConfig(Plans.hosts(nodes), route, prefill, 8, new ServeArgs(serveArgs), JOB, base,
                null, null));
    }

    private void start(Plan plan, int readyTimeoutSec, Map<String, String> extraEnv) throws IOException {
        Path launch = tmp.resolve("launch.sh");
        Files.writeString(launch, LaunchScript.render(plan, new LaunchOptions(LaunchRuntime.BARE, null, List.of(),
                readyTimeoutSec, List.of())));
        start(List.of("bash", launch.toString()), plan.config().hosts().size(), extraEnv);
    }

    /** Runs the command in tmp with the fakes first on PATH, for a job on node1..nodeN. */
    private void start(List<String> command, int nodes, Map<String, String> extraEnv) throws IOException {
        // curl: nodeK:port -> 127.0.0.1:port + shift(K), for the engines and the group routers
        StringBuilder curlrc = new StringBuilder();
        Map<String, String> shifts = new HashMap<>();
        Ports ports = new Ports(base, 8);
        for (int k = 1; k <= nodes; k++) {
            shifts.put("FAKE_SHIFT_node" + k, Integer.toString(shift(k)));
            for (int port : List.of(ports.engineHttp(), ports.groupRouterHttp())) {
                curlrc.append("connect-to = node").append(k).append(':').append(port).append(":127.0.0.1:")
                        .append(port + shift(k)).append('\n');
            }
        }
        curlrc.append("connect-to = node1:").append(base + 1).append(":127.0.0.1:").append(base + 1).append('\n');
        Files.writeString(tmp.resolve(".curlrc"), curlrc);
        script = ScriptProcess.start(command, tmp, env -> {
            env.putAll(shifts);
            env.put("CURL_HOME", tmp.toString());
            env.put("PATH", bin + ":" + System.getenv("PATH"));
            env.put("SLURM_JOB_ID", Long.toString(JOB));
            env.put("BENCH_IFNAME", "lo");
            env.put("FAKE_RECORD_DIR", records.toString());
            env.keySet().removeIf(k -> k.startsWith("NCCL_") || k.startsWith("GLOO_") || k.startsWith("FI_"));
            env.putAll(extraEnv);
        });
    }

    /** How far the servers of node K sit from their planned ports on this one machine. */
    private static int shift(int k) {
        return 2 * (k - 1);
    }

    private boolean anyRouterStarted() throws IOException {
        try (Stream<Path> files = Files.list(records)) {
            return files.anyMatch(f -> f.getFileName().toString().contains("vllm-router"));
        }
    }

    private static List<String> words(List<Arg> command) {
        return command.subList(1, command.size()).stream().map(Arg::text).toList();
    }

    private String output() throws InterruptedException {
        return script.output();
    }

    private List<String> recordedArgs(String name) throws IOException {
        return LaunchScriptTest.splitNul(Files.readAllBytes(records.resolve(name + ".args")));
    }
}
