package bench.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a point's existing result file counts as done, so {@code --resume} skips it. Done
 * means: a complete result (not interrupted, every request sent and succeeded, at least one)
 * of this label, measured with the point's axis values and, when the plan's flags are given,
 * with the same {@code bench run} flags (a smoke sweep with {@code --num-prompts 8} does not
 * count for the real one). Anything else is run again, with the reason shown. Pure: takes the
 * parsed file (or null when there is none).
 */
public final class ResumeCheck {
    private ResumeCheck() {}

    /** The verdict on one point. */
    public record Status(boolean done, String reason) {
        public Status {
            java.util.Objects.requireNonNull(reason, "reason");
        }

        public static Status missing() {
            return new Status(false, "no result yet");
        }
    }

    /**
     * @param result the parsed result file, null if it does not exist
     * @param parseError why the file could not be parsed, or null
     */
    public static Status check(JsonNode result, String parseError, String label, Point point) {
        return check(result, parseError, label, point, null, null);
    }

    /**
     * @param plannedFlags the point's significant run flags ({@link RunArgs#significant}), or
     *                     null not to compare flags
     * @param resultFlags  the same of the command line the result records, or null when it
     *                     records none
     */
    public static Status check(JsonNode result, String parseError, String label, Point point,
            List<String> plannedFlags, List<String> resultFlags) {
        if (parseError != null) {
            return new Status(false, "unreadable result (" + parseError + ")");
        }
        if (result == null) {
            return Status.missing();
        }
        if (!result.isObject() || !result.has("completed") || !result.has("config")) {
            return new Status(false, "not a complete bench result");
        }
        if (result.path("interrupted").asBoolean(false)) {
            return new Status(false, "interrupted");
        }
        long completed = result.path("completed").asLong(0);
        long failed = result.path("failed").asLong(0);
        long notSent = result.path("not_sent").asLong(0);
        if (completed <= 0) {
            return new Status(false, "no request succeeded");
        }
        if (failed > 0) {
            return new Status(false, failed + " requests failed");
        }
        if (notSent > 0) {
            return new Status(false, notSent + " requests not sent");
        }
        String l = result.path("label").asText(null);
        if (!label.equals(l)) {
            return new Status(false, "result is labelled '" + l + "'");
        }
        JsonNode config = result.path("config");
        for (Map.Entry<Axis, String> e : point.settings().entrySet()) {
            Axis a = e.getKey();
            JsonNode v = config.get(a.configKey());
            String have = v == null || v.isNull() ? null : v.asText();
            boolean same;
            try {
                same = have != null && Axis.numeric(a.normalize(have)) == Axis.numeric(e.getValue());
            } catch (RuntimeException ex) {
                same = false;
            }
            if (!same) {
                return new Status(false, "result has " + a.configKey() + " " + have + ", the plan " + e.getValue());
            }
        }
        if (plannedFlags != null) {
            if (resultFlags == null) {
                return new Status(false, "result does not record its bench run flags (an older bench made it)");
            }
            if (!plannedFlags.equals(resultFlags)) {
                return new Status(false, "flags changed: " + difference(resultFlags, plannedFlags));
            }
        }
        return new Status(true, "done");
    }

    /** What the plan changes against the result, in words, e.g. {@code result has '--num-prompts 8', the plan '--num-prompts 9'}. */
    static String difference(List<String> had, List<String> planned) {
        List<String> gone = new ArrayList<>(had);
        List<String> added = new ArrayList<>(planned);
        for (String f : planned) {
            gone.remove(f);
        }
        for (String f : had) {
            added.remove(f);
        }
        String s = gone.isEmpty() ? "the plan adds " + quoted(added)
                : added.isEmpty() ? "the plan drops " + quoted(gone)
                : "result has " + quoted(gone) + ", the plan " + quoted(added);
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    private static String quoted(List<String> flags) {
        return flags.stream().map(f -> "'" + f + "'").collect(java.util.stream.Collectors.joining(" "));
    }
}
