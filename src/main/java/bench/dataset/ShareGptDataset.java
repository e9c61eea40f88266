package bench.dataset;

import bench.BenchException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * ShareGPT conversations from a local JSON file (a list of {@code {"conversations": [{"from",
 * "value"}, ...]}}), as {@code vllm bench serve --dataset-name sharegpt}: the first turn is
 * the prompt, the second's length is the output length (unless fixed), shuffled with the
 * seed (unless in file order, {@code --disable-shuffle}), and pairs that are too short (< 4 tokens) or too long (prompt > 1024, total > 2048)
 * are skipped.
 */
public final class ShareGptDataset {
    static final int MIN_LEN = 4;
    static final int MAX_PROMPT_LEN = 1024;
    static final int MAX_TOTAL_LEN = 2048;

    private ShareGptDataset() {}

    /** A conversation's first two turns. */
    record Pair(String prompt, String completion) {}

    public static SampleSource load(Path file, TokenCodec codec, int numPrompts, Integer fixedOutputLen, long seed) {
        return load(file, codec, numPrompts, fixedOutputLen, seed, true, false);
    }

    /**
     * @param shuffle    shuffled with the seed (vLLM's default), else in file order
     * @param oversample when fewer conversations are usable than {@code numPrompts}, repeat them
     *                   (vLLM's default), else that is an error (--no-oversample)
     */
    public static SampleSource load(Path file, TokenCodec codec, int numPrompts, Integer fixedOutputLen, long seed,
            boolean shuffle, boolean oversample) {
        List<Pair> pairs = readPairs(file);
        if (shuffle) {
            Collections.shuffle(pairs, new Random(seed));
        }
        List<Sample> samples = new ArrayList<>();
        for (Pair pair : pairs) {
            if (samples.size() == numPrompts) {
                break;
            }
            int promptLen = codec.encode(pair.prompt()).length;
            int outputLen = fixedOutputLen != null ? fixedOutputLen : codec.encode(pair.completion()).length;
            if (!valid(promptLen, outputLen, fixedOutputLen != null)) {
                continue;
            }
            samples.add(new Sample(pair.prompt(), promptLen, outputLen));
        }
        if (samples.size() < numPrompts && oversample && !samples.isEmpty()) {
            int usable = samples.size();
            for (int i = usable; i < numPrompts; i++) {
                samples.add(samples.get(i % usable));
            }
        }
        if (samples.size() < numPrompts) {
            throw new BenchException(file + " has only " + samples.size() + " usable conversations; "
                    + numPrompts + " requested");
        }
        return new ListSource("sharegpt", samples);
    }

    static boolean valid(int promptLen, int outputLen, boolean outputFixed) {
        if (promptLen < MIN_LEN || (!outputFixed && outputLen < MIN_LEN)) {
            return false;
        }
        return promptLen <= MAX_PROMPT_LEN && promptLen + outputLen <= MAX_TOTAL_LEN;
    }

    static List<Pair> readPairs(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BenchException("dataset file not found: " + file);
        }
        ObjectMapper mapper = new ObjectMapper();
        List<Pair> pairs = new ArrayList<>();
        try (JsonParser parser = mapper.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new BenchException(file + " is not a ShareGPT file: expected a JSON list of conversations");
            }
            for (JsonToken t = parser.nextToken(); t != null && t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    parser.skipChildren(); // not a conversation (null, string, list): skip it, keep reading
                    continue;
                }
                JsonNode entry = mapper.readTree(parser);
                JsonNode turns = entry.has("conversations") ? entry.get("conversations") : entry.get("conversation");
                if (turns == null || !turns.isArray() || turns.size() < 2) {
                    continue;
                }
                String prompt = turns.get(0).path("value").asText(null);
                String completion = turns.get(1).path("value").asText(null);
                if (prompt != null && completion != null) {
                    pairs.add(new Pair(prompt, completion));
                }
            }
        } catch (IOException e) {
            throw new BenchException("cannot read ShareGPT file " + file + ": " + oneLine(e.getMessage()), e);
        }
        return pairs;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
