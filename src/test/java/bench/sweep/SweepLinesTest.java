package bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepLinesTest {
    static final Point P = new Point("prefill", Map.of(Axis.INPUT_LEN, "512"), Map.of(), List.of(), 2);

    @Test
    void progressLines() throws Exception {
        var r = new ObjectMapper().readTree("{\"output_throughput\": 2679.46, \"request_throughput\": 41.866,"
                + " \"mean_ttft_ms\": 52.38, \"mean_itl_ms\": 10.01}");
        assertEquals("[3/9] prefill/input-len=512-run2: done in 12.3 s: 2679.5 output tok/s, 41.87 req/s, "
                + "mean TTFT 52.4 ms, mean ITL 10.0 ms", SweepLines.ran(3, 9, P, 12.34, r));
        assertEquals("[3/9] prefill/input-len=512-run2: FAILED in 0.0 s: x (exit 1)",
                SweepLines.failed(3, 9, P, 0.01, SweepLines.failureReason("noise\nbench: error: x\n", 1)));
        assertEquals("[1/1] prefill/input-len=512-run2: skipped, already done (f.json)",
                SweepLines.skipped(1, 1, P, "f.json"));
    }

    @Test
    void failureReasonIsTheLastErrorLine() {
        assertEquals("cannot reach http://127.0.0.1:9/v1/models: connection refused (exit 1)",
                SweepLines.failureReason("Model...\nbench: error: first\nbench: error: cannot reach "
                        + "http://127.0.0.1:9/v1/models: connection refused\n", 1));
        assertEquals("bench run exited with status 70 (exit 70)", SweepLines.failureReason("", 70));
    }

    @Test
    void logsKeepWhatAProgressBarLeftOnEachLine() {
        assertEquals("Model: m\n[###  ] 3/5\ndone\nwindows\n",
                SweepLines.lastStates("Model: m\n[#    ] 1/5\r[###  ] 3/5\ndone\nwindows\r\n"));
        assertEquals("", SweepLines.lastStates(""));
    }

    @Test
    void summaryCountsAndListsFailures() {
        List<SweepLines.Outcome> o = List.of(new SweepLines.Outcome(P, SweepLines.Kind.RAN, 1, "x"),
                new SweepLines.Outcome(P, SweepLines.Kind.SKIPPED, 0, "done"),
                new SweepLines.Outcome(P, SweepLines.Kind.FAILED, 1, "boom (exit 1)"));
        List<Point> plan = plan("input-len=512,1024", 2);
        assertEquals(List.of("bench sweep: 2 points x 2 runs = 4 runs: 1 ran, 1 skipped (already done), 1 failed, "
                + "1 not started (interrupted); results in d", "  failed: prefill/input-len=512-run2: boom (exit 1)"),
                SweepLines.summary(o, plan, "d", true));
    }

    /** Points and runs are counted apart: --num-runs 2 over one point is not "2 points". */
    @Test
    void countTellsPointsFromRuns() {
        assertEquals("1 point", SweepLines.count(plan("input-len=16", 1)));
        assertEquals("3 points", SweepLines.count(plan("input-len=16,32,64", 1)));
        assertEquals("1 point x 2 runs", SweepLines.count(plan("input-len=16", 2)));
        assertEquals("3 points x 2 runs = 6 runs", SweepLines.count(plan("input-len=16,32,64", 2)));
        assertEquals("points", SweepLines.entries(plan("input-len=16,32,64", 1)));
        assertEquals("runs", SweepLines.entries(plan("input-len=16", 2)));
        // what is left of a plan: the points have different numbers of runs to do
        List<Point> left = plan("input-len=16,32", 3).subList(2, 6);
        assertEquals("4 runs of 2 points", SweepLines.count(left));
        assertEquals("1 run of 1 point", SweepLines.count(left.subList(3, 4)));
    }

    private static List<Point> plan(String sweep, int runs) {
        return SweepPlan.expand(List.of(SweepDef.fromFlags(List.of(sweep), null, null)), runs);
    }
}
