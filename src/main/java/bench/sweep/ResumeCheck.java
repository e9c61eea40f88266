package bench.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Whether a point's existing result file counts as done, so {@code --resume} skips it. Done
 * means: a complete result (not interrupted, every request sent and succeeded, at least one)
 * of this label, measured with the point's axis values. Anything else is run again, with the
 * reason shown. Pure: takes the parsed file (or null when there is none).
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
        return new Status(true, "done");
    }
}
