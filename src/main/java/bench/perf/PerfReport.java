package bench.perf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

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
            double clientCoreStealPct, double mockLoopMicrosPerToken) {

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

    /**
     * The mock's own work at a capacity point: its event loop's busy time per token (not its
     * CPU, which counts the loop's spinning for a due token), and the share of its core that
     * makes at the offered rate; empty when the mock did not say.
     */
    static String loopWork(Row r) {
        double us = r.mockLoopMicrosPerToken();
        if (!(us > 0)) {
            return "";
        }
        return String.format(Locale.ROOT, " The mock's event loop worked %.1f us per token (system calls included), "
                + "%.0f %% of its core at the offered rate.", us, us * r.offeredTokensPerSecond() / 1e4);
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
                mockCoreStealPct, clientCoreStealPct, mock.path("loop_us_per_token").asDouble(Double.NaN));
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static double rate(JsonNode n) {
        return n.isTextual() ? Double.POSITIVE_INFINITY : n.asDouble();
    }

    /**
     * One point's runs, in round order (run {@code k} of every point was measured in round
     * {@code k}); the report gives each figure's median over them.
     */
    public record Measured(List<Row> runs) {
        public Measured {
            runs = List.copyOf(runs);
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("a point without runs");
            }
            for (Row r : runs) {
                if (!r.name().equals(runs.get(0).name())) {
                    throw new IllegalArgumentException("runs of different points: " + runs.get(0).name() + ", "
                            + r.name());
                }
            }
        }

        public String name() {
            return runs.get(0).name();
        }

        /** How many runs the client's self-check flagged. */
        public long flagged() {
            return runs.stream().filter(Row::distorted).count();
        }

        /**
         * Each figure's median over the runs (of an even number, the mean of the middle two);
         * completed and failed requests are the runs' sums, and the row counts as flagged when
         * most runs were.
         */
        public Row median() {
            Row f = runs.get(0);
            return new Row(f.name(), f.streams(), runs.stream().mapToLong(Row::completed).sum(),
                    runs.stream().mapToLong(Row::failed).sum(), of(Row::tokensPerSecond), of(Row::cpuMicrosPerToken),
                    of(Row::tokensPerRead), of(Row::ttftMeanErrorMs), of(Row::ttftP99ErrorMs), of(Row::itlP50ErrorMs),
                    of(Row::itlP99ErrorMs), of(Row::mockLatenessP99Ms), of(Row::sendLatenessP99Ms), of(Row::offeredRate),
                    of(Row::achievedRate), flagged() * 2 > runs.size(), f.heapMb(), of(Row::durationS),
                    of(Row::mockLatenessP50Ms), f.offeredTokensPerSecond(), of(Row::mockCoreStealPct),
                    of(Row::clientCoreStealPct), of(Row::mockLoopMicrosPerToken));
        }

        private double of(ToDoubleFunction<Row> figure) {
            return medianOf(runs, figure);
        }

        /** The runs' values of one figure, for the report: "8.2, 8.4, 8.1". */
        String each(ToDoubleFunction<Row> figure, String format) {
            return joined(runs.stream().mapToDouble(figure).toArray(), format);
        }
    }

    /**
     * The median of {@code values} (of an even number, the mean of the middle two). NaN counts
     * as unknown: the median of the known values, NaN when none is known.
     */
    static double median(double[] values) {
        double[] v = java.util.Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /** The median of one figure of {@code items}. */
    private static <T> double medianOf(List<T> items, ToDoubleFunction<T> figure) {
        return median(items.stream().mapToDouble(figure).toArray());
    }

    /** Values for the report, each in {@code format}: "8.2, 8.4, 8.1". */
    private static String joined(double[] values, String format) {
        return java.util.Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, format, v))
                .collect(Collectors.joining(", "));
    }

    /** The floor's median over its runs, one per round. */
    static Floor median(List<Floor> floors) {
        Floor f = floors.get(0);
        return new Floor(f.streams(), f.seconds(), Math.round(medianOf(floors, Floor::tokens)),
                medianOf(floors, Floor::tokensPerSecond), medianOf(floors, Floor::tokensPerRead),
                medianOf(floors, Floor::cpuMicrosPerToken));
    }

    /** One run per point. */
    public static String markdown(List<Row> rows, String machine) {
        return markdown(rows, machine, null);
    }

    /** One run per point, with the C floor's line when {@code floor} is not null. */
    public static String markdown(List<Row> rows, String machine, Floor floor) {
        return markdown(rows.stream().map(r -> new Measured(List.of(r))).toList(), machine,
                floor == null ? List.of() : List.of(floor));
    }

    /**
     * The table of medians and the notes, then every run when a point ran more than once.
     * {@code floors}: the C floor's runs, one per round (empty: no floor line).
     */
    public static String markdown(List<Measured> points, String machine, List<Floor> floors) {
        int runs = points.stream().mapToInt(m -> m.runs().size()).max().orElse(1);
        StringBuilder sb = new StringBuilder();
        sb.append("Measured on ").append(machine).append(". Mock and client each pinned to one core.\n");
        if (runs > 1) {
            sb.append("Each point ran ").append(runs).append(" times, in ").append(runs).append(" rounds that each run "
                    + "every point once, so that a bad stretch of the host spoils one run of each point rather than "
                    + "every run of one. Each figure in the table is its median over the runs (ok/failed: the runs "
                    + "together); \"All runs\" below lists them one by one.");
            List<String> once = points.stream().filter(m -> m.runs().size() == 1).map(Measured::name).toList();
            if (!once.isEmpty()) {
                sb.append(" Run once: ").append(String.join(", ", once)).append('.');
            }
            sb.append('\n');
        }
        sb.append("Errors: client figure minus the mock's ground truth (its own send times), ms. Steal: the share of "
                + "the point's time the host ran something else on the mock's / the client's core (/proc/stat).\n\n");
        sb.append("| point | runs | streams | ok/failed | tokens/s | client CPU us/token | tokens/read | TTFT err mean/p99 "
                + "| ITL err p50/p99 | mock lateness p99 | send lateness p99 | steal % mock/client | flagged |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measured m : points) {
            long flagged = m.flagged();
            String flaggedCell = m.runs().size() == 1 ? (flagged == 1 ? "yes" : "no")
                    : flagged == 0 ? "no" : flagged + " of " + m.runs().size();
            tableRow(sb, m.median(), String.valueOf(m.runs().size()), flaggedCell);
        }
        if (!floors.isEmpty()) {
            floorLine(sb, points, floors);
        }
        for (Measured m : points) {
            Row r = m.median();
            boolean several = m.runs().size() > 1;
            if (r.capacity()) {
                long onSchedule = m.runs().stream().filter(x -> x.mockLatenessP99Ms() <= ON_SCHEDULE_P99_MS).count();
                sb.append(String.format(Locale.ROOT, "%nMock capacity (%s): %,.0f tokens/s offered in evenly staggered "
                        + "streams on one core; lateness against its schedule p50 %.2f ms, p99 %.2f ms%s: %s%s.%s%n",
                        r.name(), r.offeredTokensPerSecond(), r.mockLatenessP50Ms(), r.mockLatenessP99Ms(),
                        several ? " (runs " + m.each(Row::mockLatenessP99Ms, "%.2f") + ")" : "",
                        r.mockLatenessP99Ms() <= ON_SCHEDULE_P99_MS ? "on schedule"
                                : "behind schedule (p99 > " + ON_SCHEDULE_P99_MS + " ms)",
                        several ? String.format(Locale.ROOT, "; %d of %d runs on schedule", onSchedule,
                                m.runs().size()) : "", loopWork(r)));
                continue;
            }
            if (Double.isFinite(r.offeredRate())) {
                sb.append(String.format(Locale.ROOT, "%nRate check (%s): offered %.2f req/s, achieved %.2f req/s "
                        + "(%+.3f %%), send lateness p99 %.3f ms%s.%n", r.name(), r.offeredRate(), r.achievedRate(),
                        (r.achievedRate() / r.offeredRate() - 1) * 100, r.sendLatenessP99Ms(),
                        several ? " (runs " + m.each(Row::sendLatenessP99Ms, "%.3f") + ")" : ""));
            }
            if (r.heapMb() > 0) {
                sb.append(String.format(Locale.ROOT, "%nLong run (%s): %,d requests completed, %d failed, in %.1f s "
                        + "with a %d MB heap limit (-Xmx).%n", r.name(), r.completed(), r.failed(), r.durationS(),
                        r.heapMb()));
            }
        }
        if (runs > 1) {
            sb.append("\nAll runs:\n\n| point | run | streams | ok/failed | tokens/s | client CPU us/token | tokens/read "
                    + "| TTFT err mean/p99 | ITL err p50/p99 | mock lateness p99 | send lateness p99 "
                    + "| steal % mock/client | flagged |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Measured m : points) {
                for (int k = 0; k < m.runs().size(); k++) {
                    Row r = m.runs().get(k);
                    tableRow(sb, r, String.valueOf(k + 1), r.distorted() ? "yes" : "no");
                }
            }
        }
        return sb.toString();
    }

    private static void tableRow(StringBuilder sb, Row r, String runs, String flagged) {
        sb.append(String.format(Locale.ROOT,
                "| %s | %s | %d | %d/%d | %,.0f | %.1f | %.2f | %.2f / %.2f | %.2f / %.2f | %.2f | %.3f | %s / %s | %s |%n",
                r.name(), runs, r.streams(), r.completed(), r.failed(), r.tokensPerSecond(), r.cpuMicrosPerToken(),
                r.tokensPerRead(), r.ttftMeanErrorMs(), r.ttftP99ErrorMs(), r.itlP50ErrorMs(), r.itlP99ErrorMs(),
                r.mockLatenessP99Ms(), r.sendLatenessP99Ms(), pct(r.mockCoreStealPct()), pct(r.clientCoreStealPct()),
                flagged));
    }

    /**
     * The C floor's line: its median, and bench's client at the floor's stream count against it,
     * as medians and, with several rounds, round by round (each client run against the floor of
     * its own round, which saw the same stretch of the machine).
     */
    private static void floorLine(StringBuilder sb, List<Measured> points, List<Floor> floors) {
        Floor floor = median(floors);
        boolean several = floors.size() > 1;
        sb.append(String.format(Locale.ROOT, "%nC floor (`src/main/c/floor.c`: one epoll loop, one read per ready "
                + "socket, events counted, not parsed) at %d streams, same mock and cores, %.0f s%s: %.1f us/token%s, "
                + "%.2f tokens/read, %,.0f tok/s.", floor.streams(), floor.seconds(), several ? " per run" : "",
                floor.cpuMicrosPerToken(), several ? " (runs "
                        + joined(floors.stream().mapToDouble(Floor::cpuMicrosPerToken).toArray(), "%.1f") + ")" : "",
                floor.tokensPerRead(), floor.tokensPerSecond()));
        for (Measured m : points) {
            Row r = m.median();
            if (r.streams() != floor.streams() || r.capacity() || !r.name().startsWith("streams-")) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, " bench's client at %s: %.1f us/token%s, %.2f x the floor", r.name(),
                    r.cpuMicrosPerToken(), m.runs().size() > 1 ? " (runs " + m.each(Row::cpuMicrosPerToken, "%.1f")
                            + ")" : "", r.cpuMicrosPerToken() / floor.cpuMicrosPerToken()));
            if (several && m.runs().size() == floors.size()) {
                double[] ratios = new double[floors.size()];
                for (int k = 0; k < ratios.length; k++) {
                    ratios[k] = m.runs().get(k).cpuMicrosPerToken() / floors.get(k).cpuMicrosPerToken();
                }
                sb.append("; against the floor of its own round: ").append(joined(ratios, "%.2f")).append(" x");
            }
            sb.append('.');
        }
        sb.append('\n');
    }
}
