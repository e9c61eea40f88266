package bench.cli;

import bench.BenchException;
import bench.mock.EngineConfig;
import bench.mock.Faults;
import bench.mock.MockConfig;
import bench.load.JitSettle;
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
        subcommands = {MockRouterCommand.class},
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        description = {
            "Serve an OpenAI-compatible API that streams tokens on a schedule: token k of a request "
                    + "is sent at arrival + TTFT + k * ITL. For tests, demos and CI without GPUs.",
            "Endpoints: POST /v1/completions, POST /v1/chat/completions (streaming or not), GET /v1/models, "
                    + "GET /health, POST /tokenize, POST /detokenize. Runs until interrupted.",
            "Metrics and test control:",
            "  GET /metrics      Prometheus text with vLLM's metric names (read by bench run --scrape-metrics)",
            "  GET /mock/stats   JSON ground truth: the TTFT and ITL the mock produced, its lateness, counters",
            "  POST /mock/reset  start a new window: clears what /mock/stats and /metrics count"})
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

    @Option(names = "--prefill-tps", paramLabel = "TOKENS/S",
            description = "Turn on the engine model: prompt tokens per second of prefill compute, shared by the "
                    + "requests prefilled in a step. TTFT then emerges from the model (--ttft-ms is not used).")
    Double prefillTps;

    @Option(names = "--max-num-seqs", defaultValue = "256",
            description = "Engine model: running batch limit; beyond it requests wait (default: ${DEFAULT-VALUE}).")
    int maxNumSeqs;

    @Option(names = "--itl-per-seq-us", defaultValue = "0",
            description = "Engine model: microseconds added to a step per running decode (default: ${DEFAULT-VALUE}).")
    double itlPerSeqUs;

    @Option(names = "--max-num-batched-tokens", defaultValue = "2048",
            description = "Engine model: tokens per step; long prompts are prefilled in chunks (default: ${DEFAULT-VALUE}).")
    int maxBatchedTokens;

    @Option(names = {"--data-parallel-size", "-dp"}, defaultValue = "1",
            description = "Engine model: engines behind this server; requests go to the least loaded one, or to the "
                    + "X-data-parallel-rank a router names (default: ${DEFAULT-VALUE}).")
    int dataParallelSize;

    @Option(names = "--dp-lockstep-us", paramLabel = "US",
            description = "Engine model: data-parallel engines step together, as vLLM does for MoE models, and each "
                    + "step costs this much more (default: independent engines).")
    Double dpLockstepUs;

    @Option(names = "--dp-comm-factor", defaultValue = "0",
            description = "Engine model, in lockstep: steps are stretched by 1 + F x (engines - 1), the MoE layers' "
                    + "communication between the engines (default: ${DEFAULT-VALUE}).")
    double dpCommFactor;

    @Option(names = "--role", defaultValue = "both", paramLabel = "both|prefill|decode",
            description = "prefill: return NixlConnector kv_transfer_params to requests asking for remote decode; "
                    + "decode: skip the prefill of requests carrying kv_transfer_params, after the KV transfer "
                    + "(default: ${DEFAULT-VALUE}).")
    String role;

    @Option(names = "--kv-bytes-per-token", defaultValue = "0",
            description = "Decode role: KV cache bytes per prompt token to transfer (default: ${DEFAULT-VALUE}).")
    long kvBytesPerToken;

    @Option(names = "--kv-gbps", defaultValue = "100",
            description = "Decode role: KV transfer bandwidth in Gbit/s (default: ${DEFAULT-VALUE}).")
    double kvGbps;

    @Option(names = "--error-rate", defaultValue = "0", description = "Fraction of requests answered with --error-status.")
    double errorRate;

    @Option(names = "--error-status", defaultValue = "500", description = "HTTP status of injected errors (default: ${DEFAULT-VALUE}).")
    int errorStatus;

    @Option(names = "--cut-rate", defaultValue = "0", description = "Fraction of streams whose connection is closed mid-stream.")
    double cutRate;

    @Option(names = "--stall-rate", defaultValue = "0", description = "Fraction of streams that pause for --stall-ms.")
    double stallRate;

    @Option(names = "--stall-ms", defaultValue = "1000", description = "Length of a stall (default: ${DEFAULT-VALUE}).")
    double stallMs;

    @Option(names = "--inband-error-rate", defaultValue = "0",
            description = "Fraction of streams that get an error event and end.")
    double inbandErrorRate;

    @Option(names = "--malformed-rate", defaultValue = "0",
            description = "Fraction of streams that get one broken (not JSON) event.")
    double malformedRate;

    @Option(names = "--fault-seed", defaultValue = "0", description = "Seed of the fault draws (default: ${DEFAULT-VALUE}).")
    long faultSeed;

    @Option(names = "--usage-in-last-chunk",
            description = "Put the usage into the final token event instead of its own event (as llama.cpp does).")
    boolean usageInLastChunk;

    @Option(names = "--port-file", paramLabel = "FILE",
            description = "Write the port to FILE once listening (handy with --port 0).")
    Path portFile;

    @Mixin
    VerboseOption verbose = new VerboseOption();

    MockConfig config() {
        if (!(itlPerSeqUs >= 0)) {
            throw new BenchException("--itl-per-seq-us must be >= 0");
        }
        if (dpLockstepUs != null && !(dpLockstepUs >= 0)) {
            throw new BenchException("--dp-lockstep-us must be >= 0");
        }
        if (prefillTps == null && (dataParallelSize != 1 || dpLockstepUs != null || dpCommFactor != 0)) {
            throw new BenchException("--data-parallel-size, --dp-lockstep-us and --dp-comm-factor need the engine model "
                    + "(--prefill-tps)");
        }
        EngineConfig engine = prefillTps == null ? null : new EngineConfig(prefillTps, maxNumSeqs,
                Math.round(itlMs * 1e6), Math.round(itlPerSeqUs * 1e3), maxBatchedTokens, dataParallelSize,
                dpLockstepUs == null ? -1 : Math.round(dpLockstepUs * 1e3), dpCommFactor);
        MockConfig.Role r = switch (role.toLowerCase(java.util.Locale.ROOT)) {
            case "both" -> MockConfig.Role.BOTH;
            case "prefill" -> MockConfig.Role.PREFILL;
            case "decode" -> MockConfig.Role.DECODE;
            default -> throw new BenchException("bad --role '" + role + "': both, prefill or decode");
        };
        Faults faults = new Faults(errorRate, errorStatus, cutRate, stallRate, stallMs, inbandErrorRate, malformedRate,
                faultSeed);
        return new MockConfig(host, port, model, ttftMs, itlMs, defaultMaxTokens, engine, r, kvBytesPerToken, kvGbps,
                faults, usageInLastChunk);
    }

    /** Writes the port atomically (temporary file, then rename), so a reader never sees half a number. */
    static void writePortFile(Path file, int port) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, port + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BenchException("cannot write --port-file " + file + ": " + e.getMessage(), e);
        }
    }

    static String describe(MockConfig c) {
        StringBuilder sb = new StringBuilder();
        if (c.engine() == null) {
            sb.append("TTFT ").append(c.ttftMs()).append(" ms, ITL ").append(c.itlMs()).append(" ms");
        } else {
            EngineConfig e = c.engine();
            sb.append("engine model: prefill ").append(e.prefillTps()).append(" tok/s, step ").append(c.itlMs())
                    .append(" ms + ").append(e.itlPerSeqNanos() / 1e3).append(" us/seq, max ").append(e.maxNumSeqs())
                    .append(" seqs, ").append(e.maxBatchedTokens()).append(" tokens/step");
            if (e.dataParallelSize() > 1) {
                sb.append(", DP ").append(e.dataParallelSize())
                        .append(e.lockstepSyncNanos() >= 0 ? " in lockstep" : " independent");
            }
        }
        if (c.role() != MockConfig.Role.BOTH) {
            sb.append(", role ").append(c.role().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (c.faults().any()) {
            sb.append(", faults on");
        }
        return sb.toString();
    }

    @Override
    public Integer call() throws InterruptedException {
        MockConfig config = Cli.usage(this::config);
        // compile the serving paths before listening, so the first real streams are on time
        SelfWarmup.run();
        JitSettle.await();
        try (MockServer server = new MockServer(config).start();
                Signals signals = new Signals(status -> new Thread(server::close).start(), parent.env().handleSignals())) {
            var out = spec.commandLine().getOut();
            out.printf("bench mock: serving %s on http://%s:%d (%s)%n", model, host, server.port(), describe(config));
            out.flush();
            if (portFile != null) {
                writePortFile(portFile, server.port());
            }
            server.await();
        }
        return 0;
    }
}
