package bench.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A script run as its own process, its output (stdout and stderr) collected as it comes. */
final class ScriptProcess {
    private final Process process;
    private final StringBuilder out = new StringBuilder();

    private ScriptProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try {
                byte[] buf = new byte[8192];
                int n;
                var in = process.getInputStream();
                while ((n = in.read(buf)) > 0) {
                    synchronized (out) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // the script ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the command in dir, its environment this process's as changed by env. */
    static ScriptProcess start(List<String> command, Path dir, Consumer<Map<String, String>> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        env.accept(pb.environment());
        return new ScriptProcess(pb.start());
    }

    String output() throws InterruptedException {
        Thread.sleep(100); // let the reader catch up after the script ended
        synchronized (out) {
            return out.toString();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Waits until check holds; fails when the script exits first or after seconds. */
    void await(Check check, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the script exited (" + process.exitValue() + ") before " + what + ":\n"
                        + output());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + ":\n" + output());
    }

    void destroyForcibly() {
        process.destroyForcibly();
    }
}
