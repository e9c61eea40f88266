package bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress ends with a line of the final counts and the elapsed time, on a terminal or not. */
class ProgressPrinterTest {
    @Test
    void withoutATerminalTheLastLineHasTheFinalCounts() {
        StringWriter err = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(err), false, 10);
        p.phase("Starting main benchmark run (40 requests)...");
        p.update(0, 0, 40, 0, 0.0);
        p.update(20, 0, 40, 160, 1.0); // within the 10 s interval: no line
        p.update(38, 2, 40, 304, 2.0);
        p.end();
        assertEquals("Starting main benchmark run (40 requests)...\n"
                + "progress: 0/40 done, 0 failed, 0 tokens, 0 tok/s, 0 s\n"
                + "progress: 40/40 done, 2 failed, 304 tokens, 152 tok/s, 2 s\n", err.toString());
    }

    @Test
    void onATerminalTheFinalBarStaysOnItsOwnLine() {
        StringWriter err = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(err), true, 10);
        p.update(0, 0, 40, 0, 0.0);
        p.update(40, 0, 40, 320, 2.0);
        p.end();
        p.phase("next");
        String out = err.toString();
        assertTrue(out.endsWith("\r[" + "#".repeat(30) + "] 40/40  failed 0  160 tok/s  2s \nnext\n"), out);
    }

    @Test
    void anEndWithoutUpdatesPrintsNothing() {
        StringWriter err = new StringWriter();
        new ProgressPrinter(new PrintWriter(err), false, 10).end();
        assertEquals("", err.toString());
    }
}
