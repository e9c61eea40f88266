package bench.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.metrics.Metric;
import bench.sweep.Axis;
import bench.sweep.Point;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultParserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path VLLM = Path.of("src/test/resources/vllm-results");

    static JsonNode read(Path p) throws Exception {
        return JSON.readTree(p.toFile());
    }

    @Test
    void benchResultsSayWhereTheyBelongThemselves() throws Exception {
        Point p = new Point("decode", Map.of(Axis.OUTPUT_LEN, "1024"), Map.of(Axis.INPUT_LEN, "512"), List.of(), 2);
        JsonNode j = JSON.readTree(PlotFixtures.json("pd", p, 512, 1024, 20000, 1500, 30, false, null));
        // wherever the file lies and whatever it is called
        ResultParser.Parsed parsed = ResultParser.parse(j, "x.json", List.of("a", "b"), "x.json", "root");
        RunRecord r = parsed.record();
        assertNotNull(r, parsed.skipReason());
        assertEquals("pd", r.label());
        assertEquals("decode", r.sweep());
        assertEquals(Map.of(Axis.OUTPUT_LEN, "1024"), r.swept());
        assertEquals(2, r.run());
        assertEquals(512.0, r.axes().get(Axis.INPUT_LEN));
        assertEquals(1024.0, r.axes().get(Axis.OUTPUT_LEN));
        assertEquals(Double.POSITIVE_INFINITY, r.axes().get(Axis.REQUEST_RATE));
        assertNull(r.axes().get(Axis.MAX_CONCURRENCY));
        assertEquals(20000, r.outputThroughput(), 1e-6);
        assertEquals(20000 / 1024.0, r.requestThroughput(), 1e-9);
        assertEquals(1500, r.latencies().get(Metric.TTFT).get(Stat.MEAN), 1e-6);
        assertEquals(30, r.latencies().get(Metric.ITL).get(Stat.P90), 0.05);
        assertNotNull(r.latencies().get(Metric.ITL).histogram());
        assertEquals(4L * 1023, r.latencies().get(Metric.ITL).count());
    }

    @Test
    void vllmResultsTakeLabelSweepAndPointFromTheLayout() throws Exception {
        Path f = VLLM.resolve("layout/pd_1prefill_3decode/prefill/input-len=1024.json");
        RunRecord r = ResultParser.parse(read(f), f.toString(), List.of("pd_1prefill_3decode", "prefill"),
                "input-len=1024.json", "layout").record();
        assertEquals("pd_1prefill_3decode", r.label(), "label is null in the file");
        assertEquals("prefill", r.sweep());
        assertEquals(Map.of(Axis.INPUT_LEN, "1024"), r.swept());
        assertEquals(1024.0, r.axes().get(Axis.INPUT_LEN));
        assertEquals(256.0, r.axes().get(Axis.OUTPUT_LEN), "from the average output length");
        assertEquals(1024 * 256 / 15.2, r.outputThroughput(), 0.01);
        assertEquals(5521.0, r.latencies().get(Metric.TTFT).get(Stat.MEAN));
        assertEquals(5521.0 * 1.9, r.latencies().get(Metric.TTFT).get(Stat.P99), 1e-6);
        assertNull(r.latencies().get(Metric.TTFT).get(Stat.P90), "vLLM wrote no p90");
        assertNull(r.latencies().get(Metric.TTFT).histogram());
        // with the label's own directory as the root
        RunRecord r2 = ResultParser.parse(read(f), f.toString(), List.of("prefill"), "input-len=1024.json",
                "pd_1prefill_3decode").record();
        assertEquals("pd_1prefill_3decode", r2.label());
        assertEquals("prefill", r2.sweep());
    }

    @Test
    void vllmResultsWithTheirOwnNamesUseAverageLengths() throws Exception {
        Path f = VLLM.resolve("flat/vllm_route4/vllm-infqps-DeepSeek-V2-Lite-20260310-102020.json");
        RunRecord r = ResultParser.parse(read(f), f.toString(), List.of("vllm_route4"), f.getFileName().toString(),
                "flat").record();
        assertEquals("vllm_route4", r.label());
        assertNull(r.sweep(), "assigned later from the values");
        assertNull(r.swept());
        assertEquals(1024.0, r.axes().get(Axis.INPUT_LEN));
        assertEquals(256.0, r.axes().get(Axis.OUTPUT_LEN));
        assertEquals(1024.0, r.axes().get(Axis.NUM_PROMPTS));
        assertEquals(Double.POSITIVE_INFINITY, r.axes().get(Axis.REQUEST_RATE));
        assertNull(r.axes().get(Axis.MAX_CONCURRENCY));
        ObjectNode noLabel = (ObjectNode) read(f);
        noLabel.putNull("label");
        assertEquals("vllm_route4", ResultParser.parse(noLabel, "f", List.of("vllm_route4"), "f.json", "flat")
                .record().label(), "the directory names it");
        assertEquals("flat", ResultParser.parse(noLabel, "f", List.of(), "f.json", "flat").record().label(),
                "the root names it");
    }

    @Test
    void incompleteResultsAreSkippedWithAReasonAndOtherJsonQuietly() throws Exception {
        Path f = VLLM.resolve("flat/vllm_route4/vllm-infqps-DeepSeek-V2-Lite-20260310-101010.json");
        ObjectNode j = (ObjectNode) read(f);
        ResultParser.Parsed interrupted = ResultParser.parse(j.deepCopy().put("interrupted", true), "f", List.of(),
                "f.json", "r");
        assertEquals("interrupted run", interrupted.skipReason());
        assertTrue(!interrupted.quiet());
        assertEquals("no successful request",
                ResultParser.parse(j.deepCopy().put("completed", 0), "f", List.of(), "f.json", "r").skipReason());
        ResultParser.Parsed notes = ResultParser.parse(read(VLLM.resolve("flat/vllm_route4/notes.json")), "n",
                List.of(), "notes.json", "r");
        assertNull(notes.record());
        assertTrue(notes.quiet());
        assertTrue(ResultParser.parse(JSON.readTree("[1]"), "n", List.of(), "n.json", "r").quiet());
    }
}
