package bench.slurm;

import static bench.slurm.Plans.BASE;
import static bench.slurm.Plans.MODEL;
import static bench.slurm.Plans.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlannerTest {
    private static final String H = "http://";
    private static final String HTTP = Integer.toString(BASE);
    private static final String RPC = Integer.toString(BASE + 3);

    private static List<String> serve(String... ours) {
        List<String> cmd = new ArrayList<>(List.of("vllm", "serve"));
        cmd.addAll(MODEL);
        cmd.addAll(List.of(ours));
        return cmd;
    }

    // ---- the article's five configurations: 4 nodes x 8 GPUs, TP 8

    @Test
    void baselineIsOneDataParallelInstanceOverFourNodesWithoutRouter() {
        Plan p = Plans.plan(4, 1, 0, MODEL);
        assertEquals(Mode.DP, p.mode());
        assertEquals(1, p.groups().size());
        List<Node> nodes = p.groups().get(0).nodes();
        assertEquals(List.of(Role.DP_HEAD, Role.DP_WORKER, Role.DP_WORKER, Role.DP_WORKER),
                nodes.stream().map(Node::role).toList());
        for (int i = 0; i < 4; i++) {
            Node n = nodes.get(i);
            assertEquals("node" + (i + 1), n.host());
            assertEquals(4, n.dpSize());
            assertEquals(1, n.dpSizeLocal());
            assertEquals(i, n.dpStartRank());
            assertEquals("node1", n.dpHeadHost());
            assertEquals(BASE + 3, n.dpRpcPort());
            assertNull(n.nixlSideChannelPort());
        }
        assertEquals(BASE, nodes.get(0).httpPort());
        assertNull(nodes.get(1).httpPort());
        assertNull(p.router());
        assertEquals("http://node1:" + BASE, p.endpoint());
        assertEquals(serve("--tensor-parallel-size", "8", "--host", "0.0.0.0", "--port", HTTP,
                "--data-parallel-size", "4", "--data-parallel-size-local", "1",
                "--data-parallel-address", "node1", "--data-parallel-rpc-port", RPC), texts(nodes.get(0).command()));
        assertEquals(serve("--tensor-parallel-size", "8", "--headless",
                "--data-parallel-size", "4", "--data-parallel-size-local", "1", "--data-parallel-start-rank", "2",
                "--data-parallel-address", "node1", "--data-parallel-rpc-port", RPC), texts(nodes.get(2).command()));
        // the head's address is resolved on the node at launch, not written as a name
        assertTrue(nodes.get(3).command().contains(new Arg.NodeAddress("node1")));
    }

    @Test
    void route2IsTwoGroupsOfTwoNodesBehindARoundRobinRouter() {
        Plan p = Plans.plan(4, 2, 0, MODEL);
        assertEquals(2, p.groups().size());
        assertEquals(List.of("node1", "node2"), hosts(p.groups().get(0)));
        assertEquals(List.of("node3", "node4"), hosts(p.groups().get(1)));
        Node head2 = p.groups().get(1).nodes().get(0);
        Node worker2 = p.groups().get(1).nodes().get(1);
        assertEquals(Role.DP_HEAD, head2.role());
        assertEquals(Role.DP_WORKER, worker2.role());
        assertEquals(2, worker2.dpSize());
        assertEquals(1, worker2.dpStartRank());
        assertEquals("node3", worker2.dpHeadHost());
        assertTrue(worker2.command().contains(new Arg.NodeAddress("node3")));
        Router r = p.router();
        assertEquals("node1", r.host());
        assertEquals(BASE + 1, r.port());
        assertEquals("round_robin", r.policy());
        assertEquals(List.of(H + "node1:" + HTTP, H + "node3:" + HTTP), r.workers());
        assertEquals(2, r.intraNodeDataParallelSize());
        assertEquals(List.of("vllm-router", "--policy", "round_robin", "--worker-urls", H + "node1:" + HTTP,
                H + "node3:" + HTTP, "--intra-node-data-parallel-size", "2", "--host", "0.0.0.0",
                "--port", Integer.toString(BASE + 1), "--prometheus-port", Integer.toString(BASE + 2)),
                texts(r.command()));
        assertEquals("http://node1:" + (BASE + 1), p.endpoint());
    }

    @Test
    void route4IsFourIndependentNodesWithoutDataParallelFlags() {
        Plan p = Plans.plan(4, 4, 0, MODEL);
        assertEquals(4, p.groups().size());
        for (Group g : p.groups()) {
            Node n = g.nodes().get(0);
            assertEquals(1, g.nodes().size());
            assertEquals(Role.DP_HEAD, n.role());
            assertEquals(1, n.dpSize());
            assertNull(n.dpHeadHost());
            assertEquals(serve("--tensor-parallel-size", "8", "--host", "0.0.0.0", "--port", HTTP),
                    texts(n.command()));
        }
        Router r = p.router();
        assertEquals("round_robin", r.policy());
        assertEquals(4, r.workers().size());
        assertEquals(1, r.intraNodeDataParallelSize());
        assertFalse(texts(r.command()).contains("--intra-node-data-parallel-size"));
    }

    @Test
    void pd1p3dIsOnePrefillAndThreeDecodeNodesBehindAConsistentHashRouter() {
        Plan p = Plans.plan(4, 1, 1, MODEL);
        assertEquals(Mode.PD, p.mode());
        List<Node> nodes = p.groups().get(0).nodes();
        assertEquals(List.of(Role.PREFILL, Role.DECODE, Role.DECODE, Role.DECODE),
                nodes.stream().map(Node::role).toList());
        assertEquals("kv_producer", nodes.get(0).kvRole());
        assertEquals("kv_consumer", nodes.get(1).kvRole());
        for (Node n : nodes) {
            assertEquals(BASE, n.httpPort());
            assertEquals(BASE + 4, n.nixlSideChannelPort());
            assertEquals(1, n.dpSize());
        }
        assertEquals(serve("--tensor-parallel-size", "8", "--host", "0.0.0.0", "--port", HTTP,
                "--kv-transfer-config", "{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"kv_producer\","
                        + "\"kv_load_failure_policy\":\"fail\",\"kv_connector_extra_config\":"
                        + "{\"backends\":[\"LIBFABRIC\"]}}"), texts(nodes.get(0).command()));
        assertTrue(texts(nodes.get(3).command()).get(texts(nodes.get(3).command()).size() - 1)
                .contains("\"kv_role\":\"kv_consumer\""));
        Router r = p.router();
        assertEquals("consistent_hash", r.policy());
        assertEquals(List.of(H + "node1:" + HTTP), r.prefill());
        assertEquals(List.of(H + "node2:" + HTTP, H + "node3:" + HTTP, H + "node4:" + HTTP), r.decode());
        assertEquals(List.of("vllm-router", "--policy", "consistent_hash", "--vllm-pd-disaggregation",
                "--prefill", H + "node1:" + HTTP, "--decode", H + "node2:" + HTTP, "--decode", H + "node3:" + HTTP,
                "--decode", H + "node4:" + HTTP, "--host", "0.0.0.0", "--port", Integer.toString(BASE + 1),
                "--prometheus-port", Integer.toString(BASE + 2)), texts(r.command()));
    }

    @Test
    void pd2p2dSplitsTheGroupInTwoPrefillAndTwoDecodeNodes() {
        Plan p = Plans.plan(4, 1, 2, MODEL);
        assertEquals(List.of(Role.PREFILL, Role.PREFILL, Role.DECODE, Role.DECODE),
                p.nodes().map(Node::role).toList());
        assertEquals(List.of(H + "node1:" + HTTP, H + "node2:" + HTTP), p.router().prefill());
        assertEquals(List.of(H + "node3:" + HTTP, H + "node4:" + HTTP), p.router().decode());
        assertEquals(4, p.router().workers().size());
    }

    @Test
    void oneGroupHasNoGroupRoutersWhateverTheMode() {
        for (Plans.Experiment e : Plans.ARTICLE) {
            Plan p = Plans.article(e);
            assertEquals(List.of(), p.groupRouters(), e.name());
            p.groups().forEach(g -> assertNull(g.router(), e.name()));
        }
        assertEquals(List.of(), Plans.plan(4, 2, 0, MODEL).groupRouters(), "DP groups need no router of their own");
    }

    // ---- several prefill/decode groups: two-level routing

    @Test
    void route2Prefill1GivesEachGroupItsOwnPrefillDecodeRouter() {
        Plan p = Plans.plan(4, 2, 1, MODEL);
        assertEquals(List.of(Role.PREFILL, Role.DECODE, Role.PREFILL, Role.DECODE),
                p.nodes().map(Node::role).toList());
        assertEquals(List.of(0, 0, 1, 1), p.nodes().map(Node::group).toList());
        String groupPort = Integer.toString(BASE + 18);
        String groupMetrics = Integer.toString(BASE + 19);
        List<Router> groupRouters = p.groupRouters();
        assertEquals(2, groupRouters.size());
        for (int g = 0; g < 2; g++) {
            Router r = groupRouters.get(g);
            String prefill = H + "node" + (2 * g + 1) + ":" + HTTP;
            String decode = H + "node" + (2 * g + 2) + ":" + HTTP;
            assertEquals(p.groups().get(g).router(), r);
            assertEquals("node" + (2 * g + 1), r.host(), "on the group's first node");
            assertEquals(BASE + 18, r.port());
            assertEquals(BASE + 19, r.metricsPort());
            assertEquals("consistent_hash", r.policy());
            assertEquals(List.of(prefill), r.prefill());
            assertEquals(List.of(decode), r.decode());
            assertEquals(List.of(prefill, decode), r.workers());
            assertEquals(1, r.intraNodeDataParallelSize());
            assertEquals(List.of("vllm-router", "--policy", "consistent_hash", "--vllm-pd-disaggregation",
                    "--prefill", prefill, "--decode", decode, "--host", "0.0.0.0", "--port", groupPort,
                    "--prometheus-port", groupMetrics), texts(r.command()));
            assertEquals(H + "node" + (2 * g + 1) + ":" + groupPort, r.url());
        }
        Router top = p.router();
        List<String> groupUrls = List.of(H + "node1:" + groupPort, H + "node3:" + groupPort);
        assertEquals("node1", top.host());
        assertEquals(BASE + 1, top.port());
        assertEquals(BASE + 2, top.metricsPort());
        assertEquals("round_robin", top.policy());
        assertEquals(groupUrls, top.workers());
        assertEquals(List.of(), top.prefill());
        assertEquals(List.of(), top.decode());
        assertEquals(1, top.intraNodeDataParallelSize());
        assertEquals(List.of("vllm-router", "--policy", "round_robin", "--worker-urls", groupUrls.get(0),
                groupUrls.get(1), "--host", "0.0.0.0", "--port", Integer.toString(BASE + 1), "--prometheus-port",
                Integer.toString(BASE + 2)), texts(top.command()));
        assertEquals("http://node1:" + (BASE + 1), p.endpoint(), "the endpoint stays the router's");
    }

    @Test
    void groupRoutersAddressTheDataParallelRanksOfEachNodeAndTheRouterDoesNot() {
        Plan p = Plans.plan(4, 2, 1, Plans.withTp("-tp", "4"));
        for (Router r : p.groupRouters()) {
            assertEquals(2, r.intraNodeDataParallelSize());
            List<String> cmd = texts(r.command());
            assertEquals("2", cmd.get(cmd.indexOf("--intra-node-data-parallel-size") + 1));
        }
        assertEquals(1, p.router().intraNodeDataParallelSize());
        assertFalse(texts(p.router().command()).contains("--intra-node-data-parallel-size"));
    }

    /** Whatever the shape, each group router pairs exactly its own group's prefill and decode nodes. */
    @ParameterizedTest
    @CsvSource({"4,2,1", "8,2,1", "8,2,3", "8,4,1", "6,3,1", "6,2,2"})
    void eachGroupRouterListsExactlyItsOwnGroup(int nodes, int route, int prefill) {
        Plan p = Plans.plan(nodes, route, prefill, MODEL);
        assertEquals(route, p.groupRouters().size());
        for (Group g : p.groups()) {
            Router r = g.router();
            assertEquals(g.nodes().get(0).host(), r.host());
            assertEquals(g.nodes().stream().filter(n -> n.role() == Role.PREFILL).map(Node::url).toList(),
                    r.prefill());
            assertEquals(g.nodes().stream().filter(n -> n.role() == Role.DECODE).map(Node::url).toList(),
                    r.decode());
            assertEquals(prefill, r.prefill().size());
        }
        assertEquals(p.groupRouters().stream().map(Router::url).toList(), p.router().workers());
        assertEquals("round_robin", p.router().policy());
    }

    @Test
    void aGroupRouterListingAnotherGroupsNodeIsRefused() {
        Plan p = Plans.plan(4, 2, 1, MODEL);
        Group g0 = p.groups().get(0);
        Group g1 = p.groups().get(1);
        assertThrows(IllegalArgumentException.class, () -> new Group(0, g0.nodes(), g1.router()));
        assertThrows(IllegalArgumentException.class,
                () -> new Plan(p.config(), p.groups(), Plans.plan(4, 1, 1, MODEL).router(), p.endpoint()),
                "the router must route to the group routers");
    }

    // ---- smaller TP: several DP ranks per node

    @Test
    void tp4BaselineRunsTwoRanksPerNodeAndWorkersStartAtTheirRank() {
        Plan p = Plans.plan(4, 1, 0, Plans.withTp("-tp", "4"));
        List<Node> nodes = p.nodes().toList();
        assertEquals(List.of(0, 2, 4, 6), nodes.stream().map(Node::dpStartRank).toList());
        assertEquals(List.of("0-1", "2-3", "4-5", "6-7"), nodes.stream().map(Node::dpRanks).toList());
        for (Node n : nodes) {
            assertEquals(8, n.dpSize());
            assertEquals(2, n.dpSizeLocal());
        }
        List<String> worker = texts(nodes.get(3).command());
        assertFalse(worker.contains("--tensor-parallel-size"), "the user's -tp is kept, none added");
        assertEquals(List.of("-tp", "4"), worker.subList(MODEL.size() + 2, MODEL.size() + 4));
        assertEquals("6", worker.get(worker.indexOf("--data-parallel-start-rank") + 1));
        assertEquals("2", worker.get(worker.indexOf("--data-parallel-size-local") + 1));
        assertNull(p.router());
    }

    @Test
    void tp4Route2RouterAddressesEveryRankOfEachGroup() {
        Plan p = Plans.plan(4, 2, 0, Plans.withTp("--tensor-parallel-size", "4"));
        assertEquals(4, p.router().intraNodeDataParallelSize(), "DP 4 per group, 2 of them on the headless node");
        assertEquals("4", texts(p.router().command())
                .get(texts(p.router().command()).indexOf("--intra-node-data-parallel-size") + 1));
    }

    @Test
    void tp4PdRunsDataParallelInsideEachNode() {
        Plan p = Plans.plan(4, 1, 1, Plans.withTp("-tp=4"));
        for (Node n : p.nodes().toList()) {
            List<String> cmd = texts(n.command());
            assertEquals(2, n.dpSize());
            assertEquals("2", cmd.get(cmd.indexOf("--data-parallel-size") + 1));
            assertFalse(cmd.contains("--data-parallel-address"));
            assertFalse(cmd.contains("--headless"));
        }
        assertEquals(2, p.router().intraNodeDataParallelSize());
        assertTrue(texts(p.router().command()).contains("--intra-node-data-parallel-size"));
    }

    @Test
    void tp2Route4RunsFourRanksOnEachSingleNodeGroup() {
        Plan p = Plans.plan(4, 4, 0, Plans.withTp("--tensor-parallel-size=2"));
        for (Node n : p.nodes().toList()) {
            List<String> cmd = texts(n.command());
            assertEquals(Role.DP_HEAD, n.role());
            assertEquals(4, n.dpSize());
            assertEquals("4", cmd.get(cmd.indexOf("--data-parallel-size") + 1));
            assertFalse(cmd.contains("--data-parallel-size-local"), "one node: no multi-node DP flags");
            assertFalse(cmd.contains("--data-parallel-rpc-port"));
        }
        assertEquals(4, p.router().intraNodeDataParallelSize());
    }

    @Test
    void tp2BaselineHasSixteenRanks() {
        Plan p = Plans.plan(4, 1, 0, Plans.withTp("--tensor_parallel_size", "2"));
        assertEquals(List.of(0, 4, 8, 12), p.nodes().map(Node::dpStartRank).toList());
        assertEquals(16, p.nodes().findFirst().orElseThrow().dpSize());
    }

    /** Whatever the shape, the router's (URL, rank) pairs cover every DP rank of every group exactly once. */
    @ParameterizedTest
    @CsvSource({"4,2,8", "4,2,4", "4,2,2", "4,2,1", "4,4,4", "4,4,8", "8,2,2", "6,3,4", "8,4,8"})
    void everyDataParallelRankIsReachableThroughTheRouter(int nodes, int route, int tp) {
        Plan p = Plans.plan(nodes, route, 0, Plans.withTp("-tp", Integer.toString(tp)));
        Router r = p.router();
        for (Group g : p.groups()) {
            Node head = g.nodes().get(0);
            assertTrue(r.workers().contains(head.url()));
            // the ranks the nodes run: 0..DP-1, each once
            List<Integer> ranks = new ArrayList<>();
            for (Node n : g.nodes()) {
                IntStream.range(n.dpStartRank(), n.dpStartRank() + n.dpSizeLocal()).forEach(ranks::add);
                if (n.role() == Role.DP_WORKER) {
                    assertNull(n.url(), "headless: reached through the head only");
                }
            }
            Collections.sort(ranks);
            assertEquals(IntStream.range(0, head.dpSize()).boxed().toList(), ranks);
            // the ranks the router sends to through the head: X-data-parallel-rank 0..size-1
            assertEquals(head.dpSize(), r.intraNodeDataParallelSize());
        }
        assertEquals(route, r.workers().size());
    }

    @Test
    void kvBackendAndFailurePolicyAreConfigurable() {
        PlanConfig c = new PlanConfig(Plans.hosts(2), 1, 1, 8, new ServeArgs(MODEL), 7, null, KvBackend.UCX,
                KvLoadFailurePolicy.RECOMPUTE);
        String kv = texts(Planner.plan(c).nodes().findFirst().orElseThrow().command()).getLast();
        assertEquals("{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"kv_producer\","
                + "\"kv_load_failure_policy\":\"recompute\",\"kv_connector_extra_config\":{\"backends\":[\"UCX\"]}}",
                kv);
    }

    @Test
    void serveArgumentsArePassedVerbatimAndFirst() {
        List<String> nasty = List.of("--model", "m", "--chat-template", "{% if x %}'$HOME' `id`; \"a b\"{% endif %}",
                "--override-generation-config", "{\"temperature\": 0.5}");
        Plan p = Plans.plan(2, 2, 0, nasty);
        List<String> cmd = texts(p.nodes().findFirst().orElseThrow().command());
        assertEquals(nasty, cmd.subList(2, 2 + nasty.size()));
    }

    // ---- ports

    @Test
    void portsDeriveFromTheJobId() {
        assertEquals(20_000, Ports.basePortForJob(0));
        assertEquals(20_680, Ports.basePortForJob(1234));
        assertEquals(31_980, Ports.basePortForJob(599));
        assertEquals(20_000, Ports.basePortForJob(600));
        Ports p = new Ports(20_680, 8);
        assertEquals(List.of(20_680, 20_681, 20_682, 20_683, 20_684, 20_691),
                List.of(p.engineHttp(), p.routerHttp(), p.routerMetrics(), p.dpRpc(), p.nixlSideChannel(),
                        p.nixlSideChannelLast()));
    }

    @Test
    void groupRoutersTakeTheLastTwoPortsOfTheBlock() {
        Ports p = new Ports(20_680, 8);
        assertEquals(20_698, p.groupRouterHttp());
        assertEquals(20_699, p.groupRouterMetrics());
        assertEquals(p.basePort() + Ports.BLOCK_SIZE - 1, p.groupRouterMetrics());
    }

    /** Every port a node of a two-level plan listens on is its own, and all stay in the job's block. */
    @ParameterizedTest
    @ValueSource(ints = {1, 8, Ports.MAX_GPUS_PER_NODE_WITH_GROUP_ROUTERS})
    void noTwoServersOfANodeShareAPort(int gpus) {
        Plan p = Planner.plan(new PlanConfig(Plans.hosts(4), 2, 1, gpus, new ServeArgs(MODEL), Plans.JOB, null, null,
                null));
        Ports ports = p.ports();
        for (String host : p.config().hosts()) {
            List<Integer> used = new ArrayList<>();
            p.nodes().filter(n -> n.host().equals(host)).forEach(n -> {
                used.add(n.httpPort());
                IntStream.rangeClosed(ports.nixlSideChannel(), ports.nixlSideChannelLast()).forEach(used::add);
            });
            List<Router> all = new ArrayList<>(p.groupRouters());
            all.add(p.router());
            all.stream().filter(r -> r.host().equals(host)).forEach(r -> {
                used.add(r.port());
                used.add(r.metricsPort());
            });
            assertEquals(used.size(), used.stream().distinct().count(), host + ": " + used);
            for (int port : used) {
                assertTrue(port >= ports.basePort() && port < ports.basePort() + Ports.BLOCK_SIZE, host + ": " + port);
            }
            // node1: its engine and side channel, its group's router and the router; node3: no router
            int routers = switch (host) {
                case "node1" -> 2;
                case "node3" -> 1;
                default -> 0;
            };
            assertEquals(1 + gpus + 2 * routers, used.size(), host + ": " + used);
        }
    }

    @Test
    void withoutGroupRoutersTheSideChannelKeepsTheWholeBlock() {
        int gpus = Ports.MAX_GPUS_PER_NODE;
        assertTrue(gpus > Ports.MAX_GPUS_PER_NODE_WITH_GROUP_ROUTERS);
        for (int[] rp : new int[][] {{1, 1}, {1, 2}, {2, 0}, {4, 0}}) {
            Plan p = Planner.plan(new PlanConfig(Plans.hosts(4), rp[0], rp[1], gpus, new ServeArgs(MODEL), Plans.JOB,
                    null, null, null));
            assertEquals(BASE + 19, p.ports().nixlSideChannelLast());
        }
    }

    @Test
    void jobsWithDifferentSlotsNeverShareAPortAndStayBelowTheEphemeralRange() {
        for (long job = 0; job < Ports.JOB_SLOTS; job++) {
            Ports p = new Ports(Ports.basePortForJob(job), Ports.MAX_GPUS_PER_NODE);
            Ports next = new Ports(Ports.basePortForJob(job + 1 == Ports.JOB_SLOTS ? job : job + 1),
                    Ports.MAX_GPUS_PER_NODE);
            assertTrue(p.nixlSideChannelLast() < p.basePort() + Ports.BLOCK_SIZE);
            assertTrue(p.nixlSideChannelLast() < 32_768);
            if (next.basePort() != p.basePort()) {
                assertEquals(p.basePort() + Ports.BLOCK_SIZE, next.basePort());
            }
        }
    }

    @Test
    void basePortOverridesTheDerivedOne() {
        PlanConfig c = new PlanConfig(Plans.hosts(2), 2, 0, 8, new ServeArgs(MODEL), 1234, 30_000, null, null);
        Plan p = Planner.plan(c);
        assertEquals("http://node1:30001", p.endpoint());
        assertEquals(30_000, p.nodes().findFirst().orElseThrow().httpPort());
    }

    // ---- tensor parallel size from the serve arguments

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-tp 4                                 | 4",
        "-tp=4                                 | 4",
        "--tensor-parallel-size 4              | 4",
        "--tensor-parallel-size=4              | 4",
        "--tensor_parallel_size 2              | 2",
        "--tensor-parallel-size 2 -tp 4        | 4",
        "--model m                             | 8",
        "--model my-tp --served-model-name -tp4x | 8",
    })
    void tensorParallelSizeIsReadFromTheServeArguments(String args, int tp) {
        PlanConfig c = new PlanConfig(Plans.hosts(1), 1, 0, 8, new ServeArgs(List.of(args.split(" "))), 1, null,
                null, null);
        assertEquals(tp, c.tensorParallelSize());
    }

    // ---- refusals: one line each

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "4 | 3 | 0 | 8 | --model m         | 4 nodes cannot be split into 3 equal route groups",
        "1 | 2 | 0 | 8 | --model m         | 1 node cannot be split into 2 equal route groups",
        "4 | 2 | 2 | 8 | --model m         | --prefill 2 leaves no decode node: each of the 2 route group(s) has 2 nodes",
        "4 | 1 | 4 | 8 | --model m         | --prefill 4 leaves no decode node",
        "4 | 4 | 1 | 8 | --model m         | --prefill 1 leaves no decode node: each of the 4 route group(s) has 1 node",
        "4 | 1 | 0 | 8 | -tp 16            | tensor parallel size 16 is larger than a node (8 GPUs)",
        "4 | 1 | 0 | 8 | -tp 3             | tensor parallel size 3 does not divide the 8 GPUs of a node",
        "4 | 1 | 0 | 6 | -tp=4             | tensor parallel size 4 does not divide the 6 GPUs of a node",
        "0 | 1 | 0 | 8 | --model m         | 0 nodes to plan for",
        "4 | 0 | 0 | 8 | --model m         | --route must be >= 1",
        "4 | 1 | -1 | 8 | --model m        | --prefill must be >= 0",
        "4 | 1 | 0 | 0 | --model m         | --gpus-per-node must be in 1..16",
        "4 | 1 | 0 | 17 | --model m        | --gpus-per-node must be in 1..16",
        "4 | 2 | 1 | 15 | --model m        | --gpus-per-node 15 is too many for --route 2 --prefill 1: the job's 20 ports hold the group routers' ports and NIXL side-channel ports for at most 14 GPUs",
        "4 | 1 | 0 | 8 | -tp abc           | bad tensor parallel size 'abc' in the vllm serve arguments",
        "4 | 1 | 0 | 8 | -tp 0             | bad tensor parallel size '0'",
        "4 | 1 | 0 | 8 | --model m -tp     | --tensor-parallel-size in the vllm serve arguments needs a value",
        "4 | 1 | 0 | 8 | --port 8000       | --port is set by bench slurm for each node; remove it",
        "4 | 1 | 0 | 8 | --host=0.0.0.0    | --host is set by bench slurm",
        "4 | 1 | 0 | 8 | --headless        | --headless is set by bench slurm",
        "4 | 1 | 0 | 8 | -dp 4             | -dp is set by bench slurm",
        "4 | 1 | 0 | 8 | --data_parallel_size 4 | --data-parallel-size is set by bench slurm",
        "4 | 1 | 1 | 8 | --kv-transfer-config {} | --kv-transfer-config is set by bench slurm",
        "4 | 1 | 1 | 8 | --kv-transfer-config.kv_role x | --kv-transfer-config.kv-role is set by bench slurm",
        "4 | 1 | 0 | 8 | -pp 2             | pipeline parallelism (--pipeline-parallel-size 2) is not supported",
    })
    void invalidPlansAreRefusedWithOneLine(int nodes, int route, int prefill, int gpus, String args, String msg) {
        BenchException e = assertThrows(BenchException.class, () -> new PlanConfig(Plans.hosts(nodes), route,
                prefill, gpus, new ServeArgs(List.of(args.split(" "))), 1, null, null, null));
        assertTrue(e.getMessage().startsWith(msg), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void duplicateHostsAreRefused() {
        BenchException e = assertThrows(BenchException.class, () -> new PlanConfig(List.of("a", "b", "a"), 1, 0, 8,
                new ServeArgs(MODEL), 1, null, null, null));
        assertEquals("duplicate host 'a' in the hostlist", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 80, 65_530})
    void badBasePortsAreRefused(int base) {
        BenchException e = assertThrows(BenchException.class, () -> new PlanConfig(Plans.hosts(2), 1, 0, 8,
                new ServeArgs(MODEL), 1, base, null, null));
        assertTrue(e.getMessage().startsWith("--base-port must be in 1024.."), e.getMessage());
    }

    @Test
    void negativeJobIdIsRefused() {
        BenchException e = assertThrows(BenchException.class, () -> new PlanConfig(Plans.hosts(2), 1, 0, 8,
                new ServeArgs(MODEL), -5, null, null, null));
        assertEquals("--job-id must be >= 0", e.getMessage());
    }

    private static List<String> hosts(Group g) {
        return g.nodes().stream().map(Node::host).toList();
    }
}
