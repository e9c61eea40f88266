package bench.perf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * Turns a point's client result and the mock's ground truth into a row, and rows into the
 * Markdown table {@code make perf} prints. Pure.
 */
public final class PerfReport {
    private PerfReport() {}

    /**
     * A measured point. Errors are client figure minus the mock's ground truth (from its own
     * send times), in milliseconds: what the client adds to what the server did.
     */
    public record Row(String name, int streams, long completed, long failed, double tokensPerSecond,
            double cpuMicrosPerToken, double tokensPerRead, double ttftMeanErrorMs, double ttftP99ErrorMs,
            double itlP50ErrorMs, double itlP99ErrorMs, double mockLatenessP99Ms, double sendLatenessP99Ms,
            double offeredRate, double achievedRate, boolean distorted, int heapMb, double durationS,
            double mockLatenessP50Ms, double offeredTokensPerSecond, double mockCoreStealPct,
            double clientCoreStealPct) {

        /** A mock capacity point (see {@link PerfPoint#mockCapacity}). */
        public boolean capacity() {
            return offeredTokensPerSecond > 0;
        }
    }

    /**
     * The C floor client ({@code src/main/c/floor.c}) on the same mock and cores: what receiving
     * the tokens costs with nothing but the kernel's work.
     */
    public record Floor(int streams, double seconds, long tokens, double tokensPerSecond, double tokensPerRead,
            double cpuMicrosPerToken) {
        public Floor {
            if (streams <= 0 || tokens <= 0 || !(cpuMicrosPerToken > 0)) {
                throw new IllegalArgumentException("the floor client measured nothing (" + tokens + " tokens)");
            }
        }

        /** From the JSON line the floor client prints. */
        public static Floor of(JsonNode n) {
            return new Floor(n.path("streams").asInt(), n.path("seconds").asDouble(), n.path("tokens").asLong(),
                    n.path("tokens_per_second").asDouble(), n.path("tokens_per_read").asDouble(),
                    n.path("cpu_us_per_token").asDouble());
        }
    }

    /** The lateness p99 a mock must keep to count as on schedule at a capacity point. */
    public static final double ON_SCHEDULE_P99_MS = 1.0;

    public static Row row(PerfPoint p, JsonNode client, JsonNode mock) {
        return row(p, client, mock, Double.NaN, Double.NaN);
    }

    /** A row with the CPU steal time of the mock's and the client's cores during the point (NaN: unknown). */
    public static Row row(PerfPoint p, JsonNode client, JsonNode mock, double mockCoreStealPct,
            double clientCoreStealPct) {
        JsonNode c = client.path("client");
        return new Row(p.name(), p.concurrency(), client.path("completed").asLong(), client.path("failed").asLong(),
                client.path("output_throughput").asDouble(), c.path("cpu_us_per_token").asDouble(),
                c.path("tokens_per_read").asDouble(),
                client.path("mean_ttft_ms").asDouble() - mock.path("ttft_ms").path("mean").asDouble(),
                client.path("p99_ttft_ms").asDouble() - mock.path("ttft_ms").path("p99").asDouble(),
                client.path("median_itl_ms").asDouble() - mock.path("itl_ms").path("p50").asDouble(),
                client.path("p99_itl_ms").asDouble() - mock.path("itl_ms").path("p99").asDouble(),
                mock.path("lateness_ms").path("p99").asDouble(), client.path("p99_send_lateness_ms").asDouble(),
                rate(client.path("offered_request_rate")), rate(client.path("achieved_request_rate")),
                c.path("self_check").path("distorted").asBoolean(), p.heapMb(), client.path("duration").asDouble(),
                mock.path("lateness_ms").path("p50").asDouble(), p.capacity() ? p.offeredTokensPerSecond() : 0,
                mockCoreStealPct, clientCoreStealPct);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static double rate(JsonNode n) {
        return n.isTextual() ? Double.POSITIVE_INFINITY : n.asDouble();
    }

    public static String markdown(List<Row> rows, String machine) {
        return markdown(rows, machine, null);
    }

    /** The table and notes, with the C floor's line when {@code floor} is not null. */
    public static String markdown(List<Row> rows, String machine, Floor floor) {
        StringBuilder sb = new StringBuilder();
        sb.append("Measured on ").append(machine).append(". Mock and client each pinned to one core.\n");
        sb.append("Errors: client figure minus the mock's ground truth (its own send times), ms. Steal: the share of "
                + "the point's time the host ran something else on the mock's / the client's core (/proc/stat).\n\n");
        sb.append("| point | streams | ok/failed | tokens/s | client CPU us/token | tokens/read | TTFT err mean/p99 "
                + "| ITL err p50/p99 | mock lateness p99 | send lateness p99 | steal % mock/client | flagged |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT,
                    "| %s | %d | %d/%d | %,.0f | %.1f | %.2f | %.2f / %.2f | %.2f / %.2f | %.2f | %.3f | %s / %s | %s |%n",
                    r.name(), r.streams(), r.completed(), r.failed(), r.tokensPerSecond(), r.cpuMicrosPerToken(),
                    r.tokensPerRead(), r.ttftMeanErrorMs(), r.ttftP99ErrorMs(), r.itlP50ErrorMs(), r.itlP99ErrorMs(),
                    r.mockLatenessP99Ms(), r.sendLatenessP99Ms(), pct(r.mockCoreStealPct()),
                    pct(r.clientCoreStealPct()), r.distorted() ? "yes" : "no"));
        }
        if (floor != null) {
            sb.append(String.format(Locale.ROOT, "%nC floor (`src/main/c/floor.c`: one epoll loop, one read per ready "
                    + "socket, events counted, not parsed) at %d streams, same mock and cores, %.0f s: %.1f us/token, "
                    + "%.2f tokens/read, %,.0f tok/s.", floor.streams(), floor.seconds(), floor.cpuMicrosPerToken(),
                    floor.tokensPerRead(), floor.tokensPerSecond()));
            for (Row r : rows) {
                if (r.streams() == floor.streams() && !r.capacity() && r.name().startsWith("streams-")) {
                    sb.append(String.format(Locale.ROOT, " bench's client at %s: %.1f us/token, %.2f x the floor.",
                            r.name(), r.cpuMicrosPerToken(), r.cpuMicrosPerToken() / floor.cpuMicrosPerToken()));
                }
            }
            sb.append('\n');
        }
        for (Row r : rows) {
            if (r.capacity()) {
                sb.append(String.format(Locale.ROOT, "%nMock capacity (%s): %,.0f tokens/s offered in evenly staggered "
                        + "streams on one core; lateness against its schedule p50 %.2f ms, p99 %.2f ms: %s.%n",
                        r.name(), r.offeredTokensPerSecond(), r.mockLatenessP50Ms(), r.mockLatenessP99Ms(),
                        r.mockLatenessP99Ms() <= ON_SCHEDULE_P99_MS ? "on schedule"
                                : "behind schedule (p99 > " + ON_SCHEDULE_P99_MS + " ms)"));
                continue;
            }
            if (Double.isFinite(r.offeredRate())) {
                sb.append(String.format(Locale.ROOT, "%nRate check (%s): offered %.2f req/s, achieved %.2f req/s "
                        + "(%+.3f %%), send lateness p99 %.3f ms.%n", r.name(), r.offeredRate(), r.achievedRate(),
                        (r.achievedRate() / r.offeredRate() - 1) * 100, r.sendLatenessP99Ms()));
            }
            if (r.heapMb() > 0) {
                sb.append(String.format(Locale.ROOT, "%nLong run (%s): %,d requests completed, %d failed, in %.1f s "
                        + "with a %d MB heap limit (-Xmx).%n", r.name(), r.completed(), r.failed(), r.durationS(),
                        r.heapMb()));
            }
        }
        return sb.toString();
    }
}
