package bench.slurm;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A stand-in for {@code vllm} and {@code vllm-router} in {@link LaunchScriptIT}, and for {@code etcd}
 * in {@link SbatchScriptsIT}, run as its own process: records its arguments (NUL-separated) and
 * environment (as NODE-TOOL, NODE-vllm-router-PORT for a router), serves {@code GET /health} on
 * 127.0.0.1 at its {@code --port} plus
 * {@code FAKE_SHIFT_<node>} (several fake nodes share this machine), or at the port of etcd's
 * {@code --listen-client-urls}, and marks when it is stopped. {@code FAKE_FAIL=<node>} makes the
 * engine on that node fail at start; {@code FAKE_NO_HTTP} makes it never answer.
 */
public final class FakeEngine {
    private static final List<String> ENV = List.of("FI_PROVIDER", "FI_EFA_USE_DEVICE_RDMA", "FI_EFA_FORK_SAFE",
            "VLLM_NIXL_SIDE_CHANNEL_HOST", "VLLM_NIXL_SIDE_CHANNEL_PORT", "NCCL_SOCKET_IFNAME", "GLOO_SOCKET_IFNAME",
            "HF_TOKEN");

    private FakeEngine() {}

    public static void main(String[] args) throws Exception {
        String tool = args[0];
        List<String> argv = Arrays.asList(args).subList(1, args.length);
        String node = System.getenv().getOrDefault("FAKE_NODE", "unknown");
        Path dir = Path.of(System.getenv("FAKE_RECORD_DIR"));
        // a node may run two routers (its group's and the plan's): theirs are told apart by port
        String base = node + "-" + tool + (tool.equals("vllm-router") ? "-" + argv.get(argv.indexOf("--port") + 1) : "");
        Files.writeString(dir.resolve(base + ".args"), String.join("\0", argv) + "\0", StandardCharsets.UTF_8);
        StringBuilder env = new StringBuilder();
        for (String name : ENV) {
            if (System.getenv(name) != null) {
                env.append(name).append('=').append(System.getenv(name)).append('\n');
            }
        }
        Files.writeString(dir.resolve(base + ".env"), env.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(base + ".pid"), Long.toString(ProcessHandle.current().pid()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(dir.resolve(base + ".stopped"), "stopped\n");
            } catch (IOException e) {
                // the test then sees no marker
            }
        }));
        System.out.println(tool + " (fake) on " + node + ": starting");
        if (node.equals(System.getenv("FAKE_FAIL")) && tool.equals("vllm")) {
            Thread.sleep(300);
            System.out.println("loading weights");
            System.err.println("RuntimeError: CUDA out of memory (fake)");
            System.exit(3);
        }
        int port = port(argv, node);
        if (port > 0 && System.getenv("FAKE_NO_HTTP") == null) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            server.createContext("/health", ex -> {
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
            System.out.println("serving /health on 127.0.0.1:" + port);
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    /** The port to serve /health on, 0 for none. */
    private static int port(List<String> argv, String node) {
        int i = argv.indexOf("--port");
        if (i >= 0) {
            return Integer.parseInt(argv.get(i + 1))
                    + Integer.parseInt(System.getenv().getOrDefault("FAKE_SHIFT_" + node, "0"));
        }
        i = argv.indexOf("--listen-client-urls");
        return i >= 0 ? URI.create(argv.get(i + 1)).getPort() : 0;
    }
}
