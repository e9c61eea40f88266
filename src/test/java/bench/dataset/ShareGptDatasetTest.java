package bench.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareGptDatasetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ru", "ta", "zo", "vi", "pe", "su", "da", "fi", "go", "hu", "ja", "be"};
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

    /** {@code n} fixture words (one token each) starting at vocabulary word {@code start}. */
    static String words(int n, int start) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int w = (start + i) % 256;
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(SYLLABLES[w / 16]).append(SYLLABLES[w % 16]);
        }
        String s = sb.toString();
        assertEquals(n, word.encode(s).length, "fixture words must be single tokens");
        return s;
    }

    /** A conversation under {@code key} with the given turns. */
    static ObjectNode conversation(ArrayNode list, String id, String key, String... turns) {
        ObjectNode o = list.addObject();
        o.put("id", id);
        ArrayNode t = o.putArray(key);
        for (int i = 0; i < turns.length; i++) {
            ObjectNode turn = t.addObject();
            turn.put("from", i % 2 == 0 ? "human" : "gpt");
            turn.put("value", turns[i]);
        }
        return o;
    }

    record Conv(String prompt, int promptLen, int completionLen) {}

    /** Builds the test file; {@code expected} gets each two-turn conversation by id. */
    Path shareGpt(Map<String, Conv> expected) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        int[][] pairs = {
            {10, 20}, // ok
            {4, 4}, // ok: both at the minimum
            {3, 50}, // prompt too short
            {10, 3}, // completion too short (fine with a fixed output length)
            {1025, 10}, // prompt too long
            {1024, 1024}, // ok: total exactly 2048
            {1024, 1025}, // total too long (fine with a small fixed output length)
            {1000, 30}, // ok
            {7, 9}, // ok
        };
        int start = 0;
        for (int i = 0; i < pairs.length; i++) {
            String prompt = words(pairs[i][0], start++);
            conversation(list, "c" + i, "conversations", prompt, words(pairs[i][1], 100));
            expected.put("c" + i, new Conv(prompt, pairs[i][0], pairs[i][1]));
        }
        // the "conversation" key variant, with a third turn that is ignored
        String variant = words(6, start++);
        conversation(list, "variant", "conversation", variant, words(5, 7), words(900, 0));
        expected.put("variant", new Conv(variant, 6, 5));
        // unknown words are one [UNK] token each
        String unknown = "hello world foo bar baz";
        conversation(list, "unk", "conversations", unknown, "some answer of five");
        expected.put("unk", new Conv(unknown, 5, 4));
        // not usable at all: one turn, no turns, wrong type, missing value
        conversation(list, "one-turn", "conversations", words(30, 3));
        conversation(list, "no-turns", "conversations");
        list.addObject().put("id", "no-key");
        list.addObject().put("conversations", "not a list");
        ObjectNode noValue = list.addObject();
        noValue.putArray("conversations").addObject().put("from", "human");
        ((ArrayNode) noValue.get("conversations")).addObject().put("from", "gpt").put("value", words(10, 0));
        Path file = tmp.resolve("sharegpt.json");
        JSON.writeValue(file.toFile(), list);
        return file;
    }

    static List<String> prompts(SampleSource s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.get(i).prompt());
        }
        return out;
    }

    @Test
    void keepsExactlyTheConversationsWithinTheLengthRules() throws IOException {
        Map<String, Conv> all = new HashMap<>();
        Path file = shareGpt(all);
        List<String> valid = List.of("c0", "c1", "c5", "c7", "c8", "variant", "unk");
        SampleSource s = ShareGptDataset.load(file, word, valid.size(), null, 1);
        assertEquals("sharegpt", s.name());
        assertEquals(valid.size(), s.size());
        Map<String, Sample> byPrompt = new HashMap<>();
        for (int i = 0; i < s.size(); i++) {
            byPrompt.put(s.get(i).prompt(), s.get(i));
        }
        for (String id : valid) {
            Conv c = all.get(id);
            Sample got = byPrompt.get(c.prompt());
            assertTrue(got != null, id + " is missing");
            assertEquals(c.promptLen(), got.promptTokens(), id);
            assertEquals(c.completionLen(), got.outputTokens(), id);
        }
        BenchException e = assertThrows(BenchException.class,
                () -> ShareGptDataset.load(file, word, valid.size() + 1, null, 1));
        assertEquals(file + " has only 7 usable conversations; 8 requested", e.getMessage());
    }

    @Test
    void aFixedOutputLengthOnlyKeepsThePromptMinimum() throws IOException {
        Map<String, Conv> all = new HashMap<>();
        Path file = shareGpt(all);
        // c3 (completion of 3) and c6 (1024 + 100 <= 2048) become usable; c2 and c4 stay out
        List<String> valid = List.of("c0", "c1", "c3", "c5", "c6", "c7", "c8", "variant", "unk");
        SampleSource s = ShareGptDataset.load(file, word, valid.size(), 100, 1);
        Set<String> expected = new HashSet<>();
        valid.forEach(id -> expected.add(all.get(id).prompt()));
        assertEquals(expected, new HashSet<>(prompts(s)));
        for (int i = 0; i < s.size(); i++) {
            assertEquals(100, s.get(i).outputTokens());
        }
        BenchException e = assertThrows(BenchException.class,
                () -> ShareGptDataset.load(file, word, valid.size() + 1, 100, 1));
        assertEquals(file + " has only 9 usable conversations; 10 requested", e.getMessage());
    }

    @Test
    void aFixedOutputLengthStillCountsTowardsTheTotal() throws IOException {
        Map<String, Conv> all = new HashMap<>();
        Path file = shareGpt(all);
        // 1024 + 1024 = 2048 is the limit, 1024 + 1025 is over it, whatever the completion
        Set<String> at = new HashSet<>(prompts(ShareGptDataset.load(file, word, 9, 1024, 3)));
        assertTrue(at.contains(all.get("c5").prompt()) && at.contains(all.get("c6").prompt()));
        Set<String> over = new HashSet<>(prompts(ShareGptDataset.load(file, word, 7, 1025, 3)));
        assertEquals(file + " has only 7 usable conversations; 8 requested", assertThrows(BenchException.class,
                () -> ShareGptDataset.load(file, word, 8, 1025, 3)).getMessage());
        assertTrue(!over.contains(all.get("c5").prompt()) && !over.contains(all.get("c6").prompt()));
        // 1000 + 1025 fits
        assertTrue(over.contains(all.get("c7").prompt()));
    }

    @Test
    void theShuffleIsSeededAndTheFirstUsableOnesAreTaken() throws IOException {
        ArrayNode list = JSON.createArrayNode();
        for (int i = 0; i < 30; i++) {
            conversation(list, "x" + i, "conversations", words(5 + i, i * 5), words(4 + i, 0));
            conversation(list, "short" + i, "conversations", words(2, i), words(10, 0)); // never usable
        }
        Path file = tmp.resolve("many.json");
        JSON.writeValue(file.toFile(), list);

        List<String> a = prompts(ShareGptDataset.load(file, word, 30, null, 42));
        List<String> again = prompts(ShareGptDataset.load(file, word, 30, null, 42));
        List<String> b = prompts(ShareGptDataset.load(file, word, 30, null, 43));
        assertEquals(a, again);
        assertNotEquals(a, b);
        assertEquals(new HashSet<>(a), new HashSet<>(b));
        assertEquals(30, new HashSet<>(a).size());
        // shuffled: not the file order
        List<String> fileOrder = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            fileOrder.add(words(5 + i, i * 5));
        }
        assertNotEquals(fileOrder, a);
        // vLLM oversamples: 35 requests from 30 usable conversations repeat the first 5
        List<String> over = prompts(ShareGptDataset.load(file, word, 35, null, 42, true, true));
        assertEquals(a, over.subList(0, 30));
        assertEquals(a.subList(0, 5), over.subList(30, 35));
        assertEquals(file + " has only 30 usable conversations; 35 requested",
                assertThrows(BenchException.class, () -> ShareGptDataset.load(file, word, 35, null, 42, true, false))
                        .getMessage());
        // --disable-shuffle: the file's order, whatever the seed
        assertEquals(fileOrder, prompts(ShareGptDataset.load(file, word, 30, null, 42, false, false)));
        assertEquals(fileOrder.subList(0, 10), prompts(ShareGptDataset.load(file, word, 10, null, 7, false, false)));
        // fewer prompts are the first ones of the same shuffle
        assertEquals(a.subList(0, 10), prompts(ShareGptDataset.load(file, word, 10, null, 42)));
        assertEquals(0, ShareGptDataset.load(file, word, 0, null, 42).size());
    }

    @Test
    void aFileThatIsNotAListIsRejected() throws IOException {
        Path file = Files.writeString(tmp.resolve("object.json"), "{\"conversations\": []}");
        BenchException e = assertThrows(BenchException.class, () -> ShareGptDataset.load(file, word, 1, null, 0));
        assertEquals(file + " is not a ShareGPT file: expected a JSON list of conversations", e.getMessage());
    }

    @Test
    void brokenJsonAndMissingFilesAreRejected() throws IOException {
        Path broken = Files.writeString(tmp.resolve("broken.json"),
                "[{\"conversations\": [{\"from\": \"human\", \"value\": \"kalo\"},\n oops");
        BenchException e = assertThrows(BenchException.class, () -> ShareGptDataset.load(broken, word, 1, null, 0));
        assertTrue(e.getMessage().startsWith("cannot read ShareGPT file " + broken + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());

        Path missing = tmp.resolve("missing.json");
        e = assertThrows(BenchException.class, () -> ShareGptDataset.load(missing, word, 1, null, 0));
        assertEquals("dataset file not found: " + missing, e.getMessage());
    }

    @Test
    void anEmptyListHasNoUsableConversations() throws IOException {
        Path file = Files.writeString(tmp.resolve("empty.json"), "[]");
        BenchException e = assertThrows(BenchException.class, () -> ShareGptDataset.load(file, word, 2, null, 0));
        assertEquals(file + " has only 0 usable conversations; 2 requested", e.getMessage());
    }

    @Test
    void validityRules() {
        assertTrue(ShareGptDataset.valid(4, 4, false));
        assertTrue(!ShareGptDataset.valid(3, 4, false));
        assertTrue(!ShareGptDataset.valid(4, 3, false));
        assertTrue(ShareGptDataset.valid(4, 1, true));
        assertTrue(!ShareGptDataset.valid(3, 100, true));
        assertTrue(ShareGptDataset.valid(1024, 1024, false));
        assertTrue(!ShareGptDataset.valid(1025, 4, false));
        assertTrue(!ShareGptDataset.valid(1024, 1025, false));
        assertTrue(!ShareGptDataset.valid(1024, 1025, true));
    }

    @Test
    void entriesThatAreNotObjectsAreSkippedNotTheEndOfTheList() throws IOException {
        String a = words(5, 0);
        String b = words(6, 10);
        String c = words(7, 20);
        String turns = "[{\"from\":\"human\",\"value\":\"%s\"},{\"from\":\"gpt\",\"value\":\"%s\"}]";
        Path file = Files.writeString(tmp.resolve("mixed.json"), "["
                + "{\"conversations\":" + turns.formatted(a, words(4, 0)) + "},"
                + "null, \"junk\", 17, [1, [2]],"
                + "{\"conversations\":" + turns.formatted(b, words(4, 0)) + "},"
                + "[],"
                + "{\"conversations\":" + turns.formatted(c, words(4, 0)) + "}]");
        SampleSource s = ShareGptDataset.load(file, word, 3, null, 5);
        assertEquals(Set.of(a, b, c), new HashSet<>(prompts(s)));
    }
}
