package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bench sweep (without running), plot and compare through the CLI, in-process. */
class SweepPlotCliTest {
    static final String VLLM = "src/test/resources/vllm-results";

    @TempDir
    Path tmp;

    @Test
    void helpTextsMatchGoldenFiles() {
        for (String cmd : new String[] {"sweep", "plot", "compare"}) {
            CliRunner.Result r = CliRunner.run(cmd, "--help");
            assertEquals(0, r.exitCode());
            Golden.assertMatches("help-" + cmd + ".txt", r.out());
        }
    }

    @Test
    void dryRunListsThePointsAndTheirCommandLines() {
        CliRunner.Result r = CliRunner.run("sweep", "--base-url", "http://10.0.0.12:8010", "--experiment", "exp1",
                "--label", "pd_1p3d", "--suite", "prefill-decode", "--results-dir", "results-never-written",
                "--dry-run", "--", "--num-prompts", "1024", "--max-concurrency", "256", "--random-input-len", "7");
        assertEquals(0, r.exitCode(), r.err());
        Golden.assertMatches("sweep-dry-run.txt", r.out());
        assertFalse(Files.exists(Path.of("results-never-written")));
    }

    @Test
    void dryRunOfAnAdHocCrossProductWithRepeats() {
        CliRunner.Result r = CliRunner.run("sweep", "--base-url", "http://h:1", "--experiment", "e", "--label", "l",
                "--sweep", "request-rate=1,inf", "--sweep", "max-concurrency=8", "--fixed", "input-len=64",
                "--num-runs", "2", "--no-resume", "--dry-run", "--results-dir", tmp.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> heads = r.out().lines().filter(l -> l.startsWith("[")).toList();
        assertEquals(List.of(
                "[1/4] request-rate+max-concurrency/request-rate=1,max-concurrency=8: run (no result yet, --no-resume)",
                "[2/4] request-rate+max-concurrency/request-rate=1,max-concurrency=8-run2: run (no result yet, --no-resume)",
                "[3/4] request-rate+max-concurrency/request-rate=inf,max-concurrency=8: run (no result yet, --no-resume)",
                "[4/4] request-rate+max-concurrency/request-rate=inf,max-concurrency=8-run2: run (no result yet, "
                        + "--no-resume)"), heads);
        assertTrue(r.out().contains("--request-rate inf --max-concurrency 8 --input-len 64 --label l --save-result"),
                r.out());
        assertTrue(r.out().contains("--result-filename request-rate=inf,max-concurrency=8-run2.json --metadata"), r.out());
    }

    @Test
    void aSpecFileNamesTheSweeps() throws IOException {
        Path spec = tmp.resolve("s.yaml");
        Files.writeString(spec, "sweeps:\n  rate:\n    sweep: {request-rate: [2, 4]}\n    args: [--num-prompts, 50]\n");
        CliRunner.Result r = CliRunner.run("sweep", "--base-url", "http://h:1", "--experiment", "e", "--label", "l",
                "--spec", spec.toString(), "--dry-run", "--results-dir", tmp.toString(), "--", "--num-prompts", "9");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("[2/2] rate/request-rate=4: run"), r.out());
        assertTrue(r.out().contains("bench run --num-prompts 50 --base-url http://h:1 --request-rate 4 "), r.out());
    }

    /** Bad input: one line on stderr, a non-zero exit, no stack trace. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sweep --experiment e --label l --sweep input-len=1                      | 2 | Missing required option: '--base-url=URL'",
        "sweep --base-url http://h:1 --experiment e --label l                     | 2 | give exactly one of --sweep, --spec or --suite",
        "sweep --base-url http://h:1 --experiment e --label l --sweep input-len=1 --suite prefill-decode | 2 | give exactly one of",
        "sweep --base-url http://h:1 --experiment e --label l --suite prefill-decode --fixed output-len=1 | 2 | --fixed and --name go with --sweep",
        "sweep --base-url http://h:1 --experiment e --label l --sweep depth=1     | 2 | unknown sweep axis 'depth'",
        "sweep --base-url http://h:1 --experiment e --label l --sweep input-len=0 | 2 | bad input-len value '0'",
        "sweep --base-url http://h:1 --experiment e --label l --suite nope        | 2 | unknown --suite 'nope'",
        "sweep --base-url http://h:1 --experiment e --label a/b --suite prefill-decode | 2 | bad --label 'a/b'",
        "sweep --base-url http://h:1 --experiment .. --label l --suite prefill-decode | 2 | bad --experiment '..'",
        "sweep --base-url http://h:1 --experiment e --label l --suite prefill-decode --num-runs 0 | 2 | --num-runs must be in 1..100",
        "sweep --base-url http://h:1 --experiment e --label l --sweep input-len   | 2 | bad --sweep 'input-len': expected AXIS=V1,V2,...",
        "sweep --base-url http://h:1 --experiment e --label l --sweep input-len=1 --fixed output-len | 2 | bad --fixed 'output-len': expected AXIS=VALUE",
        "sweep --base-url http://h:1 --experiment e --label l --suite prefill-decode --num-runs -3 | 2 | --num-runs must be in 1..100",
        "sweep --base-url http://h:1 --experiment e --label l --suite prefill-decode --num-runs 101 | 2 | --num-runs must be in 1..100",
        "sweep --base-url http://h:1 --experiment e --label l --spec /nonexistent/s.yaml | 1 | cannot read --spec /nonexistent/s.yaml: no such file or directory",
        "sweep --base-url http://h:1 --experiment e --label l --spec src           | 1 | cannot read --spec src: is a directory",
        "experiment /nonexistent/x.yaml --dry-run                                 | 1 | no experiment spec '/nonexistent/x.yaml': no such file, nor a built-in spec (demo or article)",
        "experiment src --dry-run                                                 | 1 | cannot read experiment spec src: is a directory",
        "sweep --base-url http://h:1 --experiment e --label l --suite prefill-decode -- --label x | 2 | --label after -- is not allowed",
        "sweep --base-url http://h:1 --experiment e --label l --suite prefill-decode -- --no-such | 2 | bad bench run flags after '--': Unknown option: '--no-such'",
        "sweep --base-url http://h:1 --experiment e --label l --suite prefill-decode -- --num-prompts x | 2 | bad bench run flags after '--': Invalid value for option '--num-prompts'",
        "plot /nonexistent/dir                                                    | 1 | not a directory: /nonexistent/dir",
        "plot src --stat p142                                                     | 2 | bad --stat 'p142': mean, median, std, min, max or a percentile pNN or pNN.N (e.g. p95, p99.9)",
        "plot src --stat avg                                                      | 2 | bad --stat 'avg': mean, median, std, min, max or a percentile pNN or pNN.N (e.g. p95, p99.9)",
        "compare src/test/resources/vllm-results --baseline vllm_route4 --stat p0 | 2 | bad --stat 'p0': mean, median, std, min, max or a percentile pNN or pNN.N (e.g. p95, p99.9)",
        "plot src --format gif                                                    | 2 | bad --format 'gif': png or svg",
        "plot                                                                     | 2 | Missing required parameter",
        "plot src/main                                                            | 1 | no results found (0 JSON files read)",
        "compare src/test/resources/vllm-results                                  | 2 | Missing required option: '--baseline=LABEL'",
        "compare src/test/resources/vllm-results --baseline nope                  | 2 | baseline label 'nope' is not in the results (labels: pd_1prefill_3decode, vllm_route4)",
    })
    void badInputGivesOneLineAndNonZeroExit(String args, int expectedExit, String expectedMessage) {
        assertOneLineError(CliRunner.run(args.trim().split("\\s+")), expectedExit, expectedMessage);
    }

    /** A spec file that cannot be read says why: not UTF-8 text, permission denied (not checked as root). */
    @Test
    void anUnreadableSpecFileSaysWhy() throws IOException {
        Path latin = Files.write(tmp.resolve("latin.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
        assertOneLineError(CliRunner.run("experiment", latin.toString(), "--dry-run"), 1,
                "cannot read experiment spec " + latin + ": not UTF-8 text");
        assertOneLineError(sweepWithSpec(latin), 1, "cannot read --spec " + latin + ": not UTF-8 text");
        Path locked = Files.writeString(tmp.resolve("locked.yaml"), "sweeps: {}\n");
        Files.setPosixFilePermissions(locked, Set.of());
        Assumptions.assumeFalse(Files.isReadable(locked), "this user (root) reads a file without permissions");
        assertOneLineError(CliRunner.run("experiment", locked.toString(), "--dry-run"), 1,
                "cannot read experiment spec " + locked + ": permission denied");
        assertOneLineError(sweepWithSpec(locked), 1, "cannot read --spec " + locked + ": permission denied");
    }

    private static CliRunner.Result sweepWithSpec(Path spec) {
        return CliRunner.run("sweep", "--base-url", "http://h:1", "--experiment", "e", "--label", "l", "--spec",
                spec.toString(), "--dry-run");
    }

    private static void assertOneLineError(CliRunner.Result r, int expectedExit, String expectedMessage) {
        assertEquals(expectedExit, r.exitCode(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains(expectedMessage), err);
        assertFalse(err.contains("\tat "), err);
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRunner.Result r = CliRunner.run("plot", "/nonexistent/dir", "--verbose");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void plotDrawsTheVllmFixturesAsPngAndSvg() throws IOException {
        Path out = tmp.resolve("plots");
        CliRunner.Result r = CliRunner.run("plot", VLLM, "--out", out.toString(), "--title", "vLLM files");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("read 6 results from 7 JSON files\nwrote "), r.out());
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        assertEquals(List.of("itl.png", "itl.svg", "req_throughput.png", "req_throughput.svg", "throughput.png",
                "throughput.svg", "ttft.png", "ttft.svg"), names.stream().sorted().toList());
        for (String n : names) {
            assertTrue(r.out().contains("wrote " + out.resolve(n)), r.out());
        }
    }

    @Test
    void plotFormatAndStatChooseTheFiles() throws IOException {
        Path out = tmp.resolve("p");
        CliRunner.Result r = CliRunner.run("plot", VLLM + "/layout", "--out", out.toString(), "--stat", "p99",
                "--format", "svg");
        assertEquals(0, r.exitCode(), r.err());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("itl_p99.svg", "req_throughput.svg", "throughput.svg", "ttft_p99.svg"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void compareStatChoosesTheSecondLatencyColumns() {
        CliRunner.Result r = CliRunner.run("compare", VLLM + "/flat", "--baseline", "vllm_route4", "--stat", "std",
                "--csv");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("sweep,point,label,status,runs,output_throughput,output_throughput_ratio,"
                + "request_throughput,request_throughput_ratio,mean_ttft_ms,mean_ttft_ms_ratio,mean_itl_ms,"
                + "mean_itl_ms_ratio,std_ttft_ms,std_ttft_ms_ratio,std_itl_ms,std_itl_ms_ratio\n"), r.out());
    }

    @Test
    void aStatTheFilesDoNotHoldIsDrawnEmptyWithAWarning() {
        // vLLM writes only the percentiles of its --metric-percentiles (99 by default)
        Path out = tmp.resolve("p90");
        CliRunner.Result r = CliRunner.run("plot", VLLM + "/layout", "--out", out.toString(), "--stat", "p90",
                "--format", "svg");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("bench plot: warning: ttft_p90: no result has a value for '"), r.err());
        assertTrue(r.err().contains("' with --stat p90; the panel is drawn empty"), r.err());
        CliRunner.Result p99 = CliRunner.run("plot", VLLM + "/layout", "--out", tmp.resolve("p99").toString(),
                "--stat", "p99", "--format", "svg");
        assertEquals("", p99.err());
    }

    /** compare names each file it left out and why, on stderr; the table alone goes to stdout. */
    @Test
    void compareSaysWhichFilesItSkippedAndWhy() throws IOException {
        Path dir = tmp.resolve("results");
        copyTree(Path.of(VLLM, "flat"), dir);
        Files.writeString(dir.resolve("broken.json"), "{\"completed\": 1,\n");
        CliRunner.Result r = CliRunner.run("compare", dir.toString(), "--baseline", "vllm_route4");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("read 3 results from 5 JSON files\nskipped " + dir.resolve("broken.json") + ":2: not valid JSON\n",
                r.err());
        assertTrue(r.out().startsWith("# Comparison"), r.out());

        Path none = tmp.resolve("none");
        Files.createDirectories(none);
        Files.writeString(none.resolve("broken.json"), "{");
        assertOneLineError(CliRunner.run("compare", none.toString(), "--baseline", "x"), 1,
                "bench: error: no results found (1 JSON files read; skipped " + none.resolve("broken.json")
                        + ":1: not valid JSON)");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    @Test
    void compareCsvOfTheVllmFixtures() {
        CliRunner.Result r = CliRunner.run("compare", VLLM, "--baseline", "vllm_route4", "--csv");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("sweep,point,label,status,runs,output_throughput,"), r.out());
        assertEquals(9, r.out().lines().count(), r.out());
        assertTrue(r.out().contains("\ndecode,output-len=256,pd_1prefill_3decode,missing,,"), r.out());
        assertEquals("", r.err(), "CSV goes to stdout alone");
    }
}
