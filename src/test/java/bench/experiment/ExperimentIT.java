package bench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bench experiment on the local runtime, end to end: launch, sweep, tear down, skip, fail, figures. */
@Timeout(300)
class ExperimentIT {
    @TempDir
    Path tmp;

    @Test
    void topologiesRunFailOrSkipAndTheFiguresAreDrawn() throws Exception {
        Path spec = tmp.resolve("tiny.yaml");
        Files.writeString(spec, """
                topologies:
                  - {label: route4, route: 4}
                  - {label: pd1p3d, prefill: 1}
                  - {label: route3, route: 3}
                sweeps:
                  prefill: {sweep: {input-len: [16, 48]}, fixed: {output-len: 4}}
                run_args: [--num-prompts, "8", --no-self-warmup, --no-progress]
                baseline: route4
                local: {prefill_tps: 200000, step_ms: 2, max_num_seqs: 16}
                """);
        Path results = tmp.resolve("results");
        CliRunner.Result r = CliRunner.run("experiment", spec.toString(), "--results-dir", results.toString());
        String out = r.out();
        // route 3 does not divide 4 nodes: reported, the others still run
        assertEquals(1, r.exitCode(), out + r.err());
        assertTrue(out.contains("route3") && out.contains("plan refused: 4 nodes cannot be split into 3"), out);
        for (String label : new String[] {"route4", "pd1p3d"}) {
            assertTrue(out.matches("(?s).*\\n" + label + " +done .*"), out);
            for (String point : new String[] {"input-len=16", "input-len=48"}) {
                assertTrue(Files.isRegularFile(results.resolve("tiny/" + label + "/prefill/" + point + ".json")), point);
            }
            assertTrue(Files.list(results.resolve("tiny/" + label + "/logs")).count() >= 2, "engine logs kept");
        }
        assertTrue(Files.size(results.resolve("tiny/figures/throughput.png")) > 10_000);
        assertTrue(Files.readString(results.resolve("tiny/compare.md")).contains("pd1p3d"));

        // a re-run skips what is complete and launches nothing
        CliRunner.Result again = CliRunner.run("experiment", spec.toString(), "--results-dir", results.toString(),
                "--only", "route4,pd1p3d");
        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("== route4: complete, skipped"), again.out());
        assertTrue(again.out().contains("== pd1p3d: complete, skipped"), again.out());
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count());
    }

    @Test
    void anUnknownTopologyInOnlyIsBadInput() {
        CliRunner.Result r = CliRunner.run("experiment", "demo", "--dry-run", "--only", "pd_1prefill_3decode,zzz",
                "--results-dir", tmp.toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("bench: error: --only: no topology 'zzz' in demo (its topologies: "
                + "baseline_4node_tp8, "), r.err());
    }
}
