package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.Golden;
import bench.mock.MockConfig;
import bench.mock.MockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {

    @Test
    void helpTextsMatchGoldenFiles() {
        for (String cmd : new String[] {"run", "mock"}) {
            CliRunner.Result r = CliRunner.run(cmd, "--help");
            assertEquals(0, r.exitCode());
            Golden.assertMatches("help-" + cmd + ".txt", r.out());
        }
        CliRunner.Result top = CliRunner.run("--help");
        assertEquals(0, top.exitCode());
        Golden.assertMatches("help-bench.txt", top.out());
    }

    /**
     * Each endpoint {@code bench mock --help} lists is one the mock serves with that method (not 404,
     * not 405), its own ones (metrics, ground truth, reset) included.
     */
    @Test
    void mockHelpListsTheEndpointsItServes() throws Exception {
        String help = CliRunner.run("mock", "--help").out();
        List<String[]> listed = Pattern.compile("\\b(GET|POST)\\s+(/[\\w/]+)").matcher(help).results()
                .map(m -> new String[] {m.group(1), m.group(2)}).toList();
        List<String> named = listed.stream().map(e -> e[0] + " " + e[1]).toList();
        assertTrue(named.containsAll(List.of("GET /metrics", "GET /mock/stats", "POST /mock/reset")), help);
        try (MockServer mock = new MockServer(new MockConfig("127.0.0.1", 0, "m", 0, 0, 1)).start();
                HttpClient http = HttpClient.newHttpClient()) {
            for (String[] e : listed) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + e[1]))
                        .method(e[0], e[0].equals("GET") ? BodyPublishers.noBody() : BodyPublishers.ofString("{}"))
                        .build();
                int status = http.send(request, BodyHandlers.discarding()).statusCode();
                assertTrue(status != 404 && status != 405, e[0] + " " + e[1] + ": " + status);
            }
        }
    }

    /** A command that only groups subcommands, without one, is a usage error: usage on stderr, exit 2. */
    @ParameterizedTest
    @CsvSource(value = {"''", "slurm"})
    void noSubcommandIsAUsageError(String command) {
        CliRunner.Result r = CliRunner.run(command.isEmpty() ? new String[0] : new String[] {command});
        assertEquals(2, r.exitCode());
        assertEquals("", r.out());
        CliRunner.Result help = CliRunner.run((command + " --help").strip().split(" "));
        assertEquals(0, help.exitCode());
        assertTrue(help.out().startsWith("Usage: bench"), help.out());
        assertEquals(help.out(), r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--version", "-V", "run -V", "mock --version", "mock router -V", "sweep -V", "plot -V", "compare -V",
        "experiment -V", "perf -V", "slurm -V", "slurm plan -V", "slurm render --version"})
    void versionPrints(String args) {
        CliRunner.Result r = CliRunner.run(args.split(" "));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("bench \\S+\\R"), r.out());
    }

    /**
     * Bad input: one line on stderr, exit status 2 (flags and their values; 1 for what only the
     * network or the file system can tell), never a stack trace.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run --no-such-flag                                   | 2 | Unknown option: '--no-such-flag'",
        "run --num-prompts abc                                | 2 | Invalid value for option '--num-prompts'",
        "run --num-prompts 0 --base-url http://127.0.0.1:9    | 2 | --num-prompts must be >= 1",
        "run --request-rate fast --base-url http://127.0.0.1:9 | 2 | bad --request-rate 'fast'",
        "run --request-rate -3 --base-url http://127.0.0.1:9  | 2 | --request-rate must be > 0 or inf",
        "run --burstiness 0 --base-url http://127.0.0.1:9     | 2 | --burstiness must be > 0",
        "run --max-concurrency 0 --base-url http://127.0.0.1:9 | 2 | --max-concurrency must be >= 1",
        "run --base-url ftp://x:1                              | 2 | unsupported URL scheme 'ftp'",
        "run --base-url http://127.0.0.1:9 --endpoint /v1/embeddings | 2 | unsupported --endpoint '/v1/embeddings'",
        "run --base-url http://127.0.0.1:9 --backend openai-chat --endpoint /v1/completions | 2 | --backend openai-chat sends chat completions: --endpoint '/v1/completions' must end with chat/completions",
        "run --base-url http://127.0.0.1:9 --backend openai-chat --endpoint /v1/embeddings | 2 | unsupported --endpoint '/v1/embeddings'",
        "run --base-url http://127.0.0.1:9 --backend tgi      | 2 | unknown --backend 'tgi'",
        "run --base-url http://127.0.0.1:9 --goodput ttft=5   | 2 | bad --goodput entry 'ttft=5'",
        "run --base-url http://127.0.0.1:9 --percentiles 0,101 | 2 | percentiles must be in (0, 100]",
        "run --base-url http://127.0.0.1:9 --header novalue   | 2 | bad --header 'novalue'",
        "run --base-url http://127.0.0.1:9 --dataset-name foo | 2 | unknown --dataset-name 'foo'",
        "run --base-url http://127.0.0.1:9 --dataset-name sharegpt | 2 | needs --dataset-path",
        "run --base-url http://127.0.0.1:9 --ramp-up-strategy linear | 2 | --ramp-up-strategy needs --ramp-up-start-rps",
        "run --base-url http://127.0.0.1:9 --extra-body {nope | 2 | --extra-body is not valid JSON",
        "run --base-url http://127.0.0.1:9 --random-range-ratio 0.5 --model m --tokenizer /nonexistent | 2 | no tokenizer.json at /nonexistent",
        "run --base-url http://127.0.0.1:9 --tokenizer no-such-org/no-such-model | 2 | tokenizer 'no-such-org/no-such-model' is not a file or directory, nor in the Hugging Face cache",
        "run --base-url http://127.0.0.1:9 --tokenizer pom.xml --tokenizer-mode mistral | 2 | --tokenizer-mode mistral: bench reads --tokenizer as a Hugging Face tokenizer.json",
        "run --base-url http://127.0.0.1:9 --dataset-path pom.xml | 2 | --dataset-path is for sharegpt and custom",
        "run --base-url http://127.0.0.1:9 --output-len 0     | 2 | --output-len must be >= 1, not 0",
        "run --base-url http://127.0.0.1:9 --input-len 0      | 2 | --input-len must be >= 1",
        "run --base-url http://127.0.0.1:9 --random-range-ratio 1.0 | 2 | --random-range-ratio must be in [0, 1)",
        "run --base-url http://127.0.0.1:9 --random-prefix-len -1 | 2 | --random-prefix-len must be >= 0",
        "run --base-url http://127.0.0.1:9 --metadata novalue | 2 | bad --metadata 'novalue': expected KEY=VALUE",
        "run --base-url http://127.0.0.1:9 --metadata team=a date=x | 2 | bad --metadata 'date=x': 'date' is a key of the result; use another name",
        "run --base-url http://127.0.0.1:9 --metadata p99_ttft_ms=1 | 2 | bad --metadata 'p99_ttft_ms=1': 'p99_ttft_ms' is a key of the result",
        "run --base-url http://127.0.0.1:9 --model m --tokenizer README.md | 1 | README.md is not a Hugging Face tokenizer.json: not valid JSON (line 1)",
        "run --base-url http://127.0.0.1:9 --dataset-name custom --dataset-path pom.xml --custom-output-len -1 | 2 | --custom-output-len must be >= 1, not -1",
        "run --base-url http://127.0.0.1:9 --percentile-metrics ttft,ttfb | 2 | unknown --percentile-metrics name 'ttfb'",
        "run --base-url http://127.0.0.1:9 --logprobs -1      | 2 | --logprobs must be >= 0, not -1",
        "run --base-url http://127.0.0.1:9                    | 1 | cannot reach http://127.0.0.1:9/v1/models: connection refused",
        "run --base-url http://127.0.0.1:9 --model m --ready-check-timeout-sec 1 --no-progress | 1 | http://127.0.0.1:9 did not answer /v1/models within --ready-check-timeout-sec 1",
        "run --num-prompts 5 --num-prompts 0 --base-url http://127.0.0.1:9 | 2 | --num-prompts must be >= 1",
        "mock --port 70000                                    | 2 | --port must be in 0..65535",
        "mock --itl-ms -1                                     | 2 | --itl-ms must be >= 0",
        "run --base-url http://127.0.0.1:9 --dataset-name sharegpt --dataset-path pom.xml --sharegpt-output-len 0 | 2 | --sharegpt-output-len must be >= 1, not 0",
        "slurm plan --hosts node[1-4] --route 3 --job-id 1 -- --model m | 2 | 4 nodes cannot be split into 3 equal route groups",
    })
    void badInputGivesOneLineAndNonZeroExit(String args, int expectedExit, String expectedMessage) {
        CliRunner.Result r = CliRunner.run(args.trim().split("\\s+"));
        assertEquals(expectedExit, r.exitCode(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "exactly one line: " + err);
        assertTrue(err.contains(expectedMessage), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void verbosePrintsTheStackTrace() {
        CliRunner.Result r = CliRunner.run("run", "--base-url", "http://127.0.0.1:9", "--verbose");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
