package bench.cli;

import bench.BenchException;
import bench.dataset.CustomDataset;
import bench.dataset.HfTokenizer;
import bench.dataset.MaterializedSource;
import bench.dataset.RandomDataset;
import bench.dataset.SampleSource;
import bench.dataset.ShareGptDataset;
import bench.dataset.TokenCodec;
import bench.load.Benchmark;
import bench.load.ClientOptions;
import bench.load.Progress;
import bench.load.RunConfig;
import bench.load.RunControl;
import bench.load.RunOutcome;
import bench.metrics.GoodputSlo;
import bench.metrics.PrometheusText;
import bench.openai.ControlClient;
import bench.openai.Endpoint;
import bench.openai.RequestEncoder;
import bench.openai.ServerTokenizer;
import bench.report.DetailWriter;
import bench.report.ProgressPrinter;
import bench.report.ResultJson;
import bench.report.RunInfo;
import bench.report.RunResult;
import bench.report.Summarizer;
import bench.report.SummaryTable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The work behind {@code bench run}, apart from picocli: resolve the model and tokenizer,
 * build the dataset, run, summarise, print and save. I/O lives here; the parts it calls are
 * pure or own their I/O.
 */
final class RunJob {
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);
    private static final int TOKENIZE_THREADS = 8;

    private final CliEnv env;
    private final TargetOptions target;
    private final DatasetOptions dataset;
    private final LoadOptions load;
    private final OutputOptions output;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ObjectMapper mapper = new ObjectMapper();

    /** The command's own arguments, recorded in the result (header values hidden). */
    private final List<String> args;

    RunJob(CliEnv env, TargetOptions target, DatasetOptions dataset, LoadOptions load, OutputOptions output,
            List<String> args, PrintWriter out, PrintWriter err) {
        this.args = args;
        this.env = env;
        this.target = target;
        this.dataset = dataset;
        this.load = load;
        this.output = output;
        this.out = out;
        this.err = err;
    }

    /** The option values, checked (bad ones are bad input: exit status 2) before any network call. */
    private record Checked(Endpoint endpoint, String path, RequestEncoder.Api api, Map<String, String> headers,
            double rate, List<Double> percentiles, GoodputSlo goodput, ObjectNode extraBody, String datasetName,
            boolean ignoreEos, RunConfig config) {}

    private Checked check() {
        Endpoint endpoint = target.endpoint();
        String path = target.apiPath();
        RequestEncoder.Api api = RequestEncoder.apiOf(path);
        Map<String, String> headers = target.headers(env);
        double rate = load.rate();
        var rampUp = load.rampUp();
        List<Double> percentiles = load.percentileList();
        GoodputSlo goodput = GoodputSlo.parse(load.goodput);
        ObjectNode extraBody = extraBody();
        String datasetName = dataset.name.toLowerCase(Locale.ROOT);
        checkDataset(datasetName);
        boolean ignoreEos = load.ignoreEos != null ? load.ignoreEos : datasetName.equals("random");
        String idPrefix = load.requestIdPrefix != null ? load.requestIdPrefix
                : "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        RunConfig config = new RunConfig(load.numPrompts, rate, load.burstiness, rampUp,
                load.maxConcurrency == null ? 0 : positive(load.maxConcurrency, "--max-concurrency"),
                load.numWarmups, seconds(load.requestTimeoutSeconds, "--request-timeout"), INTERRUPT_GRACE,
                Duration.ofSeconds(load.readyCheckTimeoutSeconds), dataset.seed, ignoreEos, goodput, percentiles,
                idPrefix);
        if (output.saveResult || output.saveDetailed) {
            checkWritable(output.resultDir != null ? output.resultDir : Path.of("."));
        }
        return new Checked(endpoint, path, api, headers, rate, percentiles, goodput, extraBody, datasetName, ignoreEos,
                config);
    }

    int run() {
        // everything that can be checked without the network, first
        Checked checked = Cli.usage(this::check);
        Endpoint endpoint = checked.endpoint();
        String path = checked.path();
        RequestEncoder.Api api = checked.api();
        Map<String, String> headers = checked.headers();
        double rate = checked.rate();
        List<Double> percentiles = checked.percentiles();
        GoodputSlo goodput = checked.goodput();
        ObjectNode extraBody = checked.extraBody();
        String datasetName = checked.datasetName();
        boolean ignoreEos = checked.ignoreEos();
        RunConfig config = checked.config();
        Progress progress = output.noProgress ? Progress.NONE : new ProgressPrinter(err, env.errIsTerminal(), 10);

        // Ctrl-C and SIGTERM (scancel, a job's time limit) stop the run from here on, and it
        // still writes what it measured; before the clock starts, that is nothing
        RunControl stop = new RunControl();
        try (Signals signals = new Signals(() -> onSignal(stop), env.handleSignals());
                ControlClient control = new ControlClient(endpoint, headers, CONTROL_TIMEOUT, target.insecure)) {
            if (!config.readyTimeout().isZero()) {
                // every server call waits for the server, not only the first request
                control.awaitModels(config.readyTimeout(), stop::stopRequested, () -> progress.phase(
                        "Waiting up to " + config.readyTimeout().toSeconds() + " s for " + endpoint
                                + " to answer /v1/models..."));
                if (stop.stopRequested()) {
                    throw new BenchException("interrupted while waiting for " + endpoint + ": nothing was measured",
                            Cli.EXIT_INTERRUPTED, null);
                }
            }
            String model = target.model;
            if (model == null) {
                model = control.firstModel();
                progress.phase("Model: " + model + " (first on /v1/models)");
            }
            try (TokenCodec codec = codec(control, model, datasetName)) {
                SampleSource source = source(datasetName, codec, progress);
                RequestEncoder encoder = new RequestEncoder(endpoint, path, model, headers, ignoreEos,
                        load.continuousUsage, extraBody);
                String backend = api == RequestEncoder.Api.CHAT ? "openai-chat" : "openai";
                String label = output.label != null ? output.label : backend;
                Path resultFile = resultFile(label, model, rate, config);
                RunInfo info = new RunInfo(backend, label, model, codec == null ? null : codec.id(), endpoint.toString(),
                        path, datasetName, configJson(config, model, endpoint, path, headers, extraBody));
                Map<String, Double> metricsBefore = output.scrapeMetrics ? scrape(control) : null;
                RunOutcome outcome = measure(endpoint, config, source, encoder, progress, resultFile, stop);
                if (metricsBefore != null) {
                    outcome = outcome.withServerMetrics(PrometheusText.delta(metricsBefore, scrape(control)));
                }
                RunResult result = Summarizer.summarize(info, outcome, config.numPrompts(), rate, config.burstiness(),
                        config.maxConcurrency(), goodput.enabled(), percentiles, env.zone());
                out.print(SummaryTable.render(result));
                out.flush();
                if (resultFile != null) {
                    write(resultFile, ResultJson.toJsonString(result));
                    err.println("Result written to " + resultFile);
                }
                return exitCode(result);
            }
        }
    }

    private static Map<String, Double> scrape(ControlClient control) {
        try {
            return PrometheusText.parse(control.getText("/metrics"));
        } catch (BenchException e) {
            throw new BenchException("--scrape-metrics: " + e.getMessage(), e);
        }
    }

    private void onSignal(RunControl control) {
        int n = control.requestStop();
        if (n == 1) {
            err.println();
            err.println("Interrupted: no new requests; waiting up to " + INTERRUPT_GRACE.toSeconds()
                    + " s for those in flight (Ctrl-C again to stop now).");
        }
        err.flush();
    }

    private RunOutcome measure(Endpoint endpoint, RunConfig config, SampleSource source, RequestEncoder encoder,
            Progress progress, Path resultFile, RunControl control) {
        DetailWriter details = output.saveDetailed ? new DetailWriter(detailFile(resultFile)) : null;
        try {
            return new Benchmark(endpoint, config, source, encoder, control, progress, details, env.clock(),
                    new ClientOptions(load.selfWarmup, target.insecure)).run();
        } finally {
            if (details != null) {
                details.close();
                err.println("Per-request details written to " + details.path());
            }
        }
    }

    private int exitCode(RunResult r) {
        if (r.interrupted()) {
            err.println("bench: run interrupted: " + r.completed() + " completed, " + r.failed() + " failed, "
                    + r.notSent() + " not sent");
            return Cli.EXIT_INTERRUPTED;
        }
        if (r.completed() == 0) {
            err.println("bench: error: no request succeeded (" + r.failed() + " failed"
                    + firstFailure(r) + ")");
            return 1;
        }
        if (r.failed() > 0) {
            err.println("bench: error: " + r.failed() + " of " + (r.failed() + r.completed()) + " requests failed"
                    + firstFailure(r));
            return 1;
        }
        return 0;
    }

    private static String firstFailure(RunResult r) {
        if (r.failures().isEmpty()) {
            return "";
        }
        var f = r.failures().get(0);
        String d = f.detail() == null ? "" : f.detail();
        if (d.length() > 120) {
            d = d.substring(0, 120) + "...";
        }
        return "; first: " + f.kind() + ": " + d;
    }

    private void checkDataset(String name) {
        if (dataset.sharegptOutputLen != null && dataset.sharegptOutputLen < 1) {
            throw new BenchException("--sharegpt-output-len must be >= 1, not " + dataset.sharegptOutputLen);
        }
        switch (name) {
            case "random" -> { }
            case "sharegpt", "custom" -> {
                if (dataset.path == null) {
                    throw new BenchException("--dataset-name " + name + " needs --dataset-path FILE");
                }
                if (!Files.isRegularFile(dataset.path)) {
                    throw new BenchException("dataset file not found: " + dataset.path);
                }
            }
            default -> throw new BenchException("unknown --dataset-name '" + name + "': random, sharegpt or custom");
        }
    }

    /** The tokenizer: --tokenizer, else the server's; null only for custom data without either. */
    private TokenCodec codec(ControlClient control, String model, String datasetName) {
        if (dataset.tokenizer != null) {
            return HfTokenizer.load(dataset.tokenizer);
        }
        try {
            control.tokenize(model, "hello world");
            return new ServerTokenizer(control, model);
        } catch (BenchException e) {
            if (datasetName.equals("custom")) {
                return null;
            }
            throw new BenchException("exact prompt lengths need a tokenizer: give --tokenizer PATH (tokenizer.json "
                    + "or a model directory), or use a server with /tokenize and /detokenize (vLLM has them); "
                    + e.getMessage());
        }
    }

    private SampleSource source(String name, TokenCodec codec, Progress progress) {
        return switch (name) {
            case "random" -> {
                SampleSource random = new RandomDataset(codec, load.numPrompts, dataset.inputLen, dataset.outputLen,
                        dataset.rangeRatio, dataset.prefixLen, dataset.seed);
                if (codec instanceof ServerTokenizer) {
                    progress.phase("Building " + load.numPrompts + " prompts with the server's tokenizer...");
                    yield MaterializedSource.of(random, TOKENIZE_THREADS);
                }
                yield random;
            }
            case "sharegpt" -> ShareGptDataset.load(dataset.path, codec, load.numPrompts, dataset.sharegptOutputLen,
                    dataset.seed);
            case "custom" -> CustomDataset.load(dataset.path, codec, load.numPrompts, dataset.outputLen);
            default -> throw new IllegalStateException(name);
        };
    }

    private ObjectNode extraBody() {
        ObjectNode body = mapper.createObjectNode();
        if (load.extraBody != null) {
            JsonNode parsed;
            try {
                parsed = mapper.readTree(load.extraBody);
            } catch (IOException e) {
                throw new BenchException("--extra-body is not valid JSON");
            }
            if (parsed == null || !parsed.isObject()) {
                throw new BenchException("--extra-body must be a JSON object");
            }
            body.setAll((ObjectNode) parsed);
        }
        if (load.temperature != null) {
            body.put("temperature", load.temperature);
        }
        if (load.topP != null) {
            body.put("top_p", load.topP);
        }
        if (load.topK != null) {
            body.put("top_k", load.topK);
        }
        return body;
    }

    private Path resultFile(String label, String model, double rate, RunConfig config) {
        if (!output.saveResult && !output.saveDetailed) {
            return null;
        }
        String name = output.resultFilename;
        if (name == null) {
            String base = model.substring(model.lastIndexOf('/') + 1);
            String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .format(env.clock().instant().atZone(env.zone()));
            String rateText = config.rampUp() != null
                    ? "ramp-up-" + config.rampUp().strategy().name().toLowerCase(Locale.ROOT) + "-"
                            + pyFloat(config.rampUp().startRps()) + "qps-" + pyFloat(config.rampUp().endRps()) + "qps"
                    : pyFloat(rate) + "qps";
            name = label + "-" + rateText + (config.maxConcurrency() > 0 ? "-concurrency" + config.maxConcurrency() : "")
                    + "-" + base + "-" + date + ".json";
        }
        Path dir = output.resultDir != null ? output.resultDir : Path.of(".");
        return dir.resolve(name);
    }

    private static Path detailFile(Path resultFile) {
        String name = resultFile.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return resultFile.resolveSibling(stem + ".requests.jsonl");
    }

    /** Python's float formatting as vLLM's file names use it: inf, 10.0, 2.5. */
    static String pyFloat(double v) {
        if (Double.isInfinite(v)) {
            return "inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e16) {
            return (long) v + ".0";
        }
        return Double.toString(v);
    }

    private JsonNode configJson(RunConfig config, String model, Endpoint endpoint, String path,
            Map<String, String> headers, ObjectNode extraBody) {
        ObjectNode c = mapper.createObjectNode();
        c.put("base_url", endpoint.toString());
        c.put("endpoint", path);
        c.put("model", model);
        var hn = c.putArray("header_names");
        headers.keySet().forEach(hn::add);
        c.put("dataset_name", dataset.name);
        c.put("dataset_path", dataset.path == null ? null : dataset.path.toString());
        c.put("input_len", dataset.inputLen);
        c.put("output_len", dataset.outputLen);
        c.put("random_range_ratio", dataset.rangeRatio);
        c.put("random_prefix_len", dataset.prefixLen);
        if (dataset.sharegptOutputLen != null) {
            c.put("sharegpt_output_len", dataset.sharegptOutputLen);
        }
        c.put("tokenizer", dataset.tokenizer == null ? null : dataset.tokenizer.toString());
        c.put("seed", config.seed());
        c.put("num_prompts", config.numPrompts());
        if (Double.isInfinite(config.requestRate())) {
            c.put("request_rate", "inf");
        } else {
            c.put("request_rate", config.requestRate());
        }
        c.put("burstiness", config.burstiness());
        if (config.rampUp() != null) {
            c.put("ramp_up_strategy", config.rampUp().strategy().name().toLowerCase(Locale.ROOT));
            c.put("ramp_up_start_rps", config.rampUp().startRps());
            c.put("ramp_up_end_rps", config.rampUp().endRps());
        }
        if (config.maxConcurrency() > 0) {
            c.put("max_concurrency", config.maxConcurrency());
        } else {
            c.putNull("max_concurrency");
        }
        c.put("num_warmups", config.numWarmups());
        c.put("request_timeout_s", config.requestTimeout().toMillis() / 1000.0);
        c.put("ready_check_timeout_s", config.readyTimeout().toSeconds());
        c.put("ignore_eos", config.ignoreEos());
        c.put("continuous_usage_stats", load.continuousUsage);
        // the client's event loop: epoll (called directly) or NIO's selector
        c.put("client_io", bench.openai.StreamClient.ioFor(endpoint, bench.openai.StreamClient.Io.fromProperty()));
        ObjectNode g = c.putObject("goodput");
        GoodputSlo slo = config.goodput();
        if (slo.ttftMs() != null) {
            g.put("ttft", slo.ttftMs());
        }
        if (slo.tpotMs() != null) {
            g.put("tpot", slo.tpotMs());
        }
        if (slo.e2elMs() != null) {
            g.put("e2el", slo.e2elMs());
        }
        var p = c.putArray("percentiles");
        config.percentiles().forEach(p::add);
        c.set("extra_body", extraBody);
        c.put("request_id_prefix", config.requestIdPrefix());
        // the command line, so that a result says how it was made (bench sweep's resume compares it)
        var a = c.putArray("args");
        bench.sweep.RunArgs.redactHeaders(args).forEach(a::add);
        ObjectNode meta = c.putObject("metadata");
        if (output.metadata != null) {
            for (String kv : output.metadata) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new BenchException("bad --metadata '" + kv + "': expected KEY=VALUE");
                }
                meta.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return c;
    }

    private static int positive(int v, String flag) {
        if (v < 1) {
            throw new BenchException(flag + " must be >= 1");
        }
        return v;
    }

    private static Duration seconds(double s, String flag) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new BenchException(flag + " must be a number of seconds >= 0");
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** Writes text to file, creating its directory; a failure is the user's one-line error. */
    static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchException("cannot write " + file + ": " + reason(e), e);
        }
    }

    /** Before the clock starts: the result directory can be created and written, so a long run is not lost. */
    static void checkWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".bench-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new BenchException("cannot write results to " + dir + " (--result-dir): " + reason(e), e);
        }
    }

    /** Why a file operation failed, in words (the JDK's message is often just the path). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file is in the way";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
