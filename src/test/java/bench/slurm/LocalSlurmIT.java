package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher on a real Slurm cluster: {@code slurm/testing/local-cluster.sh} runs slurmctld
 * and four slurmd (node1..node4, 8 fake GPUs each) in network namespaces on this machine, and
 * the stand-ins in {@code slurm/testing/standins} play vllm and vllm-router (they record their
 * arguments and run bench's mock). For each of the article's five configurations it runs
 * {@code salloc -N 4 bash slurm/vllm.sbatch --runtime bare ...} on the login node (the head
 * namespace), waits for the endpoint, runs {@code bench run} with 50 prompts through it from
 * the login node, checks what every stand-in was started with and which engines served, cancels
 * the job and checks that nothing of it is left on any node. Needs root, Linux and
 * {@code ip netns}; skipped otherwise. The cluster comes down at the end unless it was up before
 * or {@code BENCH_KEEP_LOCAL_SLURM=1}. Everything stays inside the lab namespaces (10.199.0.0/24,
 * unreachable from the root namespace): this JVM never connects to a lab address itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalSlurmIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path CLUSTER = ROOT.resolve("slurm/testing/local-cluster.sh");
    private static final Path STANDINS = ROOT.resolve("slurm/testing/standins");
    private static final Path WORK = ROOT.resolve("target/local-slurm-it");
    /** Held while the cluster is in use, so two runs of this test on one machine take turns. */
    private static final Path LOCK = Path.of(Files.isDirectory(Path.of("/run/lock")) ? "/run/lock" : "/run",
            "bench-slurm-it.lock");
    private static final Path CLUSTER_LOGS = Path.of("/run/bench-slurm/log");
    private static final List<String> NODES = List.of("node1", "node2", "node3", "node4");
    private static final String MODEL = "/fsx/models/deepseek-ai/DeepSeek-V2-Lite";
    private static final List<String> SERVE_ARGS = List.of("--model", MODEL, "--gpu-memory-utilization", "0.9");
    private static final Pattern GRANTED = Pattern.compile("Granted job allocation (\\d+)");
    /** Processes of the cluster itself; anything else in a lab namespace after a job belongs to a job. */
    private static final Set<String> DAEMONS = Set.of("slurmd", "slurmctld", "slurmscriptd", "munged");

    private final ObjectMapper json = new ObjectMapper();
    private FileChannel lockChannel;
    private FileLock lock;
    private boolean wasUp;

    static String ip(String node) {
        return "10.199.0." + (10 + Integer.parseInt(node.substring(4)));
    }

    static int basePort(long job) {
        return 20_000 + 20 * (int) (job % 600);
    }

    // ---- the cluster

    @BeforeAll
    void cluster() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "needs Linux");
        assumeTrue(run(10, List.of("id", "-u")).out().strip().equals("0"),
                "needs root (network namespaces, daemons, /etc/hosts)");
        assumeTrue(run(10, List.of("ip", "netns", "list")).code() == 0, "needs ip netns (iproute2)");
        assumeTrue(run(10, List.of("unshare", "--net", "--uts", "true")).code() == 0,
                "cannot create network namespaces here (unshare --net --uts fails)");
        assumeTrue(Files.exists(ROOT.resolve("target/bench.jar")), "target/bench.jar is not built");
        Files.createDirectories(WORK);
        lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while ((lock = lockChannel.tryLock()) == null) {
            if (System.nanoTime() > deadline) {
                fail("another LocalSlurmIT has held " + LOCK + " for 10 minutes");
            }
            Thread.sleep(500);
        }
        wasUp = run(30, List.of(CLUSTER.toString(), "status")).code() == 0;
        Result up = run(900, List.of(CLUSTER.toString(), "up"));
        if (up.code() != 0) {
            fail("local-cluster.sh up failed (" + up.code() + "):\n" + up.out());
        }
        System.out.println("LocalSlurmIT: cluster " + (wasUp ? "reused" : "up") + "\n" + up.out());
    }

    @AfterAll
    void teardown() throws Exception {
        try {
            if (lock != null && !wasUp && System.getenv("BENCH_KEEP_LOCAL_SLURM") == null) {
                Result down = run(120, List.of(CLUSTER.toString(), "down"));
                assertEquals(0, down.code(), "local-cluster.sh down:\n" + down.out());
                assertNotEquals(0, run(30, List.of(CLUSTER.toString(), "status")).code(), "still up after down");
            }
        } finally {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        }
    }

    // ---- the five configurations

    static Stream<Arguments> article() {
        return Stream.of(
                Arguments.of("baseline-dp", List.of()),
                Arguments.of("route2", List.of("--route", "2")),
                Arguments.of("route4", List.of("--route", "4")),
                Arguments.of("pd-1p3d", List.of("--prefill", "1")),
                Arguments.of("pd-2p2d", List.of("--prefill", "2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("article")
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void articleConfigurationServesFiftyPromptsAndLeavesNothingBehind(String name, List<String> flags)
            throws Exception {
        Job job = submit(name, flags, Map.of());
        try {
            String endpoint = job.awaitEndpoint(120);
            int base = basePort(job.id);
            boolean router = !flags.isEmpty();
            assertEquals("http://node1:" + (router ? base + 1 : base), endpoint);
            assertEquals(String.join("", NODES.stream().map(n -> n + " " + ip(n) + " eth0\n").toList()),
                    Files.readString(job.logs.resolve("nodes")), "the addresses found on the nodes");

            Map<String, JsonNode> records = job.records();
            checkArguments(name, job.id, records);
            benchRun(job, endpoint);
            checkServed(name, job, records);
        } catch (Throwable t) {
            job.diagnose(t);
            job.cancelAndCheckNothingIsLeft(t);
            throw t;
        }
        job.cancelAndCheckNothingIsLeft(null);
    }

    /** Every stand-in got exactly what the article's layout asks for, on the right node. */
    private void checkArguments(String name, long jobId, Map<String, JsonNode> records) {
        int base = basePort(jobId);
        boolean pd = name.startsWith("pd-");
        int groups = switch (name) {
            case "route2" -> 2;
            case "route4" -> 4;
            default -> 1;
        };
        int prefill = name.equals("pd-1p3d") ? 1 : name.equals("pd-2p2d") ? 2 : 0;
        boolean hasRouter = groups > 1 || pd;
        List<String> expectedKeys = new ArrayList<>(NODES.stream().map(n -> n + " vllm").toList());
        if (hasRouter) {
            expectedKeys.add("node1 vllm-router");
        }
        assertEquals(new TreeMap<>(records).keySet().stream().toList(), expectedKeys.stream().sorted().toList(),
                "one stand-in per node (and the router on node1)");

        int perGroup = NODES.size() / groups;
        for (int i = 0; i < NODES.size(); i++) {
            String node = NODES.get(i);
            JsonNode r = records.get(node + " vllm");
            List<String> expected = new ArrayList<>(List.of("serve"));
            expected.addAll(SERVE_ARGS);
            expected.addAll(List.of("--tensor-parallel-size", "8"));
            String role;
            int dp = 1;
            if (pd) {
                role = i < prefill ? "prefill" : "decode";
                String kvRole = i < prefill ? "kv_producer" : "kv_consumer";
                expected.addAll(List.of("--host", "0.0.0.0", "--port", Integer.toString(base), "--kv-transfer-config",
                        "{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"" + kvRole + "\","
                                + "\"kv_load_failure_policy\":\"fail\","
                                + "\"kv_connector_extra_config\":{\"backends\":[\"LIBFABRIC\"]}}"));
            } else {
                int rank = i % perGroup;
                String head = NODES.get(i - rank);
                role = rank == 0 ? "both" : null;
                if (rank == 0) {
                    expected.addAll(List.of("--host", "0.0.0.0", "--port", Integer.toString(base)));
                } else {
                    expected.add("--headless");
                }
                if (perGroup > 1) {
                    dp = perGroup;
                    expected.addAll(List.of("--data-parallel-size", Integer.toString(perGroup),
                            "--data-parallel-size-local", "1"));
                    if (rank > 0) {
                        expected.addAll(List.of("--data-parallel-start-rank", Integer.toString(rank)));
                    }
                    expected.addAll(List.of("--data-parallel-address", ip(head), "--data-parallel-rpc-port",
                            Integer.toString(base + 3)));
                }
            }
            assertEquals(expected, strings(r.get("argv")), node + ": vllm argv");
            assertEquals(node, r.get("hostname").asText(), "the stand-in ran on its node");

            JsonNode env = r.get("env");
            assertEquals(Long.toString(jobId), env.path("SLURM_JOB_ID").asText(), node);
            assertEquals(node, env.path("SLURMD_NODENAME").asText(), node);
            assertEquals("eth0", env.path("NCCL_SOCKET_IFNAME").asText(), node);
            assertEquals("eth0", env.path("GLOO_SOCKET_IFNAME").asText(), node);
            assertEquals("efa", env.path("FI_PROVIDER").asText(), node);
            if (pd) {
                assertEquals(ip(node), env.path("VLLM_NIXL_SIDE_CHANNEL_HOST").asText(), node + ": side channel host");
                assertEquals(Integer.toString(base + 4), env.path("VLLM_NIXL_SIDE_CHANNEL_PORT").asText(), node);
            } else {
                assertFalse(env.has("VLLM_NIXL_SIDE_CHANNEL_HOST"), node + ": no NIXL in DP mode");
            }

            // what the stand-in became: a mock on the node's own address, or a quiet headless follower
            List<String> exec = strings(r.get("exec"));
            if (role == null) {
                assertEquals("sleep", exec.get(0), node + ": headless follower");
            } else {
                assertEquals("mock", exec.get(1), node + ": " + exec);
                assertEquals(ip(node), after(exec, "--host"), node + ": binds its lab address");
                assertEquals(Integer.toString(base), after(exec, "--port"), node);
                assertEquals(role, after(exec, "--role"), node);
                assertEquals(Integer.toString(dp), after(exec, "--data-parallel-size"), node);
                assertEquals(MODEL, after(exec, "--model"), node);
            }
        }

        if (hasRouter) {
            JsonNode r = records.get("node1 vllm-router");
            List<String> expected = new ArrayList<>();
            if (pd) {
                expected.addAll(List.of("--policy", "consistent_hash", "--vllm-pd-disaggregation"));
                for (int i = 0; i < NODES.size(); i++) {
                    expected.addAll(List.of(i < prefill ? "--prefill" : "--decode",
                            "http://" + NODES.get(i) + ":" + base));
                }
            } else {
                expected.addAll(List.of("--policy", "round_robin", "--worker-urls"));
                for (int i = 0; i < NODES.size(); i += perGroup) {
                    expected.add("http://" + NODES.get(i) + ":" + base);
                }
                if (perGroup > 1) {
                    expected.addAll(List.of("--intra-node-data-parallel-size", Integer.toString(perGroup)));
                }
            }
            expected.addAll(List.of("--host", "0.0.0.0", "--port", Integer.toString(base + 1), "--prometheus-port",
                    Integer.toString(base + 2)));
            assertEquals(expected, strings(r.get("argv")), "vllm-router argv");
            List<String> exec = strings(r.get("exec"));
            assertEquals(List.of("mock", "router"), exec.subList(1, 3));
            assertEquals(ip("node1"), after(exec, "--host"), "the router binds node1's lab address");
        }
    }

    /** bench run on the login node: 50 prompts through the endpoint, every one must succeed. */
    private void benchRun(Job job, String endpoint) throws Exception {
        Result r = run(180, List.of(CLUSTER.toString(), "exec", "--", ROOT.resolve("bench").toString(), "run",
                "--base-url", endpoint, "--num-prompts", "50", "--input-len", "64", "--output-len", "16",
                "--max-concurrency", "16", "--seed", "1", "--request-timeout", "60", "--disable-tqdm",
                "--save-result", "--result-dir", job.dir.toString(), "--result-filename", "result.json"));
        Files.writeString(job.dir.resolve("bench-run.log"), r.out());
        assertEquals(0, r.code(), "bench run through " + endpoint + ":\n" + r.out());
        JsonNode result = json.readTree(job.dir.resolve("result.json").toFile());
        assertEquals(50, result.get("completed").asInt(), r.out());
        assertEquals(0, result.get("failed").asInt(), r.out());
    }

    /** Which engines completed the 50 requests: the router spread them, prefill then decode in PD. */
    private void checkServed(String name, Job job, Map<String, JsonNode> records) throws Exception {
        int base = basePort(job.id);
        Map<String, Integer> served = new LinkedHashMap<>();
        for (String node : NODES) {
            if (strings(records.get(node + " vllm").get("exec")).get(0).equals("sleep")) {
                continue;
            }
            Result m = run(30, List.of(CLUSTER.toString(), "exec", "--", "curl", "-fsS", "--max-time", "5",
                    "http://" + node + ":" + base + "/metrics"));
            assertEquals(0, m.code(), node + " /metrics: " + m.out());
            Matcher matcher = Pattern.compile("(?m)^vllm:request_success_total\\{[^}]*} ([0-9.]+)$").matcher(m.out());
            assertTrue(matcher.find(), m.out());
            served.put(node, (int) Double.parseDouble(matcher.group(1)));
        }
        String what = name + ": completed requests per engine " + served;
        switch (name) {
            case "baseline-dp" -> assertEquals(Map.of("node1", 50), served, what);
            case "route2" -> roundRobin(served, List.of("node1", "node3"), 2, what);
            case "route4" -> roundRobin(served, NODES, 1, what);
            case "pd-1p3d", "pd-2p2d" -> {
                int prefill = name.equals("pd-1p3d") ? 1 : 2;
                int prefilled = 0;
                int decoded = 0;
                for (int i = 0; i < NODES.size(); i++) {
                    int n = served.get(NODES.get(i));
                    assertTrue(n > 0, what + ": " + NODES.get(i) + " served nothing");
                    if (i < prefill) {
                        prefilled += n;
                    } else {
                        decoded += n;
                    }
                }
                assertEquals(50, prefilled, what + ": every request prefilled once");
                assertEquals(50, decoded, what + ": every request decoded once");
            }
            default -> fail(name);
        }
    }

    /**
     * Every group head served, 50 in all, evenly: the router goes round the heads' RANKS ranks each
     * (X-data-parallel-rank), so two heads are at most RANKS requests apart.
     */
    private static void roundRobin(Map<String, Integer> served, List<String> heads, int ranks, String what) {
        assertEquals(heads, List.copyOf(served.keySet()), what);
        assertEquals(50, served.values().stream().mapToInt(Integer::intValue).sum(), what);
        int min = served.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = served.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(min > 0 && max - min <= ranks, what + " (round robin over " + ranks + " ranks per head)");
    }

    // ---- an engine that dies during start-up

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void anEngineExitingDuringStartUpFailsTheLaunchWithinSecondsNamingNodeRoleAndLog() throws Exception {
        Job job = submit("engine-fails", List.of("--prefill", "1"), Map.of("STANDIN_FAIL_HOST", "node3"));
        try {
            assertTrue(job.salloc.waitFor(120, TimeUnit.SECONDS), "the launch did not give up");
            long exitedAt = System.currentTimeMillis();
            String out = job.output();
            assertEquals(1, job.salloc.exitValue(), out);
            Path failed = job.records.resolve(names(job.records).stream().filter(f -> f.startsWith("node3-vllm-"))
                    .findFirst().orElseThrow(() -> new AssertionError("node3's stand-in never started\n" + out)));
            double seconds = (exitedAt - Files.getLastModifiedTime(failed).toMillis()) / 1e3;
            assertTrue(seconds < 20, "the launch took " + seconds + " s to notice and stop\n" + out);
            String log = "logs/" + job.id + "/decode-node3.log";
            assertTrue(out.contains("FAILED: decode on node3 exited with status 3 (log: " + log + "); its last lines:"),
                    out);
            assertTrue(out.contains("    RuntimeError: engine start-up failed (test stand-in: STANDIN_FAIL_HOST=node3)"),
                    out);
            assertTrue(Files.readString(job.dir.resolve(log)).contains("RuntimeError"), log);
            assertFalse(Files.exists(job.logs.resolve("endpoint")), "no endpoint after a failed start");
            assertFalse(names(job.records).stream().anyMatch(f -> f.contains("vllm-router")),
                    "no router after a failed start");
        } catch (Throwable t) {
            job.diagnose(t);
            job.cancelAndCheckNothingIsLeft(t);
            throw t;
        }
        job.cancelAndCheckNothingIsLeft(null);
    }

    // ---- a whole experiment through slurm/experiment.sbatch

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void aTwoTopologyTwoPointExperimentRunsThroughExperimentSbatch() throws Exception {
        Path spec = Files.createDirectories(WORK).resolve("experiment-spec.yaml");
        Files.writeString(spec, """
                name: it
                topologies:
                  - {label: route4, route: 4}
                  - {label: pd1p3d, prefill: 1}
                sweeps:
                  prefill: {sweep: {input-len: [32, 64]}, fixed: {output-len: 8}}
                run_args: [--num-prompts, "10", --no-self-warmup, --no-progress, --request-timeout, "60"]
                slurm: {serve_args: [--model, %s], runtime: bare, ready_timeout_s: 120}
                """.formatted(MODEL));
        Job job = submitScript("experiment", List.of(ROOT.resolve("slurm/experiment.sbatch").toString(),
                spec.toString(), "--results-dir", "results"), Map.of());
        try {
            assertTrue(job.salloc.waitFor(360, TimeUnit.SECONDS), "the experiment did not finish:\n" + job.output());
            String out = job.output();
            assertEquals(0, job.salloc.exitValue(), out);
            Path results = job.dir.resolve("results/it");
            for (String label : List.of("route4", "pd1p3d")) {
                assertTrue(out.matches("(?s).*\\n" + label + " +done .*"), out);
                for (String point : List.of("input-len=32", "input-len=64")) {
                    JsonNode r = json.readTree(results.resolve(label + "/prefill/" + point + ".json").toFile());
                    assertEquals(10, r.get("completed").asInt(), label + " " + point);
                    assertEquals(label, r.get("label").asText());
                }
                // the engine logs were kept, and each launch's endpoint was its router on node1
                assertTrue(Files.exists(results.resolve(label + "/logs/router-node1.log")), label);
            }
            assertTrue(Files.size(results.resolve("figures/throughput.png")) > 10_000);
            // both launches ran their routers with the job's endpoint port on node1
            long routers = names(job.records).stream().filter(f -> f.startsWith("node1-vllm-router-")).count();
            assertEquals(2, routers, names(job.records).toString());
        } catch (Throwable t) {
            job.diagnose(t);
            job.cancelAndCheckNothingIsLeft(t);
            throw t;
        }
        job.cancelAndCheckNothingIsLeft(null);
    }

    // ---- jobs

    private Job submit(String name, List<String> flags, Map<String, String> extraEnv) throws Exception {
        List<String> script = new ArrayList<>(List.of(ROOT.resolve("slurm/vllm.sbatch").toString()));
        script.addAll(flags);
        script.addAll(List.of("--runtime", "bare", "--ready-timeout", "120", "--"));
        script.addAll(SERVE_ARGS);
        return submitScript(name, script, extraEnv);
    }

    /** {@code salloc -N 4 bash SCRIPT ARGS...} on the login node, with the stand-ins on PATH. */
    private Job submitScript(String name, List<String> scriptAndArgs, Map<String, String> extraEnv) throws Exception {
        Path dir = WORK.resolve(name);
        deleteTree(dir);
        Path records = Files.createDirectories(dir.resolve("records"));
        List<String> command = new ArrayList<>(List.of(CLUSTER.toString(), "exec", "--", "salloc", "-N", "4", "-J",
                "bench-it-" + name, "bash"));
        command.addAll(scriptAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("salloc.log").toFile()).redirectInput(ProcessBuilder.Redirect.from(
                        Path.of("/dev/null").toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SLURM_") || k.startsWith("NCCL_") || k.startsWith("GLOO_")
                || k.startsWith("FI_") || k.startsWith("VLLM_") || k.startsWith("STANDIN_") || k.equals("BENCH_IFNAME"));
        env.put("PATH", STANDINS + ":" + System.getenv("PATH"));
        env.put("BENCH", ROOT.resolve("bench").toString());
        env.put("STANDIN_RECORD_DIR", records.toString());
        env.putAll(extraEnv);
        Job job = new Job(name, dir, records, pb.start());
        job.awaitJobId(60);
        return job;
    }

    private final class Job {
        final String name;
        final Path dir;
        final Path records;
        final Process salloc;
        long id = -1;
        Path logs;

        Job(String name, Path dir, Path records, Process salloc) {
            this.name = name;
            this.dir = dir;
            this.records = records;
            this.salloc = salloc;
        }

        String output() throws IOException {
            return Files.readString(dir.resolve("salloc.log"));
        }

        void awaitJobId(int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                Matcher m = GRANTED.matcher(output());
                if (m.find()) {
                    id = Long.parseLong(m.group(1));
                    logs = dir.resolve("logs/" + id);
                    return;
                }
                if (!salloc.isAlive() || System.nanoTime() > deadline) {
                    salloc.destroyForcibly();
                    throw new AssertionError(name + ": no allocation within " + seconds + " s (salloc "
                            + (salloc.isAlive() ? "waiting" : "exited") + "):\n" + output());
                }
                Thread.sleep(100);
            }
        }

        String awaitEndpoint(int seconds) throws Exception {
            Path endpoint = logs.resolve("endpoint");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!Files.exists(endpoint) || Files.size(endpoint) == 0) {
                if (!salloc.isAlive()) {
                    throw new AssertionError(name + ": the launch exited (" + salloc.exitValue()
                            + ") before writing the endpoint:\n" + output());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + ": no endpoint within " + seconds + " s:\n" + output());
                }
                Thread.sleep(200);
            }
            return Files.readString(endpoint).strip();
        }

        /** "node vllm" / "node vllm-router" -> the stand-in's record; one process each. */
        Map<String, JsonNode> records() throws IOException {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            try (Stream<Path> files = Files.list(records)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    JsonNode r = json.readTree(f.toFile());
                    String key = r.get("hostname").asText() + " " + r.get("tool").asText();
                    if (out.put(key, r) != null) {
                        fail("two processes recorded as '" + key + "'");
                    }
                }
            }
            return out;
        }

        /**
         * scancel; salloc ends; then no process of the job may be left in any lab namespace. After
         * an earlier failure, what goes wrong here is added to it rather than hiding it.
         */
        void cancelAndCheckNothingIsLeft(Throwable earlier) throws Exception {
            try {
                cancelAndCheck();
            } catch (AssertionError | Exception e) {
                if (earlier == null) {
                    throw e;
                }
                earlier.addSuppressed(e);
            }
        }

        private void cancelAndCheck() throws Exception {
            if (id >= 0) {
                run(30, List.of(CLUSTER.toString(), "exec", "--", "scancel", Long.toString(id)));
            }
            if (!salloc.waitFor(60, TimeUnit.SECONDS)) {
                salloc.destroyForcibly();
                fail(name + ": salloc still running 60 s after scancel:\n" + output());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Map<Long, String> left = leftovers();
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                left = leftovers();
            }
            List<Long> recordedAlive = new ArrayList<>();
            if (Files.isDirectory(records)) {
                try (Stream<Path> files = Files.list(records)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                        long pid = json.readTree(f.toFile()).get("pid").asLong();
                        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                            recordedAlive.add(pid);
                        }
                    }
                }
            }
            if (!left.isEmpty()) {
                // end them (by pid) so the next test starts clean, then fail
                left.keySet().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                fail(name + ": left behind 30 s after the job ended: " + left);
            }
            assertTrue(recordedAlive.isEmpty(), name + ": stand-ins still alive: " + recordedAlive);
        }

        /** Processes in the lab namespaces other than the cluster's daemons: pid -> "ns: command line". */
        Map<Long, String> leftovers() throws Exception {
            Map<Long, String> left = new TreeMap<>();
            for (String ns : List.of("head", "node1", "node2", "node3", "node4")) {
                Result r = run(10, List.of("ip", "netns", "pids", "bench-" + ns));
                for (String line : r.out().split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    long pid = Long.parseLong(line.strip());
                    String comm;
                    String cmdline;
                    try {
                        comm = Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
                        cmdline = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                                StandardCharsets.UTF_8).replace('\0', ' ').strip();
                    } catch (IOException gone) {
                        continue;
                    }
                    if (!DAEMONS.contains(comm)) {
                        left.put(pid, ns + ": " + cmdline);
                    }
                }
            }
            return left;
        }

        /** On failure: the launch's output and logs, the cluster's state and daemon logs, on stderr. */
        void diagnose(Throwable t) {
            StringBuilder sb = new StringBuilder("\n===== LocalSlurmIT " + name + " failed: " + t + "\n");
            try {
                sb.append("--- salloc (job ").append(id).append(")\n").append(tail(dir.resolve("salloc.log"), 80));
                if (logs != null && Files.isDirectory(logs)) {
                    try (Stream<Path> files = Files.list(logs)) {
                        for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                            sb.append("--- ").append(f).append('\n').append(tail(f, 30));
                        }
                    }
                }
                sb.append("--- local-cluster.sh status\n")
                        .append(run(30, List.of(CLUSTER.toString(), "status")).out());
                if (Files.isDirectory(CLUSTER_LOGS)) {
                    try (Stream<Path> files = Files.list(CLUSTER_LOGS)) {
                        for (Path f : files.sorted().toList()) {
                            sb.append("--- ").append(f).append('\n').append(tail(f, 30));
                        }
                    }
                }
            } catch (Exception e) {
                sb.append("(diagnostics incomplete: ").append(e).append(")\n");
            }
            System.err.println(sb);
        }
    }

    // ---- helpers

    record Result(int code, String out) {}

    /** Runs a command to its end (at most SECONDS), output and errors together; -1 if it cannot start. */
    static Result run(int seconds, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("local-slurm-it", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            } catch (IOException e) {
                return new Result(-1, "cannot run " + command + ": " + e.getMessage());
            }
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + seconds + " s: " + command + "\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String after(List<String> words, String flag) {
        int i = words.indexOf(flag);
        return i >= 0 && i + 1 < words.size() ? words.get(i + 1) : null;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String tail(Path f, int lines) throws IOException {
        List<String> all = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
