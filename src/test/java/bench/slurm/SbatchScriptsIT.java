package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bench.mock.MockConfig;
import bench.mock.MockServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code slurm/nixl.sbatch} and {@code slurm/bench.sbatch} for real, against stand-ins on PATH
 * ({@link SlurmFakes}): {@code srun} runs each step here as the node it names, {@code etcd} is a
 * {@link FakeEngine} answering {@code /health} on 127.0.0.1, {@code nixlbench} and {@code bench}
 * are scripts that record their arguments NUL-separated, and {@code docker} runs the container's
 * command here and records what it was asked. Nothing listens anywhere but 127.0.0.1.
 */
@Timeout(120)
class SbatchScriptsIT {
    private static final long JOB = 4242;
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path PWNED = Path.of("/tmp/bench-pwned");
    /** nixlbench arguments: the article's, then words no shell may touch. */
    private static final List<String> NIXL_ARGS = List.of("--backend", "LIBFABRIC", "--initiator_seg_type", "VRAM",
            "--target_seg_type", "VRAM", "--mode", "MG", "--num_initiator_dev", "8", "--num_target_dev", "8",
            "--filepath", "/fsx/my dir/it's \"here\" $HOME $(touch /tmp/bench-pwned) `touch /tmp/bench-pwned`; exit 3",
            "--device_list", "{\"efa\": [\"rdmap16s27\", \"a b\"]}", "");

    @TempDir
    Path tmp;

    private Path bin;
    private Path records;
    private int etcdPort;
    private ScriptProcess script;
    private MockServer mock;

    @BeforeEach
    void fakes() throws IOException {
        assumeTrue(LaunchScriptTest.onPath("curl"), "curl is not installed: nixl.sbatch needs it");
        bin = Files.createDirectories(tmp.resolve("bin"));
        records = Files.createDirectories(tmp.resolve("records"));
        SlurmFakes.executable(bin, "srun", SlurmFakes.SRUN);
        SlurmFakes.executable(bin, "scontrol", SlurmFakes.SCONTROL);
        SlurmFakes.executable(bin, "ip", SlurmFakes.IP);
        SlurmFakes.executable(bin, "etcd", SlurmFakes.fakeEngine("etcd"));
        SlurmFakes.executable(bin, "nixlbench", """
                # nixlbench stand-in: records its arguments and environment, asks etcd's /health, prints a table
                r="$FAKE_RECORD_DIR/$FAKE_NODE-nixlbench"
                trap 'echo stopped >"$r.stopped"; kill "$sleeper" 2>/dev/null; exit 143' TERM
                printf '%s\\0' "$@" >"$r.args"
                env | grep -E '^(FI_|HF_TOKEN=)' | LC_ALL=C sort >"$r.env"
                echo $$ >"$r.pid"
                prev=""
                for a in "$@"; do
                  if [ "$prev" = --etcd_endpoints ]; then
                    curl -fsS --max-time 5 "$a/health" >"$r.etcd" 2>&1 || echo "etcd did not answer" >"$r.etcd"
                  fi
                  prev=$a
                done
                if [ "$FAKE_NODE" = "${FAKE_NIXL_FAIL:-}" ]; then
                  sleep 1 # the other one is up by then
                  echo "nixlbench (fake) on $FAKE_NODE: barrier timed out" >&2
                  exit 3
                fi
                if [ -n "${FAKE_NIXL_SLEEP:-}" ]; then
                  sleep "$FAKE_NIXL_SLEEP" &
                  sleeper=$!
                  wait "$sleeper"
                fi
                echo "Block Size (B)      Batch Size     B/W (GB/Sec)   Avg Lat. (us)  P99 Tx (us)"
                echo "4096                1              0.670064       6.1            47.0 ($FAKE_NODE)"
                """);
        SlurmFakes.executable(bin, "docker", """
                # docker stand-in: load names an image; run records its options and runs the command after the
                # image here; ps answers an id for the name it is asked about; every call is logged
                printf '%s\\n' "$*" >>"$FAKE_RECORD_DIR/docker.log"
                case $1 in
                  load) cat >/dev/null; echo "Loaded image: fake/nixl:1" ;;
                  run)
                    shift
                    opts=()
                    while [ $# -gt 0 ] && [ "$1" != fake/nixl:1 ]; do opts+=("$1"); shift; done
                    shift
                    printf '%s\\0' "${opts[@]}" >"$FAKE_RECORD_DIR/$FAKE_NODE-docker-run-$1.opts"
                    exec "$@"
                    ;;
                  ps)
                    for a in "$@"; do case $a in name=^/*) n=${a#name=^/}; echo "id-${n%$}" ;; esac; done
                    ;;
                esac
                """);
        SlurmFakes.executable(bin, "bench", """
                # bench stand-in: records its arguments and where it ran
                printf '%s\\0' "$@" >"$FAKE_RECORD_DIR/bench.args"
                echo "${FAKE_NODE:-here}" >"$FAKE_RECORD_DIR/bench.node"
                """);
        etcdPort = SlurmFakes.freeBlock();
        Files.deleteIfExists(PWNED);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (script != null && script.isAlive()) {
            script.destroyForcibly();
        }
        if (mock != null) {
            mock.close();
        }
        SlurmFakes.stopRecorded(records); // fakes left behind by a failed test
    }

    // ---- nixl.sbatch

    @Test
    void nixlRunsEtcdOnTheFirstNodeAndNixlbenchOnTwoWithTheArgumentsVerbatim() throws Exception {
        List<String> command = new ArrayList<>(List.of("--env", "HF_TOKEN=it's $x", "--etcd-port",
                Integer.toString(etcdPort), "--"));
        command.addAll(NIXL_ARGS);
        nixl(command, "node[1-3]", Map.of());
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "nixl.sbatch did not finish");
        String out = script.output();
        assertEquals(0, script.exitValue(), out);

        String url = "http://127.0.0.1:" + etcdPort;
        List<String> etcd = recorded("node1-etcd.args");
        String peer = "http://127.0.0.1:" + (etcdPort + 1);
        assertEquals(List.of("--name", "bench-nixl", "--listen-client-urls", url, "--advertise-client-urls", url,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster",
                "bench-nixl=" + peer), etcd.subList(2, etcd.size()));
        assertEquals("--data-dir", etcd.get(0));
        assertFalse(Files.exists(Path.of(etcd.get(1))), "etcd's data directory is removed when it stops");
        assertTrue(Files.exists(records.resolve("node1-etcd.stopped")), "etcd was not stopped\n" + out);

        List<String> expected = new ArrayList<>(List.of("--etcd_endpoints", url));
        expected.addAll(NIXL_ARGS);
        for (String node : List.of("node1", "node2")) {
            assertEquals(expected, recorded(node + "-nixlbench.args"), node);
            assertEquals("", Files.readString(records.resolve(node + "-nixlbench.etcd")), "etcd answered " + node);
            assertEquals("FI_EFA_FORK_SAFE=1\nFI_EFA_USE_DEVICE_RDMA=1\nFI_PROVIDER=efa\nHF_TOKEN=it's $x\n",
                    Files.readString(records.resolve(node + "-nixlbench.env")));
            assertTrue(out.contains("==================== nixlbench on " + node + " (logs/" + JOB + "/nixlbench-"
                    + node + ".log) ====================\nBlock Size (B)"), out);
            assertTrue(out.contains("0.670064       6.1            47.0 (" + node + ")"), out);
        }
        assertFalse(Files.exists(records.resolve("node3-nixlbench.args")), "only the first two nodes run nixlbench");
        assertTrue(out.contains("the allocation has 3 nodes: nixlbench runs on the first two (node1 node2)"), out);
        assertTrue(Files.exists(tmp.resolve("logs/" + JOB + "/nixl-etcd-node1.log")));
        assertFalse(Files.exists(PWNED), "an argument was executed");
        // the address of node1, etcd there, then nixlbench on both at once (their sruns log in any order)
        List<String> sruns = Files.readAllLines(records.resolve("srun.log"));
        assertEquals(4, sruns.size(), String.join("\n", sruns));
        String step = "--nodes=1 --ntasks=1 --nodelist=%s --overlap --export=ALL | %s";
        assertEquals(List.of(step.formatted("node1", "bash -c"), step.formatted("node1", "bash -c")),
                sruns.subList(0, 2));
        assertEquals(List.of(step.formatted("node1", "nixlbench --etcd_endpoints"),
                step.formatted("node2", "nixlbench --etcd_endpoints")), sruns.subList(2, 4).stream().sorted().toList());
    }

    @Test
    void aFailingNixlbenchStopsTheOtherAndEtcdAndShowsItsLog() throws Exception {
        nixl(List.of("--etcd-port", Integer.toString(etcdPort), "--backend", "UCX"), "node1,node2",
                Map.of("FAKE_NIXL_FAIL", "node2", "FAKE_NIXL_SLEEP", "60"));
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "nixl.sbatch did not give up");
        String out = script.output();
        assertEquals(1, script.exitValue(), out);
        assertTrue(out.contains("FAILED: nixlbench on node2 exited with status 3 (log: logs/" + JOB
                + "/nixlbench-node2.log); its last lines:"), out);
        assertTrue(out.contains("    nixlbench (fake) on node2: barrier timed out"), out);
        assertTrue(Files.exists(records.resolve("node1-nixlbench.stopped")), "node1's nixlbench runs on\n" + out);
        assertTrue(Files.exists(records.resolve("node1-etcd.stopped")), "etcd runs on\n" + out);
        assertTrue(out.contains("nixl.sbatch: stopped nixl-etcd on node1, nixlbench on node1\n"), out);
    }

    @Test
    void termStopsEtcdAndBothNixlbenchAndLeavesNothing() throws Exception {
        nixl(List.of("--etcd-port", Integer.toString(etcdPort)), "node[1-2]", Map.of("FAKE_NIXL_SLEEP", "60"));
        script.await(() -> Files.exists(records.resolve("node1-nixlbench.pid"))
                && Files.exists(records.resolve("node2-nixlbench.pid")), 60, "both nixlbench");
        List<Long> pids = new ArrayList<>();
        for (String fake : List.of("node1-etcd", "node1-nixlbench", "node2-nixlbench")) {
            pids.add(Long.parseLong(Files.readString(records.resolve(fake + ".pid")).strip()));
        }
        script.signal("TERM");
        assertTrue(script.waitFor(40, TimeUnit.SECONDS), "nixl.sbatch did not stop on TERM");
        String out = script.output();
        assertEquals(143, script.exitValue(), out);
        assertTrue(out.contains("SIGTERM received: stopping"), out);
        for (String fake : List.of("node1-etcd", "node1-nixlbench", "node2-nixlbench")) {
            assertTrue(Files.exists(records.resolve(fake + ".stopped")), fake + " was not stopped\n" + out);
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), pid + " still runs");
        }
        assertFalse(Files.exists(Path.of(recorded("node1-etcd.args").get(1))), "etcd's data directory is left");
    }

    @Test
    void nixlbenchRunningPastTheTimeoutIsStopped() throws Exception {
        nixl(List.of("--etcd-port", Integer.toString(etcdPort), "--timeout", "3"), "node[1-2]",
                Map.of("FAKE_NIXL_SLEEP", "60"));
        assertTrue(script.waitFor(40, TimeUnit.SECONDS), "nixl.sbatch did not give up");
        String out = script.output();
        assertEquals(1, script.exitValue(), out);
        assertTrue(out.contains("error: nixlbench did not finish within 3s"), out);
        for (String fake : List.of("node1-etcd", "node1-nixlbench", "node2-nixlbench")) {
            assertTrue(Files.exists(records.resolve(fake + ".stopped")), fake + " was not stopped\n" + out);
        }
    }

    @Test
    void etcdHealthIsWaitedForWithABound() throws Exception {
        long t0 = System.nanoTime();
        nixl(List.of("--etcd-port", Integer.toString(etcdPort), "--etcd-timeout", "3"), "node[1-2]",
                Map.of("FAKE_NO_HTTP", "1"));
        assertTrue(script.waitFor(40, TimeUnit.SECONDS));
        String out = script.output();
        assertEquals(1, script.exitValue(), out);
        assertTrue(out.contains("error: etcd on node1 did not answer http://127.0.0.1:" + etcdPort
                + "/health within 3s (log: logs/" + JOB + "/nixl-etcd-node1.log)"), out);
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, out);
        assertTrue(Files.exists(records.resolve("node1-etcd.stopped")), out);
        assertFalse(Files.exists(records.resolve("node1-nixlbench.args")), "no nixlbench without etcd");
    }

    @Test
    void theUsersEtcdIsUsedAsGivenAndNoneStarted() throws Exception {
        List<String> args = List.of("--etcd_endpoints=http://127.0.0.1:" + etcdPort, "--backend", "UCX");
        nixl(args, "node[1-2]", Map.of());
        assertTrue(script.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, script.exitValue(), script.output());
        assertEquals(args, recorded("node1-nixlbench.args"));
        assertEquals(args, recorded("node2-nixlbench.args"));
        assertFalse(Files.exists(records.resolve("node1-etcd.args")), "no etcd of ours");
    }

    /** --runtime docker with a tarball: loaded on both nodes, containers named and removed by this run only. */
    @Test
    void dockerLoadsTheImageOnBothNodesAndRemovesOnlyItsOwnContainers() throws Exception {
        Path tarball = tmp.resolve("nixl-latest.tar.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tarball))) {
            o.write("not really an image".getBytes());
        }
        nixl(List.of("--runtime", "docker", "--image", tarball.toString(), "--container-mount", "/fsx",
                "--container-mount", "/scratch:/data:ro", "--etcd-port", Integer.toString(etcdPort), "--",
                "--backend", "LIBFABRIC", "--device_list", "a b"), "node[1-2]", Map.of());
        assertTrue(script.waitFor(60, TimeUnit.SECONDS));
        String out = script.output();
        assertEquals(0, script.exitValue(), out);
        assertEquals(List.of("--etcd_endpoints", "http://127.0.0.1:" + etcdPort, "--backend", "LIBFABRIC",
                "--device_list", "a b"), recorded("node2-nixlbench.args"));

        List<String> docker = Files.readAllLines(records.resolve("docker.log"));
        assertEquals(List.of("load", "load"), docker.subList(0, 2), "loaded once on each node");
        String tag = "bench-nixl-" + JOB + "-" + script.pid();
        List<String> names = List.of(tag + "-nixl-etcd-node1", tag + "-nixlbench-node1", tag + "-nixlbench-node2");
        List<String> removed = docker.stream().filter(l -> l.startsWith("rm ")).sorted().toList();
        assertEquals(names.stream().map(n -> "rm -f id-" + n).sorted().toList(), removed, "only its own containers");
        for (String name : names) {
            assertTrue(docker.contains("ps -aq --filter label=bench.run=" + tag + " --filter name=^/" + name + "$"),
                    String.join("\n", docker));
        }
        List<String> opts = recorded("node2-docker-run-nixlbench.opts");
        assertEquals(List.of("--rm", "--init", "--name", tag + "-nixlbench-node2", "--label", "bench.run=" + tag,
                "--gpus", "all", "--net=host", "--ipc=host", "--ulimit", "memlock=-1", "--ulimit", "stack=67108864",
                "-v", "/fsx:/fsx", "-v", "/scratch:/data:ro", "-e", "FI_PROVIDER", "-e", "FI_EFA_USE_DEVICE_RDMA", "-e",
                "FI_EFA_FORK_SAFE"), opts.stream().filter(o -> !o.startsWith("/dev/") && !o.equals("--device")).toList());
        assertTrue(Files.exists(records.resolve("node1-docker-run-bash.opts")), "etcd runs in a container too");
    }

    @Test
    void nixlRefusesWhatCannotRun() throws Exception {
        nixl(List.of("--runtime", "docker", "--backend", "UCX"), "node[1-2]", Map.of());
        assertTrue(script.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, script.exitValue());
        assertTrue(script.output().contains("--runtime docker needs --image"), script.output());

        nixl(List.of("--backend", "UCX"), "node1", Map.of());
        assertTrue(script.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, script.exitValue());
        assertTrue(script.output().contains("nixlbench needs 2 nodes, the allocation has 1"), script.output());
        assertFalse(Files.exists(records.resolve("srun.log")), "nothing was started");
    }

    // ---- bench.sbatch

    @Test
    void benchWaitsForTheEndpointFileAndRunsOnTheNodeWithTheArgumentsVerbatim() throws Exception {
        Path endpoint = tmp.resolve("logs/" + JOB + "/endpoint");
        List<String> args = new ArrayList<>(List.of("--node", "node2", "--", "--input-len", "512"));
        args.addAll(LaunchScriptTest.NASTY);
        bench(args, Map.of("BENCH", bin.resolve("bench").toString()));
        Thread.sleep(1500);
        assertTrue(script.isAlive(), "bench.sbatch waits for the endpoint\n" + script.output());
        Files.createDirectories(endpoint.getParent());
        Files.writeString(endpoint, "http://node1:20681\n");
        assertTrue(script.waitFor(30, TimeUnit.SECONDS), "bench.sbatch did not go on");
        assertEquals(0, script.exitValue(), script.output());
        List<String> expected = new ArrayList<>(List.of("run", "--base-url", "http://node1:20681", "--save-result",
                "--result-dir", "results/" + JOB, "--input-len", "512"));
        expected.addAll(LaunchScriptTest.NASTY);
        assertEquals(expected, recorded("bench.args"));
        assertEquals("node2\n", Files.readString(records.resolve("bench.node")));
        assertEquals(List.of("--nodes=1 --ntasks=1 --nodelist=node2 --overlap --export=ALL | " + bin.resolve("bench")
                + " run"), Files.readAllLines(records.resolve("srun.log")));
        assertFalse(Files.exists(PWNED), "an argument was executed");
    }

    @Test
    void benchGivesUpWhenNoEndpointAppearsInTime() throws Exception {
        long t0 = System.nanoTime();
        bench(List.of("--endpoint-file", "nowhere/endpoint", "--wait", "2", "--", "--num-prompts", "1"),
                Map.of("BENCH", bin.resolve("bench").toString()));
        assertTrue(script.waitFor(30, TimeUnit.SECONDS));
        String out = script.output();
        assertEquals(1, script.exitValue(), out);
        assertTrue(out.contains("bench.sbatch: no endpoint in nowhere/endpoint after 2s"), out);
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, out);
        assertFalse(Files.exists(records.resolve("bench.args")), "bench did not run");
    }

    @Test
    void benchKeepsTheServerAndResultDirectoryTheArgumentsName() throws Exception {
        bench(List.of("--host", "10.0.0.1", "--port=8000", "--result-dir", "results/mine", "--save-result"),
                Map.of("BENCH", bin.resolve("bench").toString()));
        assertTrue(script.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, script.exitValue(), script.output());
        assertEquals(List.of("run", "--host", "10.0.0.1", "--port=8000", "--result-dir", "results/mine",
                "--save-result"), recorded("bench.args"));
        assertEquals("here\n", Files.readString(records.resolve("bench.node")));
    }

    /** The real ./bench against the in-process mock, the endpoint from this job's endpoint file. */
    @Test
    void realBenchMeasuresTheEndpointAndSavesUnderResults() throws Exception {
        assumeTrue(Files.exists(ROOT.resolve("target/bench.jar")), "target/bench.jar is not built");
        mock = new MockServer(new MockConfig("127.0.0.1", 0, "mock-model", 5, 1, 16)).start();
        Path endpoint = tmp.resolve("logs/" + JOB + "/endpoint");
        Files.createDirectories(endpoint.getParent());
        Files.writeString(endpoint, "http://127.0.0.1:" + mock.port() + "\n");
        String note = "it's \"q\" $HOME $(touch /tmp/bench-pwned) `touch /tmp/bench-pwned` {\"a\": [1, 2]}";
        bench(List.of("--input-len", "16", "--output-len", "8", "--num-prompts", "20", "--no-self-warmup",
                "--no-progress", "--label", "slurm", "--metadata", "note=" + note),
                Map.of("BENCH", ROOT.resolve("bench").toString()));
        assertTrue(script.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, script.exitValue(), script.output());
        Path dir = tmp.resolve("results/" + JOB);
        List<Path> results;
        try (Stream<Path> files = Files.list(dir)) {
            results = files.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertEquals(1, results.size(), results.toString());
        JsonNode j = new ObjectMapper().readTree(results.getFirst().toFile());
        assertEquals(20, j.get("completed").asInt());
        assertEquals("slurm", j.get("label").asText());
        assertEquals(note, j.at("/config/metadata/note").asText());
        assertFalse(Files.exists(PWNED), "an argument was executed");
    }

    // ---- helpers

    private void nixl(List<String> args, String nodelist, Map<String, String> extraEnv) throws IOException {
        run("slurm/nixl.sbatch", args, nodelist, extraEnv);
    }

    private void bench(List<String> args, Map<String, String> extraEnv) throws IOException {
        run("slurm/bench.sbatch", args, "node[1-4]", extraEnv);
    }

    /** bash SCRIPT ARGS in tmp, inside job JOB on nodelist, with the fakes first on PATH. */
    private void run(String name, List<String> args, String nodelist, Map<String, String> extraEnv)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve(name).toString()));
        command.addAll(args);
        script = ScriptProcess.start(command, tmp, env -> {
            env.put("CURL_HOME", tmp.toString());
            env.put("PATH", bin + ":" + System.getenv("PATH"));
            env.put("SLURM_JOB_ID", Long.toString(JOB));
            env.put("SLURM_JOB_NODELIST", nodelist);
            env.put("BENCH_IFNAME", "lo");
            env.put("FAKE_RECORD_DIR", records.toString());
            env.keySet().removeIf(k -> k.startsWith("FI_") || k.equals("HF_TOKEN") || k.equals("BENCH"));
            env.putAll(extraEnv);
        });
    }

    private List<String> recorded(String file) throws IOException {
        return LaunchScriptTest.splitNul(Files.readAllBytes(records.resolve(file)));
    }
}
