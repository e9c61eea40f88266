package bench.cli;

import bench.BenchException;
import bench.BenchVersion;
import bench.dataset.CustomDataset;
import bench.dataset.HfTokenizer;
import bench.dataset.MaterializedSource;
import bench.dataset.RandomDataset;
import bench.dataset.Sample;
import bench.dataset.SampleSource;
import bench.dataset.ShareGptDataset;
import bench.dataset.TokenCodec;
import bench.dataset.TokenizerLocator;
import bench.load.Benchmark;
import bench.load.ClientOptions;
import bench.load.Progress;
import bench.load.RunConfig;
import bench.load.RunControl;
import bench.load.RunOutcome;
import bench.metrics.GoodputSlo;
import bench.metrics.Metric;
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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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
            double rate, List<Double> percentiles, List<Metric> shownMetrics, GoodputSlo goodput, ObjectNode extraBody,
            String datasetName, TokenizerLocator.Found tokenizer, boolean loraRoundRobin, boolean ignoreEos,
            Map<String, String> metadata, RunConfig config) {}

    private Checked check() {
        Endpoint endpoint = target.endpoint();
        String path = target.apiPath();
        RequestEncoder.Api api = RequestEncoder.apiOf(path);
        Map<String, String> headers = target.headers(env);
        double rate = load.rate();
        var rampUp = load.rampUp();
        List<Double> percentiles = load.percentileList();
        List<Metric> shownMetrics = load.percentileMetricList();
        GoodputSlo goodput = GoodputSlo.parse(load.goodput);
        ObjectNode extraBody = extraBody(api);
        String datasetName = dataset.name.toLowerCase(Locale.ROOT);
        checkDataset(datasetName);
        TokenizerLocator.Found tokenizer = tokenizer();
        Map<String, String> metadata = metadata(); // its syntax, before the run rather than at its end
        boolean ignoreEos = load.ignoreEos != null ? load.ignoreEos : datasetName.equals("random");
        String idPrefix = load.requestIdPrefix != null ? load.requestIdPrefix
                : "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        RunConfig config = new RunConfig(load.numPrompts, rate, load.burstiness, rampUp,
                load.maxConcurrency == null ? 0 : positive(load.maxConcurrency, "--max-concurrency"),
                load.numWarmups, seconds(load.requestTimeoutSeconds, "--request-timeout"), INTERRUPT_GRACE,
                Duration.ofSeconds(load.readyCheckTimeoutSeconds), dataset.seed, ignoreEos, goodput, percentiles,
                idPrefix);
        if (output.saves()) {
            checkWritable(output.resultDir != null ? output.resultDir : Path.of("."));
        }
        return new Checked(endpoint, path, api, headers, rate, percentiles, shownMetrics, goodput, extraBody,
                datasetName, tokenizer, load.loraRoundRobin(), ignoreEos, metadata, config);
    }

    int run() {
        // everything that can be checked without the network, first
        Checked checked = Cli.usage(this::check);
        String unsaved = output.unsavedWarning();
        if (unsaved != null) {
            // before the run, so that a long run can be stopped and started again with --save-result
            err.println(unsaved);
            err.flush();
        }
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
        // the exit status of the first signal: 130 for Ctrl-C, 143 for SIGTERM
        AtomicInteger stoppedBy = new AtomicInteger(Cli.EXIT_INTERRUPTED);
        try (Signals signals = new Signals(status -> onSignal(stop, stoppedBy, status), env.handleSignals());
                ControlClient control = new ControlClient(endpoint, headers, CONTROL_TIMEOUT, target.insecure)) {
            if (!config.readyTimeout().isZero()) {
                // every server call waits for the server, not only the first request
                boolean up = control.awaitModels(config.readyTimeout(), stop::stopRequested, () -> progress.phase(
                        "Waiting up to " + config.readyTimeout().toSeconds() + " s for " + endpoint
                                + " to answer /v1/models..."));
                if (stop.stopRequested()) {
                    throw new BenchException("interrupted while waiting for " + endpoint + ": nothing was measured",
                            stoppedBy.get(), null);
                }
                if (!up) {
                    throw new BenchException(endpoint + " did not answer /v1/models within --ready-check-timeout-sec "
                            + config.readyTimeout().toSeconds());
                }
            }
            // the name in requests: --served-model-name, else --model, else the server's first
            String model = target.servedModelName != null ? target.servedModelName : target.model;
            if (model == null) {
                model = control.firstModel();
                progress.phase("Model: " + model + " (first on /v1/models)");
            }
            // the name in results (vLLM's model_id): --model when given
            String modelId = target.model != null ? target.model : model;
            try (TokenCodec codec = codec(control, model, datasetName, checked.tokenizer())) {
                SampleSource source = source(datasetName, codec, progress);
                if (codec instanceof HfTokenizer && !api.equals(RequestEncoder.Api.CHAT)) {
                    checkAgainstServer(control, model, codec, source);
                }
                // with --lora-modules each request names an adapter; the base model still tokenizes
                List<String> requestModels = load.loraModules != null ? load.loraModules : List.of(model);
                RequestEncoder encoder = new RequestEncoder(endpoint, path, requestModels, checked.loraRoundRobin(),
                        dataset.seed, headers, ignoreEos, load.continuousUsage, extraBody);
                String backend = api == RequestEncoder.Api.CHAT ? "openai-chat" : "openai";
                String label = output.label != null ? output.label : backend;
                Path resultFile = resultFile(label, modelId, rate, config);
                RunInfo info = new RunInfo(BenchVersion.get(), backend, label, modelId, codec == null ? null : codec.id(),
                        endpoint.toString(), path, datasetName, config.rampUp(), checked.metadata(),
                        configJson(checked, model));
                RunOutcome outcome = measure(endpoint, config, source, encoder, progress, resultFile, stop,
                        output.scrapeMetrics ? () -> scrape(control) : null);
                RunResult result = Summarizer.summarize(info, outcome, config.numPrompts(), rate, config.burstiness(),
                        config.maxConcurrency(), goodput.enabled(), percentiles, env.zone());
                out.print(SummaryTable.render(result, checked.shownMetrics()));
                out.flush();
                if (resultFile != null) {
                    write(resultFile, ResultJson.toJsonString(result), output.appendResult);
                    err.println("Result written to " + resultFile);
                }
                return exitCode(result, stoppedBy.get());
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

    private void onSignal(RunControl control, AtomicInteger stoppedBy, int status) {
        // set before the stop is seen, so the run's exit status is the first signal's
        if (!control.stopRequested()) {
            stoppedBy.set(status);
        }
        int n = control.requestStop();
        if (n == 1) {
            err.println();
            err.println("Interrupted: no new requests; waiting up to " + INTERRUPT_GRACE.toSeconds()
                    + " s for those in flight (Ctrl-C again to stop now).");
        }
        err.flush();
    }

    private RunOutcome measure(Endpoint endpoint, RunConfig config, SampleSource source, RequestEncoder encoder,
            Progress progress, Path resultFile, RunControl control, Supplier<Map<String, Double>> serverMetrics) {
        DetailWriter details = output.saveDetailed ? new DetailWriter(detailFile(resultFile), output.appendResult)
                : null;
        try {
            return new Benchmark(endpoint, config, source, encoder, control, progress, details, env.clock(),
                    new ClientOptions(load.selfWarmup, target.insecure), serverMetrics).run();
        } finally {
            if (details != null) {
                details.close();
                err.println("Per-request details written to " + details.path());
            }
        }
    }

    /** @param interruptedStatus the exit status of an interrupted run: that of the signal that stopped it */
    private int exitCode(RunResult r, int interruptedStatus) {
        if (r.interrupted()) {
            err.println("bench: run interrupted: " + r.completed() + " completed, " + r.failed() + " failed, "
                    + r.notSent() + " not sent");
            return interruptedStatus;
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
        atLeastOne(dataset.outputLen, "--output-len");
        atLeastOne(dataset.sharegptOutputLen, "--sharegpt-output-len");
        atLeastOne(dataset.customOutputLen, "--custom-output-len");
        switch (name) {
            case "random" -> {
                RandomDataset.check(load.numPrompts, dataset.inputLen, dataset.randomOutputLen(), dataset.rangeRatio,
                        dataset.prefixLen);
                if (dataset.path != null) {
                    // as vLLM: a file given with the random dataset is a mistake, not a file to ignore
                    throw new BenchException("--dataset-path is for sharegpt and custom; --dataset-name random makes "
                            + "its own prompts (did you mean --dataset-name sharegpt or custom?)");
                }
            }
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

    private static void atLeastOne(Integer value, String flag) {
        if (value != null && value < 1) {
            throw new BenchException(flag + " must be >= 1, not " + value);
        }
    }

    /** --tokenizer's file (a path or a model id in the local Hugging Face cache), or null for the server's. */
    private TokenizerLocator.Found tokenizer() {
        if (dataset.tokenizer == null) {
            return null; // the server tokenizes, in whatever mode it was started with
        }
        String mode = dataset.tokenizerMode.toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("hf")) {
            throw new BenchException("--tokenizer-mode " + dataset.tokenizerMode + ": bench reads --tokenizer as a "
                    + "Hugging Face tokenizer.json (auto or hf); leave out --tokenizer to use the server's tokenizer");
        }
        return TokenizerLocator.locate(dataset.tokenizer, env::get);
    }

    /** The tokenizer: --tokenizer, else the server's; null only for custom data without either. */
    private TokenCodec codec(ControlClient control, String model, String datasetName,
            TokenizerLocator.Found tokenizer) {
        if (tokenizer != null) {
            return HfTokenizer.load(tokenizer);
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

    /**
     * A local --tokenizer that is not the server's gives prompts of other lengths than asked:
     * when the server can tokenize, its count of the first prompt is compared (as vLLM does)
     * and a difference is a warning. Chat templates add tokens, so only for completions.
     */
    private void checkAgainstServer(ControlClient control, String model, TokenCodec codec, SampleSource source) {
        if (source.size() == 0 || source.get(0).promptTokens() < 0) {
            return;
        }
        Sample first = source.get(0);
        int server;
        try {
            server = control.tokenize(model, first.prompt()).length;
        } catch (BenchException e) {
            return; // no /tokenize: nothing to compare with
        }
        if (server != first.promptTokens()) {
            err.println("bench: warning: tokenizer mismatch: the server counts " + server + " tokens in the first "
                    + "prompt, --tokenizer " + codec.id() + " " + first.promptTokens() + "; prompts will not have "
                    + "the lengths asked for on this server (leave out --tokenizer to use the server's)");
            err.flush();
        }
    }

    private SampleSource source(String name, TokenCodec codec, Progress progress) {
        return switch (name) {
            case "random" -> {
                SampleSource random = new RandomDataset(codec, load.numPrompts, dataset.inputLen,
                        dataset.randomOutputLen(), dataset.rangeRatio, dataset.prefixLen, dataset.seed);
                if (codec instanceof ServerTokenizer) {
                    progress.phase("Building " + load.numPrompts + " prompts with the server's tokenizer...");
                    yield MaterializedSource.of(random, TOKENIZE_THREADS);
                }
                yield random;
            }
            case "sharegpt" -> ShareGptDataset.load(dataset.path, codec, load.numPrompts, dataset.sharegptOutputLen(),
                    dataset.seed, !dataset.disableShuffle, !dataset.noOversample);
            case "custom" -> CustomDataset.load(dataset.path, codec, load.numPrompts, dataset.customOutputLen(),
                    dataset.customOutputLenForced(), dataset.disableShuffle ? null : dataset.seed,
                    !dataset.noOversample);
            default -> throw new IllegalStateException(name);
        };
    }

    private ObjectNode extraBody(RequestEncoder.Api api) {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode extra = null;
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
            extra = (ObjectNode) parsed;
        }
        putIfSet(body, "temperature", load.temperature);
        putIfSet(body, "top_p", load.topP);
        if (load.topK != null) {
            body.put("top_k", load.topK);
        }
        putIfSet(body, "min_p", load.minP);
        putIfSet(body, "frequency_penalty", load.frequencyPenalty);
        putIfSet(body, "presence_penalty", load.presencePenalty);
        putIfSet(body, "repetition_penalty", load.repetitionPenalty);
        if (extra != null) {
            body.setAll(extra); // as vLLM merges them, the extra body wins over the sampling flags
        }
        if (load.logprobs != null) {
            if (load.logprobs < 0) {
                throw new BenchException("--logprobs must be >= 0, not " + load.logprobs);
            }
            if (api == RequestEncoder.Api.CHAT) {
                body.put("logprobs", true);
                body.put("top_logprobs", load.logprobs);
            } else {
                body.put("logprobs", load.logprobs);
            }
        }
        return body;
    }

    private static void putIfSet(ObjectNode body, String key, Double value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    private Path resultFile(String label, String model, double rate, RunConfig config) {
        if (!output.saves()) {
            return null;
        }
        String name = output.resultFilename;
        if (name == null) {
            String base = model.substring(model.lastIndexOf('/') + 1);
            String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .format(env.clock().instant().atZone(env.zone()));
            String rateText = config.rampUp() != null
                    ? "ramp-up-" + config.rampUp().strategyName() + "-"
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

    private JsonNode configJson(Checked checked, String model) {
        RunConfig config = checked.config();
        String datasetName = checked.datasetName();
        ObjectNode c = mapper.createObjectNode();
        c.put("base_url", checked.endpoint().toString());
        c.put("endpoint", checked.path());
        c.put("model", model);
        if (target.servedModelName != null) {
            c.put("served_model_name", target.servedModelName);
        }
        if (load.loraModules != null) {
            var lora = c.putArray("lora_modules");
            load.loraModules.forEach(lora::add);
            c.put("lora_assignment", checked.loraRoundRobin() ? "round-robin" : "random");
        }
        var hn = c.putArray("header_names");
        checked.headers().keySet().forEach(hn::add);
        c.put("dataset_name", dataset.name);
        c.put("dataset_path", dataset.path == null ? null : dataset.path.toString());
        c.put("input_len", dataset.inputLen);
        c.put("output_len", dataset.randomOutputLen());
        c.put("random_range_ratio", dataset.rangeRatio);
        c.put("random_prefix_len", dataset.prefixLen);
        if (dataset.sharegptOutputLen() != null) {
            c.put("sharegpt_output_len", dataset.sharegptOutputLen());
        }
        if (datasetName.equals("custom")) {
            c.put("custom_output_len", dataset.customOutputLen());
        }
        if (!datasetName.equals("random")) {
            c.put("shuffle", !dataset.disableShuffle);
            c.put("oversample", !dataset.noOversample);
        }
        c.put("tokenizer", dataset.tokenizer);
        c.put("seed", config.seed());
        c.put("num_prompts", config.numPrompts());
        if (Double.isInfinite(config.requestRate())) {
            c.put("request_rate", "inf");
        } else {
            c.put("request_rate", config.requestRate());
        }
        c.put("burstiness", config.burstiness());
        if (config.rampUp() != null) {
            c.put("ramp_up_strategy", config.rampUp().strategyName());
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
        c.put("client_io", bench.openai.StreamClient.ioFor(checked.endpoint(), bench.openai.StreamClient.Io.fromProperty()));
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
        List<Metric> shown = checked.shownMetrics();
        if (shown != null) {
            var pm = c.putArray("percentile_metrics");
            shown.forEach(m -> pm.add(m.key()));
        }
        c.set("extra_body", checked.extraBody());
        c.put("request_id_prefix", config.requestIdPrefix());
        // the command line, so that a result says how it was made (bench sweep's resume compares it)
        var a = c.putArray("args");
        bench.sweep.RunArgs.redactHeaders(args).forEach(a::add);
        ObjectNode meta = c.putObject("metadata");
        checked.metadata().forEach(meta::put);
        return c;
    }

    /** --metadata KEY=VALUE pairs, in order. */
    private Map<String, String> metadata() {
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        if (output.metadata != null) {
            for (String kv : output.metadata) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new BenchException("bad --metadata '" + kv + "': expected KEY=VALUE");
                }
                String key = kv.substring(0, eq);
                if (ResultJson.isResultKey(key)) {
                    // metadata goes top-level in the result, as in vLLM: it may not replace a figure
                    throw new BenchException("bad --metadata '" + kv + "': '" + key + "' is a key of the result; "
                            + "use another name");
                }
                meta.put(key, kv.substring(eq + 1));
            }
        }
        return meta;
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
        write(file, text, false);
    }

    /** Writes, or with {@code append} adds the text after what the file holds (one JSON document after another). */
    static void write(Path file, String text, boolean append) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (append) {
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } else {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            }
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
