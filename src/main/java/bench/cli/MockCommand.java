package bench.cli;

import bench.BenchException;
import bench.mock.MockConfig;
import bench.load.SelfWarmup;
import bench.mock.MockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench mock}: an OpenAI-compatible streaming server with a fixed latency model. */
@Command(name = "mock",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        description = {
            "Serve an OpenAI-compatible API that streams tokens on a schedule: token k of a request "
                    + "is sent at arrival + TTFT + k * ITL. For tests, demos and CI without GPUs.",
            "Endpoints: POST /v1/completions, POST /v1/chat/completions (streaming or not), GET /v1/models, "
                    + "GET /health, POST /tokenize, POST /detokenize. Runs until interrupted."})
final class MockCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", defaultValue = "bench-mock", description = "Model name served (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--ttft-ms", defaultValue = "50", description = "Time to first token, ms (default: ${DEFAULT-VALUE}).")
    double ttftMs;

    @Option(names = "--itl-ms", defaultValue = "10", description = "Time between tokens, ms (default: ${DEFAULT-VALUE}).")
    double itlMs;

    @Option(names = "--default-max-tokens", defaultValue = "16",
            description = "Output length of requests without max_tokens (default: ${DEFAULT-VALUE}).")
    int defaultMaxTokens;

    @Option(names = "--port-file", paramLabel = "FILE",
            description = "Write the port to FILE once listening (handy with --port 0).")
    Path portFile;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() throws InterruptedException {
        MockConfig config = new MockConfig(host, port, model, ttftMs, itlMs, defaultMaxTokens);
        // compile the serving paths before listening, so the first real streams are on time
        SelfWarmup.run();
        try (MockServer server = new MockServer(config).start();
                Signals signals = new Signals(() -> new Thread(server::close).start(), parent.env().handleSignals())) {
            var out = spec.commandLine().getOut();
            out.printf("bench mock: serving %s on http://%s:%d (TTFT %s ms, ITL %s ms)%n", model, host, server.port(),
                    ttftMs, itlMs);
            out.flush();
            if (portFile != null) {
                try {
                    Files.writeString(portFile, server.port() + "\n", StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new BenchException("cannot write --port-file " + portFile + ": " + e.getMessage(), e);
                }
            }
            server.await();
        }
        return 0;
    }
}
