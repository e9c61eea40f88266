package bench.openai;

import java.util.Arrays;

/**
 * Reads the few fields bench needs from one OpenAI streaming event without building a JSON
 * tree: {@code choices[0]} (text, delta content, reasoning, tool calls, finish_reason),
 * {@code usage} token counts, and a top-level {@code error}. Keys are compared as bytes in
 * place and nothing is allocated, so it can run once per token. The JSON is still walked
 * fully (strings and escapes honoured), so a key-like sequence inside generated text never
 * matches and broken JSON is reported as malformed.
 *
 * <p>The walk is one loop over an explicit stack of open containers, each tagged with what it
 * means to bench (the top object, {@code choices}, {@code choices[0]}, its delta, {@code
 * usage}, ...), rather than a recursive descent: the client runs C1-compiled code, which
 * inlines little, and a call per key, colon and comma cost more than the bytes themselves.
 */
public final class EventScanner {

    // what an open container is to bench
    private static final byte R_OTHER = 0;
    private static final byte R_TOP = 1;
    private static final byte R_CHOICES = 2;
    private static final byte R_CHOICE0 = 3;
    private static final byte R_DELTA = 4;
    private static final byte R_USAGE = 5;
    private static final byte R_TOOL_CALLS = 6;
    private static final byte R_ERROR = 7;

    // the keys that matter, each only inside the container where it matters
    private static final int K_OTHER = 0;
    private static final int K_CHOICES = 1;
    private static final int K_USAGE = 2;
    private static final int K_ERROR = 3;
    private static final int K_OBJECT = 4;
    private static final int K_TEXT = 5;
    private static final int K_DELTA = 6;
    private static final int K_FINISH_REASON = 7;
    private static final int K_CONTENT = 8;
    private static final int K_TOOL_CALLS = 9;
    private static final int K_COMPLETION_TOKENS = 10;
    private static final int K_PROMPT_TOKENS = 11;

    private static final byte[] N_CHOICES = bytes("choices");
    private static final byte[] N_USAGE = bytes("usage");
    private static final byte[] N_ERROR = bytes("error");
    private static final byte[] N_OBJECT = bytes("object");
    private static final byte[] N_TEXT = bytes("text");
    private static final byte[] N_DELTA = bytes("delta");
    private static final byte[] N_MESSAGE = bytes("message");
    private static final byte[] N_FINISH_REASON = bytes("finish_reason");
    private static final byte[] N_CONTENT = bytes("content");
    private static final byte[] N_REASONING_CONTENT = bytes("reasoning_content");
    private static final byte[] N_REASONING = bytes("reasoning");
    private static final byte[] N_TOOL_CALLS = bytes("tool_calls");
    private static final byte[] N_COMPLETION_TOKENS = bytes("completion_tokens");
    private static final byte[] N_PROMPT_TOKENS = bytes("prompt_tokens");
    private static final byte[] V_DONE = bytes("[DONE]");
        private static final byte[] V_TRUE = bytes("true");
    private static final byte[] V_FALSE = bytes("false");
    private static final byte[] V_NULL = bytes("null");
    /** Bytes that end the plain run of a string: the quote, the backslash, raw control characters. */
    private static final byte[] STRING_SPECIAL = new byte[256];

    static {
        for (int c = 0; c < 0x20; c++) {
            STRING_SPECIAL[c] = 1;
        }
        STRING_SPECIAL['"'] = 1;
        STRING_SPECIAL['\\'] = 1;
    }

    /** Open containers allowed, the top object included. */
    private static final int MAX_DEPTH = 66;

    /** Thrown (pre-allocated, no stack trace) when the JSON is broken. */
    private static final class Malformed extends RuntimeException {
        Malformed() {
            super("malformed JSON", null, false, false);
        }
    }

    private final Malformed malformed = new Malformed();
    // the stack of open containers: whether each is an object, its role, members seen, start
    private final boolean[] isObject = new boolean[MAX_DEPTH + 1];
    private final byte[] role = new byte[MAX_DEPTH + 1];
    private final int[] members = new int[MAX_DEPTH + 1];
    private final int[] start = new int[MAX_DEPTH + 1];
    private boolean lineBreak;

    // what kind of value a hole of a shape is
    private static final byte H_CONTENT = 1;
    private static final byte H_COMPLETION_TOKENS = 2;
    private static final byte H_PROMPT_TOKENS = 3;
    private static final byte H_NUMBER = 4;
    /** Holes a shape may have: the content string and the usage counts. */
    static final int MAX_HOLES = 8;
    /** Longest event kept as a shape. */
    static final int MAX_SHAPE_BYTES = 2048;
    /** A stream whose events miss their shape this many times in a row is not shaped any more. */
    static final int MAX_MISSES = 8;

    // the holes of the event being walked, kept when it becomes its stream's shape
    private final int[] holeFrom = new int[MAX_HOLES];
    private final int[] holeTo = new int[MAX_HOLES];
    private final byte[] holeKind = new byte[MAX_HOLES];
    private int holes;
    /** Where the digits read by the last {@link #count} ended. */
    private int countEnd;
    private int contentHoles;
    /** Something besides the one content string decides hasContent, or there are too many holes. */
    private boolean unshapely;
    /** Events read through their stream's shape (for tests and benchmarks). */
    long shapeHits;

    /**
     * The last event of one stream, kept so that the next can be read by comparison. A
     * stream's events differ only in a few values: the generated text and, with continuous
     * usage stats, the usage counts. Those values are the shape's holes; everything around them
     * (the id, model, created, the keys, the nulls) must match byte for byte. Mutable, one per
     * connection; {@link #reset} when a new request starts on it.
     */
    public static final class Shape {
        byte[] bytes = new byte[0];
        int len;
        final int[] holeFrom = new int[MAX_HOLES];
        final int[] holeTo = new int[MAX_HOLES];
        final byte[] holeKind = new byte[MAX_HOLES];
        int holes;
        /** The fields of the shape's event that are not holes. */
        int choices;
        boolean finished;
        long completionTokens;
        long promptTokens;
        boolean valid;
        int misses;

        public void reset() {
            valid = false;
            misses = 0;
        }
    }

    /** Scans {@code data[0, len)} into {@code out} (cleared first; only the flag when malformed). */
    public void scan(byte[] data, int len, EventFields out) {
        scan(data, 0, len, out);
    }

    /**
     * Scans the event in {@code data[from, to)} as {@link #scan(byte[], int, int, EventFields)}
     * does, with the same result, but first tries to read it through the stream's {@code shape}:
     * when the bytes around its holes match, only the holes are read. Otherwise the event is
     * walked in full and, when it has the shape of a token event, becomes the stream's shape.
     */
    public void scan(byte[] data, int from, int to, EventFields out, Shape shape) {
        if (shape.valid) {
            if (matchShape(data, from, to, out, shape)) {
                shape.misses = 0;
                shapeHits++;
                return;
            }
            shape.misses++;
        }
        scan(data, from, to, out);
        if (shape.misses < MAX_MISSES && !unshapely && contentHoles == 1 && !lineBreak && !out.malformed
                && !out.done && !out.error && to - from <= MAX_SHAPE_BYTES) {
            keepShape(data, from, to, out, shape);
        }
    }

    private void keepShape(byte[] data, int from, int to, EventFields out, Shape s) {
        int len = to - from;
        if (s.bytes.length < len) {
            s.bytes = new byte[Math.max(len, 256)];
        }
        System.arraycopy(data, from, s.bytes, 0, len);
        s.len = len;
        for (int h = 0; h < holes; h++) {
            s.holeFrom[h] = holeFrom[h] - from;
            s.holeTo[h] = holeTo[h] - from;
            s.holeKind[h] = holeKind[h];
        }
        s.holes = holes;
        s.choices = out.choices;
        s.finished = out.finished;
        s.completionTokens = out.completionTokens;
        s.promptTokens = out.promptTokens;
        s.valid = true;
    }

    /**
     * Reads {@code b[from, to)} through shape {@code s}: true, with {@code f} filled in, when
     * the bytes between the holes are the shape's and each hole holds a value of its kind. Then
     * a full walk would have taken the same path as it did for the shape's event and read the
     * same fields, apart from the holes: the content string (non-empty or not) and the usage
     * counts (digits only here; anything else is left to the full walk).
     */
    private boolean matchShape(byte[] b, int from, int to, EventFields f, Shape s) {
        byte[] t = s.bytes;
        int tp = 0;
        int p = from;
        boolean content = false;
        long completion = s.completionTokens;
        long prompt = s.promptTokens;
        for (int h = 0; h < s.holes; h++) {
            int lit = s.holeFrom[h] - tp;
            if (to - p <= lit || !Arrays.equals(b, p, p + lit, t, tp, tp + lit)) {
                return false;
            }
            p += lit;
            tp = s.holeTo[h];
            byte kind = s.holeKind[h];
            if (kind == H_CONTENT) {
                if (b[p] != '"') {
                    return false;
                }
                int q = plainString(b, p, to);
                if (q < 0) {
                    return false;
                }
                content = q - p > 2;
                p = q;
            } else {
                long n = count(b, p, to);
                if (n < 0) {
                    return false;
                }
                p = countEnd;
                if (kind == H_COMPLETION_TOKENS) {
                    completion = n;
                } else if (kind == H_PROMPT_TOKENS) {
                    prompt = n;
                }
            }
        }
        int lit = s.len - tp;
        if (to - p != lit || !Arrays.equals(b, p, to, t, tp, s.len)) {
            return false;
        }
        f.clear();
        f.choices = s.choices;
        f.finished = s.finished;
        f.hasContent = content;
        f.completionTokens = completion;
        f.promptTokens = prompt;
        lineBreak = false;
        return true;
    }

    /**
     * The position after the closing quote of the string starting at {@code b[p]}, or -1 when
     * the string is broken or not closed before {@code end}.
     */
    private static int plainString(byte[] b, int p, int end) {
        byte[] special = STRING_SPECIAL;
        int i = p + 1;
        while (i < end) {
            byte c = b[i++];
            if (special[c & 0xFF] == 0) {
                continue; // one table load per plain byte instead of three comparisons
            }
            if (c == '"') {
                return i;
            }
            if (c != '\\' || i >= end) {
                return -1; // a raw control character, or a string cut after a backslash
            }
            i = escapeEnd(b, i, end);
            if (i < 0) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The count whose digits start at {@code b[p]}, or -1 when there are none or more than 18;
     * {@link #countEnd} is then the position after the digits.
     */
    private long count(byte[] b, int p, int end) {
        long n = 0;
        int digits = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            n = n * 10 + (b[p++] - '0');
            if (++digits > 18) {
                return -1;
            }
        }
        countEnd = p;
        return digits == 0 ? -1 : n;
    }

    private void hole(int from, int to, byte kind) {
        if (holes == MAX_HOLES) {
            unshapely = true;
            return;
        }
        holeFrom[holes] = from;
        holeTo[holes] = to;
        holeKind[holes] = kind;
        holes++;
    }

    /**
     * Whether the last scan stepped over a raw line break (CR or LF, which JSON allows only as
     * whitespace): then the bytes were more than one SSE line.
     */
    public boolean crossedLineBreak() {
        return lineBreak;
    }

    /** Scans the event in {@code data[from, to)}; {@link EventFields#errorFrom} indexes {@code data}. */
    public void scan(byte[] data, int from, int to, EventFields out) {
        out.clear();
        lineBreak = false;
        holes = 0;
        contentHoles = 0;
        unshapely = false;
        try {
            int p = skipWs(data, from, to);
            if (startsWith(data, p, to, V_DONE)) {
                p = skipWs(data, p + V_DONE.length, to);
                if (p == to) {
                    out.done = true;
                    return;
                }
                throw malformed;
            }
            if (p >= to || data[p] != '{') {
                throw malformed;
            }
            p = walk(data, p, to, out);
            if (skipWs(data, p, to) != to) {
                throw malformed;
            }
        } catch (Malformed e) {
            out.clear(); // nothing read from a broken event counts
            out.malformed = true;
        }
        if (out.malformed || !out.error) {
            return;
        }
        if (out.errorLen == 0) {
            out.errorFrom = from;
            out.errorLen = to - from;
        }
    }

    /** Walks the top object starting at {@code b[p] == '{'}; returns the position after it. */
    private int walk(byte[] b, int p, int end, EventFields f) {
        boolean[] obj = isObject;
        byte[] roles = role;
        int[] count = members;
        int depth = 0;
        obj[0] = true;
        roles[0] = R_TOP;
        count[0] = 0;
        p++;
        next:
        while (true) {
            // inside the container at depth: a member or element follows, or the close of an empty one
            if (p < end && b[p] <= ' ') {
                p = skipWs(b, p, end); // compact JSON (vLLM's) has none: no call then
            }
            if (p >= end) {
                throw malformed;
            }
            byte c = b[p];
            boolean closed = false;
            if (count[depth] == 0 && c == (obj[depth] ? '}' : ']')) {
                closed = true;
                p++;
            } else {
                count[depth]++;
                byte parent = roles[depth];
                int key = K_OTHER;
                if (obj[depth]) {
                    if (c != '"') {
                        throw malformed;
                    }
                    int keyFrom = p + 1;
                    p = skipString(b, p, end);
                    if (parent != R_OTHER) {
                        key = key(parent, b, keyFrom, p - 1 - keyFrom);
                    }
                    if (p < end && b[p] <= ' ') {
                        p = skipWs(b, p, end);
                    }
                    if (p >= end || b[p] != ':') {
                        throw malformed;
                    }
                    p++;
                    if (p < end && b[p] <= ' ') {
                        p = skipWs(b, p, end);
                    }
                    if (p >= end) {
                        throw malformed;
                    }
                    c = b[p];
                }
                // the value at p, and what it is to bench
                byte opens = R_OTHER;
                boolean consumed = false;
                byte hole = 0;
                switch (parent) {
                    case R_TOP -> {
                        switch (key) {
                            case K_CHOICES -> {
                                if (c == '[') {
                                    opens = R_CHOICES;
                                } else if (c != 'n') {
                                    throw malformed; // choices is an array or null
                                }
                            }
                            case K_USAGE -> {
                                if (c == '{') {
                                    opens = R_USAGE;
                                }
                            }
                            case K_ERROR -> {
                                if (c != 'n') {
                                    f.error = true;
                                    f.errorFrom = p;
                                    opens = R_ERROR;
                                }
                            }
                            case K_OBJECT -> {
                                if (c == '"') {
                                    int from = p + 1;
                                    p = skipString(b, p, end);
                                    if (is(b, from, p - 1 - from, N_ERROR)) {
                                        f.error = true;
                                    }
                                    consumed = true;
                                }
                            }
                            default -> { }
                        }
                    }
                    case R_CHOICES -> {
                        if (f.choices == 0 && c == '{') {
                            opens = R_CHOICE0;
                        }
                        f.choices++;
                    }
                    case R_CHOICE0 -> {
                        if (key == K_TEXT) {
                            hole = content(b, p, end, f);
                        } else if (key == K_DELTA) {
                            if (c == '{') {
                                opens = R_DELTA;
                            }
                        } else if (key == K_FINISH_REASON && c == '"') {
                            f.finished = true;
                        }
                    }
                    case R_DELTA -> {
                        if (key == K_CONTENT) {
                            hole = content(b, p, end, f);
                        } else if (key == K_TOOL_CALLS && c == '[') {
                            opens = R_TOOL_CALLS;
                        }
                    }
                    case R_TOOL_CALLS -> {
                        f.hasContent = true; // an element: the array is not empty
                        unshapely = true;
                    }
                    case R_USAGE -> {
                        if (key == K_COMPLETION_TOKENS || key == K_PROMPT_TOKENS) {
                            long v;
                            if (c == 'n') {
                                p = literal(b, p, end, V_NULL);
                                v = -1;
                            } else {
                                int from = p;
                                v = count(b, p, end);
                                if (v < 0) {
                                    throw malformed; // a count is a non-negative number or null
                                }
                                p = skipNumberTail(b, countEnd, end);
                                hole(from, p, key == K_COMPLETION_TOKENS ? H_COMPLETION_TOKENS : H_PROMPT_TOKENS);
                            }
                            if (key == K_COMPLETION_TOKENS) {
                                f.completionTokens = v;
                            } else {
                                f.promptTokens = v;
                            }
                            consumed = true;
                        } else if (c == '-' || (c >= '0' && c <= '9')) {
                            hole = H_NUMBER; // another count, such as total_tokens
                        }
                    }
                    default -> { }
                }
                if (!consumed && (c == '{' || c == '[')) {
                    if (++depth >= MAX_DEPTH) {
                        throw malformed;
                    }
                    obj[depth] = c == '{';
                    roles[depth] = opens;
                    count[depth] = 0;
                    start[depth] = p;
                    p++;
                    continue;
                }
                if (!consumed) {
                    int from = p;
                    p = skipScalar(b, p, end, c);
                    if (opens == R_ERROR) {
                        f.errorLen = p - from;
                    }
                    if (hole != 0) {
                        hole(from, p, hole);
                    }
                }
            }
            // after a value, or the close of the container at depth
            while (true) {
                if (closed) {
                    if (roles[depth] == R_ERROR) {
                        f.errorLen = p - start[depth];
                    }
                    if (depth == 0) {
                        return p;
                    }
                    depth--;
                    closed = false;
                }
                if (p < end && b[p] <= ' ') {
                    p = skipWs(b, p, end);
                }
                if (p >= end) {
                    throw malformed;
                }
                c = b[p++];
                if (c == ',') {
                    continue next;
                }
                if (c != (obj[depth] ? '}' : ']')) {
                    throw malformed;
                }
                closed = true;
            }
        }
    }

    /**
     * Which key this is, given the container it is in (only the keys bench reads there). The
     * length and first byte decide before any comparison loop runs.
     */
    private static int key(byte parent, byte[] b, int from, int len) {
        byte first = b[from];
        switch (parent) {
            case R_TOP -> {
                if (first == 'c' && is(b, from, len, N_CHOICES)) {
                    return K_CHOICES;
                }
                if (first == 'u' && is(b, from, len, N_USAGE)) {
                    return K_USAGE;
                }
                if (first == 'e' && is(b, from, len, N_ERROR)) {
                    return K_ERROR;
                }
                if (first == 'o' && is(b, from, len, N_OBJECT)) {
                    return K_OBJECT;
                }
            }
            case R_CHOICE0 -> {
                if (first == 't' && is(b, from, len, N_TEXT)) {
                    return K_TEXT;
                }
                if ((first == 'd' && is(b, from, len, N_DELTA)) || (first == 'm' && is(b, from, len, N_MESSAGE))) {
                    return K_DELTA;
                }
                if (first == 'f' && is(b, from, len, N_FINISH_REASON)) {
                    return K_FINISH_REASON;
                }
            }
            case R_DELTA -> {
                if ((first == 'c' && is(b, from, len, N_CONTENT))
                        || (first == 'r' && (is(b, from, len, N_REASONING_CONTENT) || is(b, from, len, N_REASONING)))) {
                    return K_CONTENT;
                }
                if (first == 't' && is(b, from, len, N_TOOL_CALLS)) {
                    return K_TOOL_CALLS;
                }
            }
            case R_USAGE -> {
                if (first == 'c' && is(b, from, len, N_COMPLETION_TOKENS)) {
                    return K_COMPLETION_TOKENS;
                }
                if (first == 'p' && is(b, from, len, N_PROMPT_TOKENS)) {
                    return K_PROMPT_TOKENS;
                }
            }
            default -> { }
        }
        return K_OTHER;
    }

    /**
     * A string value counts as content when non-empty; anything else does not. Returns the
     * hole a string makes in the event's shape (none for anything else).
     */
    private byte content(byte[] b, int p, int end, EventFields f) {
        if (b[p] != '"') {
            return 0;
        }
        if (p + 1 < end && b[p + 1] != '"') {
            f.hasContent = true;
        }
        contentHoles++;
        return H_CONTENT;
    }

    /** Skips a string, number or literal starting with {@code c} at p; returns the position after it. */
    private int skipScalar(byte[] b, int p, int end, byte c) {
        switch (c) {
            case '"' -> {
                return skipString(b, p, end);
            }
            case 't' -> {
                return literal(b, p, end, V_TRUE);
            }
            case 'f' -> {
                return literal(b, p, end, V_FALSE);
            }
            case 'n' -> {
                return literal(b, p, end, V_NULL);
            }
            default -> {
                if (c != '-' && (c < '0' || c > '9')) {
                    throw malformed;
                }
                p++;
                while (p < end && b[p] >= '0' && b[p] <= '9') {
                    p++;
                }
                return skipNumberTail(b, p, end);
            }
        }
    }

    private static int skipNumberTail(byte[] b, int p, int end) {
        while (p < end) {
            byte c = b[p];
            if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                p++;
            } else {
                break;
            }
        }
        return p;
    }

    private int literal(byte[] b, int p, int end, byte[] word) {
        if (!startsWith(b, p, end, word)) {
            throw malformed;
        }
        return p + word.length;
    }

    /** Skips a string starting at its opening quote; returns the position after the closing quote. */
    private int skipString(byte[] b, int p, int end) {
        int after = plainString(b, p, end);
        if (after < 0) {
            throw malformed;
        }
        return after;
    }

    /** The position after the escape whose backslash is at {@code i - 1}, or -1 when it is not JSON's. */
    private static int escapeEnd(byte[] b, int i, int end) {
        switch (b[i]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 1;
            }
            case 'u' -> {
                if (end - i < 5) {
                    return -1;
                }
                for (int k = 1; k <= 4; k++) {
                    if (Character.digit(b[i + k], 16) < 0) {
                        return -1;
                    }
                }
                return i + 5;
            }
            default -> {
                return -1;
            }
        }
    }

    private int skipWs(byte[] b, int p, int end) {
        while (p < end) {
            byte c = b[p];
            if (c != ' ' && c != '\t') {
                if (c != '\n' && c != '\r') {
                    break;
                }
                lineBreak = true;
            }
            p++;
        }
        return p;
    }

    /** Whether the key bytes [from, from + len) are {@code name}. */
    private static boolean is(byte[] b, int from, int len, byte[] name) {
        if (len != name.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int p, int end, byte[] prefix) {
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
