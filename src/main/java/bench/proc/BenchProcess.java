package bench.proc;

import bench.BenchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starting bench itself as a child process (the mock, the router stand-in, a client) with
 * the same Java runtime and jar as this process, and stopping it again by its pid.
 */
public final class BenchProcess {
    private BenchProcess() {}

    /** The command that runs {@code bench ARGS} as this process does: same java, same jar. */
    public static List<String> command(List<String> jvmOptions, List<String> benchArgs) {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new BenchException("cannot tell which java runs bench"));
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of("-cp", classPath(), "bench.Main"));
        cmd.addAll(benchArgs);
        return cmd;
    }

    /** The class path of this process: the jar, or the build's class directories in tests. */
    static String classPath() {
        String cp = System.getProperty("java.class.path");
        if (cp == null || cp.isBlank()) {
            throw new BenchException("cannot tell bench's class path");
        }
        List<String> absolute = new ArrayList<>();
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                absolute.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, absolute);
    }

    /** Starts the command with its output in {@code log}. */
    public static Process start(List<String> command, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new BenchException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits for the port a child writes to {@code portFile} ({@code --port-file}); fails with
     * the log's last line when the child exits first or the deadline passes.
     */
    public static int awaitPort(Process p, Path portFile, Path log, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(portFile)) {
                    String s = Files.readString(portFile).strip();
                    if (!s.isEmpty()) {
                        return Integer.parseInt(s);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // being written: try again
            }
            if (!p.isAlive()) {
                throw new BenchException("process " + p.pid() + " exited with " + p.exitValue() + " before listening: "
                        + lastLine(log));
            }
            Thread.sleep(20);
        }
        stop(p);
        throw new BenchException("process " + p.pid() + " did not listen within " + timeoutMillis / 1000 + " s: "
                + lastLine(log));
    }

    /** TERM, then KILL after a grace period; waits for the exit. */
    public static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip() + " (" + log + ")";
                }
            }
        } catch (IOException ignored) {
            // no log
        }
        return "no output (" + log + ")";
    }
}
