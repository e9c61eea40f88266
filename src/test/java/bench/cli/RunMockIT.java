package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.mock.MockConfig;
import bench.mock.MockServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bench run against the in-process mock, end to end, as the acceptance check describes. */
@Timeout(120)
class RunMockIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Top-level keys vLLM's --save-result writes; ours must be a superset. */
    static final List<String> VLLM_KEYS = List.of("date", "backend", "label", "model_id", "tokenizer_id",
            "num_prompts", "request_rate", "burstiness", "max_concurrency", "duration", "completed", "failed",
            "total_input_tokens", "total_output_tokens", "request_throughput", "request_goodput", "output_throughput",
            "total_token_throughput", "max_output_tokens_per_s", "max_concurrent_requests",
            "mean_ttft_ms", "median_ttft_ms", "std_ttft_ms", "p99_ttft_ms",
            "mean_tpot_ms", "median_tpot_ms", "std_tpot_ms", "p99_tpot_ms",
            "mean_itl_ms", "median_itl_ms", "std_itl_ms", "p99_itl_ms",
            "mean_e2el_ms", "median_e2el_ms", "std_e2el_ms", "p99_e2el_ms");

    @TempDir
    Path tmp;
    MockServer mock;
    String url;

    @BeforeEach
    void start() {
        mock = new MockServer(new MockConfig("127.0.0.1", 0, "mock-model", 50, 10, 16)).start();
        url = "http://127.0.0.1:" + mock.port();
    }

    @AfterEach
    void stop() {
        mock.close();
    }

    @Test
    void acceptanceRunMeetsTheMockSchedule() throws IOException {
        Path dir = tmp.resolve("check");
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--input-len", "128", "--output-len", "64",
                "--num-prompts", "200", "--max-concurrency", "32", "--seed", "1", "--save-result",
                "--result-dir", dir.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.err().contains("without --save-result"), r.err());
        assertTrue(r.out().contains("Successful requests:                     200"), r.out());
        assertTrue(r.out().contains("Total generated tokens:                  12800"), r.out());
        JsonNode j = onlyResult(dir);
        for (String k : VLLM_KEYS) {
            assertTrue(j.has(k), "missing key " + k);
        }
        assertEquals(200, j.get("completed").asInt());
        assertEquals(0, j.get("failed").asInt());
        assertEquals(12800, j.get("total_output_tokens").asLong());
        assertEquals(200 * 128, j.get("total_input_tokens").asLong());
        assertEquals("usage", j.get("output_tokens_source").asText());
        assertEquals("mock-model", j.get("model_id").asText());
        assertEquals(32, j.get("max_concurrency").asInt());
        assertEquals(32, j.get("max_concurrent_requests").asInt());
        assertEquals("inf", j.get("request_rate").asText());
        assertEquals(1, j.get("schema_version").asInt());
        assertEquals(bench.BenchVersion.get(), j.get("bench_version").asText());
        double ttft = j.get("mean_ttft_ms").asDouble();
        double itl = j.get("mean_itl_ms").asDouble();
        double tpot = j.get("mean_tpot_ms").asDouble();
        // Timing accuracy is a benchmark's business (make perf), not a test's: CI machines are
        // shared and loaded. Here only what causality guarantees, with generous upper bounds
        // that still catch unit mistakes (seconds for ms, per-request instead of per-token).
        assertTrue(ttft >= 50 && ttft < 250, "mean TTFT " + ttft);
        assertTrue(itl >= 9 && itl < 15, "mean ITL " + itl);
        assertTrue(tpot >= 9 && tpot < 15, "mean TPOT " + tpot);
        assertTrue(j.get("mean_e2el_ms").asDouble() >= 50 + 63 * 10, "E2EL " + j.get("mean_e2el_ms"));
        // the queue is real with 200 requests at once and 32 slots
        assertTrue(j.get("mean_queue_ms").asDouble() > 100, "queue " + j.get("mean_queue_ms"));
        assertTrue(j.get("histograms").get("ttft").asText().length() > 20);
        assertEquals(1, j.get("config").get("seed").asInt());
    }

    /** A ramp-up run: its ramp top-level in the result as vLLM writes it, still in config, and in the summary. */
    @Test
    void rampUpIsTopLevelInTheResultAndInTheSummary() throws IOException {
        Path dir = tmp.resolve("ramp");
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--input-len", "8", "--output-len", "4",
                "--num-prompts", "10", "--ramp-up-strategy", "linear", "--ramp-up-start-rps", "20",
                "--ramp-up-end-rps", "200", "--save-result", "--result-dir", dir.toString(), "--result-filename", "r.json",
                "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Request rate configured (RPS):           ramp-up linear 20.00 -> 200.00"),
                r.out());
        JsonNode j = JSON.readTree(dir.resolve("r.json").toFile());
        assertEquals("linear", j.get("ramp_up_strategy").asText());
        assertEquals(20.0, j.get("ramp_up_start_rps").asDouble());
        assertEquals(200.0, j.get("ramp_up_end_rps").asDouble());
        assertEquals("linear", j.get("config").get("ramp_up_strategy").asText());
        assertEquals(200.0, j.get("config").get("ramp_up_end_rps").asDouble());
    }

    /** --metadata pairs are top-level in the result, as vLLM writes them, and still in config.metadata. */
    @Test
    void metadataIsTopLevelInTheResult() throws IOException {
        Path dir = tmp.resolve("meta");
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--input-len", "8", "--output-len", "4",
                "--num-prompts", "4", "--metadata", "team=infra", "note=a=b", "--save-result", "--result-dir",
                dir.toString(), "--result-filename", "r.json", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = JSON.readTree(dir.resolve("r.json").toFile());
        assertEquals("infra", j.get("team").asText());
        assertEquals("a=b", j.get("note").asText());
        assertEquals("infra", j.get("config").get("metadata").get("team").asText());
    }

    /** As in vLLM, --result-dir and --result-filename alone save nothing; bench says so, once, before the run. */
    @Test
    void resultFlagsWithoutSaveResultWarnAndWriteNothing() throws IOException {
        Path dir = tmp.resolve("unsaved");
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--input-len", "8", "--output-len", "4",
                "--num-prompts", "4", "--result-dir", dir.toString(), "--result-filename", "r.json", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        List<String> warnings = r.err().lines().filter(l -> l.contains("warning")).toList();
        assertEquals(List.of("bench: warning: --result-dir and --result-filename without --save-result: the result "
                + "is not saved"), warnings, r.err());
        assertTrue(r.out().contains("Successful requests:                     4"), r.out());
        assertFalse(Files.exists(dir), "nothing is written: " + dir);

        CliRunner.Result one = CliRunner.run("run", "--base-url", url, "--input-len", "8", "--output-len", "4",
                "--num-prompts", "4", "--result-filename", "r.json", "--no-progress");
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(one.err().contains("bench: warning: --result-filename without --save-result"), one.err());
        assertFalse(Files.exists(Path.of("r.json")), "nothing is written in the working directory");
    }

    @Test
    void localTokenizerChatEndpointAndDetails() throws IOException {
        Path dir = tmp.resolve("chat");
        Path tokenizer = Path.of("src/test/resources/tokenizers/wordlevel-tokenizer.json");
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--backend", "openai-chat", "--model",
                "mock-model", "--tokenizer", tokenizer.toString(), "--input-len", "32", "--output-len", "8",
                "--num-prompts", "20", "--request-rate", "200", "--seed", "3", "--save-result", "--save-detailed",
                "--result-dir", dir.toString(), "--result-filename", "chat.json", "--label", "chat-test",
                "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = JSON.readTree(dir.resolve("chat.json").toFile());
        assertEquals("openai-chat", j.get("backend").asText());
        assertEquals("chat-test", j.get("label").asText());
        assertEquals(200.0, j.get("request_rate").asDouble());
        assertEquals(160, j.get("total_output_tokens").asInt());
        List<String> lines = Files.readAllLines(dir.resolve("chat.requests.jsonl"));
        assertEquals(20, lines.size());
        List<Integer> indexes = new ArrayList<>();
        for (String line : lines) {
            JsonNode d = JSON.readTree(line);
            assertTrue(d.get("success").asBoolean());
            assertEquals(8, d.get("token_times_ms").size());
            assertEquals(8, d.get("output_tokens").asInt());
            indexes.add(d.get("index").asInt());
            assertTrue(d.get("ttft_ms").asDouble() >= 49, line);
        }
        assertEquals(20, indexes.stream().distinct().count());
    }

    /** A command line written for vllm bench serve runs as it is, and each of these flags does what vLLM's does. */
    @Test
    void vllmFlagsServedModelNamePercentileMetricsSamplingAndAppendResult() throws IOException {
        Path dir = tmp.resolve("vllm");
        // --model names the model (and the result), --served-model-name is what the server calls it
        List<String> args = List.of("run", "--base-url", url, "--model", "/fsx/models/org/Big-Model",
                "--served-model-name", "mock-model", "--trust-remote-code", "--tokenizer-mode", "auto",
                "--input-len", "16", "--output-len", "4", "--num-prompts", "6", "--max-concurrency", "2",
                "--percentile-metrics", "ttft,client_queue_time", "--metric-percentiles", "99",
                "--min-p", "0.05", "--frequency-penalty", "0.5", "--presence-penalty", "0.25",
                "--repetition-penalty", "1.1", "--logprobs", "2", "--extra-body", "{\"presence_penalty\":0.75}",
                "--append-result", "--save-detailed",
                "--result-dir", dir.toString(),
                "--result-filename", "r.json", "--no-progress");
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Mean TTFT (ms):") && r.out().contains("P99 Queue (ms):"), r.out());
        for (String gone : List.of("Mean TPOT", "Mean ITL", "Mean E2EL", "TTFT from intended")) {
            assertTrue(!r.out().contains(gone), gone + " shown:\n" + r.out());
        }
        JsonNode j = JSON.readTree(dir.resolve("r.json").toFile());
        assertEquals("/fsx/models/org/Big-Model", j.get("model_id").asText());
        assertEquals("mock-model", j.get("config").get("model").asText());
        assertEquals(24, j.get("total_output_tokens").asInt());
        // the result keeps every metric, whatever the summary shows
        assertTrue(j.has("p99_itl_ms") && j.has("mean_e2el_ms"));
        JsonNode body = j.get("config").get("extra_body");
        assertEquals(0.05, body.get("min_p").asDouble());
        assertEquals(0.5, body.get("frequency_penalty").asDouble());
        assertEquals(0.75, body.get("presence_penalty").asDouble(), "the extra body wins, as in vLLM");
        assertEquals(1.1, body.get("repetition_penalty").asDouble());
        assertEquals(2, body.get("logprobs").asInt());
        assertEquals("[\"ttft\",\"queue\"]", j.get("config").get("percentile_metrics").toString());

        // --append-result adds a second document; plot and compare read both
        r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        var loaded = bench.plot.ResultLoader.load(List.of(dir));
        assertEquals(2, loaded.records().size(), loaded.toString());
        assertEquals(List.of(), loaded.skipped());
        assertEquals(dir.resolve("r.json") + "#2", loaded.records().get(1).source());
        // and the per-request lines of the second run follow those of the first
        List<String> details = Files.readAllLines(dir.resolve("r.requests.jsonl"));
        assertEquals(12, details.size());
        long prefixes = details.stream().map(l -> l.replaceAll(".*\"request_id\":\"([^\"]*-)\\d+\".*", "$1"))
                .distinct().count();
        assertEquals(2, prefixes, "two runs' request ids: " + details.get(0));
    }

    /** --lora-modules: each request names an adapter as its model, in turn with round-robin. */
    @Test
    void loraModulesAreTheModelsOfTheRequests() throws IOException {
        Path dir = tmp.resolve("lora");
        // the mock serves mock-model only: requests naming the other adapter are refused by name
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--model", "mock-model", "--lora-modules",
                "mock-model", "adapter-x", "--lora-assignment", "round-robin", "--input-len", "8", "--output-len", "2",
                "--num-prompts", "6", "--save-result", "--save-detailed", "--result-dir", dir.toString(),
                "--result-filename", "l.json", "--no-progress");
        assertEquals(1, r.exitCode(), r.err());
        JsonNode j = JSON.readTree(dir.resolve("l.json").toFile());
        assertEquals(3, j.get("completed").asInt());
        assertEquals(3, j.get("failed").asInt());
        for (String line : Files.readAllLines(dir.resolve("l.requests.jsonl"))) {
            JsonNode d = JSON.readTree(line);
            boolean odd = d.get("index").asInt() % 2 == 1;
            assertEquals(!odd, d.get("success").asBoolean(), line);
            if (odd) {
                assertTrue(d.get("error_detail").asText().contains("The model `adapter-x` does not exist"), line);
            }
        }
        assertEquals("[\"mock-model\",\"adapter-x\"]", j.get("config").get("lora_modules").toString());
        assertEquals("round-robin", j.get("config").get("lora_assignment").asText());
        assertEquals(2, CliRunner.run("run", "--base-url", url, "--lora-modules", "a", "--lora-assignment", "x")
                .exitCode());
    }

    /** --tokenizer org/name is read from the local Hugging Face cache, as vLLM's would be, never downloaded. */
    @Test
    void aTokenizerIdIsFoundInTheHuggingFaceCache() throws IOException {
        Path snapshot = Files.createDirectories(tmp.resolve("hub/models--org--words/snapshots/0123abc"));
        Files.copy(Path.of("src/test/resources/tokenizers/wordlevel-tokenizer.json"), snapshot.resolve("tokenizer.json"));
        Path dir = tmp.resolve("hf");
        CliRunner.Result r = CliRunner.run(CliRunner.env(Map.of("HF_HUB_CACHE", tmp.resolve("hub").toString())),
                "run", "--base-url", url, "--tokenizer", "org/words", "--input-len", "32", "--output-len", "4",
                "--num-prompts", "5", "--save-result", "--result-dir", dir.toString(), "--result-filename", "t.json",
                "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = JSON.readTree(dir.resolve("t.json").toFile());
        assertEquals("org/words", j.get("tokenizer_id").asText());
        assertEquals(5, j.get("completed").asInt());
    }

    /** A --tokenizer that is not the server's is found out before the run, as vLLM finds it. */
    @Test
    void aLocalTokenizerThatIsNotTheServersIsAWarning() {
        for (String name : List.of("wordlevel-tokenizer.json", "bytelevel-bpe-tokenizer.json")) {
            CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--tokenizer",
                    "src/test/resources/tokenizers/" + name, "--input-len", "32", "--output-len", "2",
                    "--num-prompts", "3", "--no-progress");
            assertEquals(0, r.exitCode(), r.err());
            // the mock's word tokenizer counts as the word-level fixture does, not as byte-level BPE
            boolean warned = r.err().contains("bench: warning: tokenizer mismatch: the server counts ");
            assertEquals(name.startsWith("bytelevel"), warned, name + ": " + r.err());
        }
    }

    @Test
    void serverTokenizerGivesExactPromptLengths() throws IOException {
        Path dir = tmp.resolve("exact");
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--input-len", "100",
                "--random-range-ratio", "0.5", "--random-prefix-len", "10", "--output-len", "4", "--num-prompts", "30",
                "--save-result", "--save-detailed", "--result-dir", dir.toString(), "--result-filename", "x.json",
                "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        // the mock reports prompt_tokens from its own tokenizer; they must equal what the client built
        JsonNode j = JSON.readTree(dir.resolve("x.json").toFile());
        long fromServer = j.get("total_input_tokens").asLong();
        assertTrue(fromServer >= 30 * 60 && fromServer <= 30 * 160, "input tokens " + fromServer);
        for (String line : Files.readAllLines(dir.resolve("x.requests.jsonl"))) {
            int p = JSON.readTree(line).get("prompt_tokens").asInt();
            assertTrue(p >= 60 && p <= 160, line);
        }
    }

    /** Without a terminal the progress ends with the final counts; the summary on stdout is as before. */
    @Test
    void progressEndsWithTheFinalCounts() {
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--input-len", "16", "--output-len", "4",
                "--num-prompts", "12");
        assertEquals(0, r.exitCode(), r.err());
        List<String> progress = r.err().lines().filter(l -> l.startsWith("progress: ")).toList();
        String last = progress.get(progress.size() - 1);
        assertTrue(last.matches("progress: 12/12 done, 0 failed, 48 tokens, [0-9]+ tok/s, [0-9]+ s"), r.err());
        assertTrue(r.out().startsWith("============ Serving Benchmark Result ============\n"
                + "Successful requests:                     12\n"), r.out());
    }

    @Test
    void theReadyCheckWaitsForAServerThatIsNotUpYet() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        MockServer[] late = new MockServer[1];
        java.io.StringWriter err = new java.io.StringWriter();
        // the server starts once the client says it waits (however slow a loaded machine makes it get there)
        Thread starter = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!err.toString().contains("to answer /v1/models...") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            late[0] = new MockServer(new MockConfig("127.0.0.1", port, "late-model", 5, 1, 16)).start();
        });
        starter.start();
        try {
            // no --model: the first call is /v1/models, and it must wait too
            String[] args = {"run", "--base-url", "http://127.0.0.1:" + port, "--input-len", "16",
                "--output-len", "4", "--num-prompts", "4", "--ready-check-timeout-sec", "30", "--no-self-warmup"};
            java.io.StringWriter out = new java.io.StringWriter();
            int code = Cli.create(CliRunner.env(Map.of()), new java.io.PrintWriter(out, true),
                    new java.io.PrintWriter(err, true), false).execute(args);
            CliRunner.Result r = new CliRunner.Result(code, out.toString(), err.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.err().contains("to answer /v1/models..."), r.err());
            assertTrue(r.out().contains("Successful requests:                     4"), r.out());
        } finally {
            starter.join();
            if (late[0] != null) {
                late[0].close();
            }
        }
    }

    @Test
    void anUnwritableResultDirectoryStopsTheRunBeforeItStarts() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRunner.Result r = CliRunner.run("run", "--base-url", url, "--num-prompts", "4", "--save-result",
                "--result-dir", file.resolve("sub").toString(), "--no-progress");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("bench: error: cannot write results to " + file.resolve("sub")
                + " (--result-dir): "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("", r.out(), "nothing ran");
        assertEquals(0, mock.streamsStarted(), "no request reached the server");
    }

    private static JsonNode onlyResult(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> json = files.filter(p -> p.toString().endsWith(".json")).toList();
            assertEquals(1, json.size(), json.toString());
            assertTrue(json.get(0).getFileName().toString().startsWith("openai-infqps-concurrency32-mock-model-"),
                    json.get(0).toString());
            return JSON.readTree(json.get(0).toFile());
        }
    }

    static Map<String, String> noEnv() {
        return Map.of();
    }
}
