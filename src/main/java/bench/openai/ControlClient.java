package bench.openai;

import bench.BenchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Control calls that are not timed: {@code /v1/models}, {@code /tokenize},
 * {@code /detokenize}, {@code /health}. Uses {@link HttpClient}, which is fine here and
 * measured too slow for timing tokens (see the streaming path, {@link StreamClient}).
 */
public final class ControlClient implements AutoCloseable {
    private final Endpoint endpoint;
    private final Map<String, String> headers;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Duration timeout;

    public ControlClient(Endpoint endpoint, Map<String, String> headers, Duration timeout) {
        this(endpoint, headers, timeout, false);
    }

    /**
     * @param insecureTls accept any certificate; host names are then not verified either (the JDK
     *                    client only allows that process-wide, through a system property)
     */
    public ControlClient(Endpoint endpoint, Map<String, String> headers, Duration timeout, boolean insecureTls) {
        this.endpoint = endpoint;
        this.headers = new LinkedHashMap<>(headers);
        this.timeout = timeout;
        if (insecureTls && endpoint.tls()) {
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        }
        this.http = HttpClient.newBuilder()
                .sslContext(Tls.context(insecureTls && endpoint.tls()))
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The first model the server lists, as vLLM's benchmark picks it. */
    public String firstModel() {
        JsonNode body = get("/v1/models");
        JsonNode data = body.path("data");
        if (!data.isArray() || data.isEmpty() || !data.get(0).path("id").isTextual()) {
            throw new BenchException("the server at " + endpoint + " lists no models on /v1/models; give --model");
        }
        return data.get(0).get("id").asText();
    }

    public int[] tokenize(String model, String text) {
        ObjectNode req = mapper.createObjectNode();
        if (model != null) {
            req.put("model", model);
        }
        req.put("prompt", text);
        req.put("add_special_tokens", false);
        JsonNode tokens = post("/tokenize", req).path("tokens");
        if (!tokens.isArray()) {
            throw new BenchException("unexpected /tokenize answer from " + endpoint + ": no \"tokens\" list");
        }
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).asInt();
        }
        return ids;
    }

    public String detokenize(String model, int[] ids) {
        ObjectNode req = mapper.createObjectNode();
        if (model != null) {
            req.put("model", model);
        }
        ArrayNode arr = req.putArray("tokens");
        for (int id : ids) {
            arr.add(id);
        }
        JsonNode prompt = post("/detokenize", req).path("prompt");
        if (!prompt.isTextual()) {
            throw new BenchException("unexpected /detokenize answer from " + endpoint + ": no \"prompt\" string");
        }
        return prompt.asText();
    }

    /** True when {@code GET /health} answers 2xx. */
    public boolean healthy() {
        return answers("/health");
    }

    /** True when {@code GET path} answers 2xx; false when it answers otherwise or cannot be reached. */
    private boolean answers(String path) {
        try {
            HttpResponse<Void> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until {@code GET /v1/models} answers 2xx, polling once a second, for at most {@code
     * timeout} or until {@code stop} says so; true when it did. {@code onWait} runs once, before
     * the first pause (to say what is happening). The calls after it report their own errors.
     */
    public boolean awaitModels(Duration timeout, java.util.function.BooleanSupplier stop, Runnable onWait) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean said = false;
        while (true) {
            if (answers("/v1/models")) {
                return true;
            }
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || stop.getAsBoolean()) {
                return false;
            }
            if (!said) {
                onWait.run();
                said = true;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(1000, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** GET a JSON document. */
    public JsonNode get(String path) {
        return send(path, request(path).GET().build());
    }

    /** GET a text document (e.g. Prometheus metrics). */
    public String getText(String path) {
        HttpRequest req = request(path).GET().build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new BenchException("GET " + endpoint.uri(path) + " answered HTTP " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw unreachable(path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted", 130, e);
        }
    }

    public JsonNode post(String path, JsonNode body) {
        try {
            byte[] bytes = mapper.writeValueAsBytes(body);
            return send(path, request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
        } catch (IOException e) {
            throw new BenchException("cannot encode request: " + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.uri(path)).timeout(timeout);
        headers.forEach(b::header);
        return b;
    }

    private JsonNode send(String path, HttpRequest req) {
        HttpResponse<String> r;
        try {
            try {
                r = http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (e instanceof ConnectException || e instanceof HttpTimeoutException) {
                    throw e;
                }
                // a pooled keep-alive connection closed under the request, before any answer:
                // every control call is safe to repeat, so try once more on a fresh connection
                r = http.send(req, HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw unreachable(path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted", 130, e);
        }
        if (r.statusCode() / 100 != 2) {
            String body = r.body() == null ? "" : r.body().replaceAll("\\s+", " ").trim();
            if (body.length() > 200) {
                body = body.substring(0, 200) + "...";
            }
            throw new BenchException(req.method() + " " + req.uri() + " answered HTTP " + r.statusCode()
                    + (body.isEmpty() ? "" : ": " + body));
        }
        try {
            return mapper.readTree(r.body());
        } catch (IOException e) {
            throw new BenchException(req.method() + " " + req.uri() + " did not answer JSON");
        }
    }

    private BenchException unreachable(String path, IOException e) {
        String why = e instanceof ConnectException ? "connection refused"
                : e instanceof HttpTimeoutException ? "timed out"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new BenchException("cannot reach " + endpoint.uri(path) + ": " + why, e);
    }

    @Override
    public void close() {
        http.close();
    }
}
