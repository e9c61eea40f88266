package bench.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import bench.metrics.LatencyRecorder;
import bench.metrics.Metric;
import bench.sweep.Axis;
import bench.sweep.Point;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTableTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theSuiteBecomesFortyFiveRowsInTwoSweeps() {
        ResultTable t = ResultTable.of(ResultLoader.load(List.of(PlotFixtures.writeSuite(tmp))).records());
        assertEquals(45, t.rows().size());
        assertEquals(List.of("baseline_4node_tp8", "pd_1prefill_3decode", "pd_2prefill_2decode", "route2_2x2node",
                "route4_no_dp"), t.labels());
        assertEquals(List.of("decode", "prefill"), List.copyOf(t.sweeps().keySet()));
        ResultTable.SweepInfo prefill = t.sweeps().get("prefill");
        assertEquals(Axis.INPUT_LEN, prefill.xAxis());
        assertEquals(256.0, prefill.constant().get(Axis.OUTPUT_LEN));
        assertEquals(512.0, t.sweeps().get("decode").constant().get(Axis.INPUT_LEN));
        assertEquals(List.of("input-len=512", "input-len=1024", "input-len=2048", "input-len=4096"),
                t.points("prefill").stream().map(PointRow::point).toList());
        PointRow r = t.row("pd_1prefill_3decode", "decode", "output-len=2048");
        PlotFixtures.Figures f = PlotFixtures.expected(PlotFixtures.LABELS.indexOf("pd_1prefill_3decode"), "decode",
                512, 2048);
        assertEquals(f.outputThroughput(), r.stats().outputThroughput(), 1e-3, "duration is whole ns");
        assertEquals(f.ttftMs(), r.stats().latency(Metric.TTFT, Stat.MEAN), 1e-6);
        assertEquals(f.itlMs(), r.stats().latency(Metric.ITL, Stat.MEAN), 1e-6);
        assertEquals(1, r.stats().runs());
    }

    static RunRecord decodeRecord(String label, double inputLen, int outputLen) {
        Map<Axis, Double> axes = new EnumMap<>(Axis.class);
        axes.put(Axis.INPUT_LEN, inputLen);
        axes.put(Axis.OUTPUT_LEN, (double) outputLen);
        return new RunRecord(label + "-" + inputLen + "-" + outputLen, label, "decode",
                Map.of(Axis.OUTPUT_LEN, Integer.toString(outputLen)), 1, axes, 100, 1, 10, Map.of());
    }

    @Test
    void resultsThatDifferInAnUnsweptLengthAreNeverTheSamePoint() {
        List<RunRecord> records = new ArrayList<>();
        for (int out : new int[] {16, 32}) {
            records.add(decodeRecord("alpha", 128, out));
            records.add(decodeRecord("beta", 128, out));
            records.add(decodeRecord("gamma", 64, out));
        }
        ResultTable t = ResultTable.of(records);
        assertEquals(List.of("decode@input-len=128", "decode@input-len=64"), List.copyOf(t.sweeps().keySet()));
        assertEquals(List.of("alpha", "beta"), t.rows("decode@input-len=128").stream().map(PointRow::label)
                .distinct().toList());
        assertEquals(2, t.rows("decode@input-len=64").size());
        assertEquals(64.0, t.sweeps().get("decode@input-len=64").constant().get(Axis.INPUT_LEN));
        assertEquals(Axis.OUTPUT_LEN, t.sweeps().get("decode@input-len=64").xAxis());
        // averages that differ by less than 10 % (vLLM's files) stay one sweep
        ResultTable same = ResultTable.of(List.of(decodeRecord("alpha", 512, 16), decodeRecord("beta", 509, 16)));
        assertEquals(List.of("decode"), List.copyOf(same.sweeps().keySet()));
        assertEquals(1, same.points("decode").size());
    }

    @Test
    void plainVllmFilesAreSortedIntoPrefillAndDecodeByTheirValues() {
        ResultTable t = ResultTable.of(ResultLoader.load(List.of(Path.of("src/test/resources/vllm-results/flat")))
                .records());
        assertEquals(List.of("decode", "prefill"), List.copyOf(t.sweeps().keySet()));
        assertEquals(List.of("input-len=512", "input-len=1024"),
                t.rows("prefill").stream().map(PointRow::point).toList());
        assertEquals(List.of("output-len=256", "output-len=512"),
                t.rows("decode").stream().map(PointRow::point).toList(), "input 512 / output 256 is in both");
        assertEquals(256.0, t.sweeps().get("prefill").constant().get(Axis.OUTPUT_LEN));
        assertEquals(512.0, t.sweeps().get("decode").constant().get(Axis.INPUT_LEN));
    }

    @Test
    void recordsInNoSweepShapeAreUnsorted() {
        RunRecord a = record("x", null, null, 1, Map.of(Axis.INPUT_LEN, 100.0, Axis.OUTPUT_LEN, 10.0), 1, 5, null);
        RunRecord b = record("x", null, null, 1, Map.of(Axis.INPUT_LEN, 200.0, Axis.OUTPUT_LEN, 20.0), 1, 5, null);
        ResultTable t = ResultTable.of(List.of(a, b));
        assertEquals(List.of("unsorted"), List.copyOf(t.sweeps().keySet()));
        assertEquals(List.of("input-len=100,output-len=10", "input-len=200,output-len=20"),
                t.rows("unsorted").stream().map(PointRow::point).toList());
        assertNull(t.sweeps().get("unsorted").xAxis());
    }

    @Test
    void runsCombineThroughputMeanWeightedMeanAndMergedHistograms() throws Exception {
        // run 1: TTFT 100, 110, 120, 130 ms; run 2: TTFT 1000, 1010, 1020, 1030 ms
        ResultTable t = ResultTable.of(twoRuns(10.0, 10.0));
        assertEquals(1, t.rows().size());
        Aggregate a = t.rows().get(0).stats();
        assertEquals(2, a.runs());
        assertEquals(2000, a.outputThroughput(), 1e-3, "mean of the runs' throughputs");
        assertEquals(565, a.latency(Metric.TTFT, Stat.MEAN), 1e-6, "mean over all 8 requests");
        assertEquals(20, a.latency(Metric.ITL, Stat.MEAN), 1e-6, "equal counts: the plain mean");
        LatencyRecorder all = new LatencyRecorder();
        for (long ms : new long[] {100, 110, 120, 130, 1000, 1010, 1020, 1030}) {
            all.record(ms * 1_000_000);
        }
        assertEquals(all.percentileNanos(50) / 1e6, a.latency(Metric.TTFT, Stat.MEDIAN), 1e-9);
        assertEquals(all.percentileNanos(99) / 1e6, a.latency(Metric.TTFT, Stat.P99), 1e-9,
                "p99 of all requests, not the mean of the runs' p99s");
        assertEquals(130, a.latency(Metric.TTFT, Stat.MEDIAN), 0.2, "the 4th of 8 values");
    }

    /**
     * Any percentile, min, max and std of a point's runs: percentiles from the merged histograms
     * (also those the files do not list), min and max over all runs, std over every request.
     */
    @Test
    void anyPercentileMinMaxAndStdComeFromAllRequestsOfAllRuns() throws Exception {
        // run 1: TTFT 100, 130, 160, 190 ms; run 2: TTFT 1000, 1007, 1014, 1021 ms
        List<RunRecord> runs = twoRuns(30.0, 7.0);
        double[] ms = {100, 130, 160, 190, 1000, 1007, 1014, 1021};
        LatencyRecorder all = new LatencyRecorder();
        double sum = 0;
        for (double v : ms) {
            all.record(Math.round(v * 1e6));
            sum += v;
        }
        double mean = sum / ms.length;
        double squares = 0;
        for (double v : ms) {
            squares += (v - mean) * (v - mean);
        }
        RunRecord r1 = runs.get(0);
        RunRecord r2 = runs.get(1);
        assertNull(r1.latencies().get(Metric.TTFT).get(Stat.parse("p95")), "the file lists p50, p90, p99 only");
        Aggregate a = ResultTable.of(runs).rows().get(0).stats();
        for (String p : List.of("p95", "p99.9", "p25", "p10")) {
            Stat s = Stat.parse(p);
            assertEquals(all.percentileNanos(s.percentile()) / 1e6, a.latency(Metric.TTFT, s), 1e-9, p);
        }
        assertEquals(1021, a.latency(Metric.TTFT, Stat.parse("p99.9")), 1021 * 1e-3);
        assertEquals(160, a.latency(Metric.TTFT, Stat.parse("p37.5")), 160 * 1e-3, "the 3rd of 8");
        assertEquals(100, a.latency(Metric.TTFT, Stat.MIN), 100 * 1e-3);
        assertEquals(1021, a.latency(Metric.TTFT, Stat.MAX), 1021 * 1e-3);
        assertEquals(Math.sqrt(squares / ms.length), a.latency(Metric.TTFT, Stat.STD), 0.5,
                "the deviation of all 8 requests, not the mean of the runs' deviations");

        // one run: the file's own values, and its histogram for what the file does not list
        Aggregate one = ResultTable.of(List.of(r2)).rows().get(0).stats();
        assertEquals(r2.latencies().get(Metric.TTFT).get(Stat.STD), one.latency(Metric.TTFT, Stat.STD));
        assertEquals(1014, one.latency(Metric.TTFT, Stat.parse("p75")), 1014 * 1e-3);
    }

    @Test
    void runsWithoutHistogramsPoolTheirDeviationsAndTakeTheExtremes() {
        // run 1: 100 samples of mean 10, std 2; run 2: 300 samples of mean 20, std 4
        RunRecord a = record("l", "s", Map.of(Axis.INPUT_LEN, "1"), 1, Map.of(Axis.INPUT_LEN, 1.0), 100, 10,
                new Latency(Map.of(Stat.MEAN, 10.0, Stat.STD, 2.0, Stat.MIN, 5.0, Stat.MAX, 15.0), 100, null));
        RunRecord b = record("l", "s", Map.of(Axis.INPUT_LEN, "1"), 2, Map.of(Axis.INPUT_LEN, 1.0), 300, 30,
                new Latency(Map.of(Stat.MEAN, 20.0, Stat.STD, 4.0, Stat.MIN, 7.0, Stat.MAX, 40.0), 300, null));
        Aggregate agg = ResultTable.of(List.of(a, b)).rows().get(0).stats();
        double mean = (10.0 * 100 + 20.0 * 300) / 400;
        double ex2 = (100 * (4 + 100.0) + 300 * (16 + 400.0)) / 400;
        assertEquals(Math.sqrt(ex2 - mean * mean), agg.latency(Metric.TTFT, Stat.STD), 1e-9);
        assertEquals(5, agg.latency(Metric.TTFT, Stat.MIN), 1e-9);
        assertEquals(40, agg.latency(Metric.TTFT, Stat.MAX), 1e-9);
        assertNull(agg.latency(Metric.TTFT, Stat.parse("p95")), "no histogram, no p95 in the files");
    }

    @Test
    void runsWithoutHistogramsAverageTheirPercentiles() {
        RunRecord a = record("l", "s", Map.of(Axis.INPUT_LEN, "1"), 1, Map.of(Axis.INPUT_LEN, 1.0), 100, 10,
                new Latency(Map.of(Stat.MEAN, 10.0, Stat.P99, 40.0), 100, null));
        RunRecord b = record("l", "s", Map.of(Axis.INPUT_LEN, "1"), 2, Map.of(Axis.INPUT_LEN, 1.0), 300, 30,
                new Latency(Map.of(Stat.MEAN, 20.0, Stat.P99, 60.0), 300, null));
        Aggregate agg = ResultTable.of(List.of(a, b)).rows().get(0).stats();
        assertEquals(200, agg.outputThroughput(), 1e-9);
        assertEquals(20, agg.requestThroughput(), 1e-9);
        assertEquals((10.0 * 100 + 20.0 * 300) / 400, agg.latency(Metric.TTFT, Stat.MEAN), 1e-9);
        assertEquals(50, agg.latency(Metric.TTFT, Stat.P99), 1e-9);
        assertNull(agg.latency(Metric.TTFT, Stat.P90));
        assertNull(agg.latency(Metric.ITL, Stat.MEAN), "no run has ITL");
    }

    /**
     * Two runs of one point, 4 requests each: run 1 with TTFTs 100 + k x spread1 ms and ITL 10 ms,
     * run 2 with TTFTs 1000 + k x spread2 ms and ITL 30 ms.
     */
    static List<RunRecord> twoRuns(double spread1, double spread2) throws Exception {
        Point p1 = new Point("prefill", Map.of(Axis.INPUT_LEN, "512"), Map.of(Axis.OUTPUT_LEN, "8"), List.of(), 1);
        Point p2 = new Point("prefill", Map.of(Axis.INPUT_LEN, "512"), Map.of(Axis.OUTPUT_LEN, "8"), List.of(), 2);
        JsonNode j1 = JSON.readTree(PlotFixtures.json("l", p1, 512, 8, 1000, 100, 10, false, spread1));
        JsonNode j2 = JSON.readTree(PlotFixtures.json("l", p2, 512, 8, 3000, 1000, 30, false, spread2));
        List<RunRecord> rs = new ArrayList<>();
        rs.add(ResultParser.parse(j1, "1", List.of(), "a.json", "r").record());
        rs.add(ResultParser.parse(j2, "2", List.of(), "b.json", "r").record());
        return rs;
    }

    static RunRecord record(String label, String sweep, Map<Axis, String> swept, int run, Map<Axis, Double> axes,
            double outTput, double reqTput, Latency ttft) {
        Map<Metric, Latency> l = new EnumMap<>(Metric.class);
        if (ttft != null) {
            l.put(Metric.TTFT, ttft);
        }
        return new RunRecord(label + run, label, sweep, swept, run, axes, outTput, reqTput, 1, l);
    }
}
