package bench.dataset;

import bench.BenchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompts from a JSONL file, one {@code {"prompt": "...", "output_len": N}} per line
 * ({@code output_tokens} and {@code max_tokens} are accepted for the length too; without
 * one, the default output length applies). Lines are used in order, repeated when the file
 * has fewer than --num-prompts. Prompt lengths come from the tokenizer when there is one.
 */
public final class CustomDataset {
    private CustomDataset() {}

    public static SampleSource load(Path file, TokenCodec codecOrNull, int numPrompts, int defaultOutputLen) {
        return load(file, codecOrNull, numPrompts, defaultOutputLen, false, null, true);
    }

    /**
     * As {@code vllm bench serve --dataset-name custom}.
     *
     * @param forceOutputLen every line gets {@code outputLen} (--output-len or --custom-output-len
     *                       given), whatever its own; else only lines without one
     * @param shuffleSeed    lines shuffled with this seed (vLLM's default), or null for file order
     *                       (--disable-shuffle)
     * @param oversample     repeat lines when the file has fewer than {@code numPrompts}; else that
     *                       is an error (--no-oversample)
     */
    public static SampleSource load(Path file, TokenCodec codecOrNull, int numPrompts, int outputLen,
            boolean forceOutputLen, Long shuffleSeed, boolean oversample) {
        int defaultOutputLen = outputLen;
        if (!Files.isRegularFile(file)) {
            throw new BenchException("dataset file not found: " + file);
        }
        ObjectMapper mapper = new ObjectMapper();
        List<Sample> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row;
                try {
                    row = mapper.readTree(line);
                } catch (IOException e) {
                    throw new BenchException(file + ":" + lineNo + ": not a JSON object");
                }
                if (!row.path("prompt").isTextual()) {
                    throw new BenchException(file + ":" + lineNo + ": missing string field \"prompt\"");
                }
                rows.add(new Sample(row.get("prompt").asText(), -1, outputLen(row, defaultOutputLen, file, lineNo)));
            }
        } catch (IOException e) {
            throw new BenchException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new BenchException(file + " holds no prompts");
        }
        if (!oversample && rows.size() < numPrompts) {
            throw new BenchException(file + " has only " + rows.size() + " prompts; " + numPrompts
                    + " requested (--no-oversample: lower --num-prompts, or leave it out to repeat prompts)");
        }
        if (forceOutputLen) {
            rows.replaceAll(r -> new Sample(r.prompt(), r.promptTokens(), outputLen));
        }
        if (shuffleSeed != null) {
            java.util.Collections.shuffle(rows, new java.util.Random(shuffleSeed));
        }
        List<Sample> samples = new ArrayList<>(numPrompts);
        // rows repeat when --num-prompts exceeds the file: each distinct row is tokenized once
        int[] lengths = new int[rows.size()];
        java.util.Arrays.fill(lengths, Integer.MIN_VALUE);
        for (int i = 0; i < numPrompts; i++) {
            int r = i % rows.size();
            Sample row = rows.get(r);
            if (lengths[r] == Integer.MIN_VALUE) {
                lengths[r] = codecOrNull == null ? -1 : codecOrNull.encode(row.prompt()).length;
            }
            samples.add(new Sample(row.prompt(), lengths[r], row.outputTokens()));
        }
        return new ListSource("custom", samples);
    }

    private static int outputLen(JsonNode row, int defaultOutputLen, Path file, int lineNo) {
        for (String field : new String[] {"output_len", "output_tokens", "max_tokens"}) {
            if (row.has(field)) {
                JsonNode v = row.get(field);
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
                    throw new BenchException(file + ":" + lineNo + ": " + field + " must be a positive integer");
                }
                return v.asInt();
            }
        }
        return defaultOutputLen;
    }
}
