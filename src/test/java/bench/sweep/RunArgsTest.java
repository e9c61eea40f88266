package bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunArgsTest {
    /** A small model of bench run's options (the CLI builds the real one from picocli). */
    static final RunOptions OPTIONS = new RunOptions(List.of(
            new RunOptions.Option("--random-input-len", List.of("--input-len", "--random-input-len"), 1, false, false),
            new RunOptions.Option("--output-len", List.of("--output-len"), 1, false, false),
            new RunOptions.Option("--random-output-len", List.of("--random-output-len"), 1, false, false),
            new RunOptions.Option("--append-result", List.of("--append-result"), 0, false, false),
            new RunOptions.Option("--num-prompts", List.of("--num-prompts"), 1, false, false),
            new RunOptions.Option("--request-rate", List.of("--request-rate"), 1, false, false),
            new RunOptions.Option("--max-concurrency", List.of("--max-concurrency"), 1, false, false),
            new RunOptions.Option("--self-warmup", List.of("--self-warmup", "--no-self-warmup"), 0, false, false),
            new RunOptions.Option("--save-result", List.of("--save-result"), 0, false, false),
            new RunOptions.Option("--metadata", List.of("--metadata"), -1, false, true),
            new RunOptions.Option("--header", List.of("--header"), 1, false, true),
            new RunOptions.Option("--base-url", List.of("--base-url"), 1, false, false),
            new RunOptions.Option("--label", List.of("--label"), 1, false, false),
            new RunOptions.Option("--result-dir", List.of("--result-dir"), 1, false, false),
            new RunOptions.Option("--result-filename", List.of("--result-filename"), 1, false, false),
            new RunOptions.Option("--host", List.of("--host"), 1, false, false),
            new RunOptions.Option("--port", List.of("--port"), 1, false, false)));

    static Point point(String sweep, Map<Axis, String> swept, Map<Axis, String> fixed, List<String> args, int run) {
        return new Point(sweep, swept, fixed, args, run);
    }

    @Test
    void pointValuesOverrideBaseFlagsWhateverAliasSpelledThem() {
        Point p = point("prefill", Map.of(Axis.INPUT_LEN, "512"), Map.of(Axis.OUTPUT_LEN, "256"), List.of(), 1);
        List<String> args = RunArgs.build("http://h:8000", "exp1", "pd", Path.of("r/exp1/pd/prefill"), p,
                List.of("--num-prompts", "1024", "--random-input-len", "99", "--output-len=7", "--max-concurrency",
                        "256", "--no-self-warmup"), OPTIONS);
        assertEquals(List.of("run", "--num-prompts", "1024", "--max-concurrency", "256", "--no-self-warmup",
                "--base-url", "http://h:8000", "--input-len", "512", "--output-len", "256", "--label", "pd",
                "--save-result", "--result-dir", Path.of("r/exp1/pd/prefill").toString(), "--result-filename",
                "input-len=512.json", "--metadata", "experiment=exp1", "sweep=prefill", "point=input-len=512",
                "run=1"), args);
    }

    @Test
    void sweepArgsOverrideBaseAndRepeatableOptionsAccumulate() {
        Point p = point("rate", Map.of(Axis.REQUEST_RATE, "inf"), Map.of(),
                List.of("--num-prompts", "200", "--self-warmup", "--header", "b=2"), 2);
        List<String> args = RunArgs.build("http://h", "e", "l", Path.of("d"), p,
                List.of("--num-prompts", "1000", "--no-self-warmup", "--header", "a=1", "--metadata", "k=v", "w=x",
                        "--save-result", "--request-rate", "5"), OPTIONS);
        String line = String.join(" ", args);
        assertTrue(line.startsWith("run --header a=1 --metadata k=v w=x --num-prompts 200 --self-warmup --header b=2 "),
                line);
        assertTrue(line.contains("--request-rate inf"), line);
        assertTrue(!line.contains("1000") && !line.contains("--request-rate 5") && !line.contains("--no-self-warmup"),
                line);
        assertEquals(1, args.stream().filter(a -> a.equals("--save-result")).count(), line);
        assertTrue(line.endsWith("--result-filename request-rate=inf-run2.json --metadata experiment=e sweep=rate "
                + "point=request-rate=inf run=2"), line);
    }

    @Test
    void unknownTokensAreKeptForBenchRunToReport() {
        Point p = point("s", Map.of(Axis.INPUT_LEN, "1"), Map.of(), List.of(), 1);
        List<String> args = RunArgs.build("u", "e", "l", Path.of("d"), p, List.of("--no-such", "x"), OPTIONS);
        assertEquals(List.of("run", "--no-such", "x"), args.subList(0, 3));
    }

    @Test
    void optionsTheSweepOwnsAreRejected() {
        Point p = point("s", Map.of(Axis.INPUT_LEN, "1"), Map.of(), List.of(), 1);
        for (String owned : List.of("--base-url", "--label", "--result-dir", "--result-filename", "--host", "--port")) {
            BenchException e = assertThrows(BenchException.class,
                    () -> RunArgs.build("u", "e", "l", Path.of("d"), p, List.of(owned, "x"), OPTIONS));
            assertTrue(e.getMessage().startsWith(owned + " after -- is not allowed"), e.getMessage());
        }
        // a sweep keeps one result per file
        BenchException append = assertThrows(BenchException.class,
                () -> RunArgs.build("u", "e", "l", Path.of("d"), p, List.of("--append-result"), OPTIONS));
        assertTrue(append.getMessage().startsWith("--append-result after -- is not allowed: bench sweep writes one "
                + "result file per run"), append.getMessage());
        Point withArgs = point("s", Map.of(Axis.INPUT_LEN, "1"), Map.of(), List.of("--label=x"), 1);
        BenchException e = assertThrows(BenchException.class,
                () -> RunArgs.build("u", "e", "l", Path.of("d"), withArgs, List.of(), OPTIONS));
        assertTrue(e.getMessage().startsWith("--label in the args of sweep 's' is not allowed"), e.getMessage());
    }

    @Test
    void shellQuotingForDryRunLines() {
        assertEquals("bench run --x 'a b' 'it'\\''s' point=input-len=512,output-len=256 ''",
                "bench " + Shell.join(List.of("run", "--x", "a b", "it's", "point=input-len=512,output-len=256", "")));
    }

    @Test
    void significantFlagsLeaveOutWhatTheSweepOwnsAndIgnoreOrder() {
        List<String> a = List.of("run", "--num-prompts", "8", "--base-url", "http://a:1", "--label", "x",
                "--result-dir", "d1", "--result-filename", "f.json", "--metadata", "k=v", "w=z", "--save-result");
        List<String> b = List.of("--save-result", "--base-url", "http://b:2", "--metadata", "k=v", "w=z",
                "--result-dir", "d2", "--num-prompts", "8");
        assertEquals(List.of("--metadata k=v w=z", "--num-prompts 8", "--save-result"), RunArgs.significant(a, OPTIONS));
        assertEquals(RunArgs.significant(a, OPTIONS), RunArgs.significant(b, OPTIONS));
        assertEquals(List.of("--input-len 9", "--num-prompts 8", "--save-result"),
                RunArgs.significant(List.of("--input-len", "9", "--num-prompts", "8", "--save-result"), OPTIONS));
    }

    @Test
    void headerValuesAreHidden() {
        assertEquals(List.of("--header", "Authorization=***", "--header=X-Key=***", "--num-prompts", "8", "--header",
                "***"), RunArgs.redactHeaders(List.of("--header", "Authorization=Bearer sk-1", "--header=X-Key=a=b",
                        "--num-prompts", "8", "--header", "novalue")));
        assertEquals(List.of("--header X-Key=***"), RunArgs.significant(List.of("--header", "X-Key=secret"), OPTIONS));
    }
}
