package bench.cli;

import bench.BenchException;
import bench.ExitStatus;
import bench.sweep.Point;
import bench.sweep.ResultFiles;
import bench.sweep.ResumeCheck;
import bench.sweep.RunOptions;
import bench.sweep.Shell;
import bench.sweep.SweepLines;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The work behind {@code bench sweep}, apart from its options: for each planned point, check
 * whether it is done, run {@code bench run} in this process through a fresh command line, log
 * it, and report. The I/O edge; planning, naming and the resume verdict are {@code bench.sweep}'s.
 */
final class SweepJob {
    private final CliEnv env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean verbose;
    private final String label;
    private final String baseUrl;
    private final Path labelDir;
    private final boolean resume;
    private final RunOptions options;
    private final ObjectMapper mapper = new ObjectMapper();

    SweepJob(CliEnv env, PrintWriter out, PrintWriter err, boolean verbose, String label, String baseUrl,
            Path labelDir, boolean resume, RunOptions options) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.verbose = verbose;
        this.label = label;
        this.baseUrl = baseUrl;
        this.labelDir = labelDir;
        this.resume = resume;
        this.options = options;
    }

    /** Runs (or with {@code dryRun} lists) the points; {@code argLists} are their bench run arguments. */
    int run(List<Point> plan, List<List<String>> argLists, boolean dryRun) {
        int n = plan.size();
        if (dryRun) {
            out.println("bench sweep (dry run): " + SweepLines.count(plan) + " for label " + label + " -> " + labelDir);
            for (int i = 0; i < n; i++) {
                Point p = plan.get(i);
                ResumeCheck.Status st = resume ? status(p, argLists.get(i)) : ResumeCheck.Status.missing();
                out.println(SweepLines.head(i + 1, n, p) + ": " + (st.done() ? "skip (done)" : "run (" + st.reason()
                        + (resume ? "" : ", --no-resume") + ")"));
                out.println("    bench " + Shell.join(argLists.get(i)));
            }
            out.flush();
            return 0;
        }
        out.println("bench sweep: " + SweepLines.count(plan) + " for label " + label + " against " + baseUrl + " -> " + labelDir
                + (resume ? " (resume: finished points are skipped)" : ""));
        out.flush();
        List<SweepLines.Outcome> outcomes = new ArrayList<>();
        boolean interrupted = false;
        int interruptedStatus = Cli.EXIT_INTERRUPTED;
        for (int i = 0; i < n; i++) {
            Point p = plan.get(i);
            Path file = resultFile(labelDir, p);
            if (resume) {
                ResumeCheck.Status st = status(p, argLists.get(i));
                if (st.done()) {
                    out.println(SweepLines.skipped(i + 1, n, p, file.toString()));
                    out.flush();
                    outcomes.add(new SweepLines.Outcome(p, SweepLines.Kind.SKIPPED, 0, "done"));
                    continue;
                }
            }
            long start = env.clock().millis();
            StringWriter runOut = new StringWriter();
            StringWriter runErr = new StringWriter();
            int code;
            try (PrintWriter tee = new PrintWriter(new Tee(err, runErr), true)) {
                code = Cli.create(env, new PrintWriter(runOut, true), tee, verbose)
                        .execute(argLists.get(i).toArray(String[]::new));
            }
            double seconds = (env.clock().millis() - start) / 1000.0;
            writeLog(file, argLists.get(i), runOut.toString(), runErr.toString());
            if (ExitStatus.bySignal(code)) {
                // the run was stopped by Ctrl-C (130) or SIGTERM (143): so is the sweep
                out.println(SweepLines.failed(i + 1, n, p, seconds, "interrupted"));
                outcomes.add(new SweepLines.Outcome(p, SweepLines.Kind.FAILED, seconds, "interrupted"));
                interrupted = true;
                interruptedStatus = code;
                break;
            }
            if (code == 0) {
                JsonNode result = read(file);
                out.println(SweepLines.ran(i + 1, n, p, seconds, result));
                outcomes.add(new SweepLines.Outcome(p, SweepLines.Kind.RAN, seconds, SweepLines.figures(result)));
            } else {
                String reason = SweepLines.failureReason(runErr.toString(), code);
                out.println(SweepLines.failed(i + 1, n, p, seconds, reason));
                outcomes.add(new SweepLines.Outcome(p, SweepLines.Kind.FAILED, seconds, reason));
            }
            out.flush();
        }
        SweepLines.summary(outcomes, plan, labelDir.toString(), interrupted).forEach(out::println);
        out.flush();
        long failed = outcomes.stream().filter(o -> o.kind() == SweepLines.Kind.FAILED).count();
        if (interrupted) {
            err.println("bench: sweep interrupted");
            err.flush();
            return interruptedStatus;
        }
        if (failed > 0) {
            err.println("bench: error: " + failed + " of " + n + " " + SweepLines.entries(plan) + " failed: " + outcomes.stream()
                    .filter(o -> o.kind() == SweepLines.Kind.FAILED)
                    .map(o -> o.point().sweep() + "/" + o.point().runName()).collect(Collectors.joining(", ")));
            err.flush();
            return 1;
        }
        return 0;
    }

    private static Path resultFile(Path labelDir, Point p) {
        return ResultFiles.resultFile(labelDir, p);
    }

    private ResumeCheck.Status status(Point p, List<String> args) {
        return ResultFiles.status(labelDir, p, label, args, options);
    }

    private JsonNode read(Path file) {
        try {
            return Files.isRegularFile(file) ? mapper.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeLog(Path resultFile, List<String> args, String out, String err) {
        String name = resultFile.getFileName().toString();
        Path log = resultFile.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".log");
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "$ bench " + Shell.join(args) + "\n" + out + SweepLines.lastStates(err),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchException("cannot write " + log + ": " + e.getMessage(), e);
        }
    }

    /** Writes to two writers: the sweep's stderr (live) and a buffer (the failure reason, the log). */
    private static final class Tee extends Writer {
        private final Writer a;
        private final Writer b;

        Tee(Writer a, Writer b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            a.write(cbuf, off, len);
            b.write(cbuf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
