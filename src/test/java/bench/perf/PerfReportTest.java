package bench.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfReportTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void errorsAreClientMinusGroundTruth() throws Exception {
        JsonNode client = JSON.readTree("""
                {"completed": 256, "failed": 0, "output_throughput": 6000.4, "duration": 5.5,
                 "mean_ttft_ms": 50.8, "p99_ttft_ms": 53.0, "median_itl_ms": 10.01, "p99_itl_ms": 10.9,
                 "p99_send_lateness_ms": 0.05, "offered_request_rate": "inf", "achieved_request_rate": "inf",
                 "client": {"cpu_us_per_token": 9.5, "tokens_per_read": 1.02, "self_check": {"distorted": false}}}""");
        JsonNode mock = JSON.readTree("""
                {"ttft_ms": {"mean": 50.3, "p99": 51.5}, "itl_ms": {"p50": 10.0, "p99": 10.4},
                 "lateness_ms": {"p99": 0.2}}""");
        PerfReport.Row r = PerfReport.row(PerfPoint.streams(64), client, mock);
        assertEquals(0.5, r.ttftMeanErrorMs(), 1e-9);
        assertEquals(1.5, r.ttftP99ErrorMs(), 1e-9);
        assertEquals(0.01, r.itlP50ErrorMs(), 1e-9);
        assertEquals(0.5, r.itlP99ErrorMs(), 1e-9);
        assertEquals(9.5, r.cpuMicrosPerToken());
        assertEquals(Double.POSITIVE_INFINITY, r.offeredRate());
        String md = PerfReport.markdown(List.of(r), "test machine");
        assertTrue(md.contains("| streams-64 | 1 | 64 | 256/0 | 6,000 | 9.5 | 1.02 | 0.50 / 1.50 | 0.01 / 0.50 | 0.20 | 0.050 | ? / ? | no |"),
                md);
        PerfReport.Row stolen = PerfReport.row(PerfPoint.streams(64), client, mock, 5.48, 0.25);
        assertTrue(PerfReport.markdown(List.of(stolen), "m").contains("| 0.20 | 0.050 | 5.5 / 0.3 | no |"));
        assertTrue(md.startsWith("Measured on test machine."), md);
        assertTrue(!md.contains("All runs") && !md.contains("rounds"), "one run: no run-by-run part: " + md);
    }

    @Test
    void rateAndLongRunLinesAppearForThosePoints() throws Exception {
        JsonNode client = JSON.readTree("""
                {"completed": 10000, "failed": 0, "offered_request_rate": 1000.0, "achieved_request_rate": 999.0,
                 "p99_send_lateness_ms": 0.4, "duration": 10.2, "client": {}}""");
        PerfPoint rate = new PerfPoint("rate-1000", 1, 1, 0, 10000, 16, 4, 1000, 0, false);
        PerfPoint longRun = new PerfPoint("requests-1000000", 1, 1, 256, 1000000, 8, 2, Double.POSITIVE_INFINITY,
                512, true);
        String md = PerfReport.markdown(List.of(PerfReport.row(rate, client, JSON.createObjectNode()),
                PerfReport.row(longRun, client, JSON.createObjectNode())), "m");
        assertTrue(md.contains("offered 1000.00 req/s, achieved 999.00 req/s (-0.100 %), send lateness p99 0.400 ms"), md);
        assertTrue(md.contains("with a 512 MB heap limit"), md);
    }

    @Test
    void capacityPointsReportTheMocksLatenessAgainstTheTarget() throws Exception {
        PerfPoint p = PerfPoint.mockCapacity(60000);
        assertEquals("mock-60k", p.name());
        assertEquals(60000, p.offeredTokensPerSecond(), 1e-6);
        assertEquals(4688, p.prompts(), "10 s of arrivals at 468.75/s");
        JsonNode client = JSON.readTree("""
                {"completed": 4688, "failed": 0, "offered_request_rate": 468.75, "achieved_request_rate": 468.7,
                 "client": {}}""");
        JsonNode onTime = JSON.readTree("{\"lateness_ms\": {\"p50\": 0.03, \"p99\": 0.8}}");
        JsonNode late = JSON.readTree("{\"lateness_ms\": {\"p50\": 0.05, \"p99\": 3.5}, \"loop_us_per_token\": 9.5}");
        String md = PerfReport.markdown(List.of(PerfReport.row(p, client, onTime),
                PerfReport.row(PerfPoint.mockCapacity(70000), client, late)), "m");
        assertTrue(md.contains("Mock capacity (mock-60k): 60,000 tokens/s offered in evenly staggered streams on one "
                + "core; lateness against its schedule p50 0.03 ms, p99 0.80 ms: on schedule."), md);
        assertTrue(md.contains("Mock capacity (mock-70k): 70,000 tokens/s offered in evenly staggered streams on one "
                + "core; lateness against its schedule p50 0.05 ms, p99 3.50 ms: behind schedule (p99 > 1.0 ms). The "
                + "mock's event loop worked 9.5 us per token (system calls included), 67 % of its core at the offered "
                + "rate."), md);
        assertTrue(!md.contains("p99 0.80 ms: on schedule. The mock's"), "no loop figure when the mock gave none: " + md);
        assertTrue(!md.contains("Rate check (mock-"), "no rate line for capacity points: " + md);
        assertTrue(!PerfReport.row(PerfPoint.streams(8), client, onTime).capacity());
    }

    @Test
    void theFloorLineGivesTheClientAgainstTheFloor() throws Exception {
        JsonNode client = JSON.readTree("""
                {"completed": 2048, "failed": 0, "output_throughput": 49000, "offered_request_rate": "inf",
                 "client": {"cpu_us_per_token": 10.5, "tokens_per_read": 1.0}}""");
        PerfReport.Row r = PerfReport.row(PerfPoint.streams(512), client, JSON.createObjectNode());
        PerfReport.Floor floor = PerfReport.Floor.of(JSON.readTree("""
                {"streams":512,"seconds":10.000,"tokens":497000,"reads":500072,"requests":3072,
                 "tokens_per_second":49700.0,"tokens_per_read":0.994,"cpu_us_per_token":7.000}"""));
        String md = PerfReport.markdown(List.of(r), "m", floor);
        assertTrue(md.contains("at 512 streams, same mock and cores, 10 s: 7.0 us/token, 0.99 tokens/read, 49,700 tok/s."
                + " bench's client at streams-512: 10.5 us/token, 1.50 x the floor."), md);
        assertTrue(!PerfReport.markdown(List.of(r), "m").contains("C floor"), "no floor, no line");
        assertThrows(IllegalArgumentException.class, () -> PerfReport.Floor.of(JSON.readTree("""
                {"streams":512,"seconds":10.0,"tokens":0,"cpu_us_per_token":0}""")));
    }

    static PerfReport.Row run(PerfPoint p, double cpu, double ttftMeanError, double mockLatenessP99,
            double sendLatenessP99, boolean flagged) throws Exception {
        JsonNode client = JSON.readTree(String.format(java.util.Locale.ROOT, """
                {"completed": 100, "failed": 1, "output_throughput": 1000, "mean_ttft_ms": %f,
                 "p99_send_lateness_ms": %f, "offered_request_rate": %s, "achieved_request_rate": %s,
                 "client": {"cpu_us_per_token": %f, "self_check": {"distorted": %b}}}""", 50 + ttftMeanError,
                sendLatenessP99, Double.isInfinite(p.rate()) ? "\"inf\"" : String.valueOf(p.rate()),
                Double.isInfinite(p.rate()) ? "\"inf\"" : String.valueOf(p.rate()), cpu, flagged));
        JsonNode mock = JSON.readTree(String.format(java.util.Locale.ROOT,
                "{\"ttft_ms\": {\"mean\": 50}, \"lateness_ms\": {\"p50\": 0.03, \"p99\": %f}}", mockLatenessP99));
        return PerfReport.row(p, client, mock);
    }

    @Test
    void mediansAreOfTheKnownValuesAndOfTheMiddleTwoForEvenCounts() {
        assertEquals(2.0, PerfReport.median(new double[] {3, 1, 2}));
        assertEquals(2.0, PerfReport.median(new double[] {9, 1, 2}), "the middle value, not the mean");
        assertEquals(2.5, PerfReport.median(new double[] {1, 9, 2, 3}), "the middle two's mean, not the mean");
        assertEquals(2.5, PerfReport.median(new double[] {4, 1, 3, 2}));
        assertEquals(7.0, PerfReport.median(new double[] {7}));
        assertEquals(2.0, PerfReport.median(new double[] {Double.NaN, 1, 3}));
        assertTrue(Double.isNaN(PerfReport.median(new double[] {Double.NaN})));
        assertEquals(Double.POSITIVE_INFINITY,
                PerfReport.median(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}));
    }

    @Test
    void severalRunsGiveEachFiguresMedianAndListEveryRun() throws Exception {
        PerfPoint s = PerfPoint.streams(512);
        PerfReport.Measured m = new PerfReport.Measured(List.of(run(s, 11.0, 0.3, 4.0, 1.0, true),
                run(s, 9.0, 0.9, 2.0, 3.0, false), run(s, 10.0, 0.1, 9.0, 2.0, false)));
        PerfReport.Row median = m.median();
        assertEquals(10.0, median.cpuMicrosPerToken(), 1e-9);
        assertEquals(0.3, median.ttftMeanErrorMs(), 1e-6);
        assertEquals(4.0, median.mockLatenessP99Ms(), 1e-6);
        assertEquals(2.0, median.sendLatenessP99Ms(), 1e-6);
        assertEquals(300, median.completed(), "the runs' requests together");
        assertEquals(3, median.failed());
        assertEquals(1, m.flagged());
        assertTrue(!median.distorted(), "one flagged run of three is not most of them");
        PerfReport.Row longRun = run(new PerfPoint("requests-1000", 1, 1, 256, 1000, 8, 2, Double.POSITIVE_INFINITY,
                512, true), 20, 0, 0, 0, false);
        String md = PerfReport.markdown(List.of(m, new PerfReport.Measured(List.of(longRun))), "m", List.of());
        assertTrue(md.contains("Each point ran 3 times, in 3 rounds"), md);
        assertTrue(md.contains("Run once: requests-1000."), md);
        assertTrue(md.contains("| streams-512 | 3 | 512 | 300/3 | 1,000 | 10.0 |"), md);
        assertTrue(md.contains("| 1 of 3 |\n"), md);
        int all = md.indexOf("All runs:");
        assertTrue(all > 0, md);
        assertTrue(md.indexOf("| streams-512 | 1 | 512 | 100/1 | 1,000 | 11.0 |", all) > 0, md);
        assertTrue(md.indexOf("| streams-512 | 2 | 512 | 100/1 | 1,000 | 9.0 |", all) > 0, md);
        assertTrue(md.indexOf("| streams-512 | 3 | 512 | 100/1 | 1,000 | 10.0 |", all) > 0, md);
        assertThrows(IllegalArgumentException.class, () -> new PerfReport.Measured(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PerfReport.Measured(List.of(longRun, median)));
    }

    @Test
    void theFloorOfSeveralRoundsIsTheirMedianAndEachClientRunMeetsItsOwnRoundsFloor() throws Exception {
        PerfPoint s = PerfPoint.streams(512);
        PerfReport.Measured m = new PerfReport.Measured(List.of(run(s, 12.0, 0, 0, 0, false),
                run(s, 10.0, 0, 0, 0, false), run(s, 11.0, 0, 0, 0, false)));
        List<PerfReport.Floor> floors = List.of(new PerfReport.Floor(512, 10, 400000, 40000, 1.0, 8.0),
                new PerfReport.Floor(512, 10, 500000, 50000, 1.0, 10.0),
                new PerfReport.Floor(512, 10, 450000, 45000, 0.9, 8.8));
        String md = PerfReport.markdown(List.of(m), "m", floors);
        assertTrue(md.contains("at 512 streams, same mock and cores, 10 s per run: 8.8 us/token (runs 8.0, 10.0, 8.8), "
                + "1.00 tokens/read, 45,000 tok/s. bench's client at streams-512: 11.0 us/token (runs 12.0, 10.0, "
                + "11.0), 1.25 x the floor; against the floor of its own round: 1.50, 1.00, 1.25 x."), md);
    }

    @Test
    void capacityAndRateLinesGiveTheMedianTheRunsAndHowManyMetTheTarget() throws Exception {
        PerfPoint cap = PerfPoint.mockCapacity(60000);
        PerfPoint rate = new PerfPoint("rate-1000", 1, 1, 0, 10000, 16, 4, 1000, 0, false);
        String md = PerfReport.markdown(List.of(
                new PerfReport.Measured(List.of(run(cap, 10, 0, 0.4, 0, false), run(cap, 10, 0, 3.0, 0, false),
                        run(cap, 10, 0, 0.9, 0, false))),
                new PerfReport.Measured(List.of(run(rate, 50, 0, 0, 0.5, false), run(rate, 50, 0, 0, 1.5, false),
                        run(rate, 50, 0, 0, 0.7, false)))), "m", List.of());
        assertTrue(md.contains("lateness against its schedule p50 0.03 ms, p99 0.90 ms (runs 0.40, 3.00, 0.90): "
                + "on schedule; 2 of 3 runs on schedule."), md);
        assertTrue(md.contains("send lateness p99 0.700 ms (runs 0.500, 1.500, 0.700)."), md);
    }
}
