package bench.report;

import bench.BenchException;
import bench.load.RequestRecord;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * {@code --save-detailed}: one JSON line per request, written as requests complete by a
 * thread of its own so the event loop never waits on the disk.
 */
public final class DetailWriter implements Consumer<RequestRecord>, AutoCloseable {
    private static final RequestRecord END = new RequestRecord(-1, null, false, null, null, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, false, new double[0], new int[0]);

    private final BlockingQueue<RequestRecord> queue = new LinkedBlockingQueue<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private final Path path;
    private final Thread thread;
    private volatile IOException error;

    public DetailWriter(Path path) {
        this(path, false);
    }

    /**
     * @param append add to the file's lines (bench run --append-result: the requests of each
     *               run follow the last; their request ids tell the runs apart)
     */
    public DetailWriter(Path path, boolean append) {
        this.path = path;
        BufferedWriter w;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            w = append
                    ? Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND)
                    : Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchException("cannot write " + path + ": " + e.getMessage(), e);
        }
        BufferedWriter writer = w;
        this.thread = Thread.ofPlatform().daemon().name("bench-details").start(() -> drain(writer));
    }

    public Path path() {
        return path;
    }

    @Override
    public void accept(RequestRecord r) {
        queue.add(r);
    }

    private void drain(BufferedWriter writer) {
        try (writer) {
            while (true) {
                RequestRecord r = queue.take();
                if (r == END) {
                    return;
                }
                writer.write(mapper.writeValueAsString(line(r)));
                writer.newLine();
                if (queue.isEmpty()) {
                    writer.flush();
                }
            }
        } catch (IOException e) {
            error = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    ObjectNode line(RequestRecord r) {
        ObjectNode o = mapper.createObjectNode();
        o.put("index", r.index());
        o.put("request_id", r.requestId());
        o.put("success", r.success());
        if (!r.success()) {
            o.put("error", r.error());
            o.put("error_detail", r.errorDetail());
        }
        o.put("http_status", r.httpStatus());
        o.put("intended_ms", r.intendedMs());
        o.put("arrival_ms", r.arrivalMs());
        o.put("sent_ms", r.sentMs());
        putFinite(o, "written_ms", r.writtenMs());
        o.put("end_ms", r.endMs());
        putFinite(o, "ttft_ms", r.ttftMs());
        putFinite(o, "e2el_ms", r.e2elMs());
        o.put("queue_ms", r.queueMs());
        o.put("prompt_tokens", r.promptTokens());
        o.put("output_tokens", r.outputTokens());
        o.put("output_tokens_from_usage", r.outputTokensFromUsage());
        var times = o.putArray("token_times_ms");
        for (double t : r.tokenTimesMs()) {
            times.add(Math.round(t * 1000) / 1000.0);
        }
        boolean bundled = false;
        for (int k : r.tokensPerEvent()) {
            bundled |= k != 1;
        }
        if (bundled) {
            var tokens = o.putArray("tokens_per_event");
            for (int k : r.tokensPerEvent()) {
                tokens.add(k);
            }
        }
        return o;
    }

    /** {@code v} under {@code key}, or JSON null when it is not a finite number (no figure). */
    static void putFinite(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    @Override
    public void close() {
        queue.add(END);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (error != null) {
            throw new BenchException("writing " + path + " failed: " + error.getMessage(), error);
        }
    }
}
