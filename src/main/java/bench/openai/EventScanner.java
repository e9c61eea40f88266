package bench.openai;

/**
 * Reads the few fields bench needs from one OpenAI streaming event without building a JSON
 * tree: {@code choices[0]} (text, delta content, reasoning, tool calls, finish_reason),
 * {@code usage} token counts, and a top-level {@code error}. Keys are compared as bytes in
 * place and nothing is allocated, so it can run once per token. The JSON is still walked
 * fully (strings and escapes honoured), so a key-like sequence inside generated text never
 * matches and broken JSON is reported as malformed.
 */
public final class EventScanner {

    private static final byte[] K_CHOICES = bytes("choices");
    private static final byte[] K_USAGE = bytes("usage");
    private static final byte[] K_ERROR = bytes("error");
    private static final byte[] K_OBJECT = bytes("object");
    private static final byte[] K_TEXT = bytes("text");
    private static final byte[] K_DELTA = bytes("delta");
    private static final byte[] K_MESSAGE = bytes("message");
    private static final byte[] K_FINISH_REASON = bytes("finish_reason");
    private static final byte[] K_CONTENT = bytes("content");
    private static final byte[] K_REASONING_CONTENT = bytes("reasoning_content");
    private static final byte[] K_REASONING = bytes("reasoning");
    private static final byte[] K_TOOL_CALLS = bytes("tool_calls");
    private static final byte[] K_COMPLETION_TOKENS = bytes("completion_tokens");
    private static final byte[] K_PROMPT_TOKENS = bytes("prompt_tokens");
    private static final byte[] V_DONE = bytes("[DONE]");
    private static final byte[] V_ERROR = bytes("error");
    private static final int MAX_DEPTH = 64;

    /** Thrown (pre-allocated, no stack trace) when the JSON is broken. */
    private static final class Malformed extends RuntimeException {
        Malformed() {
            super("malformed JSON", null, false, false);
        }
    }

    private final Malformed malformed = new Malformed();
    private byte[] b;
    private int p;
    private int end;
    private EventFields f;

    /** Scans {@code data[0, len)} into {@code out} (cleared first). */
    public void scan(byte[] data, int len, EventFields out) {
        out.clear();
        this.b = data;
        this.p = 0;
        this.end = len;
        this.f = out;
        try {
            skipWs();
            if (startsWith(V_DONE)) {
                p += V_DONE.length;
                skipWs();
                if (p == end) {
                    out.done = true;
                    return;
                }
                throw malformed;
            }
            topObject();
            skipWs();
            if (p != end) {
                throw malformed;
            }
        } catch (Malformed e) {
            out.malformed = true;
        } finally {
            this.b = null;
            this.f = null;
        }
        if (out.malformed || !out.error) {
            return;
        }
        if (out.errorLen == 0) {
            out.errorFrom = 0;
            out.errorLen = len;
        }
    }

    private void topObject() {
        expect('{');
        skipWs();
        if (peek() == '}') {
            p++;
            return;
        }
        while (true) {
            int keyFrom = p;
            int keyLen = readKey();
            skipWs();
            expect(':');
            skipWs();
            if (keyIs(keyFrom, keyLen, K_CHOICES)) {
                choices();
            } else if (keyIs(keyFrom, keyLen, K_USAGE)) {
                usage();
            } else if (keyIs(keyFrom, keyLen, K_ERROR)) {
                int from = p;
                boolean isNull = peek() == 'n';
                skipValue(0);
                if (!isNull) {
                    f.error = true;
                    f.errorFrom = from;
                    f.errorLen = p - from;
                }
            } else if (keyIs(keyFrom, keyLen, K_OBJECT)) {
                if (peek() == '"') {
                    if (stringEquals(V_ERROR)) {
                        f.error = true;
                    }
                } else {
                    skipValue(0);
                }
            } else {
                skipValue(0);
            }
            if (!nextMember('}')) {
                return;
            }
        }
    }

    private void choices() {
        if (peek() == 'n') {
            skipValue(0);
            return;
        }
        expect('[');
        skipWs();
        if (peek() == ']') {
            p++;
            return;
        }
        while (true) {
            if (f.choices == 0 && peek() == '{') {
                choice();
            } else {
                skipValue(1);
            }
            f.choices++;
            if (!nextMember(']')) {
                return;
            }
        }
    }

    private void choice() {
        expect('{');
        skipWs();
        if (peek() == '}') {
            p++;
            return;
        }
        while (true) {
            int keyFrom = p;
            int keyLen = readKey();
            skipWs();
            expect(':');
            skipWs();
            if (keyIs(keyFrom, keyLen, K_TEXT)) {
                contentValue();
            } else if (keyIs(keyFrom, keyLen, K_DELTA) || keyIs(keyFrom, keyLen, K_MESSAGE)) {
                delta();
            } else if (keyIs(keyFrom, keyLen, K_FINISH_REASON)) {
                if (peek() == '"') {
                    f.finished = true;
                }
                skipValue(1);
            } else {
                skipValue(1);
            }
            if (!nextMember('}')) {
                return;
            }
        }
    }

    private void delta() {
        if (peek() != '{') {
            skipValue(2);
            return;
        }
        p++;
        skipWs();
        if (peek() == '}') {
            p++;
            return;
        }
        while (true) {
            int keyFrom = p;
            int keyLen = readKey();
            skipWs();
            expect(':');
            skipWs();
            if (keyIs(keyFrom, keyLen, K_CONTENT) || keyIs(keyFrom, keyLen, K_REASONING_CONTENT)
                    || keyIs(keyFrom, keyLen, K_REASONING)) {
                contentValue();
            } else if (keyIs(keyFrom, keyLen, K_TOOL_CALLS)) {
                if (peek() == '[') {
                    int from = p;
                    skipValue(2);
                    if (!isEmptyArray(from, p)) {
                        f.hasContent = true;
                    }
                } else {
                    skipValue(2);
                }
            } else {
                skipValue(2);
            }
            if (!nextMember('}')) {
                return;
            }
        }
    }

    /** A string value counts as content when non-empty; anything else does not. */
    private void contentValue() {
        if (peek() == '"' && p + 1 < end && b[p + 1] != '"') {
            f.hasContent = true;
        }
        skipValue(2);
    }

    private void usage() {
        if (peek() != '{') {
            skipValue(0);
            return;
        }
        p++;
        skipWs();
        if (peek() == '}') {
            p++;
            return;
        }
        while (true) {
            int keyFrom = p;
            int keyLen = readKey();
            skipWs();
            expect(':');
            skipWs();
            if (keyIs(keyFrom, keyLen, K_COMPLETION_TOKENS)) {
                f.completionTokens = readCount();
            } else if (keyIs(keyFrom, keyLen, K_PROMPT_TOKENS)) {
                f.promptTokens = readCount();
            } else {
                skipValue(1);
            }
            if (!nextMember('}')) {
                return;
            }
        }
    }

    /** A non-negative integer (a trailing ".0" is tolerated); null gives -1. */
    private long readCount() {
        if (peek() == 'n') {
            skipValue(1);
            return -1;
        }
        long v = 0;
        int digits = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p++] - '0');
            if (++digits > 18) {
                throw malformed;
            }
        }
        if (digits == 0) {
            throw malformed;
        }
        if (p < end && (b[p] == '.' || b[p] == 'e' || b[p] == 'E')) {
            skipNumberTail();
        }
        return v;
    }

    /** After a member value: true when another member follows, false at {@code close}. */
    private boolean nextMember(char close) {
        skipWs();
        byte c = peek();
        if (c == ',') {
            p++;
            skipWs();
            return true;
        }
        if (c == close) {
            p++;
            return false;
        }
        throw malformed;
    }

    /** Reads a key string; returns its length (the bytes start after the opening quote). */
    private int readKey() {
        if (peek() != '"') {
            throw malformed;
        }
        int from = p + 1;
        skipString();
        return p - 1 - from;
    }

    private boolean keyIs(int keyFrom, int keyLen, byte[] key) {
        if (keyLen != key.length) {
            return false;
        }
        int base = keyFrom + 1;
        for (int i = 0; i < keyLen; i++) {
            if (b[base + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean stringEquals(byte[] value) {
        int from = p + 1;
        skipString();
        int len = p - 1 - from;
        if (len != value.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[from + i] != value[i]) {
                return false;
            }
        }
        return true;
    }

    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed;
        }
        byte c = peek();
        switch (c) {
            case '"' -> skipString();
            case '{' -> {
                p++;
                skipWs();
                if (peek() == '}') {
                    p++;
                    return;
                }
                while (true) {
                    readKey();
                    skipWs();
                    expect(':');
                    skipWs();
                    skipValue(depth + 1);
                    if (!nextMember('}')) {
                        return;
                    }
                }
            }
            case '[' -> {
                p++;
                skipWs();
                if (peek() == ']') {
                    p++;
                    return;
                }
                while (true) {
                    skipValue(depth + 1);
                    if (!nextMember(']')) {
                        return;
                    }
                }
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    p++;
                    while (p < end && b[p] >= '0' && b[p] <= '9') {
                        p++;
                    }
                    skipNumberTail();
                } else {
                    throw malformed;
                }
            }
        }
    }

    private void skipNumberTail() {
        while (p < end) {
            byte c = b[p];
            if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                p++;
            } else {
                return;
            }
        }
    }

    private void literal(String word) {
        int n = word.length();
        if (p + n > end) {
            throw malformed;
        }
        for (int i = 0; i < n; i++) {
            if (b[p + i] != word.charAt(i)) {
                throw malformed;
            }
        }
        p += n;
    }

    /** Skips a string starting at the opening quote; leaves p after the closing quote. */
    private void skipString() {
        p++;
        while (p < end) {
            byte c = b[p++];
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                if (p >= end) {
                    throw malformed;
                }
                p++;
            } else if (c >= 0 && c < 0x20) {
                throw malformed; // raw control character inside a string
            }
        }
        throw malformed;
    }

    private boolean isEmptyArray(int from, int to) {
        for (int i = from + 1; i < to - 1; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw malformed;
        }
        p++;
    }

    private byte peek() {
        if (p >= end) {
            throw malformed;
        }
        return b[p];
    }

    private void skipWs() {
        while (p < end) {
            byte c = b[p];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                p++;
            } else {
                return;
            }
        }
    }

    private boolean startsWith(byte[] prefix) {
        if (end - p < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[p + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
