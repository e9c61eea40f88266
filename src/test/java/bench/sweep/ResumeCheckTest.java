package bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResumeCheckTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Point POINT = new Point("prefill", Map.of(Axis.INPUT_LEN, "512"), Map.of(Axis.OUTPUT_LEN, "256"),
            List.of(), 1);

    static ObjectNode complete() {
        ObjectNode r = JSON.createObjectNode();
        r.put("label", "pd");
        r.put("completed", 8);
        r.put("failed", 0);
        r.put("not_sent", 0);
        r.put("interrupted", false);
        ObjectNode c = r.putObject("config");
        c.put("input_len", 512);
        c.put("output_len", 256);
        c.put("request_rate", "inf");
        return r;
    }

    @Test
    void aCompleteResultOfThisPointIsDone() {
        ResumeCheck.Status s = ResumeCheck.check(complete(), null, "pd", POINT);
        assertTrue(s.done(), s.reason());
    }

    @Test
    void anythingLessIsRunAgainWithTheReason() {
        assertEquals("no result yet", ResumeCheck.check(null, null, "pd", POINT).reason());
        assertEquals("unreadable result (eof)", ResumeCheck.check(null, "eof", "pd", POINT).reason());
        assertEquals("not a complete bench result",
                ResumeCheck.check(JSON.createObjectNode().put("completed", 3), null, "pd", POINT).reason());
        assertEquals("interrupted", ResumeCheck.check(complete().put("interrupted", true), null, "pd", POINT).reason());
        assertEquals("no request succeeded", ResumeCheck.check(complete().put("completed", 0), null, "pd", POINT).reason());
        assertEquals("2 requests failed", ResumeCheck.check(complete().put("failed", 2), null, "pd", POINT).reason());
        assertEquals("3 requests not sent", ResumeCheck.check(complete().put("not_sent", 3), null, "pd", POINT).reason());
        assertEquals("result is labelled 'dp'", ResumeCheck.check(complete().put("label", "dp"), null, "pd", POINT)
                .reason());
        ObjectNode other = complete();
        ((ObjectNode) other.get("config")).put("output_len", 128);
        assertEquals("result has output_len 128, the plan 256", ResumeCheck.check(other, null, "pd", POINT).reason());
        ObjectNode none = complete();
        ((ObjectNode) none.get("config")).remove("input_len");
        assertFalse(ResumeCheck.check(none, null, "pd", POINT).done());
    }

    @Test
    void numbersCompareByValue() {
        Point rate = new Point("rate", Map.of(Axis.REQUEST_RATE, "4"), Map.of(Axis.MAX_CONCURRENCY, "16"), List.of(), 1);
        ObjectNode r = complete();
        ((ObjectNode) r.get("config")).put("request_rate", 4.0).put("max_concurrency", 16);
        assertTrue(ResumeCheck.check(r, null, "pd", rate).done());
        ((ObjectNode) r.get("config")).putNull("max_concurrency");
        assertEquals("result has max_concurrency null, the plan 16", ResumeCheck.check(r, null, "pd", rate).reason());
    }

    @Test
    void withThePlansFlagsGivenAResultMadeWithOtherFlagsIsNotDone() {
        List<String> planned = List.of("--num-prompts 9", "--request-rate 4");
        assertTrue(ResumeCheck.check(complete(), null, "pd", POINT, planned, planned).done());
        assertEquals("flags changed: result has '--num-prompts 8', the plan '--num-prompts 9'", ResumeCheck.check(
                complete(), null, "pd", POINT, planned, List.of("--num-prompts 8", "--request-rate 4")).reason());
        assertEquals("flags changed: the plan adds '--request-rate 4'", ResumeCheck.check(complete(), null, "pd", POINT,
                planned, List.of("--num-prompts 9")).reason());
        assertEquals("flags changed: the plan drops '--ignore-eos'", ResumeCheck.check(complete(), null, "pd", POINT,
                planned, List.of("--ignore-eos", "--num-prompts 9", "--request-rate 4")).reason());
        assertEquals("result does not record its bench run flags (an older bench made it)",
                ResumeCheck.check(complete(), null, "pd", POINT, planned, null).reason());
        // without the plan's flags, flags are not compared
        assertTrue(ResumeCheck.check(complete(), null, "pd", POINT, null, null).done());
    }
}
