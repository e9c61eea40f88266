package bench.plot;

import bench.load.RunOutcome;
import bench.metrics.Metric;
import bench.metrics.RunMetrics;
import bench.report.ResultJson;
import bench.report.RunInfo;
import bench.report.RunResult;
import bench.report.Summarizer;
import bench.sweep.Axis;
import bench.sweep.Point;
import bench.sweep.Suites;
import bench.sweep.SweepPlan;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Writes bench result files as bench sweep lays them out, through the real writer
 * ({@link Summarizer}, {@link ResultJson}), with figures from simple formulas so tests know
 * what each point must show.
 */
final class PlotFixtures {
    /** The article's five configurations. */
    static final List<String> LABELS = List.of("route4_no_dp", "baseline_4node_tp8", "pd_1prefill_3decode",
            "pd_2prefill_2decode", "route2_2x2node");
    static final int PROMPTS = 4;

    private PlotFixtures() {}

    /** Expected figures of a point (index = position of the label in {@link #LABELS}). */
    record Figures(double outputThroughput, double ttftMs, double itlMs) {}

    static Figures expected(int labelIndex, String sweep, int in, int out) {
        if (sweep.equals("prefill")) {
            return new Figures(20000 - 3.0 * in + 1000 * labelIndex, 1000 + in * (labelIndex + 1), 20 + 2 * labelIndex);
        }
        return new Figures(15000 + 2.0 * out + 1000 * labelIndex, 2000 - 100 * labelIndex + out / 8.0,
                25 + labelIndex + out / 512.0);
    }

    /** The article's suite for all five labels: 45 files under {@code root/exp/<label>/<sweep>/}. */
    static Path writeSuite(Path root) {
        Path exp = root.resolve("exp");
        for (int i = 0; i < LABELS.size(); i++) {
            for (Point p : SweepPlan.expand(Suites.get(Suites.PREFILL_DECODE), 1)) {
                int in = Integer.parseInt(p.settings().get(Axis.INPUT_LEN));
                int out = Integer.parseInt(p.settings().get(Axis.OUTPUT_LEN));
                Figures f = expected(i, p.sweep(), in, out);
                write(exp, LABELS.get(i), p, in, out, f.outputThroughput(), f.ttftMs(), f.itlMs(), false);
            }
        }
        return exp;
    }

    /** One result file for a point, as bench sweep would write it. */
    static Path write(Path expDir, String label, Point p, int in, int out, double outputThroughput, double ttftMs,
            double itlMs, boolean interrupted) {
        String json = json(label, p, in, out, outputThroughput, ttftMs, itlMs, interrupted, null);
        Path file = expDir.resolve(label).resolve(p.relativeFile());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * A bench result: {@link #PROMPTS} requests of {@code out} tokens, every TTFT {@code ttftMs}
     * and every ITL {@code itlMs} (or, with {@code ttftSpreadMs}, TTFTs ttftMs + k * spread).
     */
    static String json(String label, Point p, int in, int out, double outputThroughput, double ttftMs, double itlMs,
            boolean interrupted, Double ttftSpreadMs) {
        RunMetrics m = new RunMetrics();
        for (int k = 0; k < PROMPTS; k++) {
            double ttft = ttftMs + (ttftSpreadMs == null ? 0 : k * ttftSpreadMs);
            m.recorder(Metric.TTFT).record(Math.round(ttft * 1e6));
            m.recorder(Metric.ITL).record(Math.round(itlMs * 1e6), out - 1);
            m.recorder(Metric.ITL_TOKEN).record(Math.round(itlMs * 1e6), out - 1);
            m.recorder(Metric.TPOT).record(Math.round(itlMs * 1e6));
            m.recorder(Metric.E2EL).record(Math.round((ttft + itlMs * (out - 1)) * 1e6));
            m.success(in, true, out, true, true);
        }
        long outputTokens = (long) PROMPTS * out;
        long durationNanos = Math.round(outputTokens / outputThroughput * 1e9);
        RunOutcome outcome = new RunOutcome(m, 1_795_000_000_000L, durationNanos, 0, 0, PROMPTS, 0, interrupted, -1, 0,
                0, 0, new bench.metrics.LatencyRecorder(), -1, null, Double.NaN);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode config = mapper.createObjectNode();
        config.put("input_len", in);
        config.put("output_len", out);
        config.put("num_prompts", PROMPTS);
        config.put("request_rate", p.settings().getOrDefault(Axis.REQUEST_RATE, "inf"));
        String mc = p.settings().get(Axis.MAX_CONCURRENCY);
        if (mc == null) {
            config.putNull("max_concurrency");
        } else {
            config.put("max_concurrency", Integer.parseInt(mc));
        }
        ObjectNode meta = config.putObject("metadata");
        meta.put("experiment", "exp");
        meta.put("sweep", p.sweep());
        meta.put("point", p.name());
        meta.put("run", Integer.toString(p.run()));
        RunInfo info = new RunInfo("0.1.0-test", "openai", label, "m", "m", "http://127.0.0.1:1", "/v1/completions", "random",
                null, Map.of(), config);
        double rate = Axis.numeric(p.settings().getOrDefault(Axis.REQUEST_RATE, "inf"));
        RunResult r = Summarizer.summarize(info, outcome, PROMPTS, rate, 1.0, mc == null ? 0 : Integer.parseInt(mc),
                false, List.of(50.0, 90.0, 99.0), ZoneOffset.UTC);
        return ResultJson.toJsonString(r);
    }
}
