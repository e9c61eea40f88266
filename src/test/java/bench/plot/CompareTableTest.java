package bench.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import bench.Golden;
import bench.metrics.Metric;
import bench.sweep.Axis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareTableTest {

    /** dp (baseline), pd and route4 over two sweeps; some points missing; one point with two runs. */
    static ResultTable table() {
        List<RunRecord> rs = new ArrayList<>();
        rs.add(rec("dp", "prefill", Axis.INPUT_LEN, 512, 1, 15000, 4000, 45));
        rs.add(rec("dp", "prefill", Axis.INPUT_LEN, 1024, 1, 11000, 6500, 48));
        rs.add(rec("dp", "decode", Axis.OUTPUT_LEN, 256, 1, 15500, 4200, 44));
        rs.add(rec("pd", "prefill", Axis.INPUT_LEN, 512, 1, 18000, 5200, 30));
        rs.add(rec("pd", "prefill", Axis.INPUT_LEN, 1024, 1, 17000, 5500, 25));
        rs.add(rec("pd", "decode", Axis.OUTPUT_LEN, 256, 1, 18000, 5300, 31));
        rs.add(rec("pd", "decode", Axis.OUTPUT_LEN, 512, 1, 27000, 4100, 29));
        rs.add(rec("route4", "prefill", Axis.INPUT_LEN, 512, 1, 27000, 2200, 29));
        rs.add(rec("route4", "prefill", Axis.INPUT_LEN, 512, 2, 29000, 2400, 31));
        return ResultTable.of(rs);
    }

    static RunRecord rec(String label, String sweep, Axis axis, int x, int run, double tput, double ttft, double itl) {
        Map<Metric, Latency> l = new EnumMap<>(Metric.class);
        l.put(Metric.TTFT, new Latency(Map.of(Stat.MEAN, ttft, Stat.P99, ttft * 2), 100, null));
        l.put(Metric.ITL, new Latency(Map.of(Stat.MEAN, itl, Stat.P99, itl * 3), 1000, null));
        int out = axis == Axis.OUTPUT_LEN ? x : 256;
        int in = axis == Axis.INPUT_LEN ? x : 512;
        return new RunRecord(label + "/" + sweep + "/" + x + "/" + run, label, sweep, Map.of(axis, Integer.toString(x)),
                run, Map.of(Axis.INPUT_LEN, (double) in, Axis.OUTPUT_LEN, (double) out), tput, tput / out, 100, l);
    }

    @Test
    void markdownMatchesGolden() {
        Golden.assertMatches("compare.md", CompareTable.build(table(), "dp").markdown());
    }

    @Test
    void csvMatchesGolden() {
        Golden.assertMatches("compare.csv", CompareTable.build(table(), "dp").csv());
    }

    @Test
    void ratiosAndMissingPoints() {
        CompareTable t = CompareTable.build(table(), "dp");
        assertEquals(List.of("decode", "prefill"), t.sections().stream().map(CompareTable.Section::sweep).toList());
        CompareTable.Section decode = t.sections().get(0);
        assertEquals(6, decode.lines().size(), "2 points x 3 labels");
        CompareTable.Line route4 = decode.lines().get(2);
        assertEquals("missing", route4.status());
        CompareTable.Line pd512 = decode.lines().get(4);
        assertEquals("pd", pd512.label());
        assertEquals("no-baseline", pd512.status());
        assertEquals(null, pd512.ratio(CompareTable.Column.OUTPUT_THROUGHPUT));
        CompareTable.Line r512 = t.sections().get(1).lines().get(2);
        assertEquals("route4", r512.label());
        assertEquals(2, r512.row().stats().runs());
        assertEquals(28000.0 / 15000, r512.ratio(CompareTable.Column.OUTPUT_THROUGHPUT), 1e-12);
        assertEquals(2300.0 / 4000, r512.ratio(CompareTable.Column.MEAN_TTFT), 1e-12);
    }

    @Test
    void anUnknownBaselineIsAOneLineError() {
        BenchException e = assertThrows(BenchException.class, () -> CompareTable.build(table(), "nope"));
        assertEquals("baseline label 'nope' is not in the results (labels: dp, pd, route4)", e.getMessage());
    }

    @Test
    void vllmFilesInLayoutAndFlatLineUpPointByPoint() {
        ResultTable t = ResultTable.of(ResultLoader.load(List.of(Path.of("src/test/resources/vllm-results"))).records());
        String md = CompareTable.build(t, "vllm_route4").markdown();
        assertTrue(md.contains("| input-len=1024 | pd_1prefill_3decode | 1 | 17246.3 (0.72x) |"), md);
        assertTrue(md.contains("| output-len=256 | pd_1prefill_3decode | - | missing |"), md);
        assertEquals("a,\"b,c\",\"d\"\"e\"", String.join(",", CompareTable.csvField("a"), CompareTable.csvField("b,c"),
                CompareTable.csvField("d\"e")));
    }
}
