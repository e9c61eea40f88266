package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ./bench launcher and the jar as separate processes, as a user runs them. */
@Timeout(180)
class LauncherIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("bench").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @Test
    void launcherFindsAJavaRuntimeOfItsOwn() throws Exception {
        // JAVA_HOME pointing at something unusable must not stop the launcher
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bench").toString(), "--version")
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", tmp.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("bench 0."), out);
    }

    /** What {@code bench --version} prints. */
    private static String version() throws Exception {
        Process p = new ProcessBuilder(ROOT.resolve("bench").toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void finderExplainsWhenNoRuntimeIsGoodEnough() throws Exception {
        Process p = new ProcessBuilder(ROOT.resolve("src/main/sh/java-home.sh").toString(), "--min", "999")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(1, p.waitFor());
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("no Java runtime >= 999 found"), out);
    }

    /** Ctrl-C (SIGINT) or SIGTERM (scancel): the run stops and writes its result; the exit status names the signal. */
    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalStillWritesTheResultMarkedInterrupted(String signal, int expectedExit) throws Exception {
        String port = startMock();
        Path results = tmp.resolve("results");
        Path runLog = tmp.resolve("run.log");
        // 40 requests of 2 s each, 4 at a time: about 20 s if left alone
        Process run = start(runLog, "run", "--base-url", "http://127.0.0.1:" + port, "--input-len", "16",
                "--output-len", "200", "--num-prompts", "40", "--max-concurrency", "4", "--save-result",
                "--save-detailed", "--result-dir", results.toString(), "--result-filename", "r.json");
        Path details = results.resolve("r.requests.jsonl");
        awaitLines(details, 4, run, runLog);
        long t0 = System.nanoTime();
        kill(signal, run);
        assertTrue(run.waitFor(20, TimeUnit.SECONDS), "the run did not stop after SIG" + signal);
        double stopSeconds = (System.nanoTime() - t0) / 1e9;
        String log = Files.readString(runLog);
        assertEquals(expectedExit, run.exitValue(), log);
        assertTrue(stopSeconds < 10, "stopping took " + stopSeconds + " s");
        JsonNode j = new ObjectMapper().readTree(results.resolve("r.json").toFile());
        assertTrue(j.get("interrupted").asBoolean());
        // the jar's version, as bench --version prints it
        assertEquals(version(), "bench " + j.get("bench_version").asText());
        int completed = j.get("completed").asInt();
        int failed = j.get("failed").asInt();
        int notSent = j.get("not_sent").asInt();
        assertTrue(completed >= 4, log);
        assertTrue(notSent > 0, log);
        assertEquals(40, completed + failed + notSent, j.toString());
        // requests still in flight after the grace period are failed as interrupted, not dropped
        if (failed > 0) {
            assertEquals(failed, j.get("failures_by_kind").get("interrupted").asInt());
        }
        assertEquals(completed + failed, Files.readAllLines(details).size());
        assertTrue(log.contains("Interrupted: no new requests"), log);
        assertTrue(log.contains("Serving Benchmark Result"), log);
    }

    /** SIGTERM during a sweep: the point being run is saved, interrupted; no later point starts; exit 143. */
    @Test
    void sigtermStopsASweepWithStatus143() throws Exception {
        String port = startMock();
        Path results = tmp.resolve("results");
        Path sweepLog = tmp.resolve("sweep.log");
        Process sweep = start(sweepLog, "sweep", "--base-url", "http://127.0.0.1:" + port, "--experiment", "e",
                "--label", "l", "--results-dir", results.toString(), "--sweep", "input-len=16,32", "--",
                "--output-len", "200", "--num-prompts", "40", "--max-concurrency", "4", "--save-detailed",
                "--no-self-warmup");
        Path dir = results.resolve("e/l/input-len");
        awaitLines(dir.resolve("input-len=16.requests.jsonl"), 4, sweep, sweepLog);
        kill("TERM", sweep);
        assertTrue(sweep.waitFor(20, TimeUnit.SECONDS), "the sweep did not stop after SIGTERM");
        String log = Files.readString(sweepLog);
        assertEquals(143, sweep.exitValue(), log);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("input-len=16.json").toFile());
        assertTrue(j.get("interrupted").asBoolean(), j.toString());
        assertFalse(Files.exists(dir.resolve("input-len=32.json")), log);
        assertTrue(log.contains("bench: sweep interrupted"), log);
    }

    /**
     * Started from the jar, the mock writes tokens straight to the socket's descriptor: the
     * jar's manifest exports what that needs (Add-Exports), so no launcher flag is required.
     */
    @Test
    void theMockFromTheJarWritesDirectly() throws Exception {
        String port = startMock();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/mock/stats")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        // the launcher runs Java 22 or later here (the FFM API); on Linux the direct path is there
        assertEquals("direct", new ObjectMapper().readTree(body).get("write_path").asText(), body);
    }

    /** Starts a mock with 2 s requests of 200 tokens; returns its port. */
    private String startMock() throws Exception {
        Path portFile = tmp.resolve("port");
        Process mock = start(tmp.resolve("mock.log"), "mock", "--port", "0", "--port-file", portFile.toString(),
                "--ttft-ms", "20", "--itl-ms", "10");
        return waitForFile(portFile, mock, tmp.resolve("mock.log"));
    }

    /** Waits until {@code file} has {@code lines} lines (requests completed), while {@code p} runs. */
    private static void awaitLines(Path file, int lines, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()
                && (!Files.exists(file) || Files.readAllLines(file).size() < lines)) {
            Thread.sleep(100);
        }
        assertTrue(p.isAlive(), Files.readString(log));
    }

    private static void kill(String signal, Process p) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
    }

    private static String waitForFile(Path file, Process owner, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && !Files.readString(file).isBlank()) {
                return Files.readString(file).strip();
            }
            if (!owner.isAlive()) {
                throw new AssertionError("process exited: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + file);
    }
}
