package bench.dataset;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import bench.BenchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Iterator;
import java.util.Map;

/**
 * A local Hugging Face tokenizer ({@code tokenizer.json}, or a model directory holding one),
 * run by the Rust tokenizers library through DJL (native library bundled in its jar).
 */
public final class HfTokenizer implements TokenCodec {
    private final HuggingFaceTokenizer tokenizer;
    private final int[] vocabIds;
    private final String id;
    private int[] samplable;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int[] vocabIds, String id) {
        this.tokenizer = tokenizer;
        this.vocabIds = vocabIds;
        this.id = id;
    }

    /** Loads {@code path}: a tokenizer.json file or a directory containing one. */
    public static HfTokenizer load(Path path) {
        return load(TokenizerLocator.locate(path.toString(), name -> null));
    }

    /** Loads what {@link TokenizerLocator} found. */
    public static HfTokenizer load(TokenizerLocator.Found found) {
        return load(found.file(), found.id());
    }

    private static HfTokenizer load(Path file, String id) {
        int[] vocabIds;
        try {
            vocabIds = vocabIds(new ObjectMapper().readTree(file.toFile()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new BenchException(file + " is not a Hugging Face tokenizer.json: not valid JSON"
                    + (at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ")"), e);
        } catch (IOException e) {
            throw new BenchException("cannot read " + file + ": " + e.getMessage(), e);
        }
        HuggingFaceTokenizer tok;
        try {
            tok = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "false",
                    "truncation", "false",
                    "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new BenchException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
        return new HfTokenizer(tok, vocabIds, id);
    }

    /** Ordinary vocabulary ids: model.vocab minus every added (special) token. */
    static int[] vocabIds(JsonNode root) {
        JsonNode vocab = root.path("model").path("vocab");
        BitSet ids = new BitSet();
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                ids.set(it.next().asInt());
            }
        } else if (vocab.isArray()) {
            // Unigram: a list of [piece, score]
            ids.set(0, vocab.size());
        }
        for (JsonNode added : root.path("added_tokens")) {
            if (added.has("id")) {
                ids.clear(added.get("id").asInt());
            }
        }
        if (ids.isEmpty()) {
            throw new BenchException("tokenizer.json has no model vocabulary");
        }
        return ids.stream().toArray();
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    /**
     * Vocabulary ids minus added tokens, minus those that do not decode to text on their own
     * (a lone piece of a multi-byte character decodes to U+FFFD): random prompts made of such
     * pieces would not survive the decode and re-encode round trip.
     */
    @Override
    public synchronized int[] samplableIds() {
        if (samplable == null) {
            long[][] single = new long[vocabIds.length][];
            for (int i = 0; i < vocabIds.length; i++) {
                single[i] = new long[] {vocabIds[i]};
            }
            String[] texts = tokenizer.batchDecode(single, true);
            int[] clean = new int[vocabIds.length];
            int n = 0;
            for (int i = 0; i < vocabIds.length; i++) {
                String t = texts[i];
                if (!t.isEmpty() && t.indexOf('\uFFFD') < 0) {
                    clean[n++] = vocabIds[i];
                }
            }
            if (n == 0) {
                throw new BenchException("tokenizer " + id + " has no token that decodes to text on its own");
            }
            samplable = java.util.Arrays.copyOf(clean, n);
        }
        return samplable.clone();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
