package bench.mock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How one streamed answer looks on the wire, vLLM-style: per token an SSE event in its own
 * HTTP chunk ({@code text_completion} or {@code chat.completion.chunk}), the last with
 * {@code finish_reason: "length"}, then the usage event (with include_usage) and
 * {@code [DONE]}, then the terminating chunk. The constant parts are encoded once per
 * stream, so writing a token allocates nothing. Pure: formats bytes, no I/O.
 */
final class StreamFormat {
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] DATA = ascii("data: ");
    private static final byte[] TEXT_OPEN = ascii("{\"index\":0,\"text\":\"");
    private static final byte[] DELTA_OPEN = ascii("{\"index\":0,\"delta\":{\"content\":\"");
    private static final byte[] DELTA_OPEN_ROLE = ascii("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"");
    private static final byte[] TEXT_CLOSE = ascii("\",\"logprobs\":null,\"finish_reason\":");
    private static final byte[] DELTA_CLOSE = ascii("\"},\"logprobs\":null,\"finish_reason\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] LENGTH = ascii("\"length\"");
    private static final byte[] CHOICE_END = ascii(",\"stop_reason\":null}]");
    private static final byte[] USAGE_PROMPT = ascii(",\"usage\":{\"prompt_tokens\":");
    private static final byte[] USAGE_TOTAL = ascii(",\"total_tokens\":");
    private static final byte[] USAGE_COMPLETION = ascii(",\"completion_tokens\":");
    private static final byte[] EVENT_END = ascii("}}\n\n");
    private static final byte[] OBJECT_END = ascii("}\n\n");
    private static final byte[] EMPTY_CHOICES = ascii("]");
    private static final byte[] DONE = ascii("data: [DONE]\n\n");
    private static final byte[] TERMINATOR = ascii("0\r\n\r\n");

    private final boolean chat;
    private final String id;
    private final String model;
    private final long created;
    private final int promptTokens;
    private final int maxTokens;
    private final boolean includeUsage;
    private final boolean continuousUsage;
    private final int wordSeed;
    private final boolean usageInLastChunk;
    /** {@code {"id":"..","object":"..","created":..,"model":"..","choices":[} */
    private final byte[] head;
    /** {@code data: } + head + the opening of the choice up to the token text. */
    private final byte[] eventPrefix;
    /** The same for the first chat event, which carries the assistant role. */
    private final byte[] eventPrefixRole;
    /** Where {@link #putToken} assembles an event; sized for the longest one. */
    private final byte[] scratch;

    StreamFormat(boolean chat, String id, String model, long created, int promptTokens, int maxTokens,
            boolean includeUsage, boolean continuousUsage, int wordSeed) {
        this(chat, id, model, created, promptTokens, maxTokens, includeUsage, continuousUsage, wordSeed, false);
    }

    /**
     * @param usageInLastChunk put the usage into the final token event instead of an event of
     *                         its own (as llama.cpp does)
     */
    StreamFormat(boolean chat, String id, String model, long created, int promptTokens, int maxTokens,
            boolean includeUsage, boolean continuousUsage, int wordSeed, boolean usageInLastChunk) {
        this.chat = chat;
        this.id = id;
        this.model = model;
        this.created = created;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.includeUsage = includeUsage;
        this.continuousUsage = continuousUsage;
        this.wordSeed = wordSeed;
        this.usageInLastChunk = usageInLastChunk;
        StringBuilder h = new StringBuilder(96 + model.length());
        h.append("{\"id\":");
        jsonString(h, id);
        h.append(",\"object\":\"").append(chat ? "chat.completion.chunk" : "text_completion").append("\",\"created\":")
                .append(created).append(",\"model\":");
        jsonString(h, model);
        h.append(",\"choices\":[");
        this.head = h.toString().getBytes(StandardCharsets.UTF_8);
        this.eventPrefix = concat(DATA, head, chat ? DELTA_OPEN : TEXT_OPEN);
        this.eventPrefixRole = chat ? concat(DATA, head, DELTA_OPEN_ROLE) : eventPrefix;
        this.scratch = new byte[maxTokenEventBytes()];
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            at = copy(p, all, at);
        }
        return all;
    }

    boolean chat() {
        return chat;
    }

    String id() {
        return id;
    }

    String model() {
        return model;
    }

    long created() {
        return created;
    }

    int promptTokens() {
        return promptTokens;
    }

    int maxTokens() {
        return maxTokens;
    }

    boolean includeUsage() {
        return includeUsage;
    }

    boolean continuousUsage() {
        return continuousUsage;
    }

    int wordSeed() {
        return wordSeed;
    }

    /** Upper bound of the bytes {@link #putToken} writes. */
    int maxTokenEventBytes() {
        return head.length + 320;
    }

    /**
     * Writes token {@code k} (0-based) as one HTTP chunk holding one SSE event. The event is
     * assembled in a heap array with {@code System.arraycopy} (intrinsic even in C1) and goes
     * into {@code out} in one bulk copy: a dozen small puts into a direct buffer cost several
     * times more per token.
     */
    void putToken(ByteBuffer out, WordTokenizer tokenizer, int k) {
        boolean last = k + 1 == maxTokens;
        boolean usage = continuousUsage || (usageInLastChunk && includeUsage && last);
        byte[] word = tokenizer.jsonTextWithSpace(outputTokenId(wordSeed, k, tokenizer.vocabSize()));
        byte[] prefix = !chat || k > 0 ? eventPrefix : eventPrefixRole;
        byte[] close = chat ? DELTA_CLOSE : TEXT_CLOSE;
        byte[] reason = last ? LENGTH : NULL;
        int len = prefix.length + word.length + close.length + reason.length + CHOICE_END.length
                + (usage ? usageBytes(k + 1) : 0) + OBJECT_END.length;
        byte[] b = scratch;
        int p = chunkHeader(b, 0, len);
        p = copy(prefix, b, p);
        p = copy(word, b, p);
        p = copy(close, b, p);
        p = copy(reason, b, p);
        p = copy(CHOICE_END, b, p);
        if (usage) {
            p = putUsageFields(b, p, k + 1);
        }
        p = copy(OBJECT_END, b, p);
        p = copy(CRLF, b, p);
        out.put(b, 0, p);
    }

    private static int copy(byte[] src, byte[] dst, int at) {
        System.arraycopy(src, 0, dst, at, src.length);
        return at + src.length;
    }

    /** Writes what follows the last token: the usage event (unless already sent), [DONE], the end. */
    void putEnd(ByteBuffer out, int completionTokens) {
        if (includeUsage && !usageInLastChunk) {
            int len = DATA.length + head.length + EMPTY_CHOICES.length + usageBytes(completionTokens)
                    + OBJECT_END.length;
            byte[] b = scratch;
            int p = chunkHeader(b, 0, len);
            p = copy(DATA, b, p);
            p = copy(head, b, p);
            p = copy(EMPTY_CHOICES, b, p);
            p = putUsageFields(b, p, completionTokens);
            p = copy(OBJECT_END, b, p);
            p = copy(CRLF, b, p);
            out.put(b, 0, p);
        }
        putDone(out);
        out.put(TERMINATOR);
    }

    void putDone(ByteBuffer out) {
        chunkHeader(out, DONE.length);
        out.put(DONE).put(CRLF);
    }

    /** An error event inside the stream (vLLM's shape), then [DONE] and the end. */
    void putInbandError(ByteBuffer out, String message) {
        StringBuilder sb = new StringBuilder("data: {\"error\":{\"message\":");
        jsonString(sb, message);
        sb.append(",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}\n\n");
        byte[] ev = sb.toString().getBytes(StandardCharsets.UTF_8);
        chunkHeader(out, ev.length);
        out.put(ev).put(CRLF);
        putDone(out);
        out.put(TERMINATOR);
    }

    /** An event whose JSON is cut off. */
    void putMalformed(ByteBuffer out) {
        int len = DATA.length + head.length + TEXT_OPEN.length + 2;
        chunkHeader(out, len);
        out.put(DATA).put(head).put(TEXT_OPEN).put((byte) '\n').put((byte) '\n').put(CRLF);
    }

    /** Test view: token {@code k} as text. */
    void appendToken(StringBuilder sb, WordTokenizer tokenizer, int k) {
        ByteBuffer b = ByteBuffer.allocate(maxTokenEventBytes() + 64);
        putToken(b, tokenizer, k);
        sb.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
    }

    /** Test view: the end of the stream as text. */
    void appendEnd(StringBuilder sb, int completionTokens) {
        ByteBuffer b = ByteBuffer.allocate(maxTokenEventBytes() * 2 + 64);
        putEnd(b, completionTokens);
        sb.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
    }

    private int usageBytes(int completion) {
        return USAGE_PROMPT.length + digits(promptTokens) + USAGE_TOTAL.length + digits(promptTokens + completion)
                + USAGE_COMPLETION.length + digits(completion) + 1;
    }

    private int putUsageFields(byte[] b, int at, int completion) {
        int p = copy(USAGE_PROMPT, b, at);
        p = putDecimal(b, p, promptTokens);
        p = copy(USAGE_TOTAL, b, p);
        p = putDecimal(b, p, promptTokens + completion);
        p = copy(USAGE_COMPLETION, b, p);
        p = putDecimal(b, p, completion);
        b[p++] = '}';
        return p;
    }

    private static int putDecimal(byte[] b, int at, long v) {
        int n = digits(v);
        for (int i = n - 1; i >= 0; i--) {
            b[at + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return at + n;
    }

    /** The output token at position k: deterministic per request, skipping the single characters. */
    static int outputTokenId(int seed, int k, int vocabSize) {
        int words = vocabSize - 100;
        return 100 + Math.floorMod(seed * 31 + k * 7919, words);
    }

    /** The chunk-size line (hex length, CRLF) into {@code b} at {@code at}; returns the end. */
    static int chunkHeader(byte[] b, int at, int len) {
        int shift = 28;
        while (shift > 0 && ((len >>> shift) & 0xF) == 0) {
            shift -= 4;
        }
        int p = at;
        for (; shift >= 0; shift -= 4) {
            int d = (len >>> shift) & 0xF;
            b[p++] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
        }
        b[p++] = '\r';
        b[p++] = '\n';
        return p;
    }

    private void chunkHeader(ByteBuffer out, int len) {
        out.put(scratch, 0, chunkHeader(scratch, 0, len));
    }

    static int digits(long v) {
        if (v < 10) {
            return 1;
        }
        if (v < 100) {
            return 2;
        }
        if (v < 1000) {
            return 3;
        }
        if (v < 10_000) {
            return 4;
        }
        if (v < 100_000) {
            return 5;
        }
        int n = 6;
        for (long p = 1_000_000; v >= p && n < 19; p *= 10) {
            n++;
        }
        return n;
    }


    static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
