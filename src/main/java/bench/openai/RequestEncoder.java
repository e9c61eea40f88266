package bench.openai;

import bench.BenchException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds the complete HTTP/1.1 bytes of a streaming completion request, ahead of its send
 * time. Thread-safe (used by the feed thread).
 *
 * <p>Body: {@code model}, {@code prompt} (completions) or {@code messages} (chat),
 * {@code max_tokens} (chat: {@code max_completion_tokens}, as vLLM's benchmark), {@code stream: true},
 * {@code stream_options: {include_usage, continuous_usage_stats}}, {@code ignore_eos} when
 * set, then the extra body fields, which win.
 */
public final class RequestEncoder {

    /** Header marking warm-up requests. */
    public static final String WARMUP_HEADER = "x-bench-warmup";

    /** The OpenAI API flavour, from the endpoint path. */
    public enum Api { COMPLETIONS, CHAT }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Api api;
    /** The model names requests carry: one, or the LoRA modules requests are spread over. */
    private final String[] models;
    /** LoRA modules: request i takes module i mod n (round robin), else a seeded draw per index. */
    private final boolean roundRobin;
    private final long seed;
    private final boolean ignoreEos;
    private final boolean continuousUsage;
    private final ObjectNode extraBody;
    private final byte[] head;
    /** The body around the prompt, when it can be spliced without a JSON tree (null otherwise). */
    private final byte[][] bodyBeforePrompt;
    private final byte[] bodyAfterPromptBeforeMax;
    private final byte[] bodyEnd;

    /**
     * @param path            API path, e.g. {@code /v1/completions}
     * @param headers         extra headers (--header and Authorization); x-request-id is added per request
     * @param continuousUsage ask for usage in every chunk (vLLM's continuous_usage_stats), so
     *                        events that carry several tokens are counted right
     */
    public RequestEncoder(Endpoint endpoint, String path, String model, Map<String, String> headers,
            boolean ignoreEos, boolean continuousUsage, ObjectNode extraBody) {
        this(endpoint, path, List.of(model), true, 0, headers, ignoreEos, continuousUsage, extraBody);
    }

    /**
     * @param models     the model name of every request, or several (vLLM's --lora-modules) that
     *                   {@link #modelFor} spreads requests over
     * @param roundRobin with several models: request i takes model i mod n; else a draw seeded
     *                   by {@code seed} and i, so a request's model does not depend on timing
     */
    public RequestEncoder(Endpoint endpoint, String path, List<String> models, boolean roundRobin, long seed,
            Map<String, String> headers, boolean ignoreEos, boolean continuousUsage, ObjectNode extraBody) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model");
        }
        this.api = apiOf(path);
        this.models = models.toArray(String[]::new);
        this.roundRobin = roundRobin;
        this.seed = seed;
        this.ignoreEos = ignoreEos;
        this.continuousUsage = continuousUsage;
        this.extraBody = extraBody == null ? mapper.createObjectNode() : extraBody.deepCopy();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", endpoint.hostHeader());
        h.put("User-Agent", "bench");
        h.put("Accept", "text/event-stream");
        h.put("Content-Type", "application/json");
        for (Map.Entry<String, String> e : headers.entrySet()) {
            validateHeader(e.getKey(), e.getValue());
            String existing = h.keySet().stream().filter(k -> k.equalsIgnoreCase(e.getKey())).findFirst().orElse(null);
            if (existing != null) {
                h.remove(existing);
            }
            h.put(e.getKey(), e.getValue());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("POST ").append(endpoint.target(path)).append(" HTTP/1.1\r\n");
        h.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        this.head = sb.toString().getBytes(StandardCharsets.UTF_8);
        // the fast path: the body's constant parts, encoded once; the extra body may not touch our keys
        boolean spliceable = true;
        for (String k : new String[] {"model", "prompt", "messages", "max_tokens", "max_completion_tokens", "stream",
            "stream_options", "ignore_eos"}) {
            spliceable &= !this.extraBody.has(k);
        }
        if (spliceable) {
            this.bodyBeforePrompt = new byte[this.models.length][];
            for (int m = 0; m < this.models.length; m++) {
                String modelJson = new String(JsonStringEncoder.getInstance().quoteAsUTF8(this.models[m]),
                        StandardCharsets.UTF_8);
                String before = "{\"model\":\"" + modelJson + "\","
                        + (api == Api.CHAT ? "\"messages\":[{\"role\":\"user\",\"content\":\"" : "\"prompt\":\"");
                this.bodyBeforePrompt[m] = before.getBytes(StandardCharsets.UTF_8);
            }
            String afterPrompt = api == Api.CHAT ? "\"}],\"max_completion_tokens\":" : "\",\"max_tokens\":";
            StringBuilder end = new StringBuilder(",\"stream\":true,\"stream_options\":{\"include_usage\":true");
            if (continuousUsage) {
                end.append(",\"continuous_usage_stats\":true");
            }
            end.append('}');
            if (ignoreEos) {
                end.append(",\"ignore_eos\":true");
            }
            String extra = this.extraBody.toString();
            if (this.extraBody.size() > 0) {
                end.append(',').append(extra, 1, extra.length() - 1);
            }
            end.append('}');
            this.bodyAfterPromptBeforeMax = afterPrompt.getBytes(StandardCharsets.UTF_8);
            this.bodyEnd = end.toString().getBytes(StandardCharsets.UTF_8);
        } else {
            this.bodyBeforePrompt = null;
            this.bodyAfterPromptBeforeMax = null;
            this.bodyEnd = null;
        }
    }

    public static Api apiOf(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith("/chat/completions")) {
            return Api.CHAT;
        }
        if (p.endsWith("/completions")) {
            return Api.COMPLETIONS;
        }
        throw new BenchException("unsupported --endpoint '" + path + "': use /v1/completions or /v1/chat/completions");
    }

    public Api api() {
        return api;
    }

    /** The slot in the model list of request {@code index}. */
    int modelSlot(int index) {
        if (models.length == 1) {
            return 0;
        }
        if (roundRobin) {
            return Math.floorMod(index, models.length);
        }
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index).nextInt(models.length);
    }

    /** The model name request {@code index} carries. */
    public String modelFor(int index) {
        return models[modelSlot(index)];
    }

    /** The JSON body for a prompt. */
    public ObjectNode body(String prompt, int maxTokens) {
        return body(prompt, maxTokens, 0);
    }

    private ObjectNode body(String prompt, int maxTokens, int slot) {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", models[slot]);
        if (api == Api.CHAT) {
            ObjectNode msg = body.putArray("messages").addObject();
            msg.put("role", "user");
            msg.put("content", prompt);
            body.put("max_completion_tokens", maxTokens);
        } else {
            body.put("prompt", prompt);
            body.put("max_tokens", maxTokens);
        }
        body.put("stream", true);
        ObjectNode so = body.putObject("stream_options");
        so.put("include_usage", true);
        if (continuousUsage) {
            so.put("continuous_usage_stats", true);
        }
        if (ignoreEos) {
            body.put("ignore_eos", true);
        }
        body.setAll(extraBody);
        return body;
    }

    /** Complete request bytes: request line, headers, x-request-id, Content-Length, body. */
    public byte[] encode(String prompt, int maxTokens, String requestId) {
        return encode(prompt, maxTokens, requestId, false);
    }

    /**
     * @param warmup mark the request as a warm-up ({@code x-bench-warmup: 1}): servers ignore the
     *               header; bench's mock leaves such requests out of its ground truth
     */
    public byte[] encode(String prompt, int maxTokens, String requestId, boolean warmup) {
        return encode(prompt, maxTokens, requestId, warmup, 0);
    }

    /** Request {@code index} of the run, with the model {@link #modelFor} gives it. */
    public byte[] encode(int index, String prompt, int maxTokens, String requestId) {
        return encode(prompt, maxTokens, requestId, false, modelSlot(index));
    }

    private byte[] encode(String prompt, int maxTokens, String requestId, boolean warmup, int slot) {
        byte[] json = bodyBytes(prompt, maxTokens, slot);
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + json.length + 96);
        out.writeBytes(head);
        out.writeBytes(("x-request-id: " + requestId + (warmup ? "\r\n" + WARMUP_HEADER + ": 1" : "")
                + "\r\nContent-Length: " + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(json);
        return out.toByteArray();
    }

    /**
     * The body's bytes. The constant parts are spliced around the escaped prompt, which keeps
     * a million-request run from building a million JSON trees; the same bytes as
     * {@link #body} serialised, which stays the reference (and the path when the extra body
     * overrides one of the fields bench sets).
     */
    byte[] bodyBytes(String prompt, int maxTokens) {
        return bodyBytes(prompt, maxTokens, 0);
    }

    private byte[] bodyBytes(String prompt, int maxTokens, int slot) {
        if (bodyBeforePrompt == null) {
            try {
                return mapper.writeValueAsBytes(body(prompt, maxTokens, slot));
            } catch (JsonProcessingException e) {
                throw new BenchException("cannot encode request body: " + e.getMessage(), e);
            }
        }
        byte[] p = JsonStringEncoder.getInstance().quoteAsUTF8(prompt);
        byte[] max = Integer.toString(maxTokens).getBytes(StandardCharsets.US_ASCII);
        byte[] before = bodyBeforePrompt[slot];
        byte[] out = new byte[before.length + p.length + bodyAfterPromptBeforeMax.length + max.length
                + bodyEnd.length];
        int i = 0;
        for (byte[] part : new byte[][] {before, p, bodyAfterPromptBeforeMax, max, bodyEnd}) {
            System.arraycopy(part, 0, out, i, part.length);
            i += part.length;
        }
        return out;
    }

    private static void validateHeader(String name, String value) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new BenchException("bad header name '" + name + "'");
        }
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new BenchException("header " + name + " has a line break in its value");
        }
    }
}
