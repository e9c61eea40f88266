package bench.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Exact prompt lengths with a real tokenizer (Qwen3, byte-level BPE with 151k tokens). Runs only
 * where the tokenizer is on disk: the system property or environment variable
 * {@code BENCH_QWEN_TOKENIZER}, else /tmp/qwen/package/models/tokenizer.json. Nothing is downloaded.
 */
class QwenTokenizerTest {
    static final String DEFAULT = "/tmp/qwen/package/models/tokenizer.json";

    static Path qwenTokenizer() {
        for (String p : new String[] {System.getProperty("BENCH_QWEN_TOKENIZER"), System.getenv("BENCH_QWEN_TOKENIZER"),
                DEFAULT}) {
            if (p != null && !p.isBlank() && Files.exists(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    @Test
    void fiftyRandomPromptsOf512TokensAreExactlyThatLong() {
        Path path = qwenTokenizer();
        Assumptions.assumeTrue(path != null, "no Qwen3 tokenizer.json: set BENCH_QWEN_TOKENIZER or put one at "
                + DEFAULT);
        try (HfTokenizer qwen = HfTokenizer.load(path)) {
            int[] samplable = qwen.samplableIds();
            assertTrue(samplable.length > 100_000, "samplable ids: " + samplable.length);
            // Qwen's special tokens (<|endoftext|> = 151643 and up) are added tokens, never sampled
            assertFalse(Arrays.stream(samplable).anyMatch(id -> id >= 151643));

            RandomDataset ds = new RandomDataset(qwen, 50, 512, 128, 0.0, 0, 2024);
            Set<String> prompts = new HashSet<>();
            for (int i = 0; i < ds.size(); i++) {
                Sample s = ds.get(i);
                assertEquals(512, s.promptTokens());
                assertEquals(512, qwen.encode(s.prompt()).length, "sample " + i);
                assertEquals(128, s.outputTokens());
                prompts.add(s.prompt());
            }
            assertEquals(50, prompts.size());

            // with a range and a shared prefix too
            RandomDataset ranged = new RandomDataset(qwen, 20, 512, 128, 0.25, 16, 7);
            for (int i = 0; i < ranged.size(); i++) {
                Sample s = ranged.get(i);
                assertTrue(s.promptTokens() >= 16 + 384 && s.promptTokens() <= 16 + 640, "len " + s.promptTokens());
                assertEquals(s.promptTokens(), qwen.encode(s.prompt()).length, "ranged sample " + i);
            }
        }
    }
}
