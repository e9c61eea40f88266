package bench.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bench.sweep.Point;
import bench.sweep.Suites;
import bench.sweep.SweepPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the loader leaves out is said file by file, with the reason. */
class ResultLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void eachSkippedFileIsNamedWithItsReason() throws IOException {
        Point p = SweepPlan.expand(Suites.get(Suites.PREFILL_DECODE), 1).get(0);
        PlotFixtures.write(tmp, "a", p, 512, 256, 1000, 50, 10, false);
        PlotFixtures.write(tmp, "b", p, 512, 256, 1000, 50, 10, true);
        Files.writeString(tmp.resolve("broken.json"), "{\n  \"completed\": \n");
        Files.writeString(tmp.resolve("notes.json"), "{\"note\": \"not a result: not reported\"}");
        ResultLoader.Loaded loaded = ResultLoader.load(List.of(tmp));
        assertEquals(1, loaded.records().size());
        assertEquals(4, loaded.filesRead());
        assertEquals(List.of("skipped " + tmp.resolve("b").resolve(p.relativeFile()) + ": interrupted run",
                "skipped " + tmp.resolve("broken.json") + ":3: not valid JSON"), loaded.skippedLines());
    }

    @Test
    void theResultsBeforeABrokenDocumentOfAnAppendedFileAreKept() throws IOException {
        Point p = SweepPlan.expand(Suites.get(Suites.PREFILL_DECODE), 1).get(0);
        Path one = PlotFixtures.write(tmp, "a", p, 512, 256, 1000, 50, 10, false);
        String doc = Files.readString(one);
        Files.delete(one);
        // two runs appended, then a third killed while its result was being written
        Path grown = tmp.resolve("grown.json");
        Files.writeString(grown, doc + doc + "{\"truncated\": ");
        ResultLoader.Loaded loaded = ResultLoader.load(List.of(tmp));
        assertEquals(2, loaded.records().size());
        assertEquals(List.of(grown + "#1", grown + "#2"), loaded.records().stream().map(RunRecord::source).toList());
        assertEquals(1, loaded.skippedLines().size());
        assertEquals(true, loaded.skippedLines().get(0).startsWith("skipped " + grown + ":"), loaded.skippedLines()
                .toString());
        assertEquals(true, loaded.skippedLines().get(0).endsWith(
                ": not valid JSON after its first 2 result(s), which are read"), loaded.skippedLines().toString());
    }

    @Test
    void manySkippedFilesMakeOneLinePerReason() throws IOException {
        for (int i = 1; i <= ResultLoader.LISTED; i++) {
            Files.writeString(tmp.resolve("bad" + i + ".json"), "[1,");
        }
        Point p = SweepPlan.expand(Suites.get(Suites.PREFILL_DECODE), 1).get(0);
        PlotFixtures.write(tmp, "b", p, 512, 256, 1000, 50, 10, true);
        ResultLoader.Loaded loaded = ResultLoader.load(List.of(tmp));
        assertEquals(List.of("skipped " + tmp.resolve("b").resolve(p.relativeFile()) + ": interrupted run",
                "skipped " + ResultLoader.LISTED + " files: not valid JSON (first: " + tmp.resolve("bad1.json") + ":1)"),
                loaded.skippedLines());
    }
}
