package bench.mock;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How one streamed answer looks on the wire, vLLM-style: per token an SSE event in its own
 * HTTP chunk ({@code text_completion} or {@code chat.completion.chunk}), the last with
 * {@code finish_reason: "length"}, then the usage event (with include_usage) and
 * {@code [DONE]}, then the terminating chunk. Pure: builds text, no I/O.
 */
record StreamFormat(boolean chat, String id, String model, long created, int promptTokens, int maxTokens,
        boolean includeUsage, boolean continuousUsage, int wordSeed) {

    /** Appends token {@code k} (0-based) as one HTTP chunk. */
    void appendToken(StringBuilder sb, WordTokenizer tokenizer, int k) {
        boolean last = k + 1 == maxTokens;
        String word = tokenizer.token(outputTokenId(wordSeed, k, tokenizer.vocabSize()));
        StringBuilder ev = new StringBuilder(220);
        ev.append("data: ");
        head(ev);
        ev.append(",\"choices\":[{\"index\":0,");
        if (chat) {
            ev.append("\"delta\":{");
            if (k == 0) {
                ev.append("\"role\":\"assistant\",");
            }
            ev.append("\"content\":\" ").append(word).append("\"},\"logprobs\":null,");
        } else {
            ev.append("\"text\":\" ").append(word).append("\",\"logprobs\":null,");
        }
        ev.append("\"finish_reason\":").append(last ? "\"length\"" : "null").append(",\"stop_reason\":null}]");
        if (continuousUsage) {
            ev.append(",\"usage\":");
            usage(ev, k + 1);
        }
        ev.append("}\n\n");
        chunk(sb, ev);
    }

    /** Appends the usage event (if asked for), {@code [DONE]} and the last chunk. */
    void appendEnd(StringBuilder sb, int completionTokens) {
        if (includeUsage) {
            StringBuilder ev = new StringBuilder(200);
            ev.append("data: ");
            head(ev);
            ev.append(",\"choices\":[],\"usage\":");
            usage(ev, completionTokens);
            ev.append("}\n\n");
            chunk(sb, ev);
        }
        chunk(sb, "data: [DONE]\n\n");
        sb.append("0\r\n\r\n");
    }

    private void head(StringBuilder ev) {
        ev.append("{\"id\":\"").append(id).append("\",\"object\":\"")
                .append(chat ? "chat.completion.chunk" : "text_completion")
                .append("\",\"created\":").append(created).append(",\"model\":");
        jsonString(ev, model);
    }

    private void usage(StringBuilder ev, int completion) {
        ev.append("{\"prompt_tokens\":").append(promptTokens).append(",\"total_tokens\":")
                .append(promptTokens + completion).append(",\"completion_tokens\":").append(completion).append('}');
    }

    /** The output token at position k: deterministic per request, skipping the single characters. */
    static int outputTokenId(int seed, int k, int vocabSize) {
        int words = vocabSize - 100;
        return 100 + Math.floorMod(seed * 31 + k * 7919, words);
    }

    static void chunk(StringBuilder sb, CharSequence payload) {
        int len = utf8Length(payload);
        sb.append(Integer.toHexString(len)).append("\r\n").append(payload).append("\r\n");
    }

    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
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

    static byte[] bytes(StringBuilder sb) {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
