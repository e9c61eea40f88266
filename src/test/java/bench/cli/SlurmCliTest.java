package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.Golden;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlurmCliTest {
    /** Inside the article's allocation: 4 nodes, job 1234. */
    private static final CliEnv ALLOCATION = CliRunner.env(Map.of("SLURM_JOB_NODELIST", "node[1-4]",
            "SLURM_JOB_ID", "1234"));
    private static final List<String> MODEL = List.of("--", "--model", "/fsx/models/deepseek-ai/DeepSeek-V2-Lite",
            "--gpu-memory-utilization", "0.9");

    @TempDir
    Path tmp;

    private static String[] args(List<String> opts, List<String> serve) {
        List<String> all = new ArrayList<>(opts);
        all.addAll(serve);
        return all.toArray(String[]::new);
    }

    @Test
    void helpTextsMatchGoldenFiles() {
        for (String cmd : List.of("slurm", "slurm plan", "slurm render")) {
            List<String> a = new ArrayList<>(List.of(cmd.split(" ")));
            a.add("--help");
            CliRunner.Result r = CliRunner.run(a.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
            Golden.assertMatches("help-" + cmd.replace(' ', '-') + ".txt", r.out());
        }
    }

    @Test
    void planReadsHostsAndJobIdFromTheAllocation() {
        CliRunner.Result r = CliRunner.run(ALLOCATION, args(List.of("slurm", "plan", "--route", "2"), MODEL));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.err());
        Golden.assertMatches("slurm/plan-route2.txt", r.out());
    }

    @Test
    void flagsOverrideTheAllocation() throws Exception {
        CliRunner.Result r = CliRunner.run(ALLOCATION, args(List.of("slurm", "plan", "--hosts", "gpu[001-002]",
                "--job-id", "5", "--prefill", "1", "--kv-backend", "ucx", "--format", "json"), MODEL));
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("pd", j.get("mode").asText());
        assertEquals(5, j.get("job_id").asLong());
        assertEquals("gpu001", j.get("groups").get(0).get("nodes").get(0).get("host").asText());
        assertEquals("http://gpu001:20101", j.get("endpoint").asText());
        assertTrue(r.out().contains("[\\\"UCX\\\"]"), r.out());
    }

    @Test
    void planJsonMatchesTheGoldenFile() {
        CliRunner.Result r = CliRunner.run(ALLOCATION, args(List.of("slurm", "plan", "--prefill", "1", "--format",
                "json"), MODEL));
        assertEquals(0, r.exitCode(), r.err());
        Golden.assertMatches("slurm/plan-pd-1p3d.json", r.out());
    }

    @Test
    void renderWritesAnExecutableScript() throws Exception {
        Path out = tmp.resolve("logs/1234/launch.sh");
        CliRunner.Result r = CliRunner.run(ALLOCATION, args(List.of("slurm", "render", "--route", "2", "--runtime",
                "docker", "--image", "/fsx/images/nixl-latest.tar.gz", "--container-mount", "/fsx", "--out",
                out.toString()), MODEL));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("wrote " + out + " (docker): job 1234: 4 nodes in 2 groups of 2, data parallel, TP 8, 8 GPUs"
                + " per node; endpoint http://node1:20681\n", r.out());
        Golden.assertMatches("slurm/launch-route2-docker.sh", Files.readString(out));
        assertTrue(Files.getPosixFilePermissions(out).contains(PosixFilePermission.OWNER_EXECUTE));
    }

    @Test
    void renderWithoutOutWritesTheScriptToStdout() {
        CliRunner.Result r = CliRunner.run(ALLOCATION, args(List.of("slurm", "render", "--route", "4"), MODEL));
        assertEquals(0, r.exitCode(), r.err());
        Golden.assertMatches("slurm/launch-route4-bare.sh", r.out());
    }

    /** Words after -- are the user's: never options of bench, never @files, never changed. */
    @Test
    void serveArgumentsPassThroughTheCliVerbatim() throws Exception {
        Path atFile = tmp.resolve("args");
        Files.writeString(atFile, "--port 1\n");
        List<String> nasty = List.of("--model", "m", "--served-model-name", "@" + atFile, "--chat-template",
                "{\"a\": \"b c\"} '$HOME' `id` $(id); --route 9", "--", "-x");
        List<String> all = new ArrayList<>(List.of("--"));
        all.addAll(nasty);
        CliRunner.Result r = CliRunner.run(ALLOCATION, args(List.of("slurm", "plan", "--format", "json"), all));
        assertEquals(0, r.exitCode(), r.err());
        JsonNode cmd = new ObjectMapper().readTree(r.out()).get("groups").get(0).get("nodes").get(0).get("command");
        List<String> words = new ArrayList<>();
        cmd.forEach(w -> words.add(w.asText()));
        assertEquals(nasty, words.subList(2, 2 + nasty.size()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "slurm plan --route 3 -- --model m                         | 2 | bench: error: 4 nodes cannot be split into 3 equal route groups",
        "slurm plan --prefill 4 -- --model m                       | 2 | bench: error: --prefill 4 leaves no decode node",
        "slurm plan -- --model m -tp 16                            | 2 | bench: error: tensor parallel size 16 is larger than a node (8 GPUs)",
        "slurm plan -- --model m -tp 3                             | 2 | bench: error: tensor parallel size 3 does not divide the 8 GPUs",
        "slurm plan --hosts a,b,a -- --model m                     | 2 | bench: error: duplicate host 'a' in the hostlist",
        "slurm plan --hosts node[1-2 -- --model m                  | 2 | bench: error: bad hostlist 'node[1-2': '[' without ']'",
        "slurm plan -- --model m --port 9000                       | 2 | bench: error: --port is set by bench slurm for each node",
        "slurm plan --format yaml -- --model m                     | 2 | Invalid value for option '--format'",
        "slurm plan --model m                                      | 2 | Unknown option: '--model'",
        "slurm render --runtime docker -- --model m                | 2 | bench: error: --runtime docker needs --image",
        "slurm render --runtime pyxis -- --model m                 | 2 | bench: error: --runtime pyxis needs --image",
        "slurm render --image x -- --model m                       | 2 | bench: error: --image and --container-mount are for --runtime docker or pyxis",
        "slurm render --runtime podman -- --model m                | 2 | Invalid value for option '--runtime'",
        "slurm render --env NOVALUE -- --model m                   | 2 | bench: error: bad --env 'NOVALUE': expected NAME=VALUE",
        "slurm render --ready-timeout 0 -- --model m               | 2 | bench: error: --ready-timeout must be >= 1 second",
    })
    void badInputGivesOneLine(String line, int exit, String message) {
        CliRunner.Result r = CliRunner.run(ALLOCATION, line.trim().split("\\s+"));
        assertEquals(exit, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void outsideAnAllocationHostsAndJobIdMustBeGiven() {
        CliRunner.Result noJob = CliRunner.run("slurm", "plan", "--hosts", "n1", "--", "--model", "m");
        assertEquals(2, noJob.exitCode());
        assertEquals("bench: error: no job id: give --job-id or run inside a Slurm allocation (SLURM_JOB_ID)\n",
                noJob.err());
        CliRunner.Result noHosts = CliRunner.run("slurm", "plan", "--job-id", "1", "--", "--model", "m");
        assertEquals(2, noHosts.exitCode());
        assertEquals("bench: error: 0 nodes to plan for: give --hosts or run inside a Slurm allocation"
                + " (SLURM_JOB_NODELIST)\n", noHosts.err());
        CliRunner.Result badJob = CliRunner.run(CliRunner.env(Map.of("SLURM_JOB_ID", "12_3")), "slurm", "plan",
                "--hosts", "n1", "--", "--model", "m");
        assertEquals("bench: error: SLURM_JOB_ID '12_3' is not a job id; give --job-id\n", badJob.err());
    }
}
