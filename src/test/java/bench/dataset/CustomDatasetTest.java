package bench.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bench.BenchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CustomDatasetTest {
    static HfTokenizer word;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        word = Fixtures.load(Fixtures.WORDLEVEL);
    }

    @AfterAll
    static void close() {
        word.close();
    }

    Path jsonl(String... lines) throws IOException {
        return Files.writeString(tmp.resolve("prompts.jsonl"), String.join("\n", lines) + "\n");
    }

    @Test
    void readsPromptsAndTheirOutputLengthsInOrder() throws IOException {
        Path f = jsonl(
                "{\"prompt\": \"kalo mine\", \"output_len\": 5}",
                "{\"prompt\": \"ruta\", \"output_tokens\": 6}",
                "{\"prompt\": \"héllo wörld\", \"max_tokens\": 7}",
                "{\"prompt\": \"no length\"}",
                "{\"prompt\": \"all three\", \"max_tokens\": 3, \"output_tokens\": 2, \"output_len\": 1}");
        SampleSource s = CustomDataset.load(f, null, 5, 99);
        assertEquals("custom", s.name());
        assertEquals(5, s.size());
        assertEquals(new Sample("kalo mine", -1, 5), s.get(0));
        assertEquals(new Sample("ruta", -1, 6), s.get(1));
        assertEquals(new Sample("héllo wörld", -1, 7), s.get(2));
        assertEquals(new Sample("no length", -1, 99), s.get(3));
        // output_len wins over output_tokens, which wins over max_tokens
        assertEquals(new Sample("all three", -1, 1), s.get(4));
    }

    @Test
    void countsPromptTokensWithACodec() throws IOException {
        Path f = jsonl("{\"prompt\": \"kalo mine ruta\"}", "{\"prompt\": \"kalo unknownword\", \"output_len\": 2}");
        SampleSource s = CustomDataset.load(f, word, 2, 10);
        assertEquals(new Sample("kalo mine ruta", 3, 10), s.get(0));
        assertEquals(new Sample("kalo unknownword", 2, 2), s.get(1));
    }

    @Test
    void aRepeatedRowIsTokenizedOnceHoweverManyPromptsReuseIt() throws IOException {
        Path f = jsonl("{\"prompt\": \"kalo mine ruta\"}", "{\"prompt\": \"kalo\"}");
        int[] calls = {0};
        TokenCodec counting = new TokenCodec() {
            @Override
            public int[] encode(String text) {
                calls[0]++;
                return word.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                return word.decode(ids);
            }

            @Override
            public int[] samplableIds() {
                return word.samplableIds();
            }

            @Override
            public String id() {
                return word.id();
            }
        };
        SampleSource s = CustomDataset.load(f, counting, 1000, 4);
        assertEquals(2, calls[0], "one server round trip per distinct row, not per prompt");
        for (int i = 0; i < 1000; i++) {
            assertEquals(i % 2 == 0 ? 3 : 1, s.get(i).promptTokens(), "sample " + i);
        }
    }

    @Test
    void cyclesWhenTheFileHasFewerLinesAndStopsAtN() throws IOException {
        Path f = jsonl("{\"prompt\": \"a\", \"output_len\": 1}", "{\"prompt\": \"b\", \"output_len\": 2}",
                "{\"prompt\": \"c\", \"output_len\": 3}");
        SampleSource s = CustomDataset.load(f, null, 7, 9);
        assertEquals(7, s.size());
        String[] expected = {"a", "b", "c", "a", "b", "c", "a"};
        for (int i = 0; i < 7; i++) {
            assertEquals(expected[i], s.get(i).prompt(), "sample " + i);
            assertEquals(i % 3 + 1, s.get(i).outputTokens(), "sample " + i);
        }
        SampleSource two = CustomDataset.load(f, null, 2, 9);
        assertEquals(2, two.size());
        assertEquals("b", two.get(1).prompt());
    }

    /** vLLM's custom dataset: shuffled with the seed, a given output length for every line, no oversampling on demand. */
    @Test
    void asVllmShuffledForcedLengthsAndNoOversample() throws IOException {
        StringBuilder lines = new StringBuilder();
        List<String> fileOrder = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.append("{\"prompt\": \"p").append(i).append("\", \"output_len\": ").append(i + 1).append("}\n");
            fileOrder.add("p" + i);
        }
        Path f = Files.writeString(tmp.resolve("many.jsonl"), lines.toString());
        SampleSource shuffled = CustomDataset.load(f, null, 20, 7, false, 42L, true);
        SampleSource again = CustomDataset.load(f, null, 20, 7, false, 42L, true);
        List<String> order = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            order.add(shuffled.get(i).prompt());
            assertEquals(again.get(i), shuffled.get(i), "seeded");
            // without a forced length, each line keeps its own
            assertEquals(Integer.parseInt(shuffled.get(i).prompt().substring(1)) + 1, shuffled.get(i).outputTokens());
        }
        assertNotEquals(fileOrder, order);
        assertEquals(new java.util.HashSet<>(fileOrder), new java.util.HashSet<>(order));
        // file order without a seed; a forced length for every line
        SampleSource forced = CustomDataset.load(f, null, 20, 7, true, null, true);
        for (int i = 0; i < 20; i++) {
            assertEquals(new Sample("p" + i, -1, 7), forced.get(i));
        }
        BenchException e = assertThrows(BenchException.class,
                () -> CustomDataset.load(f, null, 21, 7, false, null, false));
        assertEquals(f + " has only 20 prompts; 21 requested (--no-oversample: lower --num-prompts, or leave it out "
                + "to repeat prompts)", e.getMessage());
        assertEquals(21, CustomDataset.load(f, null, 21, 7, false, null, true).size());
    }

    @Test
    void blankLinesAreSkipped() throws IOException {
        Path f = Files.writeString(tmp.resolve("blank.jsonl"),
                "\n{\"prompt\": \"a\"}\n   \n\t\n{\"prompt\": \"b\"}\n\n");
        SampleSource s = CustomDataset.load(f, null, 3, 4);
        assertEquals("a", s.get(0).prompt());
        assertEquals("b", s.get(1).prompt());
        assertEquals("a", s.get(2).prompt());
    }

    @Test
    void badJsonNamesFileAndLine() throws IOException {
        Path f = jsonl("{\"prompt\": \"a\"}", "", "{\"prompt\": oops}");
        BenchException e = assertThrows(BenchException.class, () -> CustomDataset.load(f, null, 1, 4));
        assertEquals(f + ":3: not a JSON object", e.getMessage());
    }

    @Test
    void aMissingOrNonStringPromptNamesFileAndLine() throws IOException {
        Path f = jsonl("{\"prompt\": \"a\"}", "{\"text\": \"b\"}");
        BenchException e = assertThrows(BenchException.class, () -> CustomDataset.load(f, null, 1, 4));
        assertEquals(f + ":2: missing string field \"prompt\"", e.getMessage());

        Path g = jsonl("{\"prompt\": 12}");
        e = assertThrows(BenchException.class, () -> CustomDataset.load(g, null, 1, 4));
        assertEquals(g + ":1: missing string field \"prompt\"", e.getMessage());

        Path h = jsonl("[\"a list\"]");
        e = assertThrows(BenchException.class, () -> CustomDataset.load(h, null, 1, 4));
        assertEquals(h + ":1: missing string field \"prompt\"", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "2.5", "\"12\"", "null", "true", "3000000000"})
    void aBadOutputLengthNamesFileLineAndField(String value) throws IOException {
        Path f = jsonl("{\"prompt\": \"a\", \"output_len\": 4}", "{\"prompt\": \"b\", \"output_len\": " + value + "}");
        BenchException e = assertThrows(BenchException.class, () -> CustomDataset.load(f, null, 1, 4));
        assertEquals(f + ":2: output_len must be a positive integer", e.getMessage());

        Path g = jsonl("{\"prompt\": \"b\", \"max_tokens\": " + value + "}");
        e = assertThrows(BenchException.class, () -> CustomDataset.load(g, null, 1, 4));
        assertEquals(g + ":1: max_tokens must be a positive integer", e.getMessage());
    }

    @Test
    void anEmptyOrMissingFileIsRejected() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "\n\n");
        BenchException e = assertThrows(BenchException.class, () -> CustomDataset.load(empty, null, 1, 4));
        assertEquals(empty + " holds no prompts", e.getMessage());

        Path missing = tmp.resolve("missing.jsonl");
        e = assertThrows(BenchException.class, () -> CustomDataset.load(missing, null, 1, 4));
        assertEquals("dataset file not found: " + missing, e.getMessage());
    }
}
