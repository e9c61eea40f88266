package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench experiment --dry-run shows what the spec's runtime would start. */
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
}
