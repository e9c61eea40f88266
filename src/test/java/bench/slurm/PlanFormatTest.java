package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        for (Plans.Experiment e : Plans.GOLDEN) {
            Plan p = Plans.article(e);
            Golden.assertMatches("slurm/plan-" + e.name() + ".json", PlanFormat.json(p));
            Golden.assertMatches("slurm/plan-" + e.name() + ".txt", PlanFormat.text(p));
        }
        Plan tp4 = Plans.plan(4, 2, 0, Plans.withTp("-tp", "4"));
        Golden.assertMatches("slurm/plan-route2-tp4.txt", PlanFormat.text(tp4));
        Golden.assertMatches("slurm/plan-route2-tp4.json", PlanFormat.json(tp4));
    }

    /**
     * The documented shape: mode, groups[].nodes[] with host/role/port, groups[].router only with
     * group routers, router (null or object), endpoint, ports.
     */
    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        Set<String> roles = Set.of("dp-head", "dp-worker", "prefill", "decode");
        for (Plans.Experiment e : Plans.GOLDEN) {
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
                boolean twoLevel = e.route() > 1 && e.prefill() > 0;
                assertEquals(e.prefill() > 0 && !twoLevel ? "consistent_hash" : "round_robin",
                        r.get("policy").asText());
            }
            JsonNode ports = j.get("ports");
            assertEquals(Plans.BASE + 1, ports.get("router_http").asInt());
            if (e.route() > 1 && e.prefill() > 0) {
                List<String> groupRouters = new ArrayList<>();
                for (JsonNode g : j.get("groups")) {
                    JsonNode gr = g.get("router");
                    for (String key : List.of("host", "port", "metrics_port", "policy", "workers", "prefill", "decode",
                            "intra_node_data_parallel_size", "command")) {
                        assertTrue(gr.has(key), key);
                    }
                    assertEquals(g.get("nodes").get(0).get("host").asText(), gr.get("host").asText());
                    assertEquals("consistent_hash", gr.get("policy").asText());
                    assertEquals(ports.get("group_router_http").asInt(), gr.get("port").asInt());
                    assertEquals(ports.get("group_router_metrics").asInt(), gr.get("metrics_port").asInt());
                    List<String> groupUrls = new ArrayList<>();
                    g.get("nodes").forEach(n -> groupUrls.add(n.get("url").asText()));
                    List<String> listed = new ArrayList<>();
                    gr.get("prefill").forEach(u -> listed.add(u.asText()));
                    gr.get("decode").forEach(u -> listed.add(u.asText()));
                    assertEquals(groupUrls, listed, "a group router lists its own group's nodes");
                    groupRouters.add("http://" + gr.get("host").asText() + ":" + gr.get("port").asInt());
                }
                List<String> workers = new ArrayList<>();
                r.get("workers").forEach(u -> workers.add(u.asText()));
                assertEquals(groupRouters, workers, "the router lists the group routers");
                assertEquals(0, r.get("prefill").size());
            } else {
                for (JsonNode g : j.get("groups")) {
                    assertFalse(g.has("router"), e.name());
                }
                assertFalse(ports.has("group_router_http"), e.name());
            }
        }
    }

    @Test
    void textShowsTheGroupRoutersBeforeTheRouter() {
        String text = PlanFormat.text(Plans.article(Plans.ROUTE2_PD));
        assertTrue(text.contains("node4  decode        1      20680  1        0         kv_consumer\n"
                + "node1  group-router  0      20698  -        -         -\n"
                + "node3  group-router  1      20698  -        -         -\n"
                + "node1  router        -      20681  -        -         -\n"), text);
        assertTrue(text.contains("routing:  the router round-robins over the 2 group routers; each sends a request to"
                + " a prefill node and then a decode node of its own group (consistent_hash)\n"), text);
        assertTrue(text.contains(", group routers 20698, group router metrics 20699\n"), text);
        int groupRouter = text.indexOf("  node3 (group-router): vllm-router --policy consistent_hash"
                + " --vllm-pd-disaggregation --prefill http://node3:20680 --decode http://node4:20680 --host 0.0.0.0"
                + " --port 20698 --prometheus-port 20699\n");
        int router = text.indexOf("  node1 (router): vllm-router --policy round_robin --worker-urls http://node1:20698"
                + " http://node3:20698 --host 0.0.0.0 --port 20681 --prometheus-port 20682\n");
        assertTrue(groupRouter > 0 && router > groupRouter, text);
        String tp4 = PlanFormat.text(Plans.plan(4, 2, 1, Plans.withTp("-tp", "4")));
        assertTrue(tp4.contains("\n          group routers: 2 DP ranks behind each URL"), tp4);
        assertFalse(tp4.contains("\nrouter:   "), "the router itself addresses no ranks\n" + tp4);
    }

    @Test
    void textTableListsEveryNodeWithRoleGroupPortAndRanks() {
        String text = PlanFormat.text(Plans.plan(4, 1, 0, Plans.withTp("-tp", "4")));
        assertTrue(text.contains("NODE   ROLE       GROUP  PORT   DP SIZE  DP RANKS  KV ROLE\n"), text);
        assertTrue(text.contains("node4  dp-worker  0      -      8        6-7       -\n"), text);
        assertTrue(text.contains("endpoint: http://node1:20680\n"), text);
    }
}
