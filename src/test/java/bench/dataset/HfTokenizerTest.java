package bench.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static HfTokenizer word;
    static HfTokenizer bpe;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        word = Fixtures.load(Fixtures.WORDLEVEL);
        bpe = Fixtures.load(Fixtures.BYTELEVEL);
    }

    @AfterAll
    static void close() {
        word.close();
        bpe.close();
    }

    // ---------------------------------------------------------------- loading and id

    @Test
    void loadsFromAFileAndIsNamedByTheFile() {
        Path file = Fixtures.tokenizer(Fixtures.WORDLEVEL);
        try (HfTokenizer t = HfTokenizer.load(file)) {
            assertEquals(file.toString(), t.id());
            assertArrayEquals(new int[] {2, 36, 70}, t.encode("kalo mine ruta"));
        }
    }

    @Test
    void loadsFromADirectoryAndIsNamedByTheDirectory() throws IOException {
        Path model = tmp.resolve("my-model");
        Files.createDirectories(model);
        Files.copy(Fixtures.tokenizer(Fixtures.WORDLEVEL), model.resolve("tokenizer.json"));
        try (HfTokenizer t = HfTokenizer.load(model)) {
            assertEquals(model.toString(), t.id());
            assertArrayEquals(new int[] {2, 36, 70}, t.encode("kalo mine ruta"));
        }
        // the tokenizer.json inside a directory is also named by the directory
        try (HfTokenizer t = HfTokenizer.load(model.resolve("tokenizer.json"))) {
            assertEquals(model.toString(), t.id());
        }
    }

    @Test
    void aMissingPathIsABenchExceptionNamingIt() {
        Path missing = tmp.resolve("nope").resolve("tokenizer.json");
        BenchException e = assertThrows(BenchException.class, () -> HfTokenizer.load(missing));
        assertTrue(e.getMessage().contains("no tokenizer.json at " + missing), e.getMessage());
        assertEquals(1, e.exitCode());
    }

    @Test
    void aDirectoryWithoutTokenizerJsonIsABenchException() {
        BenchException e = assertThrows(BenchException.class, () -> HfTokenizer.load(tmp));
        assertTrue(e.getMessage().startsWith("no tokenizer.json at " + tmp), e.getMessage());
        assertTrue(e.getMessage().contains("model directory"), e.getMessage());
    }

    @Test
    void aFileThatIsNotJsonIsABenchException() throws IOException {
        Path bad = Files.writeString(tmp.resolve("tokenizer.json"), "this is { not json");
        BenchException e = assertThrows(BenchException.class, () -> HfTokenizer.load(bad));
        assertEquals(bad + " is not a Hugging Face tokenizer.json: not valid JSON (line 1)", e.getMessage());
    }

    @Test
    void aJsonFileWithoutVocabularyIsABenchException() throws IOException {
        Path bad = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\":{\"type\":\"WordLevel\"}}");
        BenchException e = assertThrows(BenchException.class, () -> HfTokenizer.load(bad));
        assertEquals("tokenizer.json has no model vocabulary", e.getMessage());
    }

    // ---------------------------------------------------------------- encode and decode

    @Test
    void wordLevelEncodesKnownWordsAndUnknownAsUnk() {
        assertArrayEquals(new int[] {2, 36, 70}, word.encode("kalo mine ruta"));
        assertArrayEquals(new int[] {2, 0, 70}, word.encode("kalo hello ruta"));
        assertArrayEquals(new int[0], word.encode(""));
        // no special tokens are added around the text
        assertEquals(1, word.encode("kaka").length);
    }

    @Test
    void wordLevelDecodesWithSpacesAndSkipsUnk() {
        assertEquals("kalo mine ruta", word.decode(new int[] {2, 36, 70}));
        assertEquals("kalo ruta", word.decode(new int[] {2, 0, 70}));
        assertEquals("", word.decode(new int[0]));
    }

    @Test
    void byteLevelRoundTripsAnyText() {
        for (String s : List.of("the cat is on the mat", "and this was with that", "héllo wörld",
                "日本語のテキスト", "emoji 😀 and\ttab\nnewline", "  leading spaces")) {
            int[] ids = bpe.encode(s);
            assertTrue(ids.length > 0, s);
            assertEquals(s, bpe.decode(ids), s);
        }
    }

    @Test
    void byteLevelUsesMerges() throws IOException {
        Map<String, Integer> vocab = vocab(Fixtures.BYTELEVEL);
        // "the" and " the" are merged tokens of the fixture
        assertArrayEquals(new int[] {vocab.get("the"), vocab.get("Ġthe")}, bpe.encode("the the"));
        assertEquals(" with", bpe.decode(new int[] {vocab.get("Ġwith")}));
    }

    // ---------------------------------------------------------------- vocabulary

    @Test
    void vocabIdsExcludeAddedTokens() throws IOException {
        JsonNode wl = JSON.readTree(Fixtures.tokenizer(Fixtures.WORDLEVEL).toFile());
        // [UNK] (id 0) is an added token
        assertArrayEquals(IntStream.rangeClosed(1, 256).toArray(), HfTokenizer.vocabIds(wl));
        JsonNode bl = JSON.readTree(Fixtures.tokenizer(Fixtures.BYTELEVEL).toFile());
        // <|endoftext|> (id 319) is added and not in model.vocab
        assertArrayEquals(IntStream.rangeClosed(0, 318).toArray(), HfTokenizer.vocabIds(bl));
    }

    @Test
    void vocabIdsOfSyntheticTokenizers() throws IOException {
        assertArrayEquals(new int[] {0, 2, 5}, HfTokenizer.vocabIds(JSON.readTree(
                "{\"model\":{\"vocab\":{\"a\":0,\"b\":1,\"c\":2,\"d\":5}},\"added_tokens\":[{\"id\":1}]}")));
        // Unigram: a list of [piece, score]; the added token 0 goes
        assertArrayEquals(new int[] {1, 2}, HfTokenizer.vocabIds(JSON.readTree(
                "{\"model\":{\"vocab\":[[\"<unk>\",0],[\"a\",-1],[\"b\",-2]]},\"added_tokens\":[{\"id\":0}]}")));
        BenchException e = assertThrows(BenchException.class, () -> HfTokenizer.vocabIds(JSON.readTree(
                "{\"model\":{\"vocab\":{\"a\":0}},\"added_tokens\":[{\"id\":0}]}")));
        assertEquals("tokenizer.json has no model vocabulary", e.getMessage());
    }

    @Test
    void wordLevelSamplableIdsAreTheWholeVocabularyWithoutUnk() {
        assertArrayEquals(IntStream.rangeClosed(1, 256).toArray(), word.samplableIds());
    }

    @Test
    void byteLevelSamplableIdsAreExactlyTheTokensThatAreValidUtf8() throws IOException {
        // independent oracle: map each token back to its bytes (GPT-2 byte-to-unicode table) and
        // keep those whose bytes are complete UTF-8
        Map<Integer, Integer> unicodeToByte = unicodeToByte();
        TreeSet<Integer> expected = new TreeSet<>();
        TreeSet<Integer> broken = new TreeSet<>();
        for (Map.Entry<String, Integer> e : vocab(Fixtures.BYTELEVEL).entrySet()) {
            byte[] bytes = new byte[e.getKey().length()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (int) unicodeToByte.get((int) e.getKey().charAt(i));
            }
            (validUtf8(bytes) ? expected : broken).add(e.getValue());
        }
        assertEquals(191, expected.size());
        assertEquals(128, broken.size());

        int[] samplable = bpe.samplableIds();
        assertEquals(new ArrayList<>(expected), Arrays.stream(samplable).boxed().toList());
        assertFalse(Arrays.stream(samplable).anyMatch(id -> id == 319), "added token must not be samplable");
        for (int id : samplable) {
            String text = bpe.decode(new int[] {id});
            assertFalse(text.isEmpty(), "id " + id);
            assertTrue(text.indexOf('\uFFFD') < 0, "id " + id + " decodes to " + text);
        }
        for (int id : broken) {
            assertTrue(bpe.decode(new int[] {id}).indexOf('\uFFFD') >= 0, "id " + id);
        }
    }

    @Test
    void samplableIdsReturnsACopy() {
        int[] a = word.samplableIds();
        a[0] = -7;
        assertEquals(1, word.samplableIds()[0]);
    }

    // ---------------------------------------------------------------- helpers

    static Map<String, Integer> vocab(String fixture) throws IOException {
        JsonNode v = JSON.readTree(Fixtures.tokenizer(fixture).toFile()).path("model").path("vocab");
        Map<String, Integer> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asInt());
        }
        return out;
    }

    /** GPT-2's bytes_to_unicode, inverted. */
    static Map<Integer, Integer> unicodeToByte() {
        List<Integer> bs = new ArrayList<>();
        IntStream.rangeClosed('!', '~').forEach(bs::add);
        IntStream.rangeClosed('¡', '¬').forEach(bs::add);
        IntStream.rangeClosed('®', 'ÿ').forEach(bs::add);
        Map<Integer, Integer> out = new HashMap<>();
        for (int b : bs) {
            out.put(b, b);
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                out.put(256 + n++, b);
            }
        }
        return out;
    }

    static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
