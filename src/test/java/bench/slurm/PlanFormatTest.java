package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.Golden;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanFormatTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void articleConfigurationsMatchGoldenFiles() {
        for (Plans.Experiment e : Plans.ARTICLE) {
            Plan p = Plans.article(e);
            Golden.assertMatches("slurm/plan-" + e.name() + ".json", PlanFormat.json(p));
            Golden.assertMatches("slurm/plan-" + e.name() + ".txt", PlanFormat.text(p));
        }
        Plan tp4 = Plans.plan(4, 2, 0, Plans.withTp("-tp", "4"));
        Golden.assertMatches("slurm/plan-route2-tp4.txt", PlanFormat.text(tp4));
        Golden.assertMatches("slurm/plan-route2-tp4.json", PlanFormat.json(tp4));
    }

    /** The documented shape: mode, groups[].nodes[] with host/role/port, router (null or object), endpoint. */
    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        Set<String> roles = Set.of("dp-head", "dp-worker", "prefill", "decode");
        for (Plans.Experiment e : Plans.ARTICLE) {
            Plan p = Plans.article(e);
            JsonNode j = MAPPER.readTree(PlanFormat.json(p));
            assertEquals(e.prefill() > 0 ? "pd" : "dp", j.get("mode").asText());
            List<String> hosts = new ArrayList<>();
            for (JsonNode g : j.get("groups")) {
                for (JsonNode n : g.get("nodes")) {
                    hosts.add(n.get("host").asText());
                    assertTrue(roles.contains(n.get("role").asText()), n.toString());
                    assertTrue(n.has("port"), n.toString());
                    assertEquals(n.get("role").asText().equals("dp-worker"), n.get("port").isNull(), n.toString());
                }
            }
            assertEquals(Plans.hosts(4), hosts);
            JsonNode r = j.get("router");
            if (e.route() == 1 && e.prefill() == 0) {
                assertTrue(r.isNull());
                assertEquals("http://node1:" + Plans.BASE, j.get("endpoint").asText());
            } else {
                for (String key : List.of("host", "port", "policy", "workers", "prefill", "decode")) {
                    assertTrue(r.has(key), key);
                }
                assertEquals("node1", r.get("host").asText());
                assertEquals("http://node1:" + r.get("port").asInt(), j.get("endpoint").asText());
                assertEquals(e.prefill() > 0 ? "consistent_hash" : "round_robin", r.get("policy").asText());
            }
        }
    }

    @Test
    void textTableListsEveryNodeWithRoleGroupPortAndRanks() {
        String text = PlanFormat.text(Plans.plan(4, 1, 0, Plans.withTp("-tp", "4")));
        assertTrue(text.contains("NODE   ROLE       GROUP  PORT   DP SIZE  DP RANKS  KV ROLE\n"), text);
        assertTrue(text.contains("node4  dp-worker  0      -      8        6-7       -\n"), text);
        assertTrue(text.contains("endpoint: http://node1:20680\n"), text);
    }
}
