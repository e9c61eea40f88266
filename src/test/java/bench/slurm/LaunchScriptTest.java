package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bench.BenchException;
import bench.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LaunchScriptTest {
    /** Serve arguments no shell may touch: JSON with quotes and spaces, $HOME, $(...), backticks, ;, a newline. */
    static final List<String> NASTY = List.of(
            "--model", "/fsx/models/my model",
            "--kv-cache-dtype", "auto",
            "--override-generation-config", "{\"kv_connector\":\"NixlConnector\",\"x\":\"a b\"}",
            "--chat-template", "it's \"quoted\" $HOME $(touch /tmp/bench-pwned) `touch /tmp/bench-pwned`; exit 3",
            "--served-model-name", "tab\there\nnewline\\backslash",
            "--tokenizer-mode", "",
            "--hf-overrides", "{'a': [1, 2]} && rm -rf / || true > /dev/null &",
            "--trust-remote-code");

    @TempDir
    Path tmp;

    static LaunchOptions options(LaunchRuntime runtime) {
        return switch (runtime) {
            case DOCKER -> new LaunchOptions(runtime, "/fsx/images/nixl-latest.tar.gz", List.of("/fsx"), 1800,
                    List.of());
            case PYXIS -> new LaunchOptions(runtime, "/fsx/images/nixl.sqsh", List.of("/fsx"), 1800, List.of());
            case BARE -> new LaunchOptions(runtime, null, List.of(), 1800, List.of());
        };
    }

    @Test
    void articleConfigurationsForEveryRuntimeMatchGoldenFilesAndPassShellcheck() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Plans.Experiment e : Plans.GOLDEN) {
            for (LaunchRuntime rt : LaunchRuntime.values()) {
                String script = LaunchScript.render(Plans.article(e), options(rt));
                String name = "launch-" + e.name() + "-" + rt.cliName() + ".sh";
                Golden.assertMatches("slurm/" + name, script);
                String sc = shellcheck(name, script);
                if (!sc.isEmpty()) {
                    failures.add(name + ":\n" + sc);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @CsvSource({"docker,nvcr.io/org/vllm:0.15.1", "docker,/fsx/nixl.tar", "pyxis,nvcr.io#org/vllm:0.15.1"})
    void otherImagesAndSettingsPassShellcheckToo(String runtime, String image) throws Exception {
        LaunchRuntime rt = LaunchRuntime.valueOf(runtime.toUpperCase());
        LaunchOptions o = new LaunchOptions(rt, image, List.of("/fsx", "/scratch:/data:ro"), 60,
                List.of(new LaunchOptions.EnvSetting("HF_TOKEN", "it's $secret"),
                        new LaunchOptions.EnvSetting("VLLM_NIXL_SIDE_CHANNEL_HOST", "10.0.0.1"),
                        new LaunchOptions.EnvSetting("FI_PROVIDER", "tcp")),
                List.of("--gres=gpu:8", "--cpu-bind=none", "--comment=it's"));
        String script = LaunchScript.render(Plans.plan(4, 2, 1, NASTY), o);
        assertTrue(script.contains("--overlap --export=ALL --gres=gpu:8 --cpu-bind=none '--comment=it'\\''s' \\\n"),
                "--srun-arg goes to every step, quoted: " + script);
        assertEquals("", shellcheck("other.sh", script));
        assertTrue(script.contains("export HF_TOKEN='it'\\''s $secret'\n"), script);
        assertTrue(script.contains("export FI_PROVIDER=tcp\n"), "--env replaces the default");
        assertFalse(script.contains("FI_PROVIDER:-efa"), script);
        assertFalse(script.contains("\"VLLM_NIXL_SIDE_CHANNEL_HOST=${NODE_IP[$host]}\""),
                "--env VLLM_NIXL_SIDE_CHANNEL_HOST replaces the per-node address");
        assertEquals(image.endsWith(".tar"), script.contains("\nload_image\n"));
    }

    @Test
    void dockerRunsWhatTheBriefAsks() {
        String script = LaunchScript.render(Plans.article(Plans.ARTICLE.get(3)), options(LaunchRuntime.DOCKER));
        assertTrue(script.contains("--gpus all --net=host --ipc=host"), script);
        assertTrue(script.contains("--ulimit memlock=-1"), script);
        assertTrue(script.contains("for dev in /dev/infiniband/uverbs* /dev/gdrdrv; do\n"
                + "    if [ -e \"$dev\" ]; then args+=(--device \"$dev\"); fi"), "EFA devices only where they exist");
        assertTrue(script.contains("pigz -dc \"$1\"; else gzip -dc \"$1\"; fi | docker load"), script);
        assertTrue(script.contains("RUN_TAG=bench-$JOB_ID-$$\n"), "containers are named with the job id");
        assertTrue(script.contains("--filter \"label=bench.run=$label\" --filter \"name=^/$name\\$\""),
                "only containers with this run's name and label are removed");
        assertTrue(script.contains(" -v /fsx:/fsx)"), script);
        assertFalse(script.contains("docker rm -f $("), "never removes containers found by a pattern alone");
    }

    @Test
    void pyxisPassesImageAndMountsToSrun() {
        String script = LaunchScript.render(Plans.article(Plans.ARTICLE.get(0)), options(LaunchRuntime.PYXIS));
        assertTrue(script.contains("--container-image=\"$IMAGE\" --container-mounts=/fsx:/fsx \\\n"), script);
        assertTrue(script.contains("IMAGE=/fsx/images/nixl.sqsh\n"), script);
        assertFalse(script.contains("docker"), script);
    }

    @Test
    void everyProcessStartsOnItsNodeWithSrunAndTheRouterAfterTheEngines() {
        String script = LaunchScript.render(Plans.article(Plans.ARTICLE.get(1)), options(LaunchRuntime.BARE));
        assertTrue(script.contains("srun --nodes=1 --ntasks=1 --nodelist=\"$host\" --overlap --export=ALL"), script);
        int engines = script.indexOf("launch node4 dp-worker - \\\n");
        int firstWait = script.indexOf("wait_ready\n", engines);
        int router = script.indexOf("launch node1 router http://node1:20681/health \\\n");
        assertTrue(engines > 0 && firstWait > engines && router > firstWait, script);
        assertTrue(script.contains("    --data-parallel-address \"${NODE_IP[node3]}\" \\\n"), script);
        assertTrue(script.contains("echo \"$ENDPOINT\" >\"$LOG_DIR/endpoint\"\n"), script);
        assertTrue(script.contains("LOG_DIR=logs/1234\n"), script);
        assertTrue(script.contains("local logfile=\"$LOG_DIR/$role-$host.log\""), script);
    }

    @Test
    void groupRoutersStartAfterTheEnginesAndBeforeTheRouter() {
        String script = LaunchScript.render(Plans.article(Plans.ROUTE2_PD), options(LaunchRuntime.BARE));
        int engines = script.indexOf("launch node4 decode http://node4:20680/health \\\n");
        int firstWait = script.indexOf("wait_ready\n", engines);
        int group0 = script.indexOf("launch node1 group-router http://node1:20698/health \\\n"
                + "  vllm-router \\\n    --policy consistent_hash \\\n    --vllm-pd-disaggregation \\\n"
                + "    --prefill http://node1:20680 \\\n    --decode http://node2:20680 \\\n");
        int group1 = script.indexOf("launch node3 group-router http://node3:20698/health \\\n");
        int secondWait = script.indexOf("wait_ready\n", group1);
        int router = script.indexOf("launch node1 router http://node1:20681/health \\\n"
                + "  vllm-router \\\n    --policy round_robin \\\n"
                + "    --worker-urls http://node1:20698 http://node3:20698 \\\n");
        int lastWait = script.indexOf("wait_ready\n", router);
        int endpoint = script.indexOf("echo \"$ENDPOINT\" >\"$LOG_DIR/endpoint\"\n");
        assertTrue(engines > 0 && firstWait > engines && group0 > firstWait && group1 > group0
                && secondWait > group1 && router > secondWait && lastWait > router && endpoint > lastWait, script);
        assertTrue(script.contains("#   node1  group-router  0      20698"), "the header's table shows them\n" + script);
        assertTrue(script.contains("ENDPOINT=http://node1:20681\n"), script);
    }

    /**
     * The quoting round trip: the launch statement of a rendered script, run by bash with a
     * stand-in launch that prints its arguments, gives back every serve argument byte for byte,
     * and nothing in them runs.
     */
    @Test
    void serveArgumentsSurviveTheShellVerbatim() throws Exception {
        Plan plan = Plans.plan(2, 1, 0, NASTY);
        String script = LaunchScript.render(plan, options(LaunchRuntime.BARE));
        Path marker = Path.of("/tmp/bench-pwned");
        Files.deleteIfExists(marker);
        for (Node node : plan.nodes().toList()) {
            String statement = launchStatement(script, node.host());
            String harness = "declare -A NODE_IP=([node1]=10.9.8.7)\n"
                    + "launch() { shift 3; printf '%s\\0' \"$@\"; }\n" + statement;
            byte[] out = bash(harness);
            List<String> expected = node.command().stream()
                    .map(a -> a instanceof Arg.NodeAddress ? "10.9.8.7" : a.text()).toList();
            assertEquals(expected, splitNul(out), statement);
            assertTrue(splitNul(out).containsAll(NASTY));
        }
        assertFalse(Files.exists(marker), "an argument was executed");
    }

    @Test
    void badOptionsAreRefusedWithOneLine() {
        assertThrows(BenchException.class, () -> new LaunchOptions(LaunchRuntime.DOCKER, null, List.of(), 10, List.of()));
        assertEquals("--image and --container-mount are for --runtime docker or pyxis",
                assertThrows(BenchException.class,
                        () -> new LaunchOptions(LaunchRuntime.BARE, "img", List.of(), 10, List.of())).getMessage());
        assertEquals("bad --container-mount 'a,b': expected SRC[:DST[:FLAGS]] without commas or spaces",
                assertThrows(BenchException.class,
                        () -> new LaunchOptions(LaunchRuntime.PYXIS, "img", List.of("a,b"), 10, List.of())).getMessage());
        assertEquals("--ready-timeout must be >= 1 second", assertThrows(BenchException.class,
                () -> new LaunchOptions(LaunchRuntime.BARE, null, List.of(), 0, List.of())).getMessage());
        assertEquals("bad --env 'novalue': expected NAME=VALUE", assertThrows(BenchException.class,
                () -> LaunchOptions.EnvSetting.parse("novalue")).getMessage());
        assertTrue(assertThrows(BenchException.class, () -> LaunchOptions.EnvSetting.parse("A-B=1")).getMessage()
                .startsWith("bad --env 'A-B=1'"));
        assertEquals("--env X is given twice", assertThrows(BenchException.class,
                () -> new LaunchOptions(LaunchRuntime.BARE, null, List.of(), 10, List.of(
                        LaunchOptions.EnvSetting.parse("X=1"), LaunchOptions.EnvSetting.parse("X=2")))).getMessage());
        assertEquals("--srun-arg --nodelist is set by the launch script itself (one task on one node of the"
                + " allocation per step)", assertThrows(BenchException.class, () -> new LaunchOptions(
                        LaunchRuntime.BARE, null, List.of(), 10, List.of(), List.of("--nodelist=n1"))).getMessage());
        assertTrue(assertThrows(BenchException.class, () -> new LaunchOptions(LaunchRuntime.BARE, null, List.of(), 10,
                List.of(), List.of("-N2"))).getMessage().startsWith("--srun-arg -N is set by"));
        assertTrue(assertThrows(BenchException.class, () -> new LaunchOptions(LaunchRuntime.BARE, null, List.of(), 10,
                List.of(), List.of("--gres gpu:8"))).getMessage().startsWith("bad --srun-arg '--gres gpu:8'"));
        assertTrue(assertThrows(BenchException.class, () -> new LaunchOptions(LaunchRuntime.BARE, null, List.of(), 10,
                List.of(), List.of("gpu:8"))).getMessage().startsWith("bad --srun-arg 'gpu:8'"));
        assertEquals("--env PATH cannot be overridden", assertThrows(BenchException.class,
                () -> LaunchOptions.EnvSetting.parse("PATH=/x")).getMessage());
    }

    // ---- helpers

    /** The lines of the {@code launch HOST ...} statement, continuation lines included. */
    static String launchStatement(String script, String host) {
        int start = script.indexOf("\nlaunch " + host + " ") + 1;
        assertTrue(start > 0, "no launch for " + host);
        StringBuilder sb = new StringBuilder();
        for (String line : script.substring(start).split("\n", -1)) {
            sb.append(line).append('\n');
            if (!line.endsWith("\\")) {
                break;
            }
        }
        return sb.toString();
    }

    static List<String> splitNul(byte[] out) {
        String s = new String(out, StandardCharsets.UTF_8);
        List<String> words = new ArrayList<>(List.of(s.split("\0", -1)));
        assertEquals("", words.removeLast(), "output ends with NUL");
        return words;
    }

    private byte[] bash(String code) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", code).redirectError(ProcessBuilder.Redirect.INHERIT)
                .directory(tmp.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return out;
    }

    /** shellcheck's findings on the script ("" when clean); skips the test when shellcheck is missing. */
    String shellcheck(String name, String script) throws IOException, InterruptedException {
        assumeTrue(onPath("shellcheck"), "shellcheck is not installed (.ci/run installs it): generated scripts"
                + " were not checked");
        Path file = tmp.resolve(name);
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("shellcheck", "--format=gcc", file.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() == 0 ? "" : out;
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
