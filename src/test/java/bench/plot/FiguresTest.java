package bench.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.sweep.Axis;
import bench.sweep.AxisValues;
import bench.sweep.Point;
import bench.sweep.SweepDef;
import bench.sweep.SweepPlan;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiguresTest {
    static final double[] INPUTS = {512, 1024, 2048, 4096};
    static final double[] OUTPUTS = {256, 512, 1024, 2048, 4096};

    @TempDir
    Path tmp;

    ResultTable suite() {
        return ResultTable.of(ResultLoader.load(List.of(PlotFixtures.writeSuite(tmp))).records());
    }

    @Test
    void theArticlesFourFiguresHaveEightPanelsWithEveryLabel() {
        List<FigureModel> figs = Figures.article(suite(), Stat.MEAN, "Without Expert Parallelism");
        assertEquals(List.of("throughput", "req_throughput", "ttft", "itl"),
                figs.stream().map(FigureModel::fileStem).toList());
        assertEquals(List.of("Without Expert Parallelism \u2014 Output Token Throughput (tok/s)",
                "Without Expert Parallelism \u2014 Request Throughput (req/s)",
                "Without Expert Parallelism \u2014 Mean TTFT (ms)", "Without Expert Parallelism \u2014 Mean ITL (ms)"),
                figs.stream().map(FigureModel::title).toList());
        List<String> sorted = PlotFixtures.LABELS.stream().sorted().toList();
        int panels = 0;
        for (FigureModel f : figs) {
            assertEquals(2, f.panels().size());
            assertEquals("Prefill (output_len=256)", f.panels().get(0).title());
            assertEquals("Decode (input_len=512)", f.panels().get(1).title());
            assertEquals("Input length (tokens)", f.panels().get(0).xTitle());
            assertEquals("Output length (tokens)", f.panels().get(1).xTitle());
            assertEquals(sorted, List.copyOf(f.legend().keySet()));
            for (FigureModel.Panel p : f.panels()) {
                panels++;
                assertEquals(sorted, p.series().stream().map(FigureModel.Series::label).toList(), p.title());
                for (FigureModel.Series s : p.series()) {
                    assertArrayEquals(p == f.panels().get(0) ? INPUTS : OUTPUTS, s.x());
                }
            }
        }
        assertEquals(8, panels);
    }

    @Test
    void yValuesAreEachPointsFigures() {
        List<FigureModel> figs = Figures.article(suite(), Stat.MEAN, null);
        for (int i = 0; i < PlotFixtures.LABELS.size(); i++) {
            String label = PlotFixtures.LABELS.get(i);
            for (int k = 0; k < INPUTS.length; k++) {
                PlotFixtures.Figures want = PlotFixtures.expected(i, "prefill", (int) INPUTS[k], 256);
                assertEquals(want.outputThroughput(), y(figs, "throughput", 0, label)[k], 1e-3);
                assertEquals(want.outputThroughput() / 256, y(figs, "req_throughput", 0, label)[k], 1e-5);
                assertEquals(want.ttftMs(), y(figs, "ttft", 0, label)[k], 1e-6);
                assertEquals(want.itlMs(), y(figs, "itl", 0, label)[k], 1e-6);
            }
            for (int k = 0; k < OUTPUTS.length; k++) {
                PlotFixtures.Figures want = PlotFixtures.expected(i, "decode", 512, (int) OUTPUTS[k]);
                assertEquals(want.outputThroughput(), y(figs, "throughput", 1, label)[k], 1e-3);
                assertEquals(want.ttftMs(), y(figs, "ttft", 1, label)[k], 1e-6);
                assertEquals(want.itlMs(), y(figs, "itl", 1, label)[k], 1e-6);
            }
        }
    }

    @Test
    void theStatisticIsSelectable() {
        List<FigureModel> figs = Figures.article(suite(), Stat.P99, null);
        assertEquals(List.of("throughput", "req_throughput", "ttft_p99", "itl_p99"),
                figs.stream().map(FigureModel::fileStem).toList());
        assertEquals("P99 TTFT (ms)", figs.get(2).panels().get(0).yTitle());
        // every request of a fixture point has the same TTFT: p99 is it, to HdrHistogram's 3 digits
        double want = PlotFixtures.expected(0, "prefill", 4096, 256).ttftMs();
        assertEquals(want, y(figs, "ttft_p99", 0, PlotFixtures.LABELS.get(0))[3], want * 1e-3);
    }

    @Test
    void anyPercentileIsDrawnFromTheSavedHistograms() {
        List<FigureModel> figs = Figures.article(suite(), Stat.parse("p99.9"), null);
        assertEquals(List.of("throughput", "req_throughput", "ttft_p99.9", "itl_p99.9"),
                figs.stream().map(FigureModel::fileStem).toList());
        assertEquals("P99.9 TTFT (ms)", figs.get(2).panels().get(0).yTitle());
        // the files list p50, p90 and p99 only: p99.9 is the histogram's, every TTFT of a point being the same
        double want = PlotFixtures.expected(1, "decode", 512, 1024).ttftMs();
        assertEquals(want, y(figs, "ttft_p99.9", 1, PlotFixtures.LABELS.get(1))[2], want * 1e-3);
    }

    @Test
    void eachLabelHasOneColourInEveryFigure() {
        List<FigureModel> figs = Figures.all(suite(), Stat.MEAN, null);
        Map<String, Integer> seen = new HashMap<>();
        for (FigureModel f : figs) {
            for (FigureModel.Panel p : f.panels()) {
                for (FigureModel.Series s : p.series()) {
                    Integer before = seen.putIfAbsent(s.label(), s.rgb());
                    assertTrue(before == null || before == s.rgb(), s.label());
                    assertEquals(f.legend().get(s.label()), s.rgb());
                }
            }
        }
        assertEquals(5, seen.values().stream().distinct().count());
        assertEquals(LabelColors.PALETTE[0], seen.get("baseline_4node_tp8"), "sorted labels take the palette in order");
        assertEquals(LabelColors.PALETTE[4], seen.get("route4_no_dp"));
    }

    @Test
    void rateAndConcurrencySweepsGiveLatencyAgainstThroughput() {
        Path exp = tmp.resolve("rates");
        SweepDef rate = new SweepDef("rate", List.of(AxisValues.parse("request-rate=1,2,4")),
                Map.of(Axis.INPUT_LEN, "512", Axis.OUTPUT_LEN, "256"), List.of());
        SweepDef conc = new SweepDef("conc", List.of(AxisValues.parse("max-concurrency=1,8")),
                Map.of(Axis.INPUT_LEN, "512", Axis.OUTPUT_LEN, "256"), List.of());
        for (String label : List.of("a", "b")) {
            for (Point p : SweepPlan.expand(List.of(rate, conc), 1)) {
                double v = Axis.numeric(p.swept().values().iterator().next());
                PlotFixtures.write(exp, label, p, 512, 256, 1000 * v, 100 * v + (label.equals("b") ? 1 : 0), 10 + v,
                        false);
            }
        }
        ResultTable t = ResultTable.of(ResultLoader.load(List.of(exp)).records());
        assertEquals(List.of(), Figures.article(t, Stat.MEAN, null), "no length sweep, no article figure");
        List<FigureModel> figs = Figures.latencyVsThroughput(t, null);
        assertEquals(List.of("latency-vs-throughput_conc", "latency-vs-throughput_rate"),
                figs.stream().map(FigureModel::fileStem).toList());
        FigureModel r = figs.get(1);
        assertEquals("Latency vs Throughput, rate (request-rate sweep)", r.title());
        assertEquals(List.of("P99 TTFT (ms)", "P99 ITL (ms)"), r.panels().stream().map(FigureModel.Panel::yTitle).toList());
        FigureModel.Series b = r.panels().get(0).series("b");
        assertNotNull(b);
        assertArrayEquals(new double[] {1000, 2000, 4000}, b.x(), 1e-3);
        assertArrayEquals(new double[] {101, 201, 401}, b.y(), 0.5);
        assertArrayEquals(new double[] {11, 12, 14}, r.panels().get(1).series("a").y(), 0.02);
    }

    /**
     * input-len x output-len: the article's figures get a panel per output length, x the input
     * length, a line per label with each point's own values.
     */
    @Test
    void aCrossProductOfLengthsIsDrawnOverItsFirstAxisWithAPanelPerValueOfTheSecond() {
        Path exp = tmp.resolve("grid");
        SweepDef grid = new SweepDef("grid", List.of(AxisValues.parse("input-len=64,256,1024"),
                AxisValues.parse("output-len=16,32")), Map.of(), List.of());
        for (String label : List.of("a", "b")) {
            for (Point p : SweepPlan.expand(List.of(grid), 1)) {
                int in = Integer.parseInt(p.swept().get(Axis.INPUT_LEN));
                int out = Integer.parseInt(p.swept().get(Axis.OUTPUT_LEN));
                PlotFixtures.write(exp, label, p, in, out, 10.0 * in + out + (label.equals("b") ? 5 : 0),
                        in + 1000.0 * out, 1 + out / 16.0, false);
            }
        }
        ResultTable t = ResultTable.of(ResultLoader.load(List.of(exp)).records());
        List<FigureModel> figs = Figures.all(t, Stat.MEAN, null);
        assertEquals(List.of("throughput", "req_throughput", "ttft", "itl"),
                figs.stream().map(FigureModel::fileStem).toList());
        for (FigureModel f : figs) {
            assertEquals(List.of("Prefill (output_len=16)", "Prefill (output_len=32)"),
                    f.panels().stream().map(FigureModel.Panel::title).toList(), f.fileStem());
            for (FigureModel.Panel p : f.panels()) {
                assertEquals(List.of("a", "b"), p.series().stream().map(FigureModel.Series::label).toList());
                assertArrayEquals(new double[] {64, 256, 1024}, p.series("a").x());
            }
        }
        for (int panel = 0; panel < 2; panel++) {
            int out = panel == 0 ? 16 : 32;
            assertArrayEquals(new double[] {640 + out + 5, 2560 + out + 5, 10240 + out + 5},
                    y(figs, "throughput", panel, "b"), 0.01);
            assertArrayEquals(new double[] {64 + 1000.0 * out, 256 + 1000.0 * out, 1024 + 1000.0 * out},
                    y(figs, "ttft", panel, "a"), 1e-6);
        }
    }

    /** request-rate x max-concurrency: a latency-vs-throughput figure per max concurrency, in its order. */
    @Test
    void aCrossProductOfRateAndConcurrencyGivesALatencyFigurePerConcurrency() {
        Path exp = tmp.resolve("load");
        SweepDef load = new SweepDef("load", List.of(AxisValues.parse("request-rate=1,4,inf"),
                AxisValues.parse("max-concurrency=16,2")), Map.of(Axis.INPUT_LEN, "512", Axis.OUTPUT_LEN, "256"),
                List.of());
        for (Point p : SweepPlan.expand(List.of(load), 1)) {
            double rate = Math.min(8, Axis.numeric(p.swept().get(Axis.REQUEST_RATE)));
            double conc = Axis.numeric(p.swept().get(Axis.MAX_CONCURRENCY));
            PlotFixtures.write(exp, "a", p, 512, 256, 100 * rate + conc, 10 * rate + conc, 5, false);
        }
        ResultTable t = ResultTable.of(ResultLoader.load(List.of(exp)).records());
        assertEquals(List.of(), Figures.article(t, Stat.MEAN, null), "no length drawn, no article figure");
        List<FigureModel> figs = Figures.latencyVsThroughput(t, "E");
        assertEquals(List.of("latency-vs-throughput_load@max-concurrency=2",
                "latency-vs-throughput_load@max-concurrency=16"), figs.stream().map(FigureModel::fileStem).toList());
        assertEquals("E \u2014 Latency vs Throughput, load (request-rate sweep, max-concurrency=16)",
                figs.get(1).title());
        for (int i = 0; i < 2; i++) {
            double conc = i == 0 ? 2 : 16;
            FigureModel.Series a = figs.get(i).panels().get(0).series("a");
            assertArrayEquals(new double[] {100 + conc, 400 + conc, 800 + conc}, a.x(), 0.01);
            assertArrayEquals(new double[] {10 + conc, 40 + conc, 80 + conc}, a.y(), 0.1);
        }
    }

    static double[] y(List<FigureModel> figs, String stem, int panel, String label) {
        FigureModel f = figs.stream().filter(x -> x.fileStem().equals(stem)).findFirst().orElseThrow();
        return f.panels().get(panel).series(label).y();
    }
}
