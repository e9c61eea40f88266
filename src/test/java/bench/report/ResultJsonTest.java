package bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.Golden;
import bench.load.RampUp;
import bench.load.RunOutcome;
import bench.metrics.FailedRequest;
import bench.metrics.LatencyRecorder;
import bench.metrics.Metric;
import bench.metrics.RunMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The result file's schema and the summary table, as golden files, from a hand-built run. */
class ResultJsonTest {

    static LatencyRecorder lag() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(5_000L, 19);
        r.record(40_000L);
        return r;
    }

    static RunResult sample(double rate, Integer maxConcurrency, boolean goodput) {
        return sample(rate, maxConcurrency, goodput, null, Map.of(), null);
    }

    static RunResult sample(double rate, Integer maxConcurrency, boolean goodput, RampUp rampUp,
            Map<String, String> metadata, Map<String, Double> serverMetrics) {
        RunMetrics m = new RunMetrics();
        // three successful requests: TTFT 50/52/54 ms, ITL 10 ms, E2E 100/102/104 ms
        for (int i = 0; i < 3; i++) {
            m.recorder(Metric.TTFT).record(50_000_000L + i * 2_000_000L);
            m.recorder(Metric.E2EL).record(100_000_000L + i * 2_000_000L);
            m.recorder(Metric.TPOT).record(10_000_000L);
            m.recorder(Metric.ITL).record(10_000_000L, 5);
            m.recorder(Metric.ITL_TOKEN).record(10_000_000L, 5);
            m.recorder(Metric.QUEUE).record(i * 1_000_000L);
            m.recorder(Metric.TTFT_INTENDED).record(51_000_000L + i * 2_000_000L);
            m.recorder(Metric.E2EL_INTENDED).record(101_000_000L + i * 2_000_000L);
            m.recorder(Metric.SEND_LATENESS).record(20_000L);
            m.success(128, true, 6, true, i < 2);
            m.outputTokensAt(0, 6);
            m.concurrency(i + 1);
        }
        m.failure(new FailedRequest(3, "bench-3", "http_error", "HTTP 500: boom", 500, 120.5));
        RunOutcome outcome = new RunOutcome(m, 1_795_000_000_000L, 2_000_000_000L, 1_500_000_000L, 1_600_000_000L, 4,
                0, false,
                400_000_000L, 20, 5, 18, lag(), 12, serverMetrics, 0.4);
        ObjectMapper mapper = new ObjectMapper();
        RunInfo info = new RunInfo("0.1.0-test", "openai", "dp", "org/model", "org/model (server /tokenize)",
                "http://127.0.0.1:8000", "/v1/completions", "random", rampUp, metadata,
                mapper.createObjectNode().put("seed", 1).put("num_prompts", 4));
        return Summarizer.summarize(info, outcome, 4, rate, 1.0, maxConcurrency == null ? 0 : maxConcurrency,
                goodput, List.of(50.0, 90.0, 99.0), ZoneOffset.UTC);
    }

    @Test
    void resultJsonMatchesGolden() {
        Golden.assertMatches("result-schema.json", ResultJson.toJsonString(sample(2.0, 8, true)));
    }

    @Test
    void summaryTableMatchesGolden() {
        Golden.assertMatches("summary-table.txt", SummaryTable.render(sample(2.0, 8, true)));
        Golden.assertMatches("summary-table-inf.txt", SummaryTable.render(sample(Double.POSITIVE_INFINITY, null,
                false)));
    }

    @Test
    void percentileMetricsChooseTheSectionsAndTheirOrder() {
        RunResult r = sample(2.0, 8, true);
        String table = SummaryTable.render(r, List.of(Metric.E2EL, Metric.TTFT));
        assertTrue(table.indexOf("Mean E2EL (ms):") < table.indexOf("Mean TTFT (ms):"), table);
        for (String gone : List.of("TPOT", "ITL", "Queue", "TTFT from intended")) {
            assertFalse(table.contains("Mean " + gone + " (ms):"), gone + " shown:\n" + table);
        }
        // everything else is as in the default table
        String full = SummaryTable.render(r);
        assertTrue(table.startsWith(full.substring(0, full.indexOf("---"))), table);
        assertTrue(table.endsWith(full.substring(full.indexOf("---------------------Failures"))), table);
        assertEquals(full, SummaryTable.render(r, null));
    }

    @Test
    void derivedFiguresAreComputedFromTheRun() throws Exception {
        JsonNode j = new ObjectMapper().readTree(ResultJson.toJsonString(sample(2.0, 8, true)));
        assertEquals(2.0, j.get("duration").asDouble());
        assertEquals(3, j.get("completed").asInt());
        assertEquals(1, j.get("failed").asInt());
        assertEquals(1.5, j.get("request_throughput").asDouble(), 1e-9);
        assertEquals(1.0, j.get("request_goodput").asDouble(), 1e-9);
        assertEquals(9.0, j.get("output_throughput").asDouble(), 1e-9);
        assertEquals((3 * 128 + 18) / 2.0, j.get("total_token_throughput").asDouble(), 1e-9);
        assertEquals(18, j.get("max_output_tokens_per_s").asInt());
        assertEquals(3, j.get("max_concurrent_requests").asInt());
        assertEquals(4 / 1.5, j.get("offered_request_rate").asDouble(), 1e-9);
        assertEquals(4 / 1.6, j.get("achieved_request_rate").asDouble(), 1e-9);
        assertEquals(52.0, j.get("mean_ttft_ms").asDouble(), 1e-9);
        assertEquals(52.0, j.get("median_ttft_ms").asDouble(), 0.06);
        assertEquals(Math.sqrt(8.0 / 3), j.get("std_ttft_ms").asDouble(), 1e-6);
        assertEquals(54.0, j.get("p99_ttft_ms").asDouble(), 0.06);
        assertEquals("20261118-110640", j.get("date").asText());
        assertEquals(1.0, j.get("client").get("cpu_seconds").asDouble(), 0.6);
        // every histogram decodes to what was recorded
        LatencyRecorder ttft = LatencyRecorder.fromBase64(j.get("histograms").get("ttft").asText());
        assertEquals(3, ttft.count());
        assertEquals(54.0, ttft.percentileNanos(100) / 1e6, 0.06);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertTrue(keys.indexOf("schema_version") == 0, keys.toString());
    }

    /** A ramp is written top-level as vLLM writes it, and the summary says it replaced the rate. */
    @Test
    void aRampUpIsTopLevelAndInTheSummary() throws Exception {
        RunResult ramped = sample(Double.POSITIVE_INFINITY, null, false, new RampUp(RampUp.Strategy.LINEAR, 1, 10),
                Map.of(), null);
        JsonNode j = new ObjectMapper().readTree(ResultJson.toJsonString(ramped));
        assertEquals("linear", j.get("ramp_up_strategy").asText());
        assertEquals(1.0, j.get("ramp_up_start_rps").asDouble());
        assertEquals(10.0, j.get("ramp_up_end_rps").asDouble());
        // a ramp schedules the sends as a finite rate does: an offered rate, TTFT from the intended send
        assertEquals(4 / 1.5, j.get("offered_request_rate").asDouble(), 1e-9);
        String table = SummaryTable.render(ramped);
        assertTrue(table.contains("Mean TTFT from intended (ms):"), table);
        assertTrue(table.contains("Request rate configured (RPS):           ramp-up linear 1.00 -> 10.00\n"), table);
        assertTrue(table.contains("Request rate achieved (RPS):             2.50\n"), table);

        RunResult flat = sample(2.0, 8, true);
        JsonNode k = new ObjectMapper().readTree(ResultJson.toJsonString(flat));
        for (String key : List.of("ramp_up_strategy", "ramp_up_start_rps", "ramp_up_end_rps")) {
            assertFalse(k.has(key), key + " without a ramp");
        }
        assertFalse(SummaryTable.render(flat).contains("ramp-up"));
    }

    /** --metadata pairs go top-level as vLLM writes them, in their order, after num_prompts. */
    @Test
    void metadataIsTopLevel() throws Exception {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("team", "infra");
        meta.put("gpu", "h100");
        JsonNode j = new ObjectMapper().readTree(ResultJson.toJsonString(sample(2.0, 8, true, null, meta, null)));
        assertEquals("infra", j.get("team").asText());
        assertEquals("h100", j.get("gpu").asText());
        List<String> keys = keys(j);
        assertEquals(List.of("num_prompts", "team", "gpu"),
                keys.subList(keys.indexOf("num_prompts"), keys.indexOf("num_prompts") + 3));
        assertEquals(2.0, j.get("request_rate").asDouble(), "the result's own keys are untouched");
    }

    /** A metadata key may not be one of the result's: it would replace a figure. */
    @ParameterizedTest
    @ValueSource(strings = {"date", "request_rate", "config", "bench_version", "ramp_up_strategy", "p99_ttft_ms",
        "p99.9_itl_ms", "mean_send_lateness_ms", "count_e2el"})
    void aResultKeyIsNotMetadata(String key) {
        assertTrue(ResultJson.isResultKey(key));
        assertThrows(IllegalArgumentException.class, () -> sample(2.0, 8, true, null, Map.of(key, "x"), null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"team", "experiment", "sweep", "point", "run", "p99_foo_ms", "mean_ttft", "ttft_ms"})
    void otherKeysAreMetadata(String key) {
        assertFalse(ResultJson.isResultKey(key));
    }

    /** Every key a full result holds (ramp, goodput, server metrics, every metric) is known as a result key. */
    @Test
    void everyKeyOfAResultIsAResultKey() throws Exception {
        RunResult full = sample(2.0, 8, true, new RampUp(RampUp.Strategy.EXPONENTIAL, 1, 10), Map.of(),
                Map.of("vllm:num_requests_running", 1.0));
        List<String> keys = keys(new ObjectMapper().readTree(ResultJson.toJsonString(full)));
        assertTrue(keys.contains("server_metrics") && keys.contains("ramp_up_end_rps"), keys.toString());
        for (String k : keys) {
            assertTrue(ResultJson.isResultKey(k), k);
        }
    }

    private static List<String> keys(JsonNode j) {
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void infiniteRatesAreWrittenAsVllmDoes() throws Exception {
        JsonNode j = new ObjectMapper().readTree(ResultJson.toJsonString(sample(Double.POSITIVE_INFINITY, null,
                false)));
        assertEquals("inf", j.get("request_rate").asText());
        assertTrue(j.get("max_concurrency").isNull());
        assertTrue(j.get("request_goodput").isNull());
    }
}
