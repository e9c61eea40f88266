package bench.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RandomDatasetTest {
    static final int N = 200;
    static final int INPUT = 64;
    static final int OUTPUT = 32;
    static final double RATIO = 0.5;
    static final int PREFIX = 7;

    static HfTokenizer word;
    static HfTokenizer bpe;
    static Map<String, HfTokenizer> codecs;

    @BeforeAll
    static void load() {
        word = Fixtures.load(Fixtures.WORDLEVEL);
        bpe = Fixtures.load(Fixtures.BYTELEVEL);
        codecs = Map.of("wordlevel", word, "bytelevel", bpe);
    }

    @AfterAll
    static void close() {
        word.close();
        bpe.close();
    }

    static Stream<Arguments> tokenizers() {
        return Stream.of(Arguments.of("wordlevel"), Arguments.of("bytelevel"));
    }

    static RandomDataset dataset(String tok, long seed) {
        return new RandomDataset(codecs.get(tok), N, INPUT, OUTPUT, RATIO, PREFIX, seed);
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void everyPromptReEncodesToExactlyItsTokenCount(String tok) {
        TokenCodec codec = codecs.get(tok);
        RandomDataset ds = dataset(tok, 42);
        assertEquals(N, ds.size());
        assertEquals("random", ds.name());
        for (int i = 0; i < N; i++) {
            Sample s = ds.get(i);
            assertEquals(s.promptTokens(), codec.encode(s.prompt()).length, tok + " sample " + i + ": " + s.prompt());
        }
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void lengthsLieInTheRangeAndSpreadOverIt(String tok) {
        RandomDataset ds = dataset(tok, 7);
        int inLow = (int) Math.floor(INPUT * (1 - RATIO));   // 32
        int inHigh = (int) Math.ceil(INPUT * (1 + RATIO));   // 96
        int outLow = (int) Math.floor(OUTPUT * (1 - RATIO)); // 16
        int outHigh = (int) Math.ceil(OUTPUT * (1 + RATIO)); // 48
        int minIn = Integer.MAX_VALUE;
        int maxIn = 0;
        int minOut = Integer.MAX_VALUE;
        int maxOut = 0;
        for (int i = 0; i < N; i++) {
            Sample s = ds.get(i);
            int in = s.promptTokens() - PREFIX;
            assertTrue(in >= inLow && in <= inHigh, "input " + in + " of sample " + i);
            assertTrue(s.outputTokens() >= outLow && s.outputTokens() <= outHigh, "output " + s.outputTokens());
            minIn = Math.min(minIn, in);
            maxIn = Math.max(maxIn, in);
            minOut = Math.min(minOut, s.outputTokens());
            maxOut = Math.max(maxOut, s.outputTokens());
        }
        // 200 uniform draws cover most of the range
        assertTrue(minIn <= inLow + 8 && maxIn >= inHigh - 8, minIn + ".." + maxIn);
        assertTrue(minOut <= outLow + 4 && maxOut >= outHigh - 4, minOut + ".." + maxOut);
    }

    @Test
    void zeroRatioGivesExactLengths() {
        RandomDataset ds = new RandomDataset(bpe, 30, 40, 9, 0.0, 3, 1);
        for (int i = 0; i < ds.size(); i++) {
            Sample s = ds.get(i);
            assertEquals(43, s.promptTokens());
            assertEquals(43, bpe.encode(s.prompt()).length);
            assertEquals(9, s.outputTokens());
        }
    }

    @Test
    void lengthsNeverDropBelowOne() {
        // floor(1 * 0.1) = 0 would be an empty prompt; the low end is clamped to 1
        RandomDataset ds = new RandomDataset(word, 100, 1, 1, 0.9, 0, 3);
        Set<Integer> ins = new HashSet<>();
        for (int i = 0; i < ds.size(); i++) {
            Sample s = ds.get(i);
            assertTrue(s.promptTokens() >= 1 && s.promptTokens() <= 2, "in " + s.promptTokens());
            assertTrue(s.outputTokens() >= 1 && s.outputTokens() <= 2, "out " + s.outputTokens());
            assertEquals(s.promptTokens(), word.encode(s.prompt()).length);
            ins.add(s.promptTokens());
        }
        assertEquals(Set.of(1, 2), ins);
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void deterministicAndIndependentOfOrder(String tok) {
        RandomDataset ds = dataset(tok, 1234);
        Sample first = ds.get(5);
        for (int i = N - 1; i >= 0; i--) {
            ds.get(i);
        }
        assertEquals(first, ds.get(5));
        RandomDataset fresh = dataset(tok, 1234);
        assertEquals(first, fresh.get(5));
        // the whole list in reverse order equals the list in order
        List<Sample> forward = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            forward.add(fresh.get(i));
        }
        RandomDataset other = dataset(tok, 1234);
        for (int i = 19; i >= 0; i--) {
            assertEquals(forward.get(i), other.get(i), "sample " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void differentSeedsDiffer(String tok) {
        RandomDataset a = dataset(tok, 1);
        RandomDataset b = dataset(tok, 2);
        int same = 0;
        for (int i = 0; i < 20; i++) {
            if (a.get(i).prompt().equals(b.get(i).prompt())) {
                same++;
            }
        }
        assertEquals(0, same);
        // and different indices of one seed differ too
        assertNotEquals(a.get(0).prompt(), a.get(1).prompt());
    }

    @Test
    void wordLevelPromptsShareTheirFirstSevenWords() {
        RandomDataset ds = dataset("wordlevel", 99);
        List<String> prefix = null;
        Set<List<String>> eighth = new HashSet<>();
        for (int i = 0; i < N; i++) {
            List<String> words = Arrays.asList(ds.get(i).prompt().split(" "));
            assertTrue(words.size() >= PREFIX + 32, "sample " + i);
            if (prefix == null) {
                prefix = words.subList(0, PREFIX);
            }
            assertEquals(prefix, words.subList(0, PREFIX), "sample " + i);
            eighth.add(words.subList(0, PREFIX + 1));
        }
        // ... and only those: the words after the prefix vary
        assertTrue(eighth.size() > 50, "distinct 8-word starts: " + eighth.size());
        // the prefix depends on the seed
        assertNotEquals(prefix, Arrays.asList(dataset("wordlevel", 100).get(0).prompt().split(" ")).subList(0, PREFIX));
    }

    @Test
    void withoutPrefixTheFirstWordsVary() {
        RandomDataset ds = new RandomDataset(word, 50, INPUT, OUTPUT, RATIO, 0, 99);
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < ds.size(); i++) {
            firsts.add(ds.get(i).prompt().split(" ")[0]);
        }
        assertTrue(firsts.size() > 20, "distinct first words: " + firsts.size());
    }

    @Test
    void byteLevelPromptsShareTheirStart() {
        RandomDataset ds = dataset("bytelevel", 99);
        String common = ds.get(0).prompt();
        for (int i = 1; i < N; i++) {
            String p = ds.get(i).prompt();
            int k = 0;
            while (k < common.length() && k < p.length() && common.charAt(k) == p.charAt(k)) {
                k++;
            }
            common = common.substring(0, k);
        }
        // the shared text is about the 7 prefix tokens (merges at its end may vary)
        int tokens = bpe.encode(common).length;
        assertTrue(tokens >= PREFIX - 2 && tokens <= PREFIX + 1, "common start '" + common + "' is " + tokens + " tokens");
    }

    @Test
    void outOfRangeIndexThrows() {
        RandomDataset ds = new RandomDataset(word, 3, 4, 4, 0, 0, 1);
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(3));
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(-1));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
    void badRangeRatioIsRejected(double ratio) {
        BenchException e = assertThrows(BenchException.class, () -> new RandomDataset(word, 1, 8, 8, ratio, 0, 1));
        assertEquals("--random-range-ratio must be in [0, 1)", e.getMessage());
    }

    @Test
    void badLengthsAreRejected() {
        assertEquals("--input-len must be >= 1", assertThrows(BenchException.class,
                () -> new RandomDataset(word, 1, 0, 8, 0, 0, 1)).getMessage());
        assertEquals("--output-len must be >= 1", assertThrows(BenchException.class,
                () -> new RandomDataset(word, 1, 8, 0, 0, 0, 1)).getMessage());
        assertEquals("--random-prefix-len must be >= 0", assertThrows(BenchException.class,
                () -> new RandomDataset(word, 1, 8, 8, 0, -1, 1)).getMessage());
        assertEquals("--num-prompts must be >= 0", assertThrows(BenchException.class,
                () -> new RandomDataset(word, -1, 8, 8, 0, 0, 1)).getMessage());
    }

    @Test
    void aCodecWithNothingToSampleIsRejected() {
        TokenCodec empty = new TokenCodec() {
            @Override
            public int[] encode(String text) {
                return new int[0];
            }

            @Override
            public String decode(int[] ids) {
                return "";
            }

            @Override
            public int[] samplableIds() {
                return new int[0];
            }

            @Override
            public String id() {
                return "empty";
            }
        };
        BenchException e = assertThrows(BenchException.class, () -> new RandomDataset(empty, 1, 8, 8, 0, 0, 1));
        assertTrue(e.getMessage().contains("no ordinary tokens"), e.getMessage());
    }

    @Test
    void aRoundTripThatNeverConvergesIsABenchException() {
        // encode always yields one token more than the decoded ids: no text has the drawn length
        TokenCodec growing = new TokenCodec() {
            @Override
            public int[] encode(String text) {
                return new int[text.isEmpty() ? 1 : text.split(" ").length + 1];
            }

            @Override
            public String decode(int[] ids) {
                return String.join(" ", Arrays.stream(ids).mapToObj(i -> "w" + i).toList());
            }

            @Override
            public int[] samplableIds() {
                return new int[] {1, 2, 3};
            }

            @Override
            public String id() {
                return "growing";
            }
        };
        RandomDataset ds = new RandomDataset(growing, 1, 5, 1, 0, 0, 1);
        BenchException e = assertThrows(BenchException.class, () -> ds.get(0));
        assertEquals("could not build a prompt of exactly 5 tokens with tokenizer growing after "
                + RandomDataset.MAX_ATTEMPTS + " attempts", e.getMessage());
    }
}
