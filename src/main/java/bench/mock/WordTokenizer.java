package bench.mock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mock's tokenizer: a fixed vocabulary of single characters and pseudo-words. Text is
 * split on whitespace; a known word is one token, an unknown one is spelled out character by
 * character. Decoding joins tokens with spaces, so every id sequence survives a decode and
 * re-encode unchanged, and clients can build prompts of exact length through
 * {@code /tokenize} and {@code /detokenize}.
 */
public final class WordTokenizer {
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ru", "ta", "zo", "vi", "pe", "su", "da", "fi", "go", "hu", "ja",
        "be", "co", "xi", "wy", "qu", "an", "el", "is", "or", "um", "th", "st", "gr", "pl", "br",
    };
    /** Id of the token used for characters outside the vocabulary. */
    public static final int UNKNOWN = 0;

    private final String[] vocab;
    private final byte[][] jsonTextWithSpace;
    private final Map<String, Integer> ids = new HashMap<>();
    /** Single characters in the vocabulary, by char (ASCII). */
    private final boolean[] knownChar = new boolean[128];
    /** Two-letter syllables, by {@code (first - 'a') * 26 + (second - 'a')}. */
    private final boolean[] syllable = new boolean[26 * 26];

    public WordTokenizer() {
        List<String> words = new ArrayList<>();
        words.add("?");
        for (char c = 'a'; c <= 'z'; c++) {
            words.add(String.valueOf(c));
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            words.add(String.valueOf(c));
        }
        for (char c = '0'; c <= '9'; c++) {
            words.add(String.valueOf(c));
        }
        for (char c : ".,;:!'\"()-".toCharArray()) {
            words.add(String.valueOf(c));
        }
        for (String a : SYLLABLES) {
            words.add(a);
        }
        for (String a : SYLLABLES) {
            for (String b : SYLLABLES) {
                words.add(a + b);
            }
        }
        for (String a : SYLLABLES) {
            for (String b : SYLLABLES) {
                for (String c : SYLLABLES) {
                    words.add(a + b + c);
                }
            }
        }
        for (String a : SYLLABLES) {
            syllable[(a.charAt(0) - 'a') * 26 + a.charAt(1) - 'a'] = true;
        }
        vocab = words.toArray(String[]::new);
        jsonTextWithSpace = new byte[vocab.length][];
        for (int i = 0; i < vocab.length; i++) {
            ids.putIfAbsent(vocab[i], i);
            if (vocab[i].length() == 1) {
                knownChar[vocab[i].charAt(0)] = true;
            }
            StringBuilder sb = new StringBuilder(" ");
            for (char c : vocab[i].toCharArray()) {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
            jsonTextWithSpace[i] = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The token as it appears inside a JSON string of generated text: a space, then the word, escaped. */
    public byte[] jsonTextWithSpace(int id) {
        return jsonTextWithSpace[id >= 0 && id < vocab.length ? id : UNKNOWN];
    }

    public int vocabSize() {
        return vocab.length;
    }

    public String token(int id) {
        return id >= 0 && id < vocab.length ? vocab[id] : vocab[UNKNOWN];
    }

    public boolean valid(int id) {
        return id >= 0 && id < vocab.length;
    }

    /** Token ids of {@code text}. */
    public int[] encode(CharSequence text) {
        IntList out = new IntList();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int start = skip(text, i, true);
            i = skip(text, start, false);
            if (start == i) {
                break;
            }
            String word = text.subSequence(start, i).toString();
            Integer id = ids.get(word);
            if (id != null) {
                out.add(id);
            } else {
                for (int k = 0; k < word.length(); k++) {
                    out.add(ids.getOrDefault(String.valueOf(word.charAt(k)), UNKNOWN));
                }
            }
        }
        return out.toArray();
    }

    /** The first index at or after {@code from} whose character is not (or, with {@code whitespace} false, is) whitespace. */
    private static int skip(CharSequence text, int from, boolean whitespace) {
        int i = from;
        int n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i)) == whitespace) {
            i++;
        }
        return i;
    }

    /** Number of tokens in {@code text}, without building the id array (nor any string). */
    public int count(CharSequence text) {
        int n = text.length();
        int tokens = 0;
        int i = 0;
        while (i < n) {
            int start = skip(text, i, true);
            i = skip(text, start, false);
            if (start == i) {
                break;
            }
            // a known word is one token, anything else is spelled out character by character
            tokens += known(text, start, i) ? 1 : i - start;
        }
        return tokens;
    }

    /**
     * Whether {@code text[from, to)} is in the vocabulary: a listed single character, or one
     * to three syllables (the words are exactly those).
     */
    boolean known(CharSequence text, int from, int to) {
        int len = to - from;
        if (len == 1) {
            char c = text.charAt(from);
            return c < 128 && knownChar[c];
        }
        if (len != 2 && len != 4 && len != 6) {
            return false;
        }
        for (int k = from; k < to; k += 2) {
            int a = text.charAt(k) - 'a';
            int b = text.charAt(k + 1) - 'a';
            if (a < 0 || a >= 26 || b < 0 || b >= 26 || !syllable[a * 26 + b]) {
                return false;
            }
        }
        return true;
    }

    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(token(tokens[i]));
        }
        return sb.toString();
    }

    private static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
