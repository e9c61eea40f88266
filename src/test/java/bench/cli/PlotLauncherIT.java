package bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bench plot through the ./bench launcher, as a separate process: headless whatever DISPLAY says. */
@Timeout(120)
class PlotLauncherIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void plotsWithADisplaySetThatCannotBeOpened() throws Exception {
        Path out = tmp.resolve("plots");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bench").toString(), "plot",
                ROOT.resolve("src/test/resources/vllm-results").toString(), "--out", out.toString(), "--format", "png")
                .redirectErrorStream(true);
        // an X display that does not exist: a JVM that looked for it would fail
        pb.environment().put("DISPLAY", "127.0.0.1:99");
        pb.environment().remove("BENCH_JAVA_OPTS");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(Files.size(out.resolve("ttft.png")) > 10_000, output);
    }
}
