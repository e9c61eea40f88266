package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bench experiment --dry-run shows what the spec's runtime would start, and the slurm one needs no allocation. */
class ExperimentDryRunTest {
    @TempDir
    Path tmp;

    @Test
    void theLocalRuntimesDryRunShowsItsMockProcessesAndSweeps() {
        CliRunner.Result r = CliRunner.run("experiment", "demo", "--dry-run", "--only", "pd_1prefill_3decode",
                "--results-dir", tmp.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("== pd_1prefill_3decode: 6 points to run\nlocal runtime: 5 processes on 127.0.0.1"),
                out);
        Path logs = tmp.resolve("demo/pd_1prefill_3decode/logs");
        assertTrue(out.contains("  prefill-node1: bench mock --host 127.0.0.1 --port 0 --port-file "
                + logs.resolve("prefill-node1.port") + " --model bench-mock --prefill-tps 80000"), out);
        assertTrue(out.contains("  router: bench mock router --host 127.0.0.1 --port 0 --port-file "
                + logs.resolve("router.port") + " --policy consistent_hash --vllm-pd-disaggregation --prefill "
                + "http://127.0.0.1:<prefill-node1 port> --decode http://127.0.0.1:<decode-node2 port>"), out);
        assertTrue(out.contains("  bench sweep --base-url ENDPOINT --experiment demo --label pd_1prefill_3decode"),
                out);
        // nothing of the slurm runtime, which this one does not use
        for (String slurm : new String[] {"vllm serve", "vllm-router", "srun", "job 0"}) {
            assertFalse(out.contains(slurm), slurm);
        }
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count());
    }

    @Test
    void theSlurmRuntimesDryRunNeedsNoAllocationWithHostsAndJobId() {
        CliRunner.Result r = CliRunner.run("experiment", "article", "--dry-run", "--hosts", "gpu[1-4]", "--job-id",
                "1234", "--only", "route2_2x2node", "--results-dir", tmp.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("job 1234: 4 nodes in 2 groups of 2, data parallel"), r.out());
        assertTrue(r.out().contains("endpoint: http://gpu1:20681"), r.out());
        assertTrue(r.out().contains("  gpu3 (dp-head): vllm serve --model /fsx/models/"), r.out());
        assertTrue(r.out().contains("launch:   bash " + Path.of("logs/1234/launch-route2_2x2node.sh").toAbsolutePath()
                + " (runtime docker, image /fsx/nixl-latest.tar.gz)"), r.out());
    }

    @Test
    void theSpecsSrunArgsGoToEveryStepAndScriptOwnedOnesAreRefused() throws Exception {
        String spec = """
                name: g
                runtime: slurm
                nodes: 2
                topologies: [{label: dp, route: 1}]
                sweeps: {s: {sweep: {input-len: [8]}}}
                slurm: {serve_args: [--model, m], srun_args: [%s]}
                """;
        Path ok = tmp.resolve("ok.yaml");
        java.nio.file.Files.writeString(ok, spec.formatted("--gres=gpu:8"));
        CliRunner.Result r = CliRunner.run("experiment", ok.toString(), "--dry-run", "--hosts", "n[1-2]", "--job-id",
                "5", "--results-dir", tmp.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("(runtime bare, srun steps with --gres=gpu:8)"), r.out());
        Path bad = tmp.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, spec.formatted("--nodes=1"));
        r = CliRunner.run("experiment", bad.toString(), "--dry-run", "--hosts", "n[1-2]", "--job-id", "5",
                "--results-dir", tmp.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertEquals("bench: error: the spec's slurm settings: srun_args --nodes is set by the launch script itself"
                + " (one task on one node of the allocation per step)\n", r.err());
    }

    @Test
    void insideAnAllocationTheSlurmDryRunTakesItsNodes() {
        CliRunner.Result r = CliRunner.run(CliRunner.env(Map.of("SLURM_JOB_ID", "77", "SLURM_JOB_NODELIST",
                "n[01-04]")), "experiment", "article", "--dry-run", "--only", "route4_no_dp", "--results-dir",
                tmp.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("job 77: 4 nodes in 4 groups of 1"), r.out());
        assertTrue(r.out().contains("  n04 (dp-head): vllm serve"), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "article --dry-run|the slurm runtime plans for an allocation and there is none (SLURM_JOB_ID and"
                + " SLURM_JOB_NODELIST are not set): give --hosts HOSTLIST --job-id ID, e.g. --hosts 'node[1-4]'"
                + " --job-id 1",
        "article|the slurm runtime runs inside an allocation (SLURM_JOB_ID and SLURM_JOB_NODELIST are not set):"
                + " salloc -N 4 bash slurm/experiment.sbatch SPEC; to see the plans without one: --dry-run --hosts"
                + " HOSTLIST --job-id ID",
        "article --dry-run --hosts node[1-4]|no job id: give --job-id or run inside a Slurm allocation (SLURM_JOB_ID)",
        "article --dry-run --job-id 3|no hosts: give --hosts HOSTLIST or run inside a Slurm allocation"
                + " (SLURM_JOB_NODELIST)",
        "article --dry-run --hosts node[1-x] --job-id 3|bad hostlist 'node[1-x]': 'x' is not a number",
        "article --hosts node[1-4] --job-id 3|--hosts and --job-id go with --dry-run only: a launch runs on the"
                + " nodes of its allocation",
        "demo --dry-run --hosts node[1-4]|--hosts and --job-id are for the slurm runtime; the local runtime"
                + " simulates the spec's 4 nodes (its 'nodes')"})
    void withoutAnAllocationOneLineNamesTheFlags(String args, String message) {
        String[] words = (args + " --results-dir " + tmp).split(" ");
        String[] all = new String[words.length + 1];
        all[0] = "experiment";
        System.arraycopy(words, 0, all, 1, words.length);
        CliRunner.Result r = CliRunner.run(all);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals("bench: error: " + message + "\n", r.err());
    }
}
