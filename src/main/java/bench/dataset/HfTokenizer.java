package bench.dataset;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import bench.BenchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
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
    private final int[] samplable;
    private final String id;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int[] samplable, String id) {
        this.tokenizer = tokenizer;
        this.samplable = samplable;
        this.id = id;
    }

    /** Loads {@code path}: a tokenizer.json file or a directory containing one. */
    public static HfTokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new BenchException("no tokenizer.json at " + path
                    + " (give a tokenizer.json file or a model directory containing one)");
        }
        int[] samplable;
        try {
            samplable = samplableIds(new ObjectMapper().readTree(file.toFile()));
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
        Path named = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        String id = named == null || named.getFileName() == null ? file.toString() : named.toString();
        return new HfTokenizer(tok, samplable, id);
    }

    /** Ordinary vocabulary ids: model.vocab minus every added (special) token. */
    static int[] samplableIds(JsonNode root) {
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

    @Override
    public int[] samplableIds() {
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
