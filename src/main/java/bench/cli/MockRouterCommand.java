package bench.cli;

import bench.mock.MockRouter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code bench mock router}: a test stand-in for vllm-router, taking its flags. */
@Command(name = "router",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        usageHelpWidth = 100,
        description = {
            "A TEST STAND-IN for vllm-router (not a product router): takes vllm-router's flags and forwards "
                    + "requests to mock engines, so launches can be exercised end to end without GPUs. "
                    + "round_robin or consistent_hash over --worker-urls; with --vllm-pd-disaggregation each "
                    + "completion is first prefilled (max_tokens=1) on a --prefill worker, then streamed from a "
                    + "--decode worker with the kv_transfer_params the prefill returned. Unknown vllm-router "
                    + "flags are accepted and ignored."})
final class MockRouterCommand implements Callable<Integer> {
    @ParentCommand
    MockCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "30000", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--policy", defaultValue = "round_robin", description = "round_robin or consistent_hash (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--worker-urls", arity = "1..*", paramLabel = "URL", parameterConsumer = Urls.class,
            description = "Workers of a plain (DP) setup: http://HOST:PORT URLs, up to the next flag.")
    List<String> workers = new ArrayList<>();

    @Option(names = "--vllm-pd-disaggregation", description = "Prefill on --prefill workers, decode on --decode workers.")
    boolean pd;

    @Option(names = "--prefill", arity = "1..2", paramLabel = "URL [BOOTSTRAP_PORT]", parameterConsumer = Urls.class,
            description = "A prefill worker (repeatable); a bootstrap port after it is accepted and ignored.")
    List<String> prefill = new ArrayList<>();

    @Option(names = "--decode", paramLabel = "URL", parameterConsumer = Urls.class,
            description = "A decode worker (repeatable).")
    List<String> decode = new ArrayList<>();

    @Option(names = "--intra-node-data-parallel-size", defaultValue = "1",
            description = "Expand each URL into N ranks, addressed with the X-data-parallel-rank header (default: ${DEFAULT-VALUE}).")
    int dataParallel;

    @Option(names = "--port-file", paramLabel = "FILE", description = "Write the port to FILE once listening.")
    java.nio.file.Path portFile;

    @Unmatched
    List<String> ignored = new ArrayList<>();

    @Mixin
    VerboseOption verbose = new VerboseOption();

    /** The router's settings. */
    MockRouter.Config config() {
        return new MockRouter.Config(host, port, policy, workers, prefill, decode, pd, dataParallel);
    }

    /**
     * The worker URLs of an option: --worker-urls takes them up to the next word that starts with
     * '-' (a flag, known or not: unknown vllm-router flags are ignored, not taken as URLs);
     * --prefill takes one and drops a bootstrap port after it; --decode takes one. Each must be
     * http://HOST:PORT, the plain HTTP the stand-in speaks to its workers.
     */
    static final class Urls implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec command) {
            OptionSpec option = (OptionSpec) argSpec;
            String name = option.longestName();
            List<String> urls = argSpec.getValue();
            int before = urls.size();
            do {
                if (args.isEmpty() || args.peek().startsWith("-")) {
                    if (urls.size() > before) {
                        break;
                    }
                    throw new ParameterException(command.commandLine(), "Missing required parameter for option '"
                            + name + "' (" + option.paramLabel() + ")");
                }
                urls.add(check(command, name, args.pop()));
            } while (name.equals("--worker-urls"));
            if (name.equals("--prefill") && !args.isEmpty() && args.peek().matches("\\d+")) {
                args.pop();
            }
        }

        private static String check(CommandSpec command, String option, String url) {
            URI uri = null;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                // refused below
            }
            if (uri == null || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                    || uri.getPort() < 0) {
                throw new ParameterException(command.commandLine(), "bad " + option + " URL '" + url
                        + "': expected http://HOST:PORT (the stand-in speaks plain HTTP to its workers)");
            }
            return url;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        MockRouter.Config config = Cli.usage(this::config);
        var out = spec.commandLine().getOut();
        if (!ignored.isEmpty()) {
            out.println("bench mock router: ignoring " + String.join(" ", ignored));
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (MockRouter router = new MockRouter(config).start();
                Signals signals = new Signals(status -> stop.countDown(), parent.parent.env().handleSignals())) {
            out.printf("bench mock router (test stand-in): %s on http://%s:%d -> %s%n", policy, host, router.port(),
                    pd ? "prefill " + prefill + ", decode " + decode : workers);
            out.flush();
            if (portFile != null) {
                MockCommand.writePortFile(portFile, router.port());
            }
            stop.await();
        }
        return 0;
    }
}
